//! Serving stored media with HTTP Range support, from either store.
//!
//! Media responses are sandboxed (`Content-Security-Policy: sandbox`, `nosniff`) so an
//! uploaded file can never run as a page on this origin, whatever bytes it contains.

use axum::body::Body;
use axum::extract::State;
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};

use super::path::ApiPath;
use super::range::{parse_range, RangeRequest};
use super::session::Viewer;
use crate::api::error::{AppError, AppResult};
use crate::app::AppState;
use crate::videos::{Asset, AssetFile, Delivery};

#[utoipa::path(
    get,
    operation_id = "media_original",
    path = "/api/videos/{id}/original",
    tag = "videos",
    security((), ("session" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "Video id"), super::openapi::RangeHeader),
    responses(
        (status = 200, description = "The uploaded file as uploaded: `video/*`, `audio/*` or \
            `application/octet-stream`, sandboxed (`Content-Security-Policy: sandbox`, `nosniff`)",
            content(("video/*"), ("audio/*"), ("application/octet-stream")),
            headers(("Accept-Ranges" = String, description = "`bytes`"))),
        (status = 206, description = "The requested byte range",
            content(("video/*"), ("audio/*"), ("application/octet-stream")),
            headers(("Content-Range" = String, description = "`bytes {first}-{last}/{size}`"))),
        (status = 307, description = "Only with S3 presigned redirects: fetch the media from `Location`",
            headers(("Location" = String, description = "A short-lived presigned URL"))),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 404, response = super::openapi::NotFound),
        (status = 416, response = super::openapi::RangeNotSatisfiable),
    )
)]
pub async fn original(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    ApiPath(id): ApiPath<String>,
    method: Method,
    headers: HeaderMap,
) -> AppResult<Response> {
    let video = state.videos.watchable(&id, viewer.as_ref()).await?;
    let file = state.videos.asset_file(&video, Asset::Original, None).await?;
    serve_file(&state, &file, &method, &headers).await
}

/// Answer with a stored file: a presigned redirect where configured, else the bytes
/// (or the requested range of them) streamed from the store.
pub async fn serve_file(
    state: &AppState,
    file: &AssetFile,
    method: &Method,
    headers: &HeaderMap,
) -> AppResult<Response> {
    let size = match state.videos.delivery(file).await? {
        Delivery::Redirect(url) => {
            return Ok((
                StatusCode::TEMPORARY_REDIRECT,
                [(header::LOCATION, url.as_str()), (header::CACHE_CONTROL, "no-store")],
            )
                .into_response())
        }
        Delivery::Stream(size) => size,
    };
    let range_header = headers.get(header::RANGE).and_then(|v| v.to_str().ok());
    let (status, range) = match parse_range(range_header, size) {
        RangeRequest::Whole => (StatusCode::OK, None),
        RangeRequest::Part(range) => (StatusCode::PARTIAL_CONTENT, Some(range)),
        RangeRequest::Unsatisfiable => return Err(AppError::RangeNotSatisfiable { size }),
    };
    let length = range.map(|r| r.len()).unwrap_or(size);
    let mut response = if method == Method::HEAD || length == 0 {
        Response::new(Body::empty())
    } else {
        let object = state.videos.open(file, range).await?;
        Response::new(Body::from_stream(object.stream))
    };
    *response.status_mut() = status;
    let out = response.headers_mut();
    out.insert(header::CONTENT_TYPE, header_value(file.content_type()));
    out.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    out.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    out.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=0, must-revalidate"));
    out.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    out.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("sandbox; default-src 'none'"));
    if let Some(range) = range {
        out.insert(header::CONTENT_RANGE, header_value(&format!("bytes {}-{}/{size}", range.start, range.end)));
    }
    Ok(response)
}

fn header_value(text: &str) -> HeaderValue {
    HeaderValue::from_str(text).unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"))
}
