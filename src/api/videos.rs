//! `/api/videos`: create, list, get, update, delete.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::json::ApiJson;
use super::path::ApiPath;
use super::session::{SignedIn, Viewer};
use crate::api::error::{AppError, AppResult};
use crate::app::AppState;
use crate::domain::{LanguageChoice, Title, Visibility};
use crate::transcripts::LanguageRequest;
use crate::videos::{Access, VideoView};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = NewVideo)]
pub struct CreateBody {
    /// 1-200 characters.
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
    )]
    title: String,
    /// Defaults to `private`.
    visibility: Option<Visibility>,
    /// Defaults to your personal workspace.
    workspace_id: Option<String>,
}

#[utoipa::path(
    post,
    operation_id = "videos_create",
    path = "/api/videos",
    tag = "videos",
    security(("session" = []), ("bearer" = [])),
    request_body = CreateBody,
    responses(
        (status = 201, description = "The new video, waiting for its upload", body = VideoView),
        (status = 400, response = super::openapi::BadRequest),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 413, response = super::openapi::PayloadTooLarge),
        (status = 415, response = super::openapi::UnsupportedMediaType),
        (status = 422, response = super::openapi::ValidationFailed),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    ApiJson(body): ApiJson<CreateBody>,
) -> AppResult<(StatusCode, Json<VideoView>)> {
    let title = Title::parse(&body.title).map_err(AppError::Validation)?;
    let visibility = body.visibility.unwrap_or(Visibility::Private);
    let video = state.videos.create(&user, title, visibility, body.workspace_id.as_deref()).await?;
    Ok((StatusCode::CREATED, Json(VideoView::new(video.video(), Some(Access::Manage)))))
}

/// `limit` is read as text so that a bad one is a JSON 400 like every other error.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Page size, 1-100 (default 20).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    limit: Option<String>,
    /// `next_cursor` from the previous page.
    #[param(min_length = 1)]
    cursor: Option<String>,
    /// Only this workspace's videos; 404 unless you are a member.
    workspace_id: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct VideoPage {
    videos: Vec<VideoView>,
    next_cursor: Option<String>,
}

const MAX_PAGE: i64 = 100;

#[utoipa::path(
    get,
    operation_id = "videos_list",
    path = "/api/videos",
    tag = "videos",
    security((), ("session" = []), ("bearer" = [])),
    params(ListParams),
    responses(
        (status = 200, description = "Videos you may see, newest first", body = VideoPage),
        (status = 400, response = super::openapi::BadRequest),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 404, response = super::openapi::NotFound),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    params: Result<Query<ListParams>, QueryRejection>,
) -> AppResult<Json<VideoPage>> {
    let Query(params) = params.map_err(|e| AppError::bad_request(e.body_text()))?;
    let limit = super::parse_limit(params.limit.as_deref(), 20, MAX_PAGE)?;
    let page = state.videos.list(viewer.as_ref(), params.workspace_id, params.cursor.as_deref(), limit).await?;
    Ok(Json(VideoPage { videos: page.videos, next_cursor: page.next_cursor }))
}

#[utoipa::path(
    get,
    operation_id = "videos_get",
    path = "/api/videos/{id}",
    tag = "videos",
    security((), ("session" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "Video id")),
    responses(
        (status = 200, description = "The video", body = VideoView),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 404, response = super::openapi::NotFound),
    )
)]
pub async fn get(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    ApiPath(id): ApiPath<String>,
) -> AppResult<Json<VideoView>> {
    let video = state.videos.watchable(&id, viewer.as_ref()).await?;
    Ok(Json(VideoView::new(video.video(), Some(video.access()))))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = VideoChanges)]
pub struct UpdateBody {
    /// 1-200 characters.
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
    )]
    title: Option<String>,
    visibility: Option<Visibility>,
    /// What the transcript is made in: "auto" (detect) or a Whisper language code such as
    /// "es"; null follows the workspace's `default_language`. A change re-transcribes.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, nullable, pattern = "^(auto|[a-z]{2,3})$", example = "es")]
    language: Option<Option<String>>,
    /// Also make an English translation caption track (`translation_url`).
    translate: Option<bool>,
}

/// A field that is present, even as `null`, is `Some`; an absent one stays `None`.
fn present<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(deserializer).map(Some)
}

#[utoipa::path(
    patch,
    operation_id = "videos_update",
    path = "/api/videos/{id}",
    tag = "videos",
    security(("session" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "Video id")),
    request_body = UpdateBody,
    responses(
        (status = 200, description = "The updated video", body = VideoView),
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
pub async fn update(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<UpdateBody>,
) -> AppResult<Json<VideoView>> {
    let video = state.videos.managed(&id, &user).await?;
    let title = body.title.as_deref().map(Title::parse).transpose().map_err(AppError::Validation)?;
    let language = match body.language {
        Some(Some(text)) => Some(Some(LanguageChoice::parse(&text).map_err(AppError::Validation)?)),
        Some(None) => Some(None),
        None => None,
    };
    let mut updated = video;
    if title.is_some() || body.visibility.is_some() {
        updated = state.videos.edit_details(updated, title, body.visibility).await?;
    }
    if language.is_some() || body.translate.is_some() {
        let request = LanguageRequest { language, translate: body.translate };
        let row = state.transcripts.choose_language(updated, request).await?;
        return Ok(Json(VideoView::new(&row, Some(Access::Manage))));
    }
    Ok(Json(VideoView::new(updated.video(), Some(Access::Manage))))
}

#[utoipa::path(
    delete,
    operation_id = "videos_delete",
    path = "/api/videos/{id}",
    tag = "videos",
    security(("session" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "Video id")),
    responses(
        (status = 204, description = "The video and all its media are gone"),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 403, response = super::openapi::Forbidden),
        (status = 404, response = super::openapi::NotFound),
    )
)]
pub async fn delete(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    ApiPath(id): ApiPath<String>,
) -> AppResult<StatusCode> {
    let video = state.videos.managed(&id, &user).await?;
    state.videos.delete(video).await?;
    Ok(StatusCode::NO_CONTENT)
}
