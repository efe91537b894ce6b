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
mod remap;

use std::sync::Arc;

use bytes::Bytes;

use crate::db::{now_ms, CorrectionRow, Db, SegmentInput, VideoRow};
use crate::domain::{LanguageChoice, SegmentText, Timeline, TranscriptStatus, VideoStatus};
use crate::speech::{self, Segment, Transcript};
use crate::store::{read_small_object, Store, StoreError};
use crate::videos::{
    published_timeline, source_duration_ms, stored_kept_ranges, Asset, Managed, ProcessingQueue, Transition,
    VideoError, Videos,
};

pub use corrections::apply_corrections;
pub use error::{TranscriptError, TranscriptResult};
pub use remap::remap_transcript;

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
        // The index is of the transcript as it plays: on an edited video, the segment of
        // the original it shows. Its cut-out words stay as they were around the new text.
        let timeline = published_timeline(&row);
        let (index, text) = match &timeline {
            Some(timeline) => {
                let source = remap::source_index(&transcript, timeline, index).ok_or(TranscriptError::NoSuchSegment)?;
                (source, around_cut_words(&transcript.segments[source], timeline, text.as_str()))
            }
            None => (index, text.as_str().to_string()),
        };
        let segment = transcript.segments.get_mut(index).ok_or(TranscriptError::NoSuchSegment)?;
        let edited_at = now_ms();
        corrections::set_text(segment, &text, editor_id, edited_at);
        let mut corrected = segment.clone();
        lock.save_correction(&CorrectionRow {
            start_ms: corrected.start_ms,
            end_ms: corrected.end_ms,
            text: text.clone(),
            edited_by: editor_id.to_string(),
            edited_at,
        })
        .await?;
        let playing = self.write_files(&row, &transcript).await?;
        if let Some(timeline) = &timeline {
            let alone = Transcript { language: String::new(), segments: vec![corrected.clone()] };
            corrected = remap_transcript(&alone, timeline).segments.pop().unwrap_or(corrected);
        }
        lock.replace_segments(&playing.language, &search_segments(&playing)).await?;
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
        let Some(row) = self.videos.load(video_id).await? else { return Ok(transcript) };
        let playing = self.write_files(&row, &transcript).await?;
        lock.replace_segments(&playing.language, &search_segments(&playing)).await?;
        lock.commit().await?;
        Ok(transcript)
    }

    /// Make edit `version` (`timeline`; `None`: the original again) the one that plays,
    /// its media files already stored under the edit's keys: the transcript files and the
    /// search index follow the new timeline, comments and reactions move with the content,
    /// and the video row changes, all in one transaction. For the render job and reverts.
    pub async fn publish_edit(
        &self,
        video_id: &str,
        version: i64,
        timeline: Option<&Timeline>,
    ) -> Result<VideoRow, VideoError> {
        let mut lock = self.db.lock_transcript(video_id).await?.ok_or(VideoError::NotFound)?;
        let row = self.videos.load(video_id).await?.ok_or(VideoError::NotFound)?;
        let source_ms = source_duration_ms(&row).unwrap_or_default();
        if row.transcript_status == TranscriptStatus::Ready {
            let base = self.stored_transcript(video_id).await.map_err(|err| match err {
                TranscriptError::Video(err) => err,
                TranscriptError::Storage(err) => VideoError::Storage(err),
                other => VideoError::Internal(anyhow::anyhow!(other.to_string())),
            })?;
            let playing = match timeline {
                Some(timeline) => {
                    let edited = remap_transcript(&base, timeline);
                    let key = |asset: Asset| asset.edit_key(video_id, version);
                    self.put_files(key, &edited).await?;
                    edited
                }
                None => base,
            };
            lock.replace_segments(&playing.language, &search_segments(&playing)).await?;
        }
        lock.place_collab(timeline).await?;
        let publish = Transition::PublishEdit {
            version,
            kept_ranges: timeline.and_then(stored_kept_ranges),
            duration_ms: timeline.map_or(source_ms, Timeline::duration_ms),
        };
        let lifecycle = self.videos.lifecycle();
        let (row, event) = lifecycle.apply_locked(&mut lock, publish).await?;
        lock.commit().await?;
        lifecycle.announce(event);
        Ok(row)
    }

    /// Store the English translation track (WebVTT). For workers; the caller then applies
    /// `FinishTranslation`.
    pub async fn publish_translation(&self, video_id: &str, translation: &Transcript) -> anyhow::Result<()> {
        let vtt = speech::to_webvtt(translation);
        self.store.put_bytes(&Asset::Translation.key(video_id), Bytes::from(vtt)).await?;
        // An edited video plays the translation moved onto its timeline.
        if let Some(row) = self.videos.load(video_id).await? {
            if let Some(timeline) = published_timeline(&row) {
                let vtt = speech::to_webvtt(&remap_transcript(translation, &timeline));
                self.store.put_bytes(&Asset::Translation.key_for(&row), Bytes::from(vtt)).await?;
            }
        }
        Ok(())
    }

    /// The transcript as the video plays it now (edited when an edit plays).
    pub async fn playing_transcript(&self, video: &VideoRow) -> TranscriptResult<Transcript> {
        let base = self.stored_transcript(&video.id).await?;
        Ok(match published_timeline(video) {
            Some(timeline) => remap_transcript(&base, &timeline),
            None => base,
        })
    }

    async fn stored_transcript(&self, video_id: &str) -> TranscriptResult<Transcript> {
        let body = read_small_object(self.store.as_ref(), &Asset::Transcript.key(video_id)).await?;
        serde_json::from_slice(&body)
            .map_err(|err| TranscriptError::Internal(anyhow::anyhow!("stored transcript: {err}")))
    }

    /// Store `transcript` (on the original timeline) and, when an edit plays, the edited
    /// copy; returns what plays (what search indexes).
    async fn write_files(&self, video: &VideoRow, transcript: &Transcript) -> Result<Transcript, StoreError> {
        self.put_files(|asset| asset.key(&video.id), transcript).await?;
        match published_timeline(video) {
            Some(timeline) => {
                let edited = remap_transcript(transcript, &timeline);
                self.put_files(|asset| asset.key_for(video), &edited).await?;
                Ok(edited)
            }
            None => Ok(transcript.clone()),
        }
    }

    async fn put_files(&self, key: impl Fn(Asset) -> String, transcript: &Transcript) -> Result<(), StoreError> {
        let json = serde_json::to_vec(transcript).map_err(|err| StoreError::Backend(err.to_string()))?;
        self.store.put_bytes(&key(Asset::Transcript), Bytes::from(json)).await?;
        self.store.put_bytes(&key(Asset::Captions), Bytes::from(speech::to_webvtt(transcript))).await?;
        self.store.put_bytes(&key(Asset::CaptionsSrt), Bytes::from(speech::to_srt(transcript))).await?;
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

/// The text a correction of a partly cut segment leaves on the original: the cut-out
/// words before and after what plays stay, around the corrected text.
fn around_cut_words(segment: &Segment, timeline: &Timeline, corrected: &str) -> String {
    let cut = |w: &&speech::Word| timeline.place(w.start_ms + (w.end_ms - w.start_ms) / 2).is_cut();
    let before: Vec<&str> = segment.words.iter().take_while(cut).map(|w| w.text.trim()).collect();
    let after: Vec<&str> = {
        let mut tail: Vec<&str> = segment.words.iter().rev().take_while(cut).map(|w| w.text.trim()).collect();
        tail.reverse();
        tail
    };
    if before.len() + after.len() >= segment.words.len() {
        return corrected.to_string();
    }
    [before.join(" "), corrected.trim().to_string(), after.join(" ")]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}
