//! The `live_process` job on the live queue: process a recording while it is recorded.

use serde::{Deserialize, Serialize};

use crate::jobs::{Job, Queue};
use crate::processing::VideoProcessor;

/// Follow the upload of a recording of unknown length, processing and transcribing it as
/// it arrives, and publish it when it completes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveProcess {
    pub video_id: String,
    pub upload_id: String,
    /// How many times this recording stalled and its job yielded (backs off the retry).
    #[serde(default)]
    pub resumes: u32,
}

#[async_trait::async_trait]
impl Job for LiveProcess {
    const KIND: &'static str = "live_process";
    const QUEUE: Queue = Queue::LIVE;
    const MAX_ATTEMPTS: i64 = 4;
    type Context = VideoProcessor;

    async fn run(&self, processor: &VideoProcessor) -> anyhow::Result<()> {
        processor.follow_recording(self).await
    }

    /// The recording is processed after upload instead.
    async fn gave_up(&self, processor: &VideoProcessor, reason: &str) {
        tracing::warn!(video.id = %self.video_id, reason, "live processing given up; processing after upload");
        if let Err(err) = processor.hand_to_after_upload(&self.video_id, &self.upload_id).await {
            tracing::error!(video.id = %self.video_id, error = %err, "could not hand the recording over");
        }
    }
}
