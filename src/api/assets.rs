//! Processed media: the playback MP4, poster, storyboard, captions and transcript.
//! Same visibility rules as the original; everything 404s until processing made it.

use axum::extract::State;
use axum::http::{HeaderMap, Method};
use axum::response::Response;

use super::media::serve_object;
use super::path::ApiPath;
use super::session::Viewer;
use crate::app::AppState;
use crate::error::{AppError, AppResult};
use crate::processing::{asset_key, storyboard_sprite_key};
use crate::videos;

/// Which asset, and the type it is served as.
fn asset(name: &str) -> Option<(&'static str, &'static str, bool)> {
    // (object name, content type, needs the video to be `ready` rather than just transcribed)
    Some(match name {
        "media.mp4" => ("media.mp4", "video/mp4", true),
        "seekable.webm" => ("seekable.webm", "video/webm", false),
        "poster.jpg" => ("poster.jpg", "image/jpeg", true),
        "storyboard.vtt" => ("storyboard.vtt", "text/vtt; charset=utf-8", true),
        "captions.vtt" => ("captions.vtt", "text/vtt; charset=utf-8", false),
        "captions.srt" => ("captions.srt", "application/x-subrip; charset=utf-8", false),
        "transcript" => ("transcript.json", "application/json", false),
        _ => return None,
    })
}

#[utoipa::path(
    get,
    operation_id = "assets_get_asset",
    path = "/api/videos/{id}/{asset}",
    tag = "videos",
    security((), ("session" = []), ("bearer" = [])),
    params(
        ("id" = String, Path, description = "Video id"),
        ("asset" = String, Path, description = "Which processed file; 404 until processing made it",
            pattern = r"^(media\.mp4|seekable\.webm|poster\.jpg|storyboard\.vtt|captions\.vtt|captions\.srt|transcript)$"),
        super::openapi::RangeHeader,
    ),
    responses(
        (status = 200, description = "`media.mp4`, `seekable.webm`, `poster.jpg`, `storyboard.vtt`, \
            `captions.vtt`, `captions.srt`, or the `transcript` \
            (`{language, segments:[{start_ms,end_ms,text,words:[{start_ms,end_ms,text}]}]}`)",
            content(("video/mp4"), ("video/webm"), ("image/jpeg"), ("text/vtt"), ("application/x-subrip"), ("application/json")),
            headers(("Accept-Ranges" = String, description = "`bytes`"))),
        (status = 206, description = "The requested byte range",
            content(("video/mp4"), ("video/webm"), ("image/jpeg"), ("text/vtt"), ("application/x-subrip"), ("application/json")),
            headers(("Content-Range" = String, description = "`bytes {first}-{last}/{size}`"))),
        (status = 307, description = "Only with S3 presigned redirects: fetch the file from `Location`",
            headers(("Location" = String, description = "A short-lived presigned URL"))),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 404, response = super::openapi::NotFound),
        (status = 416, response = super::openapi::RangeNotSatisfiable),
    )
)]
pub async fn get_asset(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    ApiPath((id, name)): ApiPath<(String, String)>,
    method: Method,
    headers: HeaderMap,
) -> AppResult<Response> {
    let (object, content_type, needs_media) = asset(&name).ok_or(AppError::NotFound)?;
    let (video, _) = videos::visible_video(&state.db, &id, viewer.as_ref()).await?;
    let available = match object {
        "seekable.webm" => video.has_seekable == 1,
        _ if needs_media => video.status == "ready",
        _ => video.transcript_status == "ready",
    };
    if !available {
        return Err(AppError::NotFound);
    }
    serve_object(&state, &asset_key(&video.id, object), content_type, &method, &headers, None).await
}

#[utoipa::path(
    get,
    operation_id = "assets_get_storyboard_sprite",
    path = "/api/videos/{id}/storyboard/{sprite}",
    tag = "videos",
    security((), ("session" = []), ("bearer" = [])),
    params(
        ("id" = String, Path, description = "Video id"),
        ("sprite" = String, Path, description = "`{n}.jpg`, as named by `storyboard.vtt`", pattern = r"^[0-9]{1,4}\.jpg$"),
        super::openapi::RangeHeader,
    ),
    responses(
        (status = 200, description = "A storyboard sprite sheet", content_type = "image/jpeg",
            headers(("Accept-Ranges" = String, description = "`bytes`"))),
        (status = 206, description = "The requested byte range", content_type = "image/jpeg",
            headers(("Content-Range" = String, description = "`bytes {first}-{last}/{size}`"))),
        (status = 307, description = "Only with S3 presigned redirects: fetch the file from `Location`",
            headers(("Location" = String, description = "A short-lived presigned URL"))),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 404, response = super::openapi::NotFound),
        (status = 416, response = super::openapi::RangeNotSatisfiable),
    )
)]
pub async fn get_storyboard_sprite(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    ApiPath((id, sprite)): ApiPath<(String, String)>,
    method: Method,
    headers: HeaderMap,
) -> AppResult<Response> {
    let index: usize =
        sprite.strip_suffix(".jpg").and_then(|n| n.parse().ok()).filter(|n| *n < 10_000).ok_or(AppError::NotFound)?;
    let (video, _) = videos::visible_video(&state.db, &id, viewer.as_ref()).await?;
    if video.status != "ready" {
        return Err(AppError::NotFound);
    }
    serve_object(&state, &storyboard_sprite_key(&video.id, index), "image/jpeg", &method, &headers, None).await
}
