//! The `process_video` and `transcribe_video` jobs on the media queue, and the way
//! uploads and language changes reach them.

use serde::{Deserialize, Serialize};

use super::VideoProcessor;
use crate::jobs::{Job, JobQueue, Queue};
use crate::videos::ProcessingQueue;

/// What the owner of a video whose job was given up reads (the details are in the log).
pub(super) const GAVE_UP_REASON: &str = "processing failed; try uploading the file again";

/// Probe, transcode, thumbnail and transcribe an uploaded video.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessVideo {
    pub video_id: String,
}

#[async_trait::async_trait]
impl Job for ProcessVideo {
    const KIND: &'static str = "process_video";
    const QUEUE: Queue = Queue::MEDIA;
    const MAX_ATTEMPTS: i64 = 4;
    type Context = VideoProcessor;

    async fn run(&self, processor: &VideoProcessor) -> anyhow::Result<()> {
        processor.process_video(&self.video_id).await
    }

    /// `reason` is the worker's account (attempts, the error chain with paths and SQL): it
    /// goes to the log, and the owner is told only that processing failed.
    async fn gave_up(&self, processor: &VideoProcessor, reason: &str) {
        tracing::warn!(video.id = %self.video_id, reason, "video processing given up");
        if let Err(err) = processor.fail(&self.video_id, GAVE_UP_REASON).await {
            tracing::error!(video.id = %self.video_id, error = %err, "could not mark video failed");
        }
    }
}

/// Make a ready video's transcript again (its language changed) and then its English
/// translation if one is wanted; with `translation_only`, just the translation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TranscribeVideo {
    pub video_id: String,
    #[serde(default)]
    pub translation_only: bool,
}

#[async_trait::async_trait]
impl Job for TranscribeVideo {
    const KIND: &'static str = "transcribe_video";
    const QUEUE: Queue = Queue::MEDIA;
    const MAX_ATTEMPTS: i64 = 4;
    type Context = VideoProcessor;

    async fn run(&self, processor: &VideoProcessor) -> anyhow::Result<()> {
        processor.transcribe_video(&self.video_id, self.translation_only).await
    }

    /// The video plays on; its transcript (or translation) is marked failed.
    async fn gave_up(&self, processor: &VideoProcessor, reason: &str) {
        tracing::warn!(video.id = %self.video_id, reason, "transcription given up");
        if let Err(err) = processor.give_up_transcription(&self.video_id, self.translation_only).await {
            tracing::error!(video.id = %self.video_id, error = %err, "could not mark the transcript failed");
        }
    }
}

/// Queues [`ProcessVideo`] for finished uploads and [`TranscribeVideo`] for language changes.
#[derive(Clone)]
pub struct ProcessingJobs {
    jobs: JobQueue,
}

impl ProcessingJobs {
    pub fn new(jobs: JobQueue) -> ProcessingJobs {
        ProcessingJobs { jobs }
    }
}

#[async_trait::async_trait]
impl ProcessingQueue for ProcessingJobs {
    async fn queue_processing(&self, video_id: &str) -> anyhow::Result<()> {
        self.jobs.enqueue(&ProcessVideo { video_id: video_id.to_string() }).await?;
        Ok(())
    }

    async fn queue_transcription(&self, video_id: &str, translation_only: bool) -> anyhow::Result<()> {
        self.jobs.enqueue(&TranscribeVideo { video_id: video_id.to_string(), translation_only }).await?;
        Ok(())
    }

    async fn queue_render(&self, video_id: &str) -> anyhow::Result<()> {
        self.jobs.enqueue(&super::RenderEdit { video_id: video_id.to_string() }).await?;
        Ok(())
    }

    async fn queue_poster(&self, video_id: &str, poster_ms: i64) -> anyhow::Result<()> {
        self.jobs.enqueue(&super::RenderPoster { video_id: video_id.to_string(), poster_ms }).await?;
        Ok(())
    }

    /// The session goes first: a live job without one would find nothing to claim.
    async fn queue_live(&self, video_id: &str, upload_id: &str) -> anyhow::Result<()> {
        self.jobs.db().start_live_session(video_id, upload_id, super::live::session::PENDING).await?;
        let job = super::LiveProcess { video_id: video_id.to_string(), upload_id: upload_id.to_string(), resumes: 0 };
        self.jobs.enqueue(&job).await?;
        Ok(())
    }
}
