//! Enqueue, claim and settle jobs.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc::UnboundedReceiver;
use tokio::sync::Notify;

use super::Job;
use crate::db::{now_ms, Db, JobRecord, Signal};
use crate::domain::random_id;

pub type JobRow = JobRecord;

#[derive(Clone)]
pub struct JobQueue {
    db: Db,
    wake: Arc<Notify>,
}

/// A job this worker holds the lease on.
#[derive(Debug, Clone)]
pub struct ClaimedJob {
    pub row: JobRow,
    /// `None` when the payload no longer parses (a job kind from a newer version).
    pub job: Option<Job>,
}

impl JobQueue {
    pub fn new(db: Db) -> JobQueue {
        JobQueue { db, wake: Arc::new(Notify::new()) }
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    pub async fn enqueue(&self, job: &Job) -> anyhow::Result<String> {
        let now = now_ms();
        let row = JobRow {
            id: random_id(20),
            kind: job.kind().to_string(),
            payload: serde_json::to_string(job)?,
            status: "queued".into(),
            attempts: 0,
            max_attempts: job.max_attempts(),
            run_at: now,
            lease_owner: None,
            lease_until: None,
            last_error: None,
            created_at: now,
            updated_at: now,
        };
        self.db.insert_job(&row).await?;
        self.wake.notify_one();
        Ok(row.id)
    }

    pub async fn claim(&self, owner: &str, lease: Duration) -> anyhow::Result<Option<ClaimedJob>> {
        let now = now_ms();
        let Some(row) = self.db.claim_job(owner, now, now + lease.as_millis() as i64).await? else {
            return Ok(None);
        };
        let job = serde_json::from_str(&row.payload).ok();
        Ok(Some(ClaimedJob { row, job }))
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

    /// Resolves when a job may have become available (or never, if nobody enqueues here).
    pub async fn wait_for_work(&self) {
        self.wake.notified().await;
    }

    pub fn wake_one(&self) {
        self.wake.notify_one();
    }

    /// Relay `NOTIFY briefly_jobs` from every process (ours included) to this process's
    /// workers; a fresh LISTEN connection (some notifications may have been missed) makes
    /// every idle worker look once.
    pub fn wake_on(&self, mut signals: UnboundedReceiver<Signal>) -> tokio::task::JoinHandle<()> {
        let wake = self.wake.clone();
        tokio::spawn(async move {
            while let Some(signal) = signals.recv().await {
                match signal {
                    Signal::Notified(_) => wake.notify_one(),
                    Signal::Listening => wake.notify_waiters(),
                }
            }
        })
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
