//! `POST /api/videos/{id}/views` and `GET /api/videos/{id}/viewers` ("seen by").

use axum::extract::{Path, State};
use axum::Json;
use serde::Deserialize;

use super::json::ApiJson;
use super::session::{SignedIn, Viewer};
use crate::app::AppState;
use crate::collab::{ViewRecorded, ViewerSummary};
use crate::error::AppResult;
use crate::videos;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ViewBody {
    watched_ms: i64,
    viewer_id: Option<String>,
}

pub async fn record(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    Path(video_id): Path<String>,
    ApiJson(input): ApiJson<ViewBody>,
) -> AppResult<Json<ViewRecorded>> {
    let (video, _) = videos::visible_video(&state.db, &video_id, viewer.as_ref()).await?;
    Ok(Json(state.collab.record_view(&video, viewer.as_ref(), input.watched_ms, input.viewer_id).await?))
}

pub async fn viewers(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(video_id): Path<String>,
) -> AppResult<Json<ViewerSummary>> {
    let (video, access) = videos::visible_video(&state.db, &video_id, Some(&user)).await?;
    Ok(Json(state.collab.viewers(&video, access).await?))
}
