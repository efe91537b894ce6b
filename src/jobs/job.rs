//! What a job kind is: one type that names itself, picks its queue and knows how to run.

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::Queue;

/// A kind of background job. The value is the job's payload (stored as JSON); running it
/// needs a [`Context`](Job::Context), registered once per process in a
/// [`Registry`](super::Registry).
///
/// Failures that retrying cannot fix (bad media) should be recorded by the job itself and
/// reported as success; an `Err` means "try again later".
#[async_trait::async_trait]
pub trait Job: Serialize + DeserializeOwned + Send + Sync + 'static {
    /// Stored in `jobs.kind`; never rename one that may still be queued somewhere.
    const KIND: &'static str;
    /// The queue whose workers run it.
    const QUEUE: Queue;
    /// How many times it may run before it is given up.
    const MAX_ATTEMPTS: i64;
    /// What running it needs (shared by every run in the process).
    type Context: Send + Sync + 'static;

    async fn run(&self, context: &Self::Context) -> anyhow::Result<()>;

    /// The job failed for the last time (`reason` says why).
    async fn gave_up(&self, _context: &Self::Context, _reason: &str) {}
}
