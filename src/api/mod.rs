//! HTTP routes. One module per resource; handlers parse input into domain types and call
//! the services on `AppState`, never the database or the store (which it does not expose),
//! and `error.rs` alone turns the services' errors into HTTP answers.

mod assets;
mod auth;
mod client;
mod comments;
mod edits;
pub mod error;
mod events;
mod json;
mod languages;
mod media;
pub(crate) mod openapi;
mod path;
mod range;
mod reactions;
mod same_origin;
mod search;
mod session;
mod tokens;
mod transcripts;
mod tus;
mod videos;
mod views;
mod webhooks;
mod workspaces;

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, MatchedPath, State};
use axum::http::{HeaderValue, Request};
use axum::response::IntoResponse;
use axum::{Json, Router};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

use crate::app::AppState;
use error::AppError;

pub use json::ApiJson;

pub use session::{SignedIn, Viewer};

/// JSON request bodies are small; media goes through tus, which streams without a limit.
/// Room for a 10,000-character comment even when every character arrives JSON-escaped.
const JSON_BODY_LIMIT: usize = 128 * 1024;

pub fn router(state: AppState) -> Router {
    // The document half is dropped here: `openapi::document` renders `api()`'s on first use.
    let (api_routes, _) = api().split_for_parts();

    Router::new()
        .merge(api_routes)
        .merge(crate::web::router())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        // Every route, pages and fallbacks included: a new endpoint cannot opt out.
        .layer(axum::middleware::from_fn_with_state(state.clone(), same_origin::refuse_cross_site))
        .layer(CatchPanicLayer::custom(|_panic| {
            AppError::Internal(anyhow::anyhow!("handler panicked")).into_response()
        }))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request<_>| {
                    // Name spans by route pattern, not raw path, so ids don't explode cardinality.
                    let route =
                        request.extensions().get::<MatchedPath>().map(MatchedPath::as_str).unwrap_or("unmatched");
                    tracing::info_span!("request", method = %request.method(), route)
                })
                .on_request(())
                .on_response(tower_http::trace::DefaultOnResponse::new().level(tracing::Level::DEBUG))
                .on_failure(tower_http::trace::DefaultOnFailure::new().latency_unit(tower_http::LatencyUnit::Millis)),
        )
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(Duration::from_secs(60)))
        .with_state(state)
}

/// The one list of API endpoints. `routes!` reads each handler's `#[utoipa::path]` for its
/// method and path, and registers the handler there in the router and its operation in the
/// document, so neither can have an endpoint the other lacks. Handlers sharing a path (and
/// only those) go in one `routes!`, in the order a 405's `Allow` header lists their methods.
/// The order of the `routes!` is the order of the document's `paths`.
fn api() -> OpenApiRouter<AppState> {
    let api = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .routes(routes!(healthz))
        .routes(routes!(openapi::document))
        .routes(routes!(auth::sign_up))
        .routes(routes!(auth::log_in))
        .routes(routes!(auth::log_out))
        .routes(routes!(auth::log_out_everywhere))
        .routes(routes!(auth::change_password))
        .routes(routes!(auth::me))
        .routes(routes!(tokens::create_token, tokens::list_tokens))
        .routes(routes!(tokens::revoke_token))
        .routes(routes!(videos::create, videos::list))
        .routes(routes!(videos::get, videos::update, videos::delete))
        .routes(routes!(media::original))
        .routes(routes!(assets::get_asset))
        .routes(routes!(assets::get_storyboard_sprite))
        .routes(routes!(transcripts::correct_segment))
        .routes(routes!(edits::get, edits::save, edits::revert))
        .routes(routes!(edits::cut))
        .routes(routes!(edits::proposals))
        .routes(routes!(edits::choose_poster))
        .routes(routes!(languages::list))
        .routes(tus_layers(routes!(tus::create, tus::options)))
        .routes(tus_layers(routes!(tus::head, tus::patch, tus::terminate, tus::upload_options)))
        .routes(routes!(comments::post, comments::list))
        .routes(routes!(comments::edit, comments::delete))
        .routes(routes!(reactions::post, reactions::list))
        .routes(routes!(reactions::delete))
        .routes(routes!(views::record))
        .routes(routes!(views::viewers))
        .routes(routes!(events::stream))
        .routes(routes!(workspaces::create, workspaces::list))
        .routes(routes!(workspaces::get, workspaces::update))
        .routes(routes!(workspaces::members))
        .routes(routes!(workspaces::remove_member))
        .routes(routes!(workspaces::invite, workspaces::invites))
        .routes(routes!(workspaces::revoke_invite))
        .routes(routes!(workspaces::accept_invite))
        .routes(routes!(webhooks::create, webhooks::list))
        .routes(routes!(webhooks::delete))
        .routes(routes!(webhooks::deliveries));
    // oEmbed is routed by `crate::web::router()`, beside the pages whose links it unfurls;
    // only its operation joins the document here.
    let api = describe_only(api, routes!(crate::web::oembed::oembed));
    let api = api.routes(routes!(search::search));
    document_cross_site_refusal(api)
        // Also wraps the tus routes, but a `DefaultBodyLimit` only records the limit in the
        // request for the extractors, and theirs (`disable()`, innermost) is recorded last.
        .layer(DefaultBodyLimit::max(JSON_BODY_LIMIT))
}

/// The tus routes: media streams through them with no body limit, and their handlers'
/// answers carry `Tus-Resumable`.
fn tus_layers(routes: UtoipaMethodRouter<AppState>) -> UtoipaMethodRouter<AppState> {
    routes.layer::<_, Infallible>(DefaultBodyLimit::disable()).layer(SetResponseHeaderLayer::overriding(
        axum::http::HeaderName::from_static("tus-resumable"),
        HeaderValue::from_static(tus::TUS_VERSION),
    ))
}

/// Every state-changing operation may answer 403 to a browser request from another site
/// (`same_origin.rs` refuses it before any handler runs), so each documents that 403.
fn document_cross_site_refusal(mut api: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    use utoipa::openapi::{Ref, RefOr};
    for item in api.get_openapi_mut().paths.paths.values_mut() {
        for operation in [&mut item.post, &mut item.put, &mut item.patch, &mut item.delete].into_iter().flatten() {
            operation
                .responses
                .responses
                .entry("403".to_string())
                .or_insert_with(|| RefOr::Ref(Ref::from_response_name("Forbidden")));
        }
    }
    api
}

/// Adds an operation (and the schemas it names) to the document without routing it, for a
/// handler another router registers.
fn describe_only(
    mut api: OpenApiRouter<AppState>,
    (schemas, paths, _unrouted): UtoipaMethodRouter<AppState>,
) -> OpenApiRouter<AppState> {
    let doc = api.get_openapi_mut();
    doc.paths.merge(paths);
    doc.components.get_or_insert_with(Default::default).schemas.extend(schemas);
    api
}

#[derive(serde::Serialize, utoipa::ToSchema)]
struct Health {
    #[schema(example = "ok")]
    status: &'static str,
}

#[utoipa::path(
    get,
    operation_id = "healthz",
    path = "/healthz",
    tag = "meta",
    responses((status = 200, description = "The database answers", body = Health))
)]
async fn healthz(State(state): State<AppState>) -> Result<Json<Health>, AppError> {
    state.health.check().await?;
    Ok(Json(Health { status: "ok" }))
}

async fn not_found(uri: axum::http::Uri) -> axum::response::Response {
    if crate::web::is_page_path(&uri) {
        return crate::web::not_found_page();
    }
    AppError::NotFound.into_response()
}

async fn method_not_allowed() -> AppError {
    AppError::MethodNotAllowed
}

/// A `limit` query parameter: `default` when absent, 1..=`max` when given, else 400.
pub(crate) fn parse_limit(raw: Option<&str>, default: i64, max: i64) -> Result<i64, AppError> {
    match raw {
        None => Ok(default),
        Some(raw) => raw
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| AppError::bad_request(format!("limit must be a number from 1 to {max}"))),
    }
}
