//! Turning an uploaded original into what every browser plays, plus what was said.
//!
//! Policy: the original stays watchable throughout. Bad media (the uploader's problem)
//! ends as a `failed` video with a readable reason and the job counts as done; internal
//! trouble (storage, database) is an error so the job is retried with backoff. Every
//! step is idempotent, so a retried or taken-over job simply starts again. Work happens
//! in a private temporary folder that is removed whatever happens. Each job has a
//! deadline that scales with the media's length.

mod job;
mod live;
mod memory;
mod outputs;
mod render;
mod retranscribe;
mod scratch;
mod transcription;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use futures::TryStreamExt;
use tokio::io::AsyncWriteExt;

use crate::config::Config;
use crate::db::{Db, VideoRow};
use crate::domain::LanguageChoice;
use crate::domain::{TranscriptStatus, VideoStatus};
use crate::jobs::JobQueue;
use crate::media::{self, MediaError, ProcessOptions};
use crate::speech::{SpeechError, SpeechModel, Transcript};
use crate::store::Store;
use crate::transcripts::Transcripts;
use crate::uploads::Received;
use crate::videos::{Asset, Transition, VideoError, VideoView, Videos};
use crate::webhooks::{self, WebhookEvent};
use transcription::Transcription;

pub use job::{ProcessVideo, ProcessingJobs, TranscribeVideo};
pub use live::LiveProcess;
pub use render::{RenderEdit, RenderPoster};

pub struct VideoProcessor {
    db: Db,
    store: Arc<dyn Store>,
    /// Every state change goes through the videos' lifecycle, which announces it.
    videos: Videos,
    /// Stores transcripts with their corrections, and knows what language to use.
    transcripts: Transcripts,
    work_root: PathBuf,
    speech: Option<Arc<SpeechModel>>,
    whisper_threads: usize,
    /// For the jobs a finished video causes (webhook deliveries).
    jobs: JobQueue,
    /// Reads recordings while they are uploaded (live processing).
    received: Received,
    follow_options: live::LiveFollowOptions,
}

/// Why transcription is off, for logs and the README's promise of a clear message.
pub const NO_MODEL_MESSAGE: &str =
    "transcription disabled: set BRIEFLY_WHISPER_MODEL to a whisper.cpp model (see scripts/install-model.sh)";

impl VideoProcessor {
    /// Load the speech model (if configured) once for every job of this process.
    pub fn new(
        config: &Config,
        db: Db,
        store: Arc<dyn Store>,
        videos: Videos,
        transcripts: Transcripts,
        jobs: JobQueue,
    ) -> anyhow::Result<VideoProcessor> {
        let speech = match &config.whisper_model {
            Some(path) => Some(Arc::new(
                SpeechModel::load(path).with_context(|| format!("loading speech model {}", path.display()))?,
            )),
            None => {
                tracing::warn!("{NO_MODEL_MESSAGE}");
                None
            }
        };
        let work_root = config.data_dir.join("work");
        std::fs::create_dir_all(&work_root).with_context(|| format!("creating {}", work_root.display()))?;
        scratch::remove_abandoned(&work_root);
        Ok(VideoProcessor {
            received: Received::new(db.clone(), store.clone()),
            follow_options: live::LiveFollowOptions {
                stall_after: config.live_stall_after,
                ..live::LiveFollowOptions::default()
            },
            db,
            store,
            videos,
            transcripts,
            work_root,
            speech,
            whisper_threads: config.whisper_threads,
            jobs,
        })
    }

    async fn process_video(&self, video_id: &str) -> anyhow::Result<()> {
        if !live::session::claim_after_upload(&self.db, video_id).await? {
            return Ok(()); // Its live job is following it and finishes it.
        }
        let Some(video) = self.videos.load(video_id).await? else {
            return Ok(()); // Deleted while queued.
        };
        match video.status {
            VideoStatus::Uploaded | VideoStatus::Processing => {}
            // The job was queued just before the upload was marked complete.
            VideoStatus::WaitingUpload | VideoStatus::Uploading => {
                anyhow::bail!("video {video_id} is not uploaded yet")
            }
            VideoStatus::Ready | VideoStatus::Failed => return Ok(()),
        }
        let Some(original_key) = video.original_key.clone() else {
            return self.fail(video_id, "the video has no uploaded media").await;
        };
        let transcript = if self.speech.is_some() { TranscriptStatus::Processing } else { TranscriptStatus::Disabled };
        match self.videos.lifecycle().apply(video_id, Transition::StartProcessing { transcript }).await {
            Ok(_) => {}
            // Deleted, or finished by another worker that took the job over meanwhile.
            Err(VideoError::NotFound | VideoError::IllegalTransition { .. }) => return Ok(()),
            Err(err) => return Err(err.into()),
        }
        let work = scratch::Scratch::create(&self.work_root, video_id)?;
        let original = work.path().join("original");
        self.download(&original_key, &original).await?;
        let deadline = Instant::now() + time_budget(&video);
        let out_dir = work.path().join("out");
        tokio::fs::create_dir_all(&out_dir).await?;
        // Speech recognition starts now and reads the audio as the decode pass writes it.
        let language = self.transcripts.language_for(&video).await?;
        let spoken = language.language().map(|l| l.code().to_string());
        let transcription =
            self.speech.clone().map(|model| Transcription::start(model, self.whisper_threads, deadline, spoken, None));
        let processed = {
            let (input, out_dir) = (original.clone(), out_dir.clone());
            let options = ProcessOptions {
                deadline: Some(deadline),
                speech_feed: transcription.as_ref().map(Transcription::feed),
                ..ProcessOptions::default()
            };
            let transcode = tokio::task::spawn_blocking(move || {
                let processed = media::process(&input, &out_dir, &options);
                memory::return_freed_memory();
                processed
            });
            // The seekable copy is a remux: it reads the original while the transcode runs.
            let (seekable, transcoded) = tokio::join!(self.make_seekable_copy(&video, &original, deadline), transcode);
            seekable.and(transcoded.map_err(anyhow::Error::from))
        };
        let media = match processed {
            Ok(media) => media,
            Err(err) => {
                Transcription::stop(transcription).await;
                return Err(err);
            }
        };
        let output = match media {
            Ok(output) => output,
            Err(err) => {
                Transcription::stop(transcription).await;
                if err.is_user_error() || matches!(err, MediaError::DeadlineExceeded) {
                    // Bad media, or media too slow to process within its budget: retrying will not help.
                    // The owner reads a short reason; the full error (FFmpeg's words) is logged.
                    tracing::info!(video.id = %video_id, error = %err, "media rejected");
                    return self.fail(video_id, &err.user_reason()).await;
                }
                return Err(anyhow::Error::new(err).context("processing media"));
            }
        };
        self.publish_media(video_id, &output, transcription, &language).await
    }

    /// The last steps of processing, after upload or live: store the outputs, mark the
    /// video ready and say so, then wait for the transcript and publish it.
    async fn publish_media(
        &self,
        video_id: &str,
        output: &media::ProcessOutput,
        transcription: Option<Transcription>,
        language: &LanguageChoice,
    ) -> anyhow::Result<()> {
        let media_bytes = outputs::upload_media(self.store.as_ref(), video_id, output).await?;
        // The seekable copy (if one was made) counts too; a missing one is simply none.
        let seekable_bytes = self.store.size(&Asset::Seekable.key(video_id)).await.unwrap_or(0);
        self.db.set_derived_bytes(video_id, (media_bytes + seekable_bytes) as i64).await?;
        let ready = self
            .videos
            .lifecycle()
            .apply(video_id, Transition::FinishMedia { duration_ms: output.duration_ms })
            .await?;
        tracing::info!(video.id = %video_id, remuxed = output.remuxed_video, "media ready");
        self.announce_ready(&ready).await;
        self.queue_pending_render(video_id).await?;
        if let Some(transcription) = transcription {
            let transcript = transcription.finish().await?;
            self.publish_transcript(video_id, language, transcript, true).await?;
        }
        Ok(())
    }

    /// Browser WebM has no duration and no cues: a quick remux makes a copy that plays and
    /// seeks while the transcode runs. It is only a head start, so failures are logged and
    /// left to the full pipeline to report.
    async fn make_seekable_copy(&self, video: &VideoRow, original: &Path, deadline: Instant) -> anyhow::Result<()> {
        let content_type = video.content_type.as_deref().unwrap_or_default();
        if !(content_type.contains("webm") || content_type.contains("matroska")) {
            return Ok(());
        }
        let (input, output) = (original.to_path_buf(), original.with_file_name("seekable.webm"));
        let target = output.clone();
        let remuxed =
            tokio::task::spawn_blocking(move || media::remux_seekable(&input, &target, Some(deadline))).await?;
        match remuxed {
            Ok(copy) => {
                outputs::put_file(self.store.as_ref(), &Asset::Seekable.key(&video.id), &output).await?;
                let stored = Transition::StoreSeekableCopy { duration_ms: copy.duration_ms };
                self.videos.lifecycle().apply(&video.id, stored).await?;
                let _ = tokio::fs::remove_file(&output).await;
            }
            Err(err) => tracing::info!(video.id = %video.id, error = %err, "no seekable copy"),
        }
        Ok(())
    }

    /// Store a transcript made in `language` and mark it ready, unless a manager chose
    /// another language meanwhile: then it is dropped (and, with `requeue`, a new one
    /// queued; a change on a ready video queued its own). Afterwards the English
    /// translation, if wanted, is queued.
    async fn publish_transcript(
        &self,
        video_id: &str,
        language: &LanguageChoice,
        transcript: Result<Transcript, SpeechError>,
        requeue: bool,
    ) -> anyhow::Result<()> {
        let Some(video) = self.videos.load(video_id).await? else { return Ok(()) };
        if self.transcripts.language_for(&video).await? != *language {
            tracing::info!(video.id = %video_id, "language changed during transcription; this transcript is dropped");
            if requeue {
                let again = TranscribeVideo { video_id: video_id.to_string(), translation_only: false };
                self.jobs.enqueue(&again).await?;
            }
            return Ok(());
        }
        match transcript {
            Ok(transcript) => {
                let transcript = self.transcripts.publish(video_id, transcript).await?;
                let finished =
                    Transition::FinishTranscript { succeeded: true, language: Some(transcript.language.clone()) };
                let video = self.videos.lifecycle().apply(video_id, finished).await?;
                tracing::info!(
                    video.id = %video_id,
                    segments = transcript.segments.len(),
                    language = %transcript.language,
                    "transcript ready"
                );
                if video.translate {
                    self.jobs
                        .enqueue(&TranscribeVideo { video_id: video_id.to_string(), translation_only: true })
                        .await?;
                }
            }
            Err(err) => {
                // The video itself is fine; only what was said is missing.
                tracing::warn!(video.id = %video_id, error = %err, "transcription failed");
                let failed = Transition::FinishTranscript { succeeded: false, language: None };
                self.videos.lifecycle().apply(video_id, failed).await?;
            }
        }
        Ok(())
    }

    /// Tell the workspace's `video.ready` webhooks. The video is ready whatever happens
    /// here, and a retried job would not announce it again, so trouble is only logged.
    async fn announce_ready(&self, video: &VideoRow) {
        let announced = async {
            // The video as GET /api/videos/{id} shows it to someone who may not manage it
            // (the same view live `video.updated` events carry).
            let data = serde_json::to_value(VideoView::for_watchers(video))?;
            let event = WebhookEvent::VideoReady.as_str();
            webhooks::enqueue_deliveries(&self.db, &self.jobs, &video.workspace_id, event, data).await
        };
        if let Err(err) = announced.await {
            tracing::error!(video.id = %video.id, error = ?err, "could not queue video.ready webhooks");
        }
    }

    /// The video failed for good: bad media, or a job given up. A video that finished
    /// meanwhile (or was deleted) is left as it is. `reason` is shown to the owner: a short
    /// sentence, never an error chain.
    async fn fail(&self, video_id: &str, reason: &str) -> anyhow::Result<()> {
        match self.videos.lifecycle().apply(video_id, Transition::Fail { reason: reason.to_string() }).await {
            Ok(_) | Err(VideoError::NotFound) => Ok(()),
            Err(VideoError::IllegalTransition { from, .. }) => {
                tracing::info!(video.id = %video_id, status = from.as_str(), reason, "not failing a settled video");
                Ok(())
            }
            Err(err) => Err(err.into()),
        }
    }

    async fn download(&self, key: &str, target: &Path) -> anyhow::Result<()> {
        let body = self.store.get(key, None).await?;
        let mut file = tokio::fs::File::create(target).await?;
        let mut stream = body.stream;
        while let Some(chunk) = stream.try_next().await? {
            file.write_all(&chunk).await?;
        }
        file.flush().await?;
        Ok(())
    }
}

/// Generous but bounded: three times the media's length plus two minutes, where the length
/// is unknown (browser WebM has none) estimated from the size at a low bitrate.
fn time_budget(video: &VideoRow) -> Duration {
    let size_estimate_ms = video.size_bytes.unwrap_or(0).max(0) as u64 / 32; // ~256 kbit/s
    let length_ms = video.duration_ms.map(|d| d.max(0) as u64).unwrap_or(size_estimate_ms);
    Duration::from_millis(length_ms.saturating_mul(3))
        .saturating_add(Duration::from_secs(120))
        .min(Duration::from_secs(6 * 3600))
}
