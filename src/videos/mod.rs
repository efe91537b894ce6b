//! Videos: who may see and manage them, their lifecycle, the catalogue of their stored
//! assets, and the view the API shows of them.
//!
//! Everything that reads or changes a video goes through [`Videos`]: it hands out the
//! access proofs ([`Watchable`], [`Managed`]) other services require, applies state
//! changes through the [`Lifecycle`], and opens stored assets named by the catalogue.

mod access;
mod assets;
mod error;
mod files;
mod lifecycle;
mod timeline;
mod view;

mod processing_queue;
pub use processing_queue::ProcessingQueue;

use std::collections::HashMap;
use std::sync::Arc;

use crate::db::{now_ms, Db, MemberRole, SessionUser, UploadRow, VideoListQuery, VideoRow};
use crate::domain::{
    decode_cursor, encode_cursor, random_id, ResourceId, Title, TranscriptStatus, VideoStatus, Visibility,
};
use crate::events::EventHub;
use crate::store::Store;

pub use access::{access_given_roles, Access, Managed, Watchable};
pub use assets::{
    edit_prefix, media_prefix, share_path, upload_pieces_prefix, Asset, AssetAccess, MAX_STORYBOARD_SPRITES,
};
pub use error::{VideoError, VideoResult};
pub use files::{AssetFile, Delivery};
pub use lifecycle::{Lifecycle, Transition};
pub use timeline::{published_timeline, source_duration_ms, stored_kept_ranges};
pub use view::VideoView;

/// One page of a listing.
pub struct VideoPage {
    pub videos: Vec<VideoView>,
    pub next_cursor: Option<String>,
}

#[derive(Clone)]
pub struct Videos {
    db: Db,
    store: Arc<dyn Store>,
    lifecycle: Lifecycle,
    /// Serve media by redirecting to a presigned URL valid this long (S3 only).
    presign_ttl: Option<std::time::Duration>,
}

impl Videos {
    pub fn new(db: Db, store: Arc<dyn Store>, events: EventHub, presign_ttl: Option<std::time::Duration>) -> Videos {
        let lifecycle = Lifecycle::new(db.clone(), events);
        Videos { db, store, lifecycle, presign_ttl }
    }

    pub fn lifecycle(&self) -> &Lifecycle {
        &self.lifecycle
    }

    /// A video the caller may at least see, or `NotFound`.
    pub async fn watchable(&self, raw_id: &str, viewer: Option<&SessionUser>) -> VideoResult<Watchable> {
        let id = ResourceId::parse(raw_id).ok_or(VideoError::NotFound)?;
        let (video, role) =
            self.db.video_with_role(id.as_str(), viewer.map(|u| u.id.as_str())).await?.ok_or(VideoError::NotFound)?;
        let role = role.as_deref().and_then(MemberRole::parse);
        let access = access::access_with_role(&video, viewer, role).ok_or(VideoError::NotFound)?;
        Ok(Watchable::new(video, access))
    }

    /// A video the caller may manage: `NotFound` when they cannot see it, `NotManager`
    /// when they can.
    pub async fn managed(&self, raw_id: &str, user: &SessionUser) -> VideoResult<Managed> {
        self.watchable(raw_id, Some(user)).await?.manage()
    }

    /// A new video waiting for its upload, in `workspace_id` or the caller's personal one.
    pub async fn create(
        &self,
        user: &SessionUser,
        title: Title,
        visibility: Visibility,
        workspace_id: Option<&str>,
    ) -> VideoResult<Managed> {
        let workspace_id = match workspace_id {
            Some(id) => {
                let member = ResourceId::parse(id).is_some() && self.db.member_role(id, &user.id).await?.is_some();
                if !member {
                    return Err(VideoError::Invalid("workspace_id does not name a workspace you belong to".into()));
                }
                id.to_string()
            }
            None => self
                .db
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
            visibility,
            status: VideoStatus::WaitingUpload,
            content_type: None,
            size_bytes: None,
            original_key: None,
            created_at: now,
            updated_at: now,
            visible_since_event: 0,
            error: None,
            duration_ms: None,
            transcript_status: TranscriptStatus::Pending,
            has_seekable: false,
            language: None,
            language_setting: None,
            translate: false,
            translation_ready: false,
            edit_version: 0,
            kept_ranges: None,
            source_duration_ms: None,
            media_revision: 0,
            poster_ms: None,
            poster_uploaded: false,
        };
        self.db.insert_video(&video).await?;
        Ok(Managed::created(video))
    }

    /// Videos the viewer may see, newest first; `cursor` is a previous page's `next_cursor`.
    pub async fn list(
        &self,
        viewer: Option<&SessionUser>,
        workspace_id: Option<String>,
        cursor: Option<&str>,
        limit: i64,
    ) -> VideoResult<VideoPage> {
        let before = cursor.map(parse_cursor).transpose()?;
        if let Some(workspace_id) = workspace_id.as_deref() {
            // Filtering by a workspace is for its members: to anyone else it does not exist,
            // the same answer as for an unknown id (not its public videos, which would tell
            // an outsider the workspace is real).
            let member = match viewer {
                Some(user) => {
                    ResourceId::parse(workspace_id).is_some()
                        && self.db.member_role(workspace_id, &user.id).await?.is_some()
                }
                None => false,
            };
            if !member {
                return Err(VideoError::NotFound);
            }
        }
        let query = VideoListQuery { viewer_id: viewer.map(|u| u.id.clone()), workspace_id, before, limit: limit + 1 };
        let mut rows = self.db.list_videos(&query).await?;
        let next_cursor = if rows.len() as i64 > limit {
            rows.truncate(limit as usize);
            rows.last().map(|last| encode_cursor(&[last.created_at], &last.id))
        } else {
            None
        };
        let ids: Vec<String> = rows.iter().map(|row| row.id.clone()).collect();
        let counts = self.db.engagement_counts(&ids).await?;
        // The caller's roles once for the page, rather than one membership query per video.
        let roles = self.roles_of(viewer).await?;
        let videos = rows
            .iter()
            .map(|row| {
                let access = access_given_roles(row, viewer, &roles);
                let (view_count, comment_count) = counts.get(&row.id).copied().unwrap_or((0, 0));
                VideoView::new(row, access).with_counts(view_count, comment_count)
            })
            .collect();
        Ok(VideoPage { videos, next_cursor })
    }

    /// The caller's role in each workspace they belong to (empty for anonymous callers).
    async fn roles_of(&self, viewer: Option<&SessionUser>) -> VideoResult<HashMap<String, MemberRole>> {
        let Some(user) = viewer else { return Ok(HashMap::new()) };
        Ok(self.db.workspaces_of(&user.id).await?.into_iter().map(|w| (w.id, w.role)).collect())
    }

    /// Rename and/or change visibility; unchanged fields keep their values.
    pub async fn edit_details(
        &self,
        video: Managed,
        title: Option<Title>,
        visibility: Option<Visibility>,
    ) -> VideoResult<Managed> {
        let current = video.video();
        let transition = Transition::EditDetails {
            title: title.map(|t| t.as_str().to_string()).unwrap_or_else(|| current.title.clone()),
            visibility: visibility.unwrap_or(current.visibility),
        };
        let updated = self.lifecycle.apply(&current.id, transition).await?;
        Ok(Managed::created(updated))
    }

    /// Delete a video with everything stored for it. Storage goes first: if it fails, the
    /// row stays and the delete can be retried, so no object is ever orphaned by design.
    pub async fn delete(&self, video: Managed) -> VideoResult<()> {
        let id = &video.video().id;
        for upload in self.db.uploads_of_video(id).await? {
            discard_upload(&self.db, self.store.as_ref(), &upload).await?;
        }
        self.store.delete_prefix(&media_prefix(id)).await?;
        self.db.delete_video(id).await?;
        Ok(())
    }

    /// A video by id, without an access check: for workers, which act for the system.
    pub async fn load(&self, id: &str) -> VideoResult<Option<VideoRow>> {
        Ok(self.db.video(id).await?)
    }
}

fn parse_cursor(raw: &str) -> VideoResult<(i64, String)> {
    decode_cursor::<1>(raw)
        .map(|([created_at], id)| (created_at, id))
        .ok_or_else(|| VideoError::Malformed("cursor is not valid; use next_cursor from a previous page".into()))
}

/// Drop an upload's staged bytes and its row; completed media is left alone. Lives here
/// rather than in `uploads` because deleting a video needs it and videos sit below uploads.
pub async fn discard_upload(db: &Db, store: &dyn Store, upload: &UploadRow) -> VideoResult<()> {
    discard_upload_bytes(store, upload).await?;
    db.delete_upload(&upload.id).await?;
    Ok(())
}

/// The staged bytes of an upload, but not its row.
pub async fn discard_upload_bytes(store: &dyn Store, upload: &UploadRow) -> VideoResult<()> {
    if upload.completed_at.is_none() {
        store.staging_abort(&upload.staging_handle, &upload.staging_key).await?;
    }
    store.delete_prefix(&upload_pieces_prefix(&upload.id)).await?;
    Ok(())
}
