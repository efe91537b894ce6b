//! The typed jobs, stored as JSON (`kind` plus payload).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Job {
    /// Probe, transcode, thumbnail and transcribe an uploaded video.
    ProcessVideo { video_id: String },
}

impl Job {
    pub fn kind(&self) -> &'static str {
        match self {
            Job::ProcessVideo { .. } => "process_video",
        }
    }

    /// How many times the job may run before it is given up.
    pub fn max_attempts(&self) -> i64 {
        match self {
            Job::ProcessVideo { .. } => 4,
        }
    }
}
