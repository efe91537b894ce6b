//! The `process_video` job on the media queue, and the way uploads reach it.

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

/// Queues [`ProcessVideo`] for finished uploads.
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
}
