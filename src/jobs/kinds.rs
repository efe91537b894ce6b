//! The typed jobs, stored as JSON (`kind` plus payload).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Job {
    /// Probe, transcode, thumbnail and transcribe an uploaded video.
    ProcessVideo { video_id: String },
    /// Send one webhook delivery (one attempt per run).
    DeliverWebhook { delivery_id: String },
}

impl Job {
    pub fn kind(&self) -> &'static str {
        match self {
            Job::ProcessVideo { .. } => "process_video",
            Job::DeliverWebhook { .. } => "deliver_webhook",
        }
    }

    /// How many times the job may run before it is given up.
    pub fn max_attempts(&self) -> i64 {
        match self {
            Job::ProcessVideo { .. } => 4,
            // With the default backoff (5 s doubling) the last try is ~10 minutes after the first.
            Job::DeliverWebhook { .. } => 8,
        }
    }
}
