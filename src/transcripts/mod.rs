//! Transcripts: the language a video is transcribed in, the stored transcript files and
//! their search index, managers' corrections, and the English translation track.
//!
//! Policy:
//! - The stored `transcript.json` is the transcript as heard with every correction
//!   applied; captions (VTT, SRT) and the search segments are always rewritten from it
//!   together, under the video's transcript lock (`db::TranscriptLock`), so they never
//!   disagree and two editors saving at once are both kept.
//! - Corrections live in the database by segment time, so a transcript made again (a new
//!   language) gets them back (`corrections.rs`).
//! - A language change re-transcribes from the processed media (`transcribe_video` job);
//!   turning the translation on queues only the translation.
//! - What a video is transcribed in: its own setting, else its workspace's default, else
//!   `auto`.

mod corrections;
mod error;

use std::sync::Arc;

use bytes::Bytes;

use crate::db::{now_ms, CorrectionRow, Db, SegmentInput, VideoRow};
use crate::domain::{LanguageChoice, SegmentText, TranscriptStatus, VideoStatus};
use crate::speech::{self, Segment, Transcript};
use crate::store::{read_small_object, Store, StoreError};
use crate::videos::{Asset, Managed, ProcessingQueue, Transition, VideoError, Videos};

pub use corrections::apply_corrections;
pub use error::{TranscriptError, TranscriptResult};

#[derive(Clone)]
pub struct Transcripts {
    db: Db,
    store: Arc<dyn Store>,
    videos: Videos,
    queue: Arc<dyn ProcessingQueue>,
}

/// A manager's language request: each field `None` leaves it as it is.
#[derive(Debug, Clone, Default)]
pub struct LanguageRequest {
    /// `Some(None)` follows the workspace's default again.
    pub language: Option<Option<LanguageChoice>>,
    pub translate: Option<bool>,
}

impl Transcripts {
    pub fn new(db: Db, store: Arc<dyn Store>, videos: Videos, queue: Arc<dyn ProcessingQueue>) -> Transcripts {
        Transcripts { db, store, videos, queue }
    }

    /// What `video` is to be transcribed in now.
    pub async fn language_for(&self, video: &VideoRow) -> anyhow::Result<LanguageChoice> {
        let setting = match &video.language_setting {
            Some(setting) => Some(setting.clone()),
            None => self.db.workspace_default_language(&video.workspace_id).await?,
        };
        // A stored value this version does not know is treated as "detect".
        Ok(setting.and_then(|s| LanguageChoice::parse(&s).ok()).unwrap_or(LanguageChoice::Auto))
    }

    /// Record a manager's language and translation choice and queue what it changes: a
    /// new transcript when the language to use changed, the translation when it was
    /// turned on. A video still processing picks the choice up itself.
    pub async fn choose_language(&self, video: Managed, request: LanguageRequest) -> Result<VideoRow, VideoError> {
        let current = video.video();
        let before = self.language_for(current).await?;
        let setting = match request.language {
            Some(choice) => choice.map(|c| c.as_str().to_string()),
            None => current.language_setting.clone(),
        };
        let translate = request.translate.unwrap_or(current.translate);
        let turned_on = translate && !current.translate;
        let transition = Transition::ChooseLanguage { setting, translate };
        let updated = self.videos.lifecycle().apply(&current.id, transition).await?;
        let after = self.language_for(&updated).await?;
        let transcribed = updated.status == VideoStatus::Ready
            && matches!(updated.transcript_status, TranscriptStatus::Ready | TranscriptStatus::Failed);
        if !transcribed {
            return Ok(updated);
        }
        if after != before {
            let restarted = self.videos.lifecycle().apply(&updated.id, Transition::RestartTranscript).await?;
            self.queue.queue_transcription(&updated.id, false).await?;
            return Ok(restarted);
        }
        if turned_on && updated.transcript_status == TranscriptStatus::Ready {
            self.queue.queue_transcription(&updated.id, true).await?;
        }
        Ok(updated)
    }

    /// Correct the text of segment `index` (0-based) of a ready transcript; captions and
    /// search follow at once. Returns the corrected segment.
    pub async fn correct(
        &self,
        video: Managed,
        index: usize,
        text: SegmentText,
        editor_id: &str,
    ) -> TranscriptResult<Segment> {
        let id = video.video().id.clone();
        let mut lock = self.db.lock_transcript(&id).await?.ok_or(TranscriptError::Video(VideoError::NotFound))?;
        // Read under the lock: the transcript may have been re-made since the access check.
        let row = self.videos.load(&id).await?.ok_or(TranscriptError::Video(VideoError::NotFound))?;
        if row.transcript_status != TranscriptStatus::Ready {
            return Err(TranscriptError::NotReady);
        }
        let mut transcript = self.stored_transcript(&id).await?;
        let segment = transcript.segments.get_mut(index).ok_or(TranscriptError::NoSuchSegment)?;
        let edited_at = now_ms();
        corrections::set_text(segment, text.as_str(), editor_id, edited_at);
        let corrected = segment.clone();
        lock.save_correction(&CorrectionRow {
            start_ms: corrected.start_ms,
            end_ms: corrected.end_ms,
            text: text.as_str().to_string(),
            edited_by: editor_id.to_string(),
            edited_at,
        })
        .await?;
        self.write_files(&id, &transcript).await?;
        lock.replace_segments(&transcript.language, &search_segments(&transcript)).await?;
        lock.commit().await?;
        tracing::info!(video.id = %id, index, "transcript segment corrected");
        Ok(corrected)
    }

    /// Store a newly made transcript with the video's corrections applied, and index it.
    /// For workers; the caller then applies `FinishTranscript`.
    pub async fn publish(&self, video_id: &str, mut transcript: Transcript) -> anyhow::Result<Transcript> {
        let Some(mut lock) = self.db.lock_transcript(video_id).await? else {
            return Ok(transcript); // Deleted meanwhile.
        };
        let saved = lock.corrections().await?;
        let kept = corrections::apply_corrections(&mut transcript, &saved);
        if kept.len() != saved.len() || kept != saved {
            lock.replace_corrections(&kept).await?;
        }
        self.write_files(video_id, &transcript).await?;
        lock.replace_segments(&transcript.language, &search_segments(&transcript)).await?;
        lock.commit().await?;
        Ok(transcript)
    }

    /// Store the English translation track (WebVTT). For workers; the caller then applies
    /// `FinishTranslation`.
    pub async fn publish_translation(&self, video_id: &str, translation: &Transcript) -> anyhow::Result<()> {
        let vtt = speech::to_webvtt(translation);
        self.store.put_bytes(&Asset::Translation.key(video_id), Bytes::from(vtt)).await?;
        Ok(())
    }

    async fn stored_transcript(&self, video_id: &str) -> TranscriptResult<Transcript> {
        let body = read_small_object(self.store.as_ref(), &Asset::Transcript.key(video_id)).await?;
        serde_json::from_slice(&body)
            .map_err(|err| TranscriptError::Internal(anyhow::anyhow!("stored transcript: {err}")))
    }

    async fn write_files(&self, video_id: &str, transcript: &Transcript) -> Result<(), StoreError> {
        let json = serde_json::to_vec(transcript).map_err(|err| StoreError::Backend(err.to_string()))?;
        self.store.put_bytes(&Asset::Transcript.key(video_id), Bytes::from(json)).await?;
        self.store.put_bytes(&Asset::Captions.key(video_id), Bytes::from(speech::to_webvtt(transcript))).await?;
        self.store.put_bytes(&Asset::CaptionsSrt.key(video_id), Bytes::from(speech::to_srt(transcript))).await?;
        Ok(())
    }
}

/// What search indexes: each segment with text.
fn search_segments(transcript: &Transcript) -> Vec<SegmentInput> {
    transcript
        .segments
        .iter()
        .map(|s| SegmentInput { start_ms: s.start_ms, end_ms: s.end_ms, text: s.text.trim().to_string() })
        .filter(|s| !s.text.is_empty())
        .collect()
}
