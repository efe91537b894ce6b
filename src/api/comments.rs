//! `/api/videos/{id}/comments` and `/api/comments/{id}`.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;

use super::json::ApiJson;
use super::session::{SignedIn, Viewer};
use crate::app::AppState;
use crate::collab::{CommentInput, CommentPage, CommentView};
use crate::domain::CommentBody;
use crate::error::{AppError, AppResult};
use crate::videos;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostBody {
    body: String,
    timestamp_ms: Option<i64>,
    parent_id: Option<String>,
}

pub async fn post(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(video_id): Path<String>,
    ApiJson(input): ApiJson<PostBody>,
) -> AppResult<(StatusCode, Json<CommentView>)> {
    let (video, _) = videos::visible_video(&state.db, &video_id, Some(&user)).await?;
    let body = CommentBody::parse(input.body).map_err(AppError::Validation)?;
    let input = CommentInput { body, timestamp_ms: input.timestamp_ms, parent_id: input.parent_id };
    let comment = state.collab.post_comment(&video, &user, input).await?;
    Ok((StatusCode::CREATED, Json(comment)))
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
) -> AppResult<Json<CommentPage>> {
    let Query(params) = params.map_err(|e| AppError::bad_request(e.body_text()))?;
    let limit = super::parse_limit(params.limit.as_deref(), 50, 200)?;
    let (video, _) = videos::visible_video(&state.db, &video_id, viewer.as_ref()).await?;
    Ok(Json(state.collab.list_comments(&video, params.cursor.as_deref(), limit).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EditBody {
    body: String,
}

pub async fn edit(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(comment_id): Path<String>,
    ApiJson(input): ApiJson<EditBody>,
) -> AppResult<Json<CommentView>> {
    let body = CommentBody::parse(input.body).map_err(AppError::Validation)?;
    Ok(Json(state.collab.edit_comment(&comment_id, &user, body).await?))
}

pub async fn delete(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(comment_id): Path<String>,
) -> AppResult<StatusCode> {
    state.collab.delete_comment(&comment_id, &user).await?;
    Ok(StatusCode::NO_CONTENT)
}
