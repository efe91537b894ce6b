//! `/api/videos/{id}/comments` and `/api/comments/{id}`.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::json::ApiJson;
use super::path::ApiPath;
use super::session::{SignedIn, Viewer};
use crate::api::error::{AppError, AppResult};
use crate::app::AppState;
use crate::collab::{CommentInput, CommentPage, CommentView};
use crate::domain::CommentBody;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = NewComment)]
pub struct PostBody {
    /// 1-10,000 characters, stored exactly as written.
    #[schema(
        min_length = 1,
        max_length = 10000,
        pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*\S[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
    )]
    body: String,
    /// Where in the video; within its duration once that is known. Absent: a general comment.
    #[schema(minimum = 0, maximum = 86_400_000)]
    timestamp_ms: Option<i64>,
    /// Reply to this top-level comment of the same video.
    parent_id: Option<String>,
}

#[utoipa::path(
    post,
    operation_id = "comments_post",
    path = "/api/videos/{id}/comments",
    tag = "collaboration",
    security(("session" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "Video id")),
    request_body = PostBody,
    responses(
        (status = 201, description = "The comment", body = CommentView),
        (status = 400, response = super::openapi::BadRequest),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 404, response = super::openapi::NotFound),
        (status = 413, response = super::openapi::PayloadTooLarge),
        (status = 415, response = super::openapi::UnsupportedMediaType),
        (status = 422, response = super::openapi::ValidationFailed),
        (status = 429, response = super::openapi::RateLimited),
    )
)]
pub async fn post(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    ApiPath(video_id): ApiPath<String>,
    ApiJson(input): ApiJson<PostBody>,
) -> AppResult<(StatusCode, Json<CommentView>)> {
    let video = state.videos.watchable(&video_id, Some(&user)).await?;
    let body = CommentBody::parse(input.body).map_err(AppError::Validation)?;
    let input = CommentInput { body, timestamp_ms: input.timestamp_ms, parent_id: input.parent_id };
    let comment = state.collab.post_comment(&video, &user, input).await?;
    Ok((StatusCode::CREATED, Json(comment)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// `next_cursor` from the previous page.
    #[param(min_length = 1)]
    cursor: Option<String>,
    /// Top-level comments per page, 1-200 (default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200)]
    limit: Option<String>,
}

#[utoipa::path(
    get,
    operation_id = "comments_list",
    path = "/api/videos/{id}/comments",
    tag = "collaboration",
    security((), ("session" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "Video id"), ListParams),
    responses(
        (status = 200, description = "Top-level comments in timeline order, each with its replies", body = CommentPage),
        (status = 400, response = super::openapi::BadRequest),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 404, response = super::openapi::NotFound),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    ApiPath(video_id): ApiPath<String>,
    params: Result<Query<ListParams>, QueryRejection>,
) -> AppResult<Json<CommentPage>> {
    let Query(params) = params.map_err(|e| AppError::bad_request(e.body_text()))?;
    let limit = super::parse_limit(params.limit.as_deref(), 50, 200)?;
    let video = state.videos.watchable(&video_id, viewer.as_ref()).await?;
    Ok(Json(state.collab.list_comments(&video, params.cursor.as_deref(), limit).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = CommentEdit)]
pub struct EditBody {
    /// 1-10,000 characters, stored exactly as written.
    #[schema(
        min_length = 1,
        max_length = 10000,
        pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*\S[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
    )]
    body: String,
}

#[utoipa::path(
    patch,
    operation_id = "comments_edit",
    path = "/api/comments/{id}",
    tag = "collaboration",
    security(("session" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "Comment id")),
    request_body = EditBody,
    responses(
        (status = 200, description = "The edited comment", body = CommentView),
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
pub async fn edit(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    ApiPath(comment_id): ApiPath<String>,
    ApiJson(input): ApiJson<EditBody>,
) -> AppResult<Json<CommentView>> {
    let body = CommentBody::parse(input.body).map_err(AppError::Validation)?;
    Ok(Json(state.collab.edit_comment(&comment_id, &user, body).await?))
}

#[utoipa::path(
    delete,
    operation_id = "comments_delete",
    path = "/api/comments/{id}",
    tag = "collaboration",
    security(("session" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "Comment id")),
    responses(
        (status = 204, description = "Deleted (or left as a placeholder while it has replies)"),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 403, response = super::openapi::Forbidden),
        (status = 404, response = super::openapi::NotFound),
    )
)]
pub async fn delete(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    ApiPath(comment_id): ApiPath<String>,
) -> AppResult<StatusCode> {
    state.collab.delete_comment(&comment_id, &user).await?;
    Ok(StatusCode::NO_CONTENT)
}
