//! `/api/videos/{id}/reactions` and `/api/reactions/{id}`.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;

use super::json::ApiJson;
use super::session::{SignedIn, Viewer};
use crate::app::AppState;
use crate::collab::{ReactionPage, ReactionView};
use crate::domain::Emoji;
use crate::error::{AppError, AppResult};
use crate::videos;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReactBody {
    emoji: String,
    timestamp_ms: i64,
}

pub async fn post(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(video_id): Path<String>,
    ApiJson(input): ApiJson<ReactBody>,
) -> AppResult<(StatusCode, Json<ReactionView>)> {
    let (video, _) = videos::visible_video(&state.db, &video_id, Some(&user)).await?;
    let emoji = Emoji::parse(&input.emoji).map_err(AppError::Validation)?;
    let reaction = state.collab.react(&video, &user, emoji, input.timestamp_ms).await?;
    Ok((StatusCode::CREATED, Json(reaction)))
}

#[derive(Deserialize)]
pub struct ListParams {
    cursor: Option<String>,
    limit: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    Path(video_id): Path<String>,
    params: Result<Query<ListParams>, QueryRejection>,
) -> AppResult<Json<ReactionPage>> {
    let Query(params) = params.map_err(|e| AppError::bad_request(e.body_text()))?;
    let limit = super::parse_limit(params.limit.as_deref(), 500, 1000)?;
    let (video, _) = videos::visible_video(&state.db, &video_id, viewer.as_ref()).await?;
    Ok(Json(state.collab.list_reactions(&video, params.cursor.as_deref(), limit).await?))
}

pub async fn delete(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(reaction_id): Path<String>,
) -> AppResult<StatusCode> {
    state.collab.unreact(&reaction_id, &user).await?;
    Ok(StatusCode::NO_CONTENT)
}
