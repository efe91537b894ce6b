//! Turning an uploaded original into what every browser plays, plus what was said.
//!
//! Policy: the original stays watchable throughout. Bad media (the uploader's problem)
//! ends as a `failed` video with a readable reason and the job counts as done; internal
//! trouble (storage, database) is an error so the job is retried with backoff. Every
//! step is idempotent, so a retried or taken-over job simply starts again. Work happens
//! in a private temporary folder that is removed whatever happens. Each job has a
//! deadline that scales with the media's length.

mod job;
mod memory;
mod outputs;
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
use crate::events::EventHub;
use crate::jobs::JobQueue;
use crate::media::{self, MediaError, ProcessOptions};
use crate::speech::{SpeechError, SpeechModel, Transcript};
use crate::store::Store;
use crate::webhooks::{self, WebhookEvent};
use transcription::Transcription;

pub use job::{ProcessVideo, ProcessingJobs};
pub use outputs::{asset_key, storyboard_sprite_key};

pub struct VideoProcessor {
    db: Db,
    store: Arc<dyn Store>,
    work_root: PathBuf,
    speech: Option<Arc<SpeechModel>>,
    whisper_threads: usize,
    events: EventHub,
    /// For the jobs a finished video causes (webhook deliveries).
    jobs: JobQueue,
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
        events: EventHub,
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
        Ok(VideoProcessor { db, store, work_root, speech, whisper_threads: config.whisper_threads, events, jobs })
    }

    async fn process_video(&self, video_id: &str) -> anyhow::Result<()> {
        let Some(video) = self.db.video(video_id).await? else {
            return Ok(()); // Deleted while queued.
        };
        match video.status.as_str() {
            "uploaded" | "processing" => {}
            // The job was queued just before the upload was marked complete.
            "uploading" => anyhow::bail!("video {video_id} is not uploaded yet"),
            _ => return Ok(()), // Already ready or failed.
        }
        let Some(original_key) = video.original_key.clone() else {
            self.db.mark_video_failed(video_id, "the video has no uploaded media").await?;
            self.events.announce_video(video_id).await;
            return Ok(());
        };
        let transcript_status = if self.speech.is_some() { "processing" } else { "disabled" };
        self.db.mark_video_processing(video_id, transcript_status).await?;
        self.events.announce_video(video_id).await;
        let work = scratch::Scratch::create(&self.work_root, video_id)?;
        let original = work.path().join("original");
        self.download(&original_key, &original).await?;
        let deadline = Instant::now() + time_budget(&video);
        let out_dir = work.path().join("out");
        tokio::fs::create_dir_all(&out_dir).await?;
        // Speech recognition starts now and reads the audio as the decode pass writes it.
        let transcription =
            self.speech.clone().map(|model| Transcription::start(model, self.whisper_threads, deadline));
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
                    tracing::info!(video.id = %video_id, error = %err, "media rejected");
                    self.db.mark_video_failed(video_id, &err.to_string()).await?;
                    self.events.announce_video(video_id).await;
                    return Ok(());
                }
                return Err(anyhow::Error::new(err).context("processing media"));
            }
        };
        outputs::upload_media(self.store.as_ref(), video_id, &output).await?;
        self.db.mark_video_ready(video_id, output.duration_ms).await?;
        self.events.announce_video(video_id).await;
        tracing::info!(video.id = %video_id, remuxed = output.remuxed_video, "media ready");
        self.announce_ready(video_id).await;
        if let Some(transcription) = transcription {
            let transcript = transcription.finish().await?;
            self.publish_transcript(video_id, transcript).await?;
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
                outputs::put_file(self.store.as_ref(), &asset_key(&video.id, "seekable.webm"), &output).await?;
                self.db.mark_video_seekable(&video.id, copy.duration_ms).await?;
                self.events.announce_video(&video.id).await;
                let _ = tokio::fs::remove_file(&output).await;
            }
            Err(err) => tracing::info!(video.id = %video.id, error = %err, "no seekable copy"),
        }
        Ok(())
    }

    async fn publish_transcript(
        &self,
        video_id: &str,
        transcript: Result<Transcript, SpeechError>,
    ) -> anyhow::Result<()> {
        match transcript {
            Ok(transcript) => {
                outputs::upload_transcript(self.store.as_ref(), &self.db, video_id, &transcript).await?;
                self.db.set_transcript_status(video_id, "ready").await?;
                self.events.announce_video(video_id).await;
                tracing::info!(video.id = %video_id, segments = transcript.segments.len(), "transcript ready");
            }
            Err(err) => {
                // The video itself is fine; only what was said is missing.
                tracing::warn!(video.id = %video_id, error = %err, "transcription failed");
                self.db.set_transcript_status(video_id, "failed").await?;
                self.events.announce_video(video_id).await;
            }
        }
        Ok(())
    }

    /// Tell the workspace's `video.ready` webhooks. The video is ready whatever happens
    /// here, and a retried job would not announce it again, so trouble is only logged.
    async fn announce_ready(&self, video_id: &str) {
        let announced = async {
            let Some(video) = self.db.video(video_id).await? else { return Ok(()) };
            let workspace_id = video.workspace_id.clone();
            // The video as GET /api/videos/{id} shows it to someone who may not manage it
            // (the same view live `video.updated` events carry).
            let data = serde_json::to_value(crate::api::VideoView::new(video, Some(crate::videos::Access::View)))?;
            webhooks::enqueue_deliveries(&self.db, &self.jobs, &workspace_id, WebhookEvent::VideoReady.as_str(), data)
                .await
        };
        if let Err(err) = announced.await {
            tracing::error!(video.id = %video_id, error = ?err, "could not queue video.ready webhooks");
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
