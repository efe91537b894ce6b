//! The job queue on both databases: retries with backoff, panics, lease takeover, and
//! concurrent workers each running a job exactly once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use briefly::db::Db;
use briefly::jobs::{spawn_workers, Job, JobHandler, JobQueue, WorkerOptions};
use tokio_util::sync::CancellationToken;

use crate::helpers::TestApp;
use crate::matrix;

/// The app's own worker would compete for these jobs; the tests run their own workers.
fn without_app_worker() -> crate::helpers::Tweaks {
    crate::helpers::Tweaks { no_worker: true, ..Default::default() }
}

matrix!(
    tweaks = super::without_app_worker;
    retries_then_succeeds,
    panics_are_caught_and_given_up,
    lapsed_lease_is_taken_over,
    concurrent_workers_run_each_job_once
);

/// A handler whose behaviour per video id is scripted by the test.
#[derive(Default)]
struct Scripted {
    runs: Mutex<HashMap<String, u32>>,
    /// Fail (with an error) this many times before succeeding.
    fail_first: u32,
    panic_always_for: Option<String>,
    gave_up: Mutex<Vec<(Option<Job>, String)>>,
}

#[async_trait::async_trait]
impl JobHandler for Scripted {
    async fn handle(&self, job: &Job) -> anyhow::Result<()> {
        let Job::ProcessVideo { video_id } = job else {
            anyhow::bail!("these tests only enqueue process_video jobs, got {job:?}");
        };
        let run = {
            let mut runs = self.runs.lock().unwrap();
            let count = runs.entry(video_id.clone()).or_default();
            *count += 1;
            *count
        };
        if self.panic_always_for.as_deref() == Some(video_id.as_str()) {
            panic!("scripted panic for {video_id}");
        }
        if run <= self.fail_first {
            anyhow::bail!("scripted failure {run}");
        }
        Ok(())
    }

    async fn gave_up(&self, job: Option<&Job>, reason: &str) {
        self.gave_up.lock().unwrap().push((job.cloned(), reason.to_string()));
    }
}

fn fast() -> WorkerOptions {
    WorkerOptions {
        concurrency: 2,
        lease: Duration::from_millis(600),
        poll_interval: Duration::from_millis(50),
        base_backoff: Duration::from_millis(20),
    }
}

async fn queue_for(app: &TestApp) -> JobQueue {
    let db = Db::connect(app.config.database_url()).await.unwrap();
    JobQueue::new(db)
}

/// Poll (bounded) until the job reaches a final status.
async fn settled(queue: &JobQueue, id: &str) -> briefly::jobs::JobRow {
    for _ in 0..200 {
        let row = queue.db().job(id).await.unwrap().unwrap();
        if row.status == "done" || row.status == "failed" {
            return row;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("job {id} did not settle within 5 s");
}

async fn retries_then_succeeds(app: TestApp) {
    let queue = queue_for(&app).await;
    let handler = Arc::new(Scripted { fail_first: 2, ..Default::default() });
    let stop = CancellationToken::new();
    let workers = spawn_workers(queue.clone(), handler.clone(), fast(), stop.clone());
    let id = queue.enqueue(&Job::ProcessVideo { video_id: "retry-me".into() }).await.unwrap();
    let row = settled(&queue, &id).await;
    assert_eq!(row.status, "done");
    assert_eq!(row.attempts, 3, "two failures, then success");
    assert_eq!(row.last_error.as_deref(), Some("scripted failure 2"));
    assert!(handler.gave_up.lock().unwrap().is_empty());
    stop.cancel();
    for worker in workers {
        worker.await.unwrap();
    }
}

async fn panics_are_caught_and_given_up(app: TestApp) {
    let queue = queue_for(&app).await;
    let handler = Arc::new(Scripted { panic_always_for: Some("boom".into()), ..Default::default() });
    let stop = CancellationToken::new();
    let _workers = spawn_workers(queue.clone(), handler.clone(), fast(), stop.clone());
    let bad = queue.enqueue(&Job::ProcessVideo { video_id: "boom".into() }).await.unwrap();
    let good = queue.enqueue(&Job::ProcessVideo { video_id: "fine".into() }).await.unwrap();
    let bad_row = settled(&queue, &bad).await;
    assert_eq!(bad_row.status, "failed");
    assert_eq!(bad_row.attempts, bad_row.max_attempts);
    assert!(bad_row.last_error.unwrap().contains("job panicked: scripted panic for boom"));
    assert_eq!(settled(&queue, &good).await.status, "done", "the worker kept going");
    let gave_up = handler.gave_up.lock().unwrap().clone();
    assert_eq!(gave_up.len(), 1);
    assert_eq!(gave_up[0].0, Some(Job::ProcessVideo { video_id: "boom".into() }));
    stop.cancel();
}

async fn lapsed_lease_is_taken_over(app: TestApp) {
    let queue = queue_for(&app).await;
    let id = queue.enqueue(&Job::ProcessVideo { video_id: "orphan".into() }).await.unwrap();
    // A worker claims it and dies without a heartbeat (as after kill -9).
    let claimed = queue.claim("dead-worker", Duration::from_millis(300)).await.unwrap().unwrap();
    assert_eq!(claimed.row.id, id);
    assert!(
        queue.claim("someone-else", Duration::from_secs(5)).await.unwrap().is_none(),
        "leased jobs are not handed out twice"
    );
    let handler = Arc::new(Scripted::default());
    let stop = CancellationToken::new();
    let _workers = spawn_workers(queue.clone(), handler.clone(), fast(), stop.clone());
    let row = settled(&queue, &id).await;
    assert_eq!(row.status, "done");
    assert_eq!(row.attempts, 2, "the dead worker's attempt counts");
    assert_eq!(handler.runs.lock().unwrap().get("orphan"), Some(&1));
    // The dead worker can no longer settle what it lost.
    assert!(!queue.renew(&claimed.row, "dead-worker", Duration::from_secs(5)).await.unwrap());
    stop.cancel();
}

async fn concurrent_workers_run_each_job_once(app: TestApp) {
    let queue = queue_for(&app).await;
    let handler = Arc::new(Scripted::default());
    let stop = CancellationToken::new();
    // Two "processes": separate queues (and pools) on one database, two workers each.
    let other = queue_for(&app).await;
    let _a = spawn_workers(queue.clone(), handler.clone(), fast(), stop.clone());
    let _b = spawn_workers(other.clone(), handler.clone(), fast(), stop.clone());
    let mut ids = Vec::new();
    for n in 0..30 {
        ids.push(queue.enqueue(&Job::ProcessVideo { video_id: format!("v{n}") }).await.unwrap());
    }
    for id in &ids {
        assert_eq!(settled(&queue, id).await.status, "done");
    }
    let runs = handler.runs.lock().unwrap().clone();
    assert_eq!(runs.len(), 30);
    assert!(runs.values().all(|count| *count == 1), "every job ran exactly once: {runs:?}");
    stop.cancel();
}
