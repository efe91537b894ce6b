//! `/api/videos/{id}/edit...` and `/api/videos/{id}/poster`: a manager trims and cuts a
//! recording, reviews proposed cuts, reverts, and picks the poster.

use axum::body::{to_bytes, Body};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::json::ApiJson;
use super::path::ApiPath;
use super::session::SignedIn;
use crate::api::error::{AppError, AppResult};
use crate::app::AppState;
use crate::edits::{CutsInput, EditInput, EditView, ProposalParams, Proposals, MAX_POSTER_BYTES};
use crate::videos::VideoView;

#[utoipa::path(
    get,
    operation_id = "edit_get",
    path = "/api/videos/{id}/edit",
    tag = "editing",
    security(("session" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "Video id")),
    responses(
        (status = 200, description = "The latest saved edit and what plays", body = EditView),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 403, response = super::openapi::Forbidden),
        (status = 404, response = super::openapi::NotFound),
    )
)]
pub async fn get(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    ApiPath(id): ApiPath<String>,
) -> AppResult<Json<EditView>> {
    let video = state.videos.managed(&id, &user).await?;
    Ok(Json(state.edits.get(&video).await?))
}

#[utoipa::path(
    put,
    operation_id = "edit_save",
    path = "/api/videos/{id}/edit",
    tag = "editing",
    security(("session" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "Video id")),
    request_body(content = EditInput, description = "The kept ranges (original timeline, in order, not \
        overlapping) and the version they were made from"),
    responses(
        (status = 200, description = "Saved as the next version; it renders (`state`: `rendering`) while the \
            previous version plays", body = EditView),
        (status = 400, response = super::openapi::BadRequest),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 403, response = super::openapi::Forbidden),
        (status = 404, response = super::openapi::NotFound),
        (status = 409, response = super::openapi::StaleEdit),
        (status = 413, response = super::openapi::PayloadTooLarge),
        (status = 415, response = super::openapi::UnsupportedMediaType),
        (status = 422, response = super::openapi::ValidationFailed),
    )
)]
pub async fn save(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<EditInput>,
) -> AppResult<Json<EditView>> {
    let video = state.videos.managed(&id, &user).await?;
    Ok(Json(state.edits.save(video, body, &user).await?))
}

#[utoipa::path(
    delete,
    operation_id = "edit_revert",
    path = "/api/videos/{id}/edit",
    tag = "editing",
    security(("session" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "Video id")),
    responses(
        (status = 200, description = "Reverted: the original plays again at once (saved as the next version)",
            body = EditView),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 403, response = super::openapi::Forbidden),
        (status = 404, response = super::openapi::NotFound),
        (status = 409, response = super::openapi::StaleEdit),
    )
)]
pub async fn revert(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    ApiPath(id): ApiPath<String>,
) -> AppResult<Json<EditView>> {
    let video = state.videos.managed(&id, &user).await?;
    Ok(Json(state.edits.revert(video, &user).await?))
}

#[utoipa::path(
    post,
    operation_id = "edit_cut",
    path = "/api/videos/{id}/edit/cuts",
    tag = "editing",
    security(("session" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "Video id")),
    request_body(content = CutsInput, description = "Stretches to remove, in the timeline that plays now \
        (a trim is a cut from 0 and one to the end); with `snap_to_words`, each grows to the words it touches"),
    responses(
        (status = 200, description = "Saved as the next version; it renders while the previous version plays",
            body = EditView),
        (status = 400, response = super::openapi::BadRequest),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 403, response = super::openapi::Forbidden),
        (status = 404, response = super::openapi::NotFound),
        (status = 409, response = super::openapi::StaleEdit),
        (status = 413, response = super::openapi::PayloadTooLarge),
        (status = 415, response = super::openapi::UnsupportedMediaType),
        (status = 422, response = super::openapi::ValidationFailed),
    )
)]
pub async fn cut(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<CutsInput>,
) -> AppResult<Json<EditView>> {
    let video = state.videos.managed(&id, &user).await?;
    Ok(Json(state.edits.cut(video, body, &user).await?))
}

#[utoipa::path(
    get,
    operation_id = "edit_proposals",
    path = "/api/videos/{id}/edit/proposals",
    tag = "editing",
    security(("session" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "Video id"), ProposalParams),
    responses(
        (status = 200, description = "Silences and filler words of what plays now, as cuts in its timeline",
            body = Proposals),
        (status = 400, response = super::openapi::BadRequest),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 403, response = super::openapi::Forbidden),
        (status = 404, response = super::openapi::NotFound),
        (status = 409, response = super::openapi::Conflict),
        (status = 422, response = super::openapi::ValidationFailed),
    )
)]
pub async fn proposals(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    ApiPath(id): ApiPath<String>,
    params: Result<Query<ProposalParams>, QueryRejection>,
) -> AppResult<Json<Proposals>> {
    let Query(params) = params.map_err(|e| AppError::bad_request(e.body_text()))?;
    let video = state.videos.managed(&id, &user).await?;
    Ok(Json(state.edits.proposals(&video, params).await?))
}

/// `PUT /api/videos/{id}/poster` as JSON: a moment of the video.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PosterAt {
    /// A moment of the video as it plays now.
    #[schema(minimum = 0)]
    timestamp_ms: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PosterQueued {
    /// `queued`: the poster is being made; the video's `poster_url` changes when it is.
    status: &'static str,
}

#[utoipa::path(
    put,
    operation_id = "poster_choose",
    path = "/api/videos/{id}/poster",
    tag = "editing",
    security(("session" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "Video id")),
    request_body(
        description = "A moment (JSON), or a JPEG or PNG image of at most 5 MiB (re-encoded; at most 8192 px a side)",
        content(
            (PosterAt = "application/json"),
            (Vec<u8> = "image/jpeg"),
            (Vec<u8> = "image/png"),
        )
    ),
    responses(
        (status = 200, description = "The uploaded image is the poster", body = VideoView),
        (status = 202, description = "The poster from that moment is being made", body = PosterQueued),
        (status = 400, response = super::openapi::BadRequest),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 403, response = super::openapi::Forbidden),
        (status = 404, response = super::openapi::NotFound),
        (status = 409, response = super::openapi::Conflict),
        (status = 413, response = super::openapi::PayloadTooLarge),
        (status = 415, response = super::openapi::UnsupportedMediaType),
        (status = 422, response = super::openapi::ValidationFailed),
    )
)]
pub async fn choose_poster(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    ApiPath(id): ApiPath<String>,
    headers: HeaderMap,
    body: Body,
) -> AppResult<Response> {
    let essence = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or_default().trim().to_ascii_lowercase())
        .unwrap_or_default();
    let image = matches!(essence.as_str(), "image/jpeg" | "image/png");
    if !image && essence != "application/json" {
        return Err(AppError::UnsupportedMediaType(
            "send JSON {\"timestamp_ms\": ...}, or an image/jpeg or image/png body".into(),
        ));
    }
    let limit = if image { MAX_POSTER_BYTES } else { 4096 };
    let bytes = to_bytes(body, limit).await.map_err(|_| {
        AppError::PayloadTooLarge(format!("the poster must be at most {} MiB", MAX_POSTER_BYTES / (1024 * 1024)))
    })?;
    let video = state.videos.managed(&id, &user).await?;
    if image {
        let view = state.edits.upload_poster(video, bytes).await?;
        return Ok(Json(view).into_response());
    }
    let at: PosterAt = match serde_json::from_slice(&bytes) {
        Ok(at) => at,
        Err(err) if err.is_data() => return Err(AppError::validation(err.to_string())),
        Err(err) => return Err(AppError::bad_request(err.to_string())),
    };
    state.edits.choose_poster_at(video, at.timestamp_ms).await?;
    Ok((StatusCode::ACCEPTED, Json(PosterQueued { status: "queued" })).into_response())
}
