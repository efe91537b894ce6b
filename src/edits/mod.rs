//! Editing after recording: a non-destructive list of kept ranges per video, versioned,
//! rendered by a job, and the poster a manager picks.
//!
//! Policy:
//! - The original upload and the unedited playback files are never changed; an edit is a
//!   list of kept ranges of the original timeline (`domain::Timeline`), and each rendered
//!   version has its own files (`Asset::edit_key`).
//! - Saves are compare-and-set on the version: a save that read an older version is
//!   refused (`Stale`), so two editors never overwrite each other silently.
//! - Cuts arrive in the timeline that plays now (what the editor sees) and are mapped to
//!   the original; transcript selections snap to whole words (`words.rs`).
//! - Saving queues the render (`render_edit` job, media queue). A video still in its
//!   first processing gets it queued when its media is ready. A revert, or an edit that
//!   keeps everything, needs no render: the original plays again at once.
//! - Proposals (silences from the audio, filler words from the transcript) are computed
//!   on request from what plays now, in its timeline, ready to send back as cuts.

mod error;
mod posters;
mod proposals;
mod storyboard;
mod words;

use std::path::PathBuf;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::db::{Db, EditRow, SessionUser, VideoRow};
use crate::domain::{TimeRange, Timeline, TranscriptStatus, VideoStatus};
use crate::speech::Word;
use crate::store::Store;
use crate::transcripts::Transcripts;
use crate::videos::{published_timeline, source_duration_ms, Managed, ProcessingQueue, VideoError, Videos};

pub use error::{EditError, EditResult};
pub use posters::MAX_POSTER_BYTES;
pub use proposals::{ProposalParams, Proposals};
pub use storyboard::remap_storyboard;
pub use words::{FILLER_WORDS, WORD_PADDING_MS};

/// Where an edit is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EditState {
    /// Nothing is cut: the original plays.
    Original,
    /// The latest version is being rendered (or waits for the first processing to end);
    /// the previous version plays meanwhile.
    Rendering,
    /// The latest version plays.
    Ready,
    /// The latest version could not be rendered (see `error`); the previous one plays.
    Failed,
}

/// A video's edit as its managers see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EditView {
    /// The latest saved version (0: never edited). Send it back with the next change.
    pub version: i64,
    /// The latest saved kept ranges, on the original timeline.
    pub keep: Vec<TimeRange>,
    /// The version that plays now.
    pub published_version: i64,
    pub state: EditState,
    /// Why the latest version could not be rendered.
    pub error: Option<String>,
    /// The unedited recording's length.
    pub source_duration_ms: i64,
    /// The latest saved version's length.
    pub duration_ms: i64,
}

/// `PUT /api/videos/{id}/edit`.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EditInput {
    /// The version this edit was made from (`version` of the edit as read).
    pub version: i64,
    pub keep: Vec<TimeRange>,
}

/// `POST /api/videos/{id}/edit/cuts`.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CutsInput {
    pub version: i64,
    /// Stretches to remove, in the timeline that plays now.
    pub cuts: Vec<TimeRange>,
    /// Widen each cut to the whole words it touches (a transcript selection), keeping a
    /// small pause on each side.
    #[serde(default)]
    pub snap_to_words: bool,
}

#[derive(Clone)]
pub struct Edits {
    db: Db,
    store: Arc<dyn Store>,
    videos: Videos,
    transcripts: Transcripts,
    queue: Arc<dyn ProcessingQueue>,
    /// Scratch space for proposals and uploaded posters.
    work_root: PathBuf,
}

impl Edits {
    pub fn new(
        db: Db,
        store: Arc<dyn Store>,
        videos: Videos,
        transcripts: Transcripts,
        queue: Arc<dyn ProcessingQueue>,
        work_root: PathBuf,
    ) -> Edits {
        Edits { db, store, videos, transcripts, queue, work_root }
    }

    pub async fn get(&self, video: &Managed) -> EditResult<EditView> {
        let row = video.video();
        let saved = self.db.edit(&row.id).await?;
        Ok(view_of(row, saved.as_ref()))
    }

    /// Save `input` as the next version and queue what it needs.
    pub async fn save(&self, video: Managed, input: EditInput, editor: &SessionUser) -> EditResult<EditView> {
        let row = video.video();
        let source_ms = editable_length(row)?;
        let timeline = Timeline::parse(&input.keep, source_ms).map_err(EditError::Invalid)?;
        self.store_version(row, input.version, &timeline, editor).await
    }

    /// Remove `input.cuts` (in the playing timeline) from the latest saved version.
    pub async fn cut(&self, video: Managed, input: CutsInput, editor: &SessionUser) -> EditResult<EditView> {
        let row = video.video();
        let source_ms = editable_length(row)?;
        if input.cuts.is_empty() || input.cuts.len() > crate::domain::MAX_RANGES {
            return Err(EditError::Invalid(format!("cuts must list 1 to {} ranges", crate::domain::MAX_RANGES)));
        }
        let playing_ms = row.duration_ms.unwrap_or(source_ms);
        for (i, cut) in input.cuts.iter().enumerate() {
            if cut.start_ms < 0 || cut.end_ms > playing_ms || cut.is_empty() {
                return Err(EditError::Invalid(format!(
                    "cuts[{i}] must be a non-empty range inside the video (0..{playing_ms} ms)"
                )));
            }
        }
        let saved = self.db.edit(&row.id).await?;
        let latest = match &saved {
            Some(edit) => Timeline::parse(&stored_ranges(edit), source_ms).map_err(EditError::Invalid)?,
            None => Timeline::whole(source_ms),
        };
        let snapped = if input.snap_to_words { self.snap(row, &input.cuts).await? } else { input.cuts.clone() };
        let published = published_timeline(row);
        let original_cuts: Vec<TimeRange> = snapped
            .iter()
            .flat_map(|cut| match &published {
                Some(timeline) => timeline.original_ranges_of(*cut),
                None => vec![*cut],
            })
            .collect();
        let timeline = latest.without(&original_cuts).map_err(EditError::Invalid)?;
        self.store_version(row, input.version, &timeline, editor).await
    }

    /// Back to the original: saved as the next version, and playing at once.
    pub async fn revert(&self, video: Managed, editor: &SessionUser) -> EditResult<EditView> {
        let row = video.video();
        let source_ms = editable_length(row)?;
        let current = self.db.edit(&row.id).await?.map_or(0, |edit| edit.version);
        self.store_version(row, current, &Timeline::whole(source_ms), editor).await
    }

    /// Silences and filler words of what plays now, as cuts in its timeline.
    pub async fn proposals(&self, video: &Managed, params: ProposalParams) -> EditResult<Proposals> {
        let row = video.video();
        if row.status != VideoStatus::Ready {
            return Err(EditError::NotProcessed);
        }
        let transcript = match row.transcript_status {
            TranscriptStatus::Ready => Some(self.transcripts.playing_transcript(row).await.map_err(internal)?),
            _ => None,
        };
        proposals::propose(self.store.as_ref(), &self.work_root, row, transcript.as_ref(), params).await
    }

    async fn store_version(
        &self,
        row: &VideoRow,
        expected: i64,
        timeline: &Timeline,
        editor: &SessionUser,
    ) -> EditResult<EditView> {
        let keep = serde_json::to_string(timeline.kept()).map_err(|err| EditError::Internal(err.into()))?;
        let Some(saved) = self.db.save_edit(&row.id, expected, &keep, &editor.id).await? else {
            let current = self.db.edit(&row.id).await?.map_or(0, |edit| edit.version);
            return Err(EditError::Stale { current });
        };
        // Read after the save: a first processing that ends meanwhile sees the saved edit
        // and queues its render itself (see `VideoProcessor::process_video`).
        let now = self.videos.load(&row.id).await?.ok_or(VideoError::NotFound)?;
        if now.status == VideoStatus::Ready {
            if timeline.is_whole() {
                let published = self.transcripts.publish_edit(&row.id, saved.version, None).await?;
                return Ok(view_of(&published, Some(&saved)));
            }
            self.queue.queue_render(&row.id).await?;
        }
        tracing::info!(video.id = %row.id, version = saved.version, "edit saved");
        Ok(view_of(&now, Some(&saved)))
    }

    /// Each cut widened to the words of the playing transcript it touches.
    async fn snap(&self, row: &VideoRow, cuts: &[TimeRange]) -> EditResult<Vec<TimeRange>> {
        if row.transcript_status != TranscriptStatus::Ready {
            return Ok(cuts.to_vec());
        }
        let transcript = self.transcripts.playing_transcript(row).await.map_err(internal)?;
        let words: Vec<&Word> = transcript.words().collect();
        Ok(cuts.iter().map(|cut| words::snap_to_words(*cut, &words)).collect())
    }
}

/// The length edits are checked against: known once the media is measured.
fn editable_length(row: &VideoRow) -> EditResult<i64> {
    match (row.status, source_duration_ms(row)) {
        (VideoStatus::Ready | VideoStatus::Processing, Some(ms)) if ms > 0 => Ok(ms),
        _ => Err(EditError::NotProcessed),
    }
}

/// The saved ranges; a row this version cannot read keeps everything.
fn stored_ranges(edit: &EditRow) -> Vec<TimeRange> {
    serde_json::from_str(&edit.keep_ranges).unwrap_or_default()
}

fn view_of(row: &VideoRow, saved: Option<&EditRow>) -> EditView {
    let source_ms = source_duration_ms(row).unwrap_or_default();
    let keep = match saved {
        Some(edit) => stored_ranges(edit),
        None => vec![TimeRange::new(0, source_ms)],
    };
    let version = saved.map_or(0, |edit| edit.version);
    let whole = Timeline::parse(&keep, source_ms).map_or(true, |t| t.is_whole());
    let failed = saved.is_some_and(|edit| edit.failed_version == Some(edit.version));
    let state = if row.edit_version == version {
        if whole {
            EditState::Original
        } else {
            EditState::Ready
        }
    } else if failed {
        EditState::Failed
    } else {
        EditState::Rendering
    };
    EditView {
        version,
        duration_ms: keep.iter().map(TimeRange::len).sum(),
        keep,
        published_version: row.edit_version,
        state,
        error: if failed { saved.and_then(|edit| edit.error.clone()) } else { None },
        source_duration_ms: source_ms,
    }
}

fn internal(err: impl std::fmt::Display) -> EditError {
    EditError::Internal(anyhow::anyhow!(err.to_string()))
}
