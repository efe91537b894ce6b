//! The OpenAPI 3.1 description of the API, served at `GET /api/openapi.json`.
//!
//! Every operation is described by a `#[utoipa::path]` attribute on its handler and every
//! body by `ToSchema` on the type the handler really (de)serializes, so the document moves
//! with the code. Endpoints are listed once, in `api()` in `src/api/mod.rs`: each
//! `routes!(...)` there reads the handlers' attributes and registers both the axum route
//! and the operation (with the schemas it names), so the router and the document cannot
//! disagree. `ApiDoc` here is only the starting document they are added to: the info, the
//! tags, and what has no Rust type of its own: the error responses (one per status, all
//! `{"error":{"code","message"}}`) and the security schemes. `tests/api/openapi.rs` checks
//! that every API route, including any registered outside that list, is documented.
//!
//! Schema names are global and a second type with the same name silently replaces the
//! first, so request types with common names (`CreateBody`) carry `#[schema(as = ...)]`.

use std::sync::OnceLock;

use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use serde::Serialize;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, HeaderBuilder, Ref, RefOr, ResponseBuilder};
use utoipa::{IntoParams, Modify, OpenApi, ToSchema};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Briefly",
        description = "Self-hosted async video updates. Errors are always \
            `{\"error\":{\"code\":\"...\",\"message\":\"...\"}}`; something you may not see \
            answers 404 exactly like something that does not exist."
    ),
    components(
        schemas(ErrorBody, ErrorDetail),
        responses(
            BadRequest,
            Unauthorized,
            Forbidden,
            NotFound,
            Conflict,
            StaleEdit,
            Gone,
            PayloadTooLarge,
            UnsupportedMediaType,
            RangeNotSatisfiable,
            ValidationFailed,
            Locked,
            ChecksumMismatch,
            TusVersionUnsupported,
            RateLimited,
            Overloaded,
            TooManyOpen,
            Unavailable,
            InsufficientStorage,
        )
    ),
    modifiers(&SecuritySchemes),
    tags(
        (name = "meta", description = "Health, this document and the languages on offer"),
        (name = "auth", description = "Accounts, sessions and API tokens"),
        (name = "videos", description = "Videos and their media"),
        (name = "uploads", description = "Resumable uploads (tus 1.0.0)"),
        (name = "editing", description = "Trims, cuts, proposed cuts, revert and the poster"),
        (name = "collaboration", description = "Comments, reactions, views and live updates"),
        (name = "workspaces", description = "Workspaces, members and invitations"),
        (name = "search", description = "Search over titles, transcripts and comments"),
    )
)]
pub struct ApiDoc;

/// The document, rendered once: it cannot change while the process runs.
#[utoipa::path(
    get,
    operation_id = "openapi_document",
    path = "/api/openapi.json",
    tag = "meta",
    responses((status = 200, description = "This OpenAPI 3.1 document", content_type = "application/json", body = Object))
)]
pub async fn document() -> impl IntoResponse {
    static RENDERED: OnceLock<String> = OnceLock::new();
    // The list `router()` routes, built once more for its document half.
    let json = RENDERED.get_or_init(|| {
        with_fault_responses(super::api().into_openapi()).to_json().expect("the OpenAPI document serializes")
    });
    ([(CONTENT_TYPE, "application/json")], json.as_str())
}

/// Every operation may meet a database or object store that is restarting (503), and
/// every write a full disk (507): added here once rather than on each handler.
pub fn with_fault_responses(mut doc: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    for item in doc.paths.paths.values_mut() {
        let reads = [&mut item.get, &mut item.head, &mut item.options];
        for operation in reads.into_iter().flatten() {
            add_response(operation, "503", "Unavailable");
        }
        let writes = [&mut item.post, &mut item.put, &mut item.patch, &mut item.delete];
        for operation in writes.into_iter().flatten() {
            add_response(operation, "503", "Unavailable");
            add_response(operation, "507", "InsufficientStorage");
        }
    }
    doc
}

fn add_response(operation: &mut utoipa::openapi::path::Operation, status: &str, response: &str) {
    let reference = Ref::new(format!("#/components/responses/{response}"));
    operation.responses.responses.entry(status.to_string()).or_insert(RefOr::Ref(reference));
}

/// `Range` on media: `bytes=first-last`, `bytes=first-` or `bytes=-suffix`. Multi-range
/// and malformed values are ignored (the whole file is sent); a range past the end is 416.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)] // Read from the raw headers by `serve_file`; this only describes it.
pub struct RangeHeader {
    #[param(rename = "Range", example = "bytes=0-1023")]
    range: Option<String>,
}

/// Every tus request but OPTIONS names the protocol version; anything else is 412.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)] // Checked from the raw headers by the tus handlers; this only describes it.
pub struct TusResumable {
    #[param(rename = "Tus-Resumable", pattern = r"^1\.0\.0$", example = "1.0.0")]
    tus_resumable: String,
}

/// Every error response.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable, machine-readable: `bad_request`, `unauthorized`, `invalid_credentials`,
    /// `wrong_password`, `forbidden`, `not_found`, `conflict`, `gone`, `payload_too_large`,
    /// `unsupported_media_type`, `range_not_satisfiable`, `validation_failed`, `locked`,
    /// `checksum_mismatch`, `tus_version_unsupported`, `method_not_allowed`,
    /// `rate_limited`, `overloaded`, `unavailable`, `insufficient_storage`, `internal`; quotas: `storage_quota_exceeded`, `checksum_body_too_large`
    /// (413), `unfinished_upload_limit`, `stream_limit_per_user`, `stream_limit_per_address` (429).
    code: String,
    /// For people; may change.
    message: String,
}

/// Declares one reusable error response per status: a JSON `ErrorBody`, plus the headers
/// that status carries (see `AppError::into_response`).
macro_rules! error_responses {
    ($($name:ident => $description:literal $(, header $header:literal = $header_description:literal)?;)*) => {$(
        pub struct $name;

        impl<'r> utoipa::ToResponse<'r> for $name {
            fn response() -> (&'r str, RefOr<utoipa::openapi::Response>) {
                let content = ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build();
                #[allow(unused_mut)]
                let mut response = ResponseBuilder::new().description($description).content("application/json", content);
                $(
                    let schema = utoipa::openapi::ObjectBuilder::new()
                        .schema_type(utoipa::openapi::schema::Type::String);
                    response = response.header(
                        $header,
                        HeaderBuilder::new().schema(schema).description(Some($header_description)).build(),
                    );
                )?
                (stringify!($name), response.build().into())
            }
        }
    )*};
}

error_responses! {
    BadRequest => "`bad_request`: the request is malformed (bad JSON syntax, a bad query parameter or header)";
    Unauthorized => "`unauthorized`: sign in first, or the bearer token is not valid";
    Forbidden => "`forbidden`: you can see this but may not change it, or (any state change) a browser sent \
        the request from another site's page";
    NotFound => "`not_found`: unknown, or not visible to you (the two look the same)";
    Conflict => "`conflict`: the current state does not allow this";
    StaleEdit => "`stale_edit`: someone saved a newer version of the edit since you read it; read it again \
        (`GET .../edit`) and redo the change";
    Gone => "`gone`: expired or revoked";
    PayloadTooLarge => "`payload_too_large`: the body is too large; `storage_quota_exceeded`: your storage quota \
        would be passed; `checksum_body_too_large`: a checksummed PATCH body is larger than the server verifies at once";
    UnsupportedMediaType => "`unsupported_media_type`: wrong `Content-Type` for the body";
    RangeNotSatisfiable => "`range_not_satisfiable`: the range lies outside the object",
        header "Content-Range" = "`bytes */{size}`";
    ValidationFailed => "`validation_failed`: well-formed, but a field is missing, unknown or out of range";
    Locked => "`locked`: another request is writing this upload",
        header "Retry-After" = "Seconds to wait before retrying";
    ChecksumMismatch => "`checksum_mismatch` (tus): the body does not match `Upload-Checksum`; nothing was kept";
    TusVersionUnsupported => "`tus_version_unsupported`: send `Tus-Resumable: 1.0.0`",
        header "Tus-Version" = "The versions this server speaks: `1.0.0`";
    RateLimited => "`rate_limited`: too many requests (writes, or sign-in attempts for this account or from this address); wait and retry",
        header "Retry-After" = "Seconds to wait before retrying";
    Overloaded => "`overloaded`: the server is busy with this kind of work (password hashing); retry shortly",
        header "Retry-After" = "Seconds to wait before retrying";
    TooManyOpen => "`unfinished_upload_limit`, `stream_limit_per_user`, `stream_limit_per_address`: too many \
        unfinished uploads or live streams at once; finish or close one first",
        header "Retry-After" = "Seconds to wait before retrying";
    Unavailable => "`unavailable`: the database or object store is restarting or unreachable; nothing was half-done, retry",
        header "Retry-After" = "Seconds to wait before retrying";
    InsufficientStorage => "`insufficient_storage`: the server's disk is full; nothing of this request was kept";
}

/// The two ways to authenticate, accepted wherever either is.
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::auth::SESSION_COOKIE,
                "The session cookie set by sign-up and login (HttpOnly, SameSite=Lax)",
            ))),
        );
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("bfy_...")
                    .description(Some(
                        "A personal API token from `POST /api/tokens`; a request that sends one is judged by it alone",
                    ))
                    .build(),
            ),
        );
    }
}
