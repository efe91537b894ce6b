//! `VideoView`: a video as the API, live events and webhooks show it.

use serde::Serialize;
use utoipa::ToSchema;

use super::access::Access;
use super::assets::{share_path, Asset};
use crate::db::VideoRow;
use crate::domain::{iso8601, TimeRange, TranscriptStatus, VideoStatus, Visibility};

/// A video as the caller sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VideoView {
    id: String,
    title: String,
    visibility: Visibility,
    /// `waiting_upload` -> `uploading` -> `uploaded` -> `processing` -> `ready` | `failed`.
    #[schema(example = "ready")]
    status: VideoStatus,
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
    #[schema(example = "ready")]
    transcript_status: TranscriptStatus,
    /// Why processing failed; only the video's managers see it.
    error: Option<String>,
    /// Present once processing made them.
    media_url: Option<String>,
    /// A seekable remux of a browser WebM recording, available early in processing.
    seekable_url: Option<String>,
    poster_url: Option<String>,
    /// The poster frame 320 px wide, for listings.
    thumbnail_url: Option<String>,
    storyboard_url: Option<String>,
    captions_url: Option<String>,
    transcript_url: Option<String>,
    /// The transcript's language (a Whisper code such as "es"; "und" when nothing was
    /// heard); absent until a transcript was made.
    #[schema(example = "es")]
    language: Option<String>,
    /// What a manager asked for: "auto" (detect) or a language code; absent follows the
    /// workspace's `default_language`.
    language_setting: Option<String>,
    /// An English translation caption track was asked for.
    translate: bool,
    /// WebVTT of the English translation, once made.
    translation_url: Option<String>,
    /// The published edit's version (0: never edited).
    edit_version: i64,
    /// The stretches of the original recording this version plays, in order; absent when
    /// the original plays. With the previous value, a player maps its position onto a
    /// new version (old position -> original -> new position).
    kept_ranges: Option<Vec<TimeRange>>,
    /// Viewers other than the creator, and live comments (in listings and on one video).
    #[serde(skip_serializing_if = "Option::is_none")]
    view_count: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    comment_count: Option<i64>,
}

impl VideoView {
    /// The video as someone with `access` sees it.
    pub fn new(video: &VideoRow, access: Option<Access>) -> VideoView {
        let can_manage = access == Some(Access::Manage);
        let url = |asset: Asset| asset.url_if_exists(video);
        VideoView {
            id: video.id.clone(),
            title: video.title.clone(),
            visibility: video.visibility,
            status: video.status,
            workspace_id: video.workspace_id.clone(),
            owner_id: video.owner_id.clone(),
            content_type: video.content_type.clone(),
            size_bytes: video.size_bytes,
            created_at: iso8601(video.created_at),
            updated_at: iso8601(video.updated_at),
            share_path: share_path(&video.id),
            original_url: url(Asset::Original),
            can_manage,
            duration_ms: video.duration_ms,
            transcript_status: video.transcript_status,
            error: if can_manage { video.error.clone() } else { None },
            media_url: url(Asset::Media),
            seekable_url: url(Asset::Seekable),
            poster_url: url(Asset::Poster),
            thumbnail_url: url(Asset::Thumbnail),
            storyboard_url: url(Asset::Storyboard),
            captions_url: url(Asset::Captions),
            transcript_url: url(Asset::Transcript),
            language: video.language.clone(),
            language_setting: video.language_setting.clone(),
            translate: video.translate,
            translation_url: url(Asset::Translation),
            edit_version: video.edit_version,
            kept_ranges: video.kept_ranges.as_deref().and_then(|json| serde_json::from_str(json).ok()),
            view_count: None,
            comment_count: None,
        }
    }

    /// What live `video.updated` events and webhooks carry: the video as anyone allowed
    /// to watch it sees it, without manager-only fields.
    pub fn for_watchers(video: &VideoRow) -> VideoView {
        VideoView::new(video, Some(Access::View))
    }

    pub fn with_counts(mut self, view_count: i64, comment_count: i64) -> VideoView {
        self.view_count = Some(view_count);
        self.comment_count = Some(comment_count);
        self
    }
}
