//! Videos: who may do what, and the operations on them.
//!
//! Access policy, in one place:
//! - `Manage` (rename, change visibility, delete, upload): the video's creator while a
//!   member of its workspace, or any owner of the workspace.
//! - `View`: any member of the workspace; anyone at all for `unlisted` and `public`.
//! - Otherwise the video does not exist as far as the caller can tell (404, never 403).

mod processing_queue;
pub use processing_queue::ProcessingQueue;

use std::collections::HashMap;

use crate::db::{now_ms, Db, MemberRole, SessionUser, VideoListQuery, VideoRow};
use crate::domain::{random_id, ResourceId, Title, VideoStatus, Visibility};
use crate::error::{AppError, AppResult};
use crate::store::Store;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Access {
    View,
    Member,
    Manage,
}

pub async fn access_to(db: &Db, video: &VideoRow, viewer: Option<&SessionUser>) -> AppResult<Option<Access>> {
    let role = match viewer {
        Some(user) => db.member_role(&video.workspace_id, &user.id).await?,
        None => None,
    };
    Ok(access_with_role(video, viewer, role))
}

/// The caller's role in each workspace they belong to (empty for anonymous callers).
pub async fn roles_of(db: &Db, viewer: Option<&SessionUser>) -> AppResult<HashMap<String, MemberRole>> {
    let Some(user) = viewer else { return Ok(HashMap::new()) };
    Ok(db
        .workspaces_of(&user.id)
        .await?
        .into_iter()
        .filter_map(|w| MemberRole::parse(&w.role).map(|role| (w.id, role)))
        .collect())
}

/// [`access_to`] for many videos, with the caller's roles looked up once ([`roles_of`]).
pub fn access_given_roles(
    video: &VideoRow,
    viewer: Option<&SessionUser>,
    roles: &HashMap<String, MemberRole>,
) -> Option<Access> {
    access_with_role(video, viewer, roles.get(&video.workspace_id).copied())
}

/// The policy itself, given the caller's role in the video's workspace.
fn access_with_role(video: &VideoRow, viewer: Option<&SessionUser>, role: Option<MemberRole>) -> Option<Access> {
    let is_creator = viewer.is_some_and(|user| user.id == video.owner_id);
    match role {
        Some(MemberRole::Owner) => Some(Access::Manage),
        Some(MemberRole::Member) if is_creator => Some(Access::Manage),
        Some(MemberRole::Member) => Some(Access::Member),
        None => match Visibility::from_db(&video.visibility) {
            Visibility::Public | Visibility::Unlisted => Some(Access::View),
            Visibility::Private => None,
        },
    }
}

/// Load a video the caller may at least see, or answer 404.
pub async fn visible_video(db: &Db, raw_id: &str, viewer: Option<&SessionUser>) -> AppResult<(VideoRow, Access)> {
    let id = ResourceId::parse(raw_id).ok_or(AppError::NotFound)?;
    let (video, role) =
        db.video_with_role(id.as_str(), viewer.map(|u| u.id.as_str())).await?.ok_or(AppError::NotFound)?;
    let role = role.as_deref().and_then(MemberRole::parse);
    let access = access_with_role(&video, viewer, role).ok_or(AppError::NotFound)?;
    Ok((video, access))
}

/// Load a video the caller may manage: 404 when they cannot see it, 403 when they can.
pub async fn managed_video(db: &Db, raw_id: &str, user: &SessionUser) -> AppResult<VideoRow> {
    let (video, access) = visible_video(db, raw_id, Some(user)).await?;
    if access < Access::Manage {
        return Err(AppError::Forbidden("only the video's owner can do this"));
    }
    Ok(video)
}

pub async fn create(
    db: &Db,
    user: &SessionUser,
    title: Title,
    visibility: Visibility,
    workspace_id: Option<&str>,
) -> AppResult<VideoRow> {
    let workspace_id = match workspace_id {
        Some(id) => {
            let member = ResourceId::parse(id).is_some() && db.member_role(id, &user.id).await?.is_some();
            if !member {
                return Err(AppError::validation("workspace_id does not name a workspace you belong to"));
            }
            id.to_string()
        }
        None => db
            .personal_workspace(&user.id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("user {} has no personal workspace", user.id))?,
    };
    let now = now_ms();
    let video = VideoRow {
        id: random_id(16),
        workspace_id,
        owner_id: user.id.clone(),
        title: title.as_str().to_string(),
        visibility: visibility.as_str().to_string(),
        status: VideoStatus::WaitingUpload.as_str().to_string(),
        content_type: None,
        size_bytes: None,
        original_key: None,
        created_at: now,
        updated_at: now,
        error: None,
        duration_ms: None,
        transcript_status: "pending".into(),
        has_seekable: 0,
    };
    db.insert_video(&video).await?;
    Ok(video)
}

pub async fn list(db: &Db, query: VideoListQuery) -> AppResult<Vec<VideoRow>> {
    Ok(db.list_videos(&query).await?)
}

/// Delete a video with everything stored for it. Storage goes first: if it fails, the
/// row stays and the delete can be retried, so no object is ever orphaned by design.
pub async fn delete(db: &Db, store: &dyn Store, video: &VideoRow) -> AppResult<()> {
    for upload in db.uploads_of_video(&video.id).await? {
        crate::uploads::discard_staging(db, store, &upload).await?;
    }
    store.delete_prefix(&media_prefix(&video.id)).await?;
    db.delete_video(&video.id).await?;
    Ok(())
}

/// Every object of a video lives under this prefix.
pub fn media_prefix(video_id: &str) -> String {
    format!("videos/{video_id}/")
}

pub fn original_key(video_id: &str) -> String {
    format!("videos/{video_id}/original")
}
