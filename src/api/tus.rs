//! The tus 1.0.0 protocol at `/api/uploads`: core plus creation, creation-with-upload,
//! creation-defer-length, termination, checksum and expiration.

use axum::body::Body;
use axum::extract::State;
use axum::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use futures::TryStreamExt;

use super::path::ApiPath;
use super::session::SignedIn;
use crate::api::error::{AppError, AppResult};
use crate::app::AppState;
use crate::db::UploadRow;
use crate::store::ByteStream;
use crate::uploads::{ExpectedChecksum, PatchInput, SUPPORTED_ALGORITHMS};

pub const TUS_VERSION: &str = "1.0.0";
const EXTENSIONS: &str = "creation,creation-with-upload,creation-defer-length,termination,checksum,expiration";
const OFFSET_OCTET_STREAM: &str = "application/offset+octet-stream";

fn tus_header(name: &'static str) -> HeaderName {
    HeaderName::from_static(name)
}

/// Every request but OPTIONS must speak our protocol version.
fn check_version(headers: &HeaderMap) -> AppResult<()> {
    match headers.get("tus-resumable").and_then(|v| v.to_str().ok()) {
        Some(TUS_VERSION) => Ok(()),
        _ => Err(AppError::TusVersion),
    }
}

fn header_u64(headers: &HeaderMap, name: &str) -> AppResult<Option<u64>> {
    match headers.get(name) {
        None => Ok(None),
        Some(value) => value
            .to_str()
            .ok()
            .filter(|text| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|text| text.parse().ok())
            .map(Some)
            .ok_or_else(|| AppError::bad_request(format!("{name} must be a non-negative integer"))),
    }
}

fn body_stream(body: Body) -> ByteStream {
    Box::pin(body.into_data_stream().map_err(std::io::Error::other))
}

fn has_body(headers: &HeaderMap) -> bool {
    let length = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    length.unwrap_or(0) > 0 || headers.contains_key(header::TRANSFER_ENCODING)
}

fn require_offset_stream(headers: &HeaderMap) -> AppResult<()> {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if content_type.split(';').next().map(str::trim) == Some(OFFSET_OCTET_STREAM) {
        Ok(())
    } else {
        Err(AppError::UnsupportedMediaType(format!("upload bodies must have Content-Type: {OFFSET_OCTET_STREAM}")))
    }
}

fn checksum(headers: &HeaderMap) -> AppResult<Option<ExpectedChecksum>> {
    headers
        .get("upload-checksum")
        .map(|v| v.to_str().map_err(|_| "Upload-Checksum is not ASCII".to_string()).and_then(ExpectedChecksum::parse))
        .transpose()
        .map_err(AppError::BadRequest)
}

/// tus discovery; it needs no `Tus-Resumable` and no sign-in.
#[utoipa::path(
    options,
    operation_id = "tus_options",
    path = "/api/uploads",
    tag = "uploads",
    responses((status = 204, description = "What this tus server supports", headers(
        ("Tus-Resumable" = String, description = "`1.0.0`"),
        ("Tus-Version" = String, description = "`1.0.0`"),
        ("Tus-Extension" = String, description = "The supported extensions"),
        ("Tus-Max-Size" = u64, description = "Largest upload, bytes"),
        ("Tus-Checksum-Algorithm" = String, description = "`sha1,sha256`"),
    )))
)]
pub async fn options(State(state): State<AppState>) -> Response {
    (
        StatusCode::NO_CONTENT,
        [
            (tus_header("tus-version"), HeaderValue::from_static(TUS_VERSION)),
            (tus_header("tus-extension"), HeaderValue::from_static(EXTENSIONS)),
            (tus_header("tus-max-size"), HeaderValue::from(state.uploads.max_size())),
            (tus_header("tus-checksum-algorithm"), HeaderValue::from_static(SUPPORTED_ALGORITHMS)),
        ],
    )
        .into_response()
}

/// The same discovery answer on an upload's own URL.
#[utoipa::path(
    options,
    operation_id = "tus_upload_options",
    path = "/api/uploads/{upload_id}",
    tag = "uploads",
    params(("upload_id" = String, Path, description = "From the creation response's `Location`")),
    responses((status = 204, description = "What this tus server supports", headers(
        ("Tus-Resumable" = String, description = "`1.0.0`"),
        ("Tus-Version" = String, description = "`1.0.0`"),
        ("Tus-Extension" = String, description = "The supported extensions"),
        ("Tus-Max-Size" = u64, description = "Largest upload, bytes"),
        ("Tus-Checksum-Algorithm" = String, description = "`sha1,sha256`"),
    )))
)]
pub async fn upload_options(state: State<AppState>) -> Response {
    options(state).await
}

/// What a creation request asked for, once its headers are checked.
struct Creation {
    length: Option<u64>,
    with_body: bool,
    checksum: Option<ExpectedChecksum>,
    content_length: Option<u64>,
    metadata: String,
}

fn parse_creation(headers: &HeaderMap) -> AppResult<Creation> {
    check_version(headers)?;
    let length = header_u64(headers, "upload-length")?;
    let deferred = match headers.get("upload-defer-length").map(|v| v.as_bytes()) {
        None => false,
        Some(b"1") => true,
        Some(_) => return Err(AppError::bad_request("Upload-Defer-Length must be 1")),
    };
    if length.is_some() == deferred {
        return Err(AppError::bad_request("send exactly one of Upload-Length and Upload-Defer-Length: 1"));
    }
    let with_body = has_body(headers);
    if with_body {
        require_offset_stream(headers)?;
    }
    let content_length = header_u64(headers, header::CONTENT_LENGTH.as_str())?;
    if let (Some(length), Some(body_len)) = (length, content_length) {
        if body_len > length {
            return Err(AppError::PayloadTooLarge("the body is longer than Upload-Length".into()));
        }
    }
    let metadata = headers.get("upload-metadata").map(|v| v.to_str().unwrap_or("\u{0}")).unwrap_or_default();
    if metadata.contains('\u{0}') {
        return Err(AppError::bad_request("Upload-Metadata is not ASCII"));
    }
    Ok(Creation { length, with_body, checksum: checksum(headers)?, content_length, metadata: metadata.to_string() })
}

#[utoipa::path(
    post,
    operation_id = "tus_create",
    path = "/api/uploads",
    tag = "uploads",
    security(("session" = []), ("bearer" = [])),
    params(
        super::openapi::TusResumable,
        ("Upload-Length" = Option<u64>, Header, description = "Total size in bytes; or send `Upload-Defer-Length`"),
        ("Upload-Defer-Length" = Option<String>, Header, description = "`1` when the size is not known yet"),
        ("Upload-Metadata" = Option<String>, Header, description = "tus metadata: `key base64value,...`; \
            keys `video_id` (attach to a video you manage), `filename`, `filetype`"),
        ("Upload-Checksum" = Option<String>, Header, description = "`sha1|sha256 <base64 digest>` of the body"),
    ),
    request_body(description = "Optional (creation-with-upload): the first bytes",
        content(("application/offset+octet-stream"))),
    responses(
        (status = 201, description = "The upload exists", headers(
            ("Location" = String, description = "`/api/uploads/{upload_id}`"),
            ("Briefly-Video-Id" = String, description = "The video the upload fills"),
            ("Upload-Offset" = u64, description = "Bytes stored so far"),
            ("Upload-Expires" = String, description = "When an idle unfinished upload is deleted (HTTP date)"),
            ("Tus-Resumable" = String, description = "`1.0.0`"),
        )),
        (status = 400, response = super::openapi::BadRequest),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 403, response = super::openapi::Forbidden),
        (status = 404, response = super::openapi::NotFound),
        (status = 409, response = super::openapi::Conflict),
        (status = 412, response = super::openapi::TusVersionUnsupported),
        (status = 413, response = super::openapi::PayloadTooLarge),
        (status = 415, response = super::openapi::UnsupportedMediaType),
        (status = 429, response = super::openapi::TooManyOpen),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    signed_in: Result<SignedIn, AppError>,
    body: Body,
) -> AppResult<Response> {
    let mut stream = body_stream(body);
    // Who is calling is judged here rather than by the extractor, so that a refusal (401,
    // or 503 while the database restarts) still drains the body and keeps the connection.
    let user = match signed_in {
        Ok(SignedIn(user)) => user,
        Err(err) => {
            drain_rejected_body(&mut stream).await;
            return Err(err);
        }
    };
    let creation = match parse_creation(&headers) {
        Ok(creation) => creation,
        Err(err) => {
            drain_rejected_body(&mut stream).await;
            return Err(err);
        }
    };
    let (length, with_body, expected, content_length, metadata) =
        (creation.length, creation.with_body, creation.checksum, creation.content_length, creation.metadata);
    let mut upload = match state.uploads.create(&user, length, &metadata).await {
        Ok(upload) => upload,
        Err(err) => {
            drain_rejected_body(&mut stream).await;
            return Err(err.into());
        }
    };
    if with_body {
        let input = PatchInput { offset: 0, declared_length: None, checksum: expected, content_length };
        let outcome = state.uploads.patch(&user, &upload.id, input, &mut stream).await;
        if outcome.is_err() {
            drain_rejected_body(&mut stream).await;
        }
        match outcome {
            Ok(after) => upload = after,
            // The upload exists either way; the client learns the true offset from HEAD.
            Err(err) => {
                tracing::info!(upload.id = %upload.id, error = %err, "creation-with-upload body not stored");
                upload = state.uploads.reread(&upload.id).await?.unwrap_or(upload);
            }
        }
    }
    let mut response = upload_headers(StatusCode::CREATED, &upload);
    let out = response.headers_mut();
    if let Ok(location) = HeaderValue::from_str(&format!("/api/uploads/{}", upload.id)) {
        out.insert(header::LOCATION, location);
    }
    if let Ok(video) = HeaderValue::from_str(&upload.video_id) {
        out.insert(tus_header("briefly-video-id"), video);
    }
    Ok(response)
}

#[utoipa::path(
    head,
    operation_id = "tus_head",
    path = "/api/uploads/{upload_id}",
    tag = "uploads",
    security(("session" = []), ("bearer" = [])),
    params(("upload_id" = String, Path, description = "From the creation response's `Location`"), super::openapi::TusResumable),
    responses(
        (status = 200, description = "Where to resume", headers(
            ("Upload-Offset" = u64, description = "Bytes stored so far"),
            ("Upload-Length" = u64, description = "Total size, once known"),
            ("Upload-Defer-Length" = String, description = "`1` while the size is not known"),
            ("Upload-Metadata" = String, description = "As sent at creation"),
            ("Upload-Expires" = String, description = "While unfinished (HTTP date)"),
            ("Cache-Control" = String, description = "`no-store`"),
        )),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 404, response = super::openapi::NotFound),
        (status = 410, response = super::openapi::Gone),
        (status = 412, response = super::openapi::TusVersionUnsupported),
    )
)]
pub async fn head(
    State(state): State<AppState>,
    headers: HeaderMap,
    SignedIn(user): SignedIn,
    ApiPath(id): ApiPath<String>,
) -> AppResult<Response> {
    check_version(&headers)?;
    let upload = state.uploads.status(&user, &id).await?;
    let mut response = upload_headers(StatusCode::OK, &upload);
    let out = response.headers_mut();
    out.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    match upload.length {
        Some(length) => out.insert(tus_header("upload-length"), HeaderValue::from(length)),
        None => out.insert(tus_header("upload-defer-length"), HeaderValue::from_static("1")),
    };
    if let Ok(metadata) = HeaderValue::from_str(&upload.metadata) {
        if !upload.metadata.is_empty() {
            out.insert(tus_header("upload-metadata"), metadata);
        }
    }
    Ok(response)
}

#[utoipa::path(
    patch,
    operation_id = "tus_patch",
    path = "/api/uploads/{upload_id}",
    tag = "uploads",
    security(("session" = []), ("bearer" = [])),
    params(
        ("upload_id" = String, Path, description = "From the creation response's `Location`"),
        super::openapi::TusResumable,
        ("Upload-Offset" = u64, Header, description = "Must equal the stored offset (see HEAD)"),
        ("Upload-Length" = Option<u64>, Header, description = "Declares a deferred length, once"),
        ("Upload-Checksum" = Option<String>, Header, description = "`sha1|sha256 <base64 digest>`; all or nothing"),
    ),
    request_body(description = "The next bytes of the file", content(("application/offset+octet-stream"))),
    responses(
        (status = 204, description = "The bytes are durable", headers(
            ("Upload-Offset" = u64, description = "Bytes stored so far"),
            ("Upload-Expires" = String, description = "While unfinished (HTTP date)"),
        )),
        (status = 400, response = super::openapi::BadRequest),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 404, response = super::openapi::NotFound),
        (status = 409, response = super::openapi::Conflict),
        (status = 410, response = super::openapi::Gone),
        (status = 412, response = super::openapi::TusVersionUnsupported),
        (status = 413, response = super::openapi::PayloadTooLarge),
        (status = 415, response = super::openapi::UnsupportedMediaType),
        (status = 423, response = super::openapi::Locked),
        (status = 460, response = super::openapi::ChecksumMismatch),
    )
)]
pub async fn patch(
    State(state): State<AppState>,
    headers: HeaderMap,
    signed_in: Result<SignedIn, AppError>,
    ApiPath(id): ApiPath<String>,
    body: Body,
) -> AppResult<Response> {
    let mut body = body_stream(body);
    let outcome = async {
        // Judged inside, like everything else, so a refusal still drains the body.
        let SignedIn(user) = signed_in?;
        check_version(&headers)?;
        require_offset_stream(&headers)?;
        let offset =
            header_u64(&headers, "upload-offset")?.ok_or_else(|| AppError::bad_request("Upload-Offset is required"))?;
        let input = PatchInput {
            offset,
            declared_length: header_u64(&headers, "upload-length")?,
            checksum: checksum(&headers)?,
            content_length: header_u64(&headers, header::CONTENT_LENGTH.as_str())?,
        };
        Ok::<_, AppError>(state.uploads.patch(&user, &id, input, &mut body).await?)
    }
    .await;
    match outcome {
        Ok(upload) => Ok(upload_headers(StatusCode::NO_CONTENT, &upload)),
        Err(err) => {
            drain_rejected_body(&mut body).await;
            Err(err)
        }
    }
}

/// Read (and drop) what is left of a rejected body, up to a bound, before answering.
/// Answering while the client is still sending makes the server close the connection,
/// and many clients then report a broken pipe instead of our error response.
async fn drain_rejected_body(body: &mut ByteStream) {
    use futures::StreamExt;
    const LIMIT: u64 = 16 * 1024 * 1024;
    let mut drained = 0u64;
    let read = async {
        while let Some(Ok(chunk)) = body.next().await {
            drained += chunk.len() as u64;
            if drained > LIMIT {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(std::time::Duration::from_secs(10), read).await;
}

#[utoipa::path(
    delete,
    operation_id = "tus_terminate",
    path = "/api/uploads/{upload_id}",
    tag = "uploads",
    security(("session" = []), ("bearer" = [])),
    params(("upload_id" = String, Path, description = "From the creation response's `Location`"), super::openapi::TusResumable),
    responses(
        (status = 204, description = "The upload and its bytes are gone"),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 404, response = super::openapi::NotFound),
        (status = 412, response = super::openapi::TusVersionUnsupported),
        (status = 423, response = super::openapi::Locked),
    )
)]
pub async fn terminate(
    State(state): State<AppState>,
    headers: HeaderMap,
    SignedIn(user): SignedIn,
    ApiPath(id): ApiPath<String>,
) -> AppResult<StatusCode> {
    check_version(&headers)?;
    state.uploads.terminate(&user, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `Upload-Offset`, and `Upload-Expires` while the upload is unfinished.
fn upload_headers(status: StatusCode, upload: &UploadRow) -> Response {
    let mut response = status.into_response();
    let out = response.headers_mut();
    out.insert(tus_header("upload-offset"), HeaderValue::from(upload.upload_offset));
    if upload.completed_at.is_none() {
        let expires = std::time::UNIX_EPOCH + std::time::Duration::from_millis(upload.expires_at.max(0) as u64);
        if let Ok(value) = HeaderValue::from_str(&httpdate::fmt_http_date(expires)) {
            out.insert(tus_header("upload-expires"), value);
        }
    }
    response
}
