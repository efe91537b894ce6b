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
use crate::app::AppState;
use crate::db::{VideoListQuery, VideoRow};
use crate::domain::{decode_cursor, encode_cursor, iso8601, Title, Visibility};
use crate::error::{AppError, AppResult};
use crate::videos::{self, Access};

/// A video as the caller sees it.
#[derive(Serialize, ToSchema)]
pub struct VideoView {
    id: String,
    title: String,
    #[schema(value_type = Visibility)]
    visibility: String,
    /// `waiting_upload` -> `uploading` -> `uploaded` -> `processing` -> `ready` | `failed`.
    #[schema(example = "ready", pattern = "^(waiting_upload|uploading|uploaded|processing|ready|failed)$")]
    status: String,
    workspace_id: String,
    owner_id: String,
    content_type: Option<String>,
    size_bytes: Option<i64>,
    created_at: String,
    updated_at: String,
    share_path: String,
    original_url: Option<String>,
    can_manage: bool,
    duration_ms: Option<i64>,
    /// `pending` | `processing` | `ready` | `failed` | `disabled` (no speech model).
    #[schema(example = "ready", pattern = "^(pending|processing|ready|failed|disabled)$")]
    transcript_status: String,
    /// Why processing failed; only the video's managers see it.
    error: Option<String>,
    /// Present once processing made them.
    media_url: Option<String>,
    /// A seekable remux of a browser WebM recording, available early in processing.
    seekable_url: Option<String>,
    poster_url: Option<String>,
    storyboard_url: Option<String>,
    captions_url: Option<String>,
    transcript_url: Option<String>,
    /// Viewers other than the creator, and live comments (in listings and on one video).
    #[serde(skip_serializing_if = "Option::is_none")]
    view_count: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    comment_count: Option<i64>,
}

impl VideoView {
    pub fn with_counts(mut self, view_count: i64, comment_count: i64) -> VideoView {
        self.view_count = Some(view_count);
        self.comment_count = Some(comment_count);
        self
    }

    pub fn new(video: VideoRow, access: Option<Access>) -> VideoView {
        let original_url = video.original_key.as_ref().map(|_| format!("/api/videos/{}/original", video.id));
        let can_manage = access == Some(Access::Manage);
        let ready = video.status == "ready";
        let transcript_ready = video.transcript_status == "ready";
        let asset = |name: &str, present: bool| present.then(|| format!("/api/videos/{}/{name}", video.id));
        VideoView {
            share_path: format!("/v/{}", video.id),
            original_url,
            can_manage,
            media_url: asset("media.mp4", ready),
            seekable_url: asset("seekable.webm", video.has_seekable == 1),
            poster_url: asset("poster.jpg", ready),
            storyboard_url: asset("storyboard.vtt", ready),
            captions_url: asset("captions.vtt", transcript_ready),
            transcript_url: asset("transcript", transcript_ready),
            view_count: None,
            comment_count: None,
            created_at: iso8601(video.created_at),
            updated_at: iso8601(video.updated_at),
            duration_ms: video.duration_ms,
            error: if can_manage { video.error } else { None },
            transcript_status: video.transcript_status,
            id: video.id,
            title: video.title,
            visibility: video.visibility,
            status: video.status,
            workspace_id: video.workspace_id,
            owner_id: video.owner_id,
            content_type: video.content_type,
            size_bytes: video.size_bytes,
        }
    }
}

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
    let video = videos::create(&state.db, &user, title, visibility, body.workspace_id.as_deref()).await?;
    Ok((StatusCode::CREATED, Json(VideoView::new(video, Some(Access::Manage)))))
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
    /// Only this workspace's videos.
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
    )
)]
pub async fn list(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    params: Result<Query<ListParams>, QueryRejection>,
) -> AppResult<Json<VideoPage>> {
    let Query(params) = params.map_err(|e| AppError::bad_request(e.body_text()))?;
    let limit = super::parse_limit(params.limit.as_deref(), 20, MAX_PAGE)?;
    let before = params.cursor.as_deref().map(parse_cursor).transpose()?;
    let query = VideoListQuery {
        viewer_id: viewer.as_ref().map(|u| u.id.clone()),
        workspace_id: params.workspace_id,
        before,
        limit: limit + 1,
    };
    let mut rows = videos::list(&state.db, query).await?;
    let next_cursor = if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|last| encode_cursor(&[last.created_at], &last.id))
    } else {
        None
    };
    let ids: Vec<String> = rows.iter().map(|row| row.id.clone()).collect();
    let counts = state.db.engagement_counts(&ids).await?;
    // The caller's roles once for the page, rather than one membership query per video.
    let roles = videos::roles_of(&state.db, viewer.as_ref()).await?;
    let views = rows
        .into_iter()
        .map(|row| {
            let access = videos::access_given_roles(&row, viewer.as_ref(), &roles);
            let (view_count, comment_count) = counts.get(&row.id).copied().unwrap_or((0, 0));
            VideoView::new(row, access).with_counts(view_count, comment_count)
        })
        .collect();
    Ok(Json(VideoPage { videos: views, next_cursor }))
}

fn parse_cursor(raw: &str) -> AppResult<(i64, String)> {
    decode_cursor::<1>(raw)
        .map(|([created_at], id)| (created_at, id))
        .ok_or_else(|| AppError::bad_request("cursor is not valid; use next_cursor from a previous page"))
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
    let (video, access) = videos::visible_video(&state.db, &id, viewer.as_ref()).await?;
    Ok(Json(VideoView::new(video, Some(access))))
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
    let video = videos::managed_video(&state.db, &id, &user).await?;
    let title = match body.title {
        Some(raw) => Title::parse(&raw).map_err(AppError::Validation)?.as_str().to_string(),
        None => video.title.clone(),
    };
    let visibility = body.visibility.map(|v| v.as_str().to_string()).unwrap_or_else(|| video.visibility.clone());
    state.db.update_video_details(&video.id, &title, &visibility).await?;
    let updated = state.db.video(&video.id).await?.ok_or(AppError::NotFound)?;
    state.events.announce_video(&video.id).await;
    Ok(Json(VideoView::new(updated, Some(Access::Manage))))
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
    let video = videos::managed_video(&state.db, &id, &user).await?;
    videos::delete(&state.db, state.store.as_ref(), &video).await?;
    Ok(StatusCode::NO_CONTENT)
}
