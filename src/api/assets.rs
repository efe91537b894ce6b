//! Processed media: the playback MP4, poster, storyboard, captions and transcript.
//! Same visibility rules as the original; everything 404s until processing made it.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, Method};
use axum::response::Response;

use serde::Deserialize;
use utoipa::IntoParams;

use super::media::serve_file;
use super::path::ApiPath;
use super::session::Viewer;
use crate::api::error::{AppError, AppResult};
use crate::app::AppState;
use crate::videos::Asset;

/// `?edit=`: which edit version the URL was made for (the video's URLs carry it).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AssetVersion {
    /// The edit version this URL belongs to: a player that started on an earlier version
    /// keeps getting that version's file while it is kept (the one before the playing
    /// version is).
    #[param(minimum = 0)]
    edit: Option<i64>,
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
            pattern = r"^(media\.mp4|seekable\.webm|poster\.jpg|thumbnail\.jpg|storyboard\.vtt|captions\.vtt|captions\.srt|transcript)$"),
        AssetVersion,
        super::openapi::RangeHeader,
    ),
    responses(
        (status = 200, description = "`media.mp4`, `seekable.webm`, `poster.jpg`, `thumbnail.jpg` (320 px wide), `storyboard.vtt`, \
            `captions.vtt`, `captions.srt`, or the `transcript` \
            (`{language, segments:[{start_ms,end_ms,text,words:[{start_ms,end_ms,text}]}]}`)",
            content(("video/mp4"), ("video/webm"), ("image/jpeg"), ("text/vtt"), ("application/x-subrip"), ("application/json")),
            headers(("Accept-Ranges" = String, description = "`bytes`"))),
        (status = 206, description = "The requested byte range",
            content(("video/mp4"), ("video/webm"), ("image/jpeg"), ("text/vtt"), ("application/x-subrip"), ("application/json")),
            headers(("Content-Range" = String, description = "`bytes {first}-{last}/{size}`"))),
        (status = 307, description = "Only with S3 presigned redirects: fetch the file from `Location`",
            headers(("Location" = String, description = "A short-lived presigned URL"))),
        (status = 400, response = super::openapi::BadRequest),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 404, response = super::openapi::NotFound),
        (status = 416, response = super::openapi::RangeNotSatisfiable),
    )
)]
pub async fn get_asset(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    ApiPath((id, name)): ApiPath<(String, String)>,
    version: Result<Query<AssetVersion>, QueryRejection>,
    method: Method,
    headers: HeaderMap,
) -> AppResult<Response> {
    let Query(version) = version.map_err(|e| AppError::bad_request(e.body_text()))?;
    let asset = Asset::from_url_name(&name).ok_or(AppError::NotFound)?;
    let video = state.videos.watchable(&id, viewer.as_ref()).await?;
    let file = state.videos.asset_file(&video, asset, version.edit).await?;
    serve_file(&state, &file, &method, &headers).await
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
    let asset = Asset::from_sprite_name(&sprite).ok_or(AppError::NotFound)?;
    let video = state.videos.watchable(&id, viewer.as_ref()).await?;
    let file = state.videos.asset_file(&video, asset, None).await?;
    serve_file(&state, &file, &method, &headers).await
}
