//! The worker loop: claim, run with a heartbeat, settle; never let one job stop the loop.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use futures::FutureExt;
use tokio_util::sync::CancellationToken;

use super::registry::Loaded;
use super::{JobQueue, JobRow, Queue, Registry};
use crate::domain::random_id;

/// How a run ended, for logs and tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobOutcome {
    Done,
    WillRetry(String),
    GaveUp(String),
}

#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// Jobs of the queue run at the same time by this process.
    pub concurrency: usize,
    /// Lease length; the heartbeat renews it every third of that.
    pub lease: Duration,
    /// How often idle workers look for work when no wake-up arrives.
    pub poll_interval: Duration,
    /// First retry delay; doubled on each further attempt.
    pub base_backoff: Duration,
}

impl Default for WorkerOptions {
    fn default() -> Self {
        WorkerOptions {
            concurrency: 1,
            lease: Duration::from_secs(30),
            poll_interval: Duration::from_secs(2),
            base_backoff: Duration::from_secs(5),
        }
    }
}

/// Start `opts.concurrency` workers for `target`, running the kinds in `registry`; they
/// claim only `target`'s jobs and stop when `stop` is cancelled.
pub fn spawn_workers(
    queue: JobQueue,
    registry: Arc<Registry>,
    target: Queue,
    opts: WorkerOptions,
    stop: CancellationToken,
) -> Vec<tokio::task::JoinHandle<()>> {
    (0..opts.concurrency.max(1))
        .map(|n| {
            let worker = Worker {
                queue: queue.clone(),
                registry: registry.clone(),
                target,
                opts: opts.clone(),
                owner: format!("{target}-{}-{n}-{}", std::process::id(), random_id(6)),
            };
            let stop = stop.clone();
            tokio::spawn(async move { worker.run(stop).await })
        })
        .collect()
}

struct Worker {
    queue: JobQueue,
    registry: Arc<Registry>,
    target: Queue,
    opts: WorkerOptions,
    owner: String,
}

impl Worker {
    async fn run(self, stop: CancellationToken) {
        tracing::debug!(worker = %self.owner, "worker started");
        while !stop.is_cancelled() {
            match self.queue.claim(self.target, &self.owner, self.opts.lease).await {
                Ok(Some(row)) => {
                    let outcome = self.run_one(row).await;
                    tracing::debug!(worker = %self.owner, ?outcome, "job settled");
                }
                Ok(None) => {
                    tokio::select! {
                        _ = stop.cancelled() => break,
                        _ = self.queue.wait_for_work(self.target) => {}
                        _ = tokio::time::sleep(self.opts.poll_interval) => {}
                    }
                }
                Err(err) => {
                    tracing::warn!(worker = %self.owner, error = %err, "could not claim a job");
                    tokio::select! {
                        _ = stop.cancelled() => break,
                        _ = tokio::time::sleep(self.opts.poll_interval) => {}
                    }
                }
            }
        }
    }

    async fn run_one(&self, row: JobRow) -> JobOutcome {
        let job = match self.registry.load(&row.kind, &row.payload) {
            Ok(job) => job,
            Err(reason) => return self.give_up(&row, None, &reason).await,
        };
        if row.attempts > row.max_attempts {
            // Taken over after its last attempt's worker died: do not run it again.
            let reason = format!(
                "gave up after {} attempts (last error: {})",
                row.max_attempts,
                row.last_error.as_deref().unwrap_or("the worker stopped while running it")
            );
            return self.give_up(&row, Some(job.as_ref()), &reason).await;
        }
        let heartbeat = self.spawn_heartbeat(&row);
        let result = AssertUnwindSafe(job.run()).catch_unwind().await;
        heartbeat.abort();
        let error = match result {
            Ok(Ok(())) => {
                if let Err(err) = self.queue.complete(&row, &self.owner).await {
                    tracing::warn!(job.id = %row.id, error = %err, "could not mark job done");
                }
                return JobOutcome::Done;
            }
            Ok(Err(err)) => format!("{err:#}"),
            Err(panic) => format!("job panicked: {}", panic_message(&panic)),
        };
        tracing::warn!(
            job.id = %row.id, job.kind = %row.kind, job.queue = %row.queue, attempt = row.attempts, error = %error,
            "job failed"
        );
        match self.queue.fail(&row, &self.owner, &error, self.opts.base_backoff).await {
            Ok(true) => {
                let reason = format!("gave up after {} attempts: {error}", row.attempts);
                job.gave_up(&reason).await;
                JobOutcome::GaveUp(reason)
            }
            Ok(false) => JobOutcome::WillRetry(error),
            Err(err) => {
                tracing::warn!(job.id = %row.id, error = %err, "could not record job failure; the lease will lapse");
                JobOutcome::WillRetry(error)
            }
        }
    }

    /// Settle the job as failed for good; `job` is `None` when it could not even be read.
    async fn give_up(&self, row: &JobRow, job: Option<&dyn Loaded>, reason: &str) -> JobOutcome {
        tracing::warn!(job.id = %row.id, job.kind = %row.kind, job.queue = %row.queue, reason, "job given up");
        let mut exhausted = row.clone();
        exhausted.attempts = exhausted.max_attempts;
        if let Err(err) = self.queue.fail(&exhausted, &self.owner, reason, self.opts.base_backoff).await {
            tracing::warn!(job.id = %row.id, error = %err, "could not record giving up");
        }
        if let Some(job) = job {
            job.gave_up(reason).await;
        }
        JobOutcome::GaveUp(reason.to_string())
    }

    fn spawn_heartbeat(&self, row: &JobRow) -> tokio::task::JoinHandle<()> {
        let (queue, row, owner, lease) = (self.queue.clone(), row.clone(), self.owner.clone(), self.opts.lease);
        tokio::spawn(async move {
            let mut ticker = tokio::time::interval(lease / 3);
            ticker.tick().await;
            loop {
                ticker.tick().await;
                match queue.renew(&row, &owner, lease).await {
                    Ok(true) => {}
                    Ok(false) => {
                        tracing::warn!(job.id = %row.id, "lost the job's lease; another worker took it over");
                        return;
                    }
                    Err(err) => {
                        tracing::warn!(job.id = %row.id, error = %err, "could not renew job lease")
                    }
                }
            }
        })
    }
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(text) = panic.downcast_ref::<&str>() {
        text.to_string()
    } else if let Some(text) = panic.downcast_ref::<String>() {
        text.clone()
    } else {
        "unknown panic".into()
    }
}
