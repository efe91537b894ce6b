//! Enqueue, claim and settle jobs, per named queue.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc::UnboundedReceiver;
use tokio::sync::Notify;

use super::Job;
use crate::db::{now_ms, Db, JobRecord, Signal};
use crate::domain::random_id;

pub type JobRow = JobRecord;

/// A named queue. Each queue has its own workers (and concurrency), so the jobs of one
/// never wait behind the jobs of another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Queue(&'static str);

impl Queue {
    /// Video processing: CPU- and memory-heavy, a few at a time.
    pub const MEDIA: Queue = Queue("media");
    /// Webhook deliveries: short, waiting on the network, many at a time.
    pub const DELIVERIES: Queue = Queue("deliveries");
    /// Recordings processed while they are recorded: each job follows one recording for
    /// as long as it lasts, so they must not hold up the media queue.
    pub const LIVE: Queue = Queue("live");

    /// Stored in `jobs.queue` and sent as the NOTIFY payload.
    pub fn name(self) -> &'static str {
        self.0
    }
}

impl std::fmt::Display for Queue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

#[derive(Clone)]
pub struct JobQueue {
    db: Db,
    /// One wake-up per queue, made when first needed.
    wakes: Arc<Mutex<HashMap<&'static str, Arc<Notify>>>>,
}

impl JobQueue {
    pub fn new(db: Db) -> JobQueue {
        JobQueue { db, wakes: Arc::default() }
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Store `job` on its kind's queue; one idle worker of that queue wakes for it.
    pub async fn enqueue<J: Job>(&self, job: &J) -> anyhow::Result<String> {
        self.enqueue_at(job, now_ms()).await
    }

    /// Store `job` to run from `run_at` (ms since the epoch) on; workers poll for it then.
    pub async fn enqueue_at<J: Job>(&self, job: &J, run_at: i64) -> anyhow::Result<String> {
        let now = now_ms();
        let row = JobRow {
            id: random_id(20),
            kind: J::KIND.to_string(),
            queue: J::QUEUE.name().to_string(),
            payload: serde_json::to_string(job)?,
            status: "queued".into(),
            attempts: 0,
            max_attempts: J::MAX_ATTEMPTS,
            run_at,
            lease_owner: None,
            lease_until: None,
            last_error: None,
            created_at: now,
            updated_at: now,
        };
        self.db.insert_job(&row).await?;
        if run_at <= now {
            self.wake(J::QUEUE);
        }
        Ok(row.id)
    }

    /// Claim the next runnable job of `queue` (and only of it).
    pub async fn claim(&self, queue: Queue, owner: &str, lease: Duration) -> anyhow::Result<Option<JobRow>> {
        let now = now_ms();
        Ok(self.db.claim_job(queue.name(), owner, now, now + lease.as_millis() as i64).await?)
    }

    pub async fn renew(&self, row: &JobRow, owner: &str, lease: Duration) -> anyhow::Result<bool> {
        Ok(self.db.renew_job_lease(&row.id, owner, now_ms() + lease.as_millis() as i64).await?)
    }

    pub async fn complete(&self, row: &JobRow, owner: &str) -> anyhow::Result<()> {
        self.db.settle_job(&row.id, owner, "done", row.run_at, None, now_ms()).await?;
        Ok(())
    }

    /// Record a failure: retry after a backoff while attempts remain, else give up.
    /// Returns true when the job was given up.
    pub async fn fail(&self, row: &JobRow, owner: &str, error: &str, base_backoff: Duration) -> anyhow::Result<bool> {
        let now = now_ms();
        let error = truncate(error, 2000);
        if row.attempts >= row.max_attempts {
            self.db.settle_job(&row.id, owner, "failed", row.run_at, Some(&error), now).await?;
            return Ok(true);
        }
        let retry_at = now + backoff(base_backoff, row.attempts).as_millis() as i64;
        self.db.settle_job(&row.id, owner, "queued", retry_at, Some(&error), now).await?;
        Ok(false)
    }

    /// Resolves when a job of `queue` may have become available (or never, if nobody
    /// enqueues on it).
    pub async fn wait_for_work(&self, queue: Queue) {
        let wake = self.wake_of(queue.name());
        wake.notified().await;
    }

    /// Wake one idle worker of `queue` (or the next one to wait, if none is idle).
    pub fn wake(&self, queue: Queue) {
        self.wake_of(queue.name()).notify_one();
    }

    /// Wake every idle worker of every queue, so each looks for work once now.
    pub fn wake_all(&self) {
        for wake in self.wakes.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).values() {
            wake.notify_waiters();
        }
    }

    /// Relay `NOTIFY briefly_jobs` from every process (ours included) to this process's
    /// workers: the payload names the queue, and a fresh LISTEN connection (some
    /// notifications may have been missed) makes every queue look once.
    pub fn wake_on(&self, mut signals: UnboundedReceiver<Signal>) -> tokio::task::JoinHandle<()> {
        let queue = self.clone();
        tokio::spawn(async move {
            while let Some(signal) = signals.recv().await {
                match signal {
                    Signal::Notified(name) => queue.wake_named(&name),
                    Signal::Listening => queue.wake_all(),
                }
            }
        })
    }

    fn wake_named(&self, name: &str) {
        if name.is_empty() {
            // An older version's NOTIFY names no queue.
            return self.wake_all();
        }
        // Nobody here ever waited on that queue: nothing to wake.
        let wake = self.wakes.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).get(name).cloned();
        if let Some(wake) = wake {
            wake.notify_one();
        }
    }

    fn wake_of(&self, name: &'static str) -> Arc<Notify> {
        self.wakes.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).entry(name).or_default().clone()
    }
}

/// `base * 2^(attempt-1)`, capped at ten minutes.
pub fn backoff(base: Duration, attempt: i64) -> Duration {
    let exponent = attempt.clamp(1, 16) as u32 - 1;
    base.saturating_mul(1u32 << exponent).min(Duration::from_secs(600))
}

fn truncate(text: &str, max_chars: usize) -> String {
    text.chars().take(max_chars).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let base = Duration::from_secs(2);
        assert_eq!(backoff(base, 1), Duration::from_secs(2));
        assert_eq!(backoff(base, 2), Duration::from_secs(4));
        assert_eq!(backoff(base, 4), Duration::from_secs(16));
        assert_eq!(backoff(base, 40), Duration::from_secs(600));
    }
}
