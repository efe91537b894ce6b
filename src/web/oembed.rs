//! `GET /oembed?url=.../v/{id}&format=json`: how chat tools unfurl a share link.
//! Only videos anonymous visitors may watch are described; anything else is a 404.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::html::escape;
use super::pages::{base_url, shareable_video};
use crate::api::error::AppError;
use crate::app::AppState;
use crate::videos::{share_path, Asset};

const EMBED_WIDTH: u32 = 960;
const EMBED_HEIGHT: u32 = 540;

/// The video id in a share URL (`https://host/v/{id}?t=10` or just `/v/{id}`).
fn video_id_from_url(url: &str) -> Option<&str> {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = if url.contains("://") { after_scheme.find('/').map(|i| &after_scheme[i..])? } else { after_scheme };
    let id = path.strip_prefix("/v/")?;
    let id = id.split(['?', '#', '/']).next()?;
    (!id.is_empty()).then_some(id)
}

#[utoipa::path(
    get,
    path = "/oembed",
    operation_id = "oembed",
    tag = "videos",
    params(
        ("url" = String, Query, description = "A share link, `https://host/v/{id}`"),
        ("format" = Option<String>, Query, description = "Only `json` is offered", pattern = "^json$"),
    ),
    responses(
        (status = 200, description = "An oEmbed 1.0 `video` for a video anonymous visitors may watch", body = Object),
        (status = 400, response = crate::api::openapi::BadRequest),
        (status = 404, response = crate::api::openapi::NotFound),
        (status = 501, description = "A `format` other than `json` (the oEmbed spec's answer)",
            content_type = "text/plain", body = String),
    )
)]
pub async fn oembed(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    match query.get("format").map(String::as_str) {
        None | Some("json") => {}
        // The oEmbed spec's answer for a format the provider does not offer.
        Some(_) => return Ok((StatusCode::NOT_IMPLEMENTED, "only format=json is supported").into_response()),
    }
    let url = query.get("url").ok_or_else(|| AppError::bad_request("url is required"))?;
    let id = video_id_from_url(url).ok_or(AppError::NotFound)?;
    let video = shareable_video(&state, id).await.ok_or(AppError::NotFound)?;
    let base = base_url(&state, &headers);
    let player = format!("{base}{}?embed=1", share_path(&video.id));
    let html = format!(
        "<iframe src=\"{}\" width=\"{EMBED_WIDTH}\" height=\"{EMBED_HEIGHT}\" title=\"{}\" \
         frameborder=\"0\" allow=\"fullscreen; picture-in-picture\" allowfullscreen></iframe>",
        escape(&player),
        escape(&video.title)
    );
    let mut body = json!({
        "version": "1.0",
        "type": "video",
        "provider_name": "Briefly",
        "provider_url": base,
        "title": video.title,
        "html": html,
        "width": EMBED_WIDTH,
        "height": EMBED_HEIGHT,
    });
    if let Some(poster) = Asset::Poster.url_if_exists(&video) {
        body["thumbnail_url"] = json!(format!("{base}{poster}"));
    }
    if let Some(ms) = video.duration_ms {
        body["duration"] = json!((ms + 500) / 1000);
    }
    Ok(Json(body).into_response())
}

#[cfg(test)]
mod tests {
    use super::video_id_from_url;

    #[test]
    fn finds_the_id_in_share_urls() {
        assert_eq!(video_id_from_url("https://b.example/v/abc123?t=10"), Some("abc123"));
        assert_eq!(video_id_from_url("http://127.0.0.1:8080/v/abc123"), Some("abc123"));
        assert_eq!(video_id_from_url("/v/abc123#x"), Some("abc123"));
        assert_eq!(video_id_from_url("https://b.example/x/abc123"), None);
        assert_eq!(video_id_from_url("https://b.example"), None);
    }
}
