//! `POST /api/videos/{id}/views` and `GET /api/videos/{id}/viewers` ("seen by").

use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use utoipa::ToSchema;

use super::json::ApiJson;
use super::path::ApiPath;
use super::session::{SignedIn, Viewer};
use crate::api::error::AppResult;
use crate::app::AppState;
use crate::collab::{ViewRecorded, ViewerSummary};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ViewReport)]
pub struct ViewBody {
    /// The furthest position reached; clamped to the duration.
    #[schema(minimum = 0)]
    watched_ms: i64,
    /// Anonymous viewers: the `viewer_id` the first report returned (8-64 of `A-Za-z0-9-_`).
    #[schema(pattern = "^[A-Za-z0-9_-]{8,64}$")]
    viewer_id: Option<String>,
}

#[utoipa::path(
    post,
    operation_id = "views_record",
    path = "/api/videos/{id}/views",
    tag = "collaboration",
    security((), ("session" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "Video id")),
    request_body = ViewBody,
    responses(
        (status = 200, description = "Recorded; anonymous callers get their `viewer_id`", body = ViewRecorded),
        (status = 400, response = super::openapi::BadRequest),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 404, response = super::openapi::NotFound),
        (status = 413, response = super::openapi::PayloadTooLarge),
        (status = 415, response = super::openapi::UnsupportedMediaType),
        (status = 422, response = super::openapi::ValidationFailed),
    )
)]
pub async fn record(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    ApiPath(video_id): ApiPath<String>,
    ApiJson(input): ApiJson<ViewBody>,
) -> AppResult<Json<ViewRecorded>> {
    let video = state.videos.watchable(&video_id, viewer.as_ref()).await?;
    Ok(Json(state.collab.record_view(&video, viewer.as_ref(), input.watched_ms, input.viewer_id).await?))
}

#[utoipa::path(
    get,
    operation_id = "views_viewers",
    path = "/api/videos/{id}/viewers",
    tag = "collaboration",
    security(("session" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "Video id")),
    responses(
        (status = 200, description = "Seen by (workspace members only)", body = ViewerSummary),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 403, response = super::openapi::Forbidden),
        (status = 404, response = super::openapi::NotFound),
    )
)]
pub async fn viewers(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    ApiPath(video_id): ApiPath<String>,
) -> AppResult<Json<ViewerSummary>> {
    let video = state.videos.watchable(&video_id, Some(&user)).await?;
    Ok(Json(state.collab.viewers(&video).await?))
}
