//! `/api/videos/{id}/reactions` and `/api/reactions/{id}`.

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
use crate::collab::{ReactionPage, ReactionView};
use crate::domain::Emoji;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = NewReaction)]
pub struct ReactBody {
    /// Exactly one emoji (skin tones, flags and ZWJ sequences included).
    #[schema(example = "👍")]
    emoji: String,
    /// Within the video's duration once that is known.
    #[schema(minimum = 0, maximum = 86_400_000)]
    timestamp_ms: i64,
}

#[utoipa::path(
    post,
    operation_id = "reactions_post",
    path = "/api/videos/{id}/reactions",
    tag = "collaboration",
    security(("session" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "Video id")),
    request_body = ReactBody,
    responses(
        (status = 201, description = "The reaction", body = ReactionView),
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
    ApiJson(input): ApiJson<ReactBody>,
) -> AppResult<(StatusCode, Json<ReactionView>)> {
    let video = state.videos.watchable(&video_id, Some(&user)).await?;
    let emoji = Emoji::parse(&input.emoji).map_err(AppError::Validation)?;
    let reaction = state.collab.react(&video, &user, emoji, input.timestamp_ms).await?;
    Ok((StatusCode::CREATED, Json(reaction)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// `next_cursor` from the previous page.
    #[param(min_length = 1)]
    cursor: Option<String>,
    /// Reactions per page, 1-1000 (default 500).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 1000)]
    limit: Option<String>,
}

#[utoipa::path(
    get,
    operation_id = "reactions_list",
    path = "/api/videos/{id}/reactions",
    tag = "collaboration",
    security((), ("session" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "Video id"), ListParams),
    responses(
        (status = 200, description = "Reactions in timeline order, and counts for the whole video", body = ReactionPage),
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
) -> AppResult<Json<ReactionPage>> {
    let Query(params) = params.map_err(|e| AppError::bad_request(e.body_text()))?;
    let limit = super::parse_limit(params.limit.as_deref(), 500, 1000)?;
    let video = state.videos.watchable(&video_id, viewer.as_ref()).await?;
    Ok(Json(state.collab.list_reactions(&video, params.cursor.as_deref(), limit).await?))
}

#[utoipa::path(
    delete,
    operation_id = "reactions_delete",
    path = "/api/reactions/{id}",
    tag = "collaboration",
    security(("session" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "Reaction id")),
    responses(
        (status = 204, description = "Taken back"),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 403, response = super::openapi::Forbidden),
        (status = 404, response = super::openapi::NotFound),
    )
)]
pub async fn delete(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    ApiPath(reaction_id): ApiPath<String>,
) -> AppResult<StatusCode> {
    state.collab.unreact(&reaction_id, &user).await?;
    Ok(StatusCode::NO_CONTENT)
}
