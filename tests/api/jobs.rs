//! The job queue on both databases: retries with backoff, panics, lease takeover,
//! concurrent workers each running a job exactly once, named queues that claim only their
//! own jobs, and rows of unknown kinds given up. The jobs are test kinds, registered
//! through the same registry as the application's.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use briefly::db::{now_ms, Db, JobRecord};
use briefly::jobs::{spawn_workers, Job, JobQueue, Queue, Registry, WorkerOptions};
use serde::{Deserialize, Serialize};
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
    concurrent_workers_run_each_job_once,
    each_queue_claims_only_its_own_jobs,
    unknown_kinds_are_given_up,
    a_job_enqueued_for_later_waits_until_then
);

/// A media job whose behaviour per video id is scripted by the test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Scripted {
    video_id: String,
}

/// What the scripted jobs do and what happened to them.
#[derive(Default)]
struct Script {
    runs: Mutex<HashMap<String, u32>>,
    /// Fail (with an error) this many times before succeeding.
    fail_first: u32,
    panic_always_for: Option<String>,
    gave_up: Mutex<Vec<(Scripted, String)>>,
}

#[async_trait::async_trait]
impl Job for Scripted {
    const KIND: &'static str = "test_scripted";
    const QUEUE: Queue = Queue::MEDIA;
    const MAX_ATTEMPTS: i64 = 4;
    type Context = Script;

    async fn run(&self, script: &Script) -> anyhow::Result<()> {
        let video_id = &self.video_id;
        let run = {
            let mut runs = script.runs.lock().unwrap();
            let count = runs.entry(video_id.clone()).or_default();
            *count += 1;
            *count
        };
        if script.panic_always_for.as_deref() == Some(video_id.as_str()) {
            panic!("scripted panic for {video_id}");
        }
        if run <= script.fail_first {
            anyhow::bail!("scripted failure {run}");
        }
        Ok(())
    }

    async fn gave_up(&self, script: &Script, reason: &str) {
        script.gave_up.lock().unwrap().push((self.clone(), reason.to_string()));
    }
}

/// A job on the other queue, to show the queues apart.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Ping {
    n: u32,
}

#[async_trait::async_trait]
impl Job for Ping {
    const KIND: &'static str = "test_ping";
    const QUEUE: Queue = Queue::DELIVERIES;
    const MAX_ATTEMPTS: i64 = 8;
    type Context = ();

    async fn run(&self, _: &()) -> anyhow::Result<()> {
        Ok(())
    }
}

fn registry(script: &Arc<Script>) -> Arc<Registry> {
    let mut registry = Registry::new();
    registry.register::<Scripted>(script.clone()).register::<Ping>(Arc::new(()));
    Arc::new(registry)
}

fn scripted(video_id: &str) -> Scripted {
    Scripted { video_id: video_id.to_string() }
}

/// Workers for the media queue, as the tests here need them.
fn media_workers(queue: &JobQueue, script: &Arc<Script>, stop: &CancellationToken) -> Vec<tokio::task::JoinHandle<()>> {
    spawn_workers(queue.clone(), registry(script), Queue::MEDIA, fast(), stop.clone())
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
    let handler = Arc::new(Script { fail_first: 2, ..Default::default() });
    let stop = CancellationToken::new();
    let workers = media_workers(&queue, &handler, &stop);
    let id = queue.enqueue(&scripted("retry-me")).await.unwrap();
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
    let handler = Arc::new(Script { panic_always_for: Some("boom".into()), ..Default::default() });
    let stop = CancellationToken::new();
    let _workers = media_workers(&queue, &handler, &stop);
    let bad = queue.enqueue(&scripted("boom")).await.unwrap();
    let good = queue.enqueue(&scripted("fine")).await.unwrap();
    let bad_row = settled(&queue, &bad).await;
    assert_eq!(bad_row.status, "failed");
    assert_eq!(bad_row.attempts, bad_row.max_attempts);
    assert!(bad_row.last_error.unwrap().contains("job panicked: scripted panic for boom"));
    assert_eq!(settled(&queue, &good).await.status, "done", "the worker kept going");
    let gave_up = handler.gave_up.lock().unwrap().clone();
    assert_eq!(gave_up.len(), 1);
    assert_eq!(gave_up[0].0, scripted("boom"));
    stop.cancel();
}

async fn lapsed_lease_is_taken_over(app: TestApp) {
    let queue = queue_for(&app).await;
    let id = queue.enqueue(&scripted("orphan")).await.unwrap();
    // A worker claims it and dies without a heartbeat (as after kill -9).
    let claimed = queue.claim(Queue::MEDIA, "dead-worker", Duration::from_millis(300)).await.unwrap().unwrap();
    assert_eq!(claimed.id, id);
    assert!(
        queue.claim(Queue::MEDIA, "someone-else", Duration::from_secs(5)).await.unwrap().is_none(),
        "leased jobs are not handed out twice"
    );
    let handler = Arc::new(Script::default());
    let stop = CancellationToken::new();
    let _workers = media_workers(&queue, &handler, &stop);
    let row = settled(&queue, &id).await;
    assert_eq!(row.status, "done");
    assert_eq!(row.attempts, 2, "the dead worker's attempt counts");
    assert_eq!(handler.runs.lock().unwrap().get("orphan"), Some(&1));
    // The dead worker can no longer settle what it lost.
    assert!(!queue.renew(&claimed, "dead-worker", Duration::from_secs(5)).await.unwrap());
    stop.cancel();
}

async fn concurrent_workers_run_each_job_once(app: TestApp) {
    let queue = queue_for(&app).await;
    let handler = Arc::new(Script::default());
    let stop = CancellationToken::new();
    // Two "processes": separate queues (and pools) on one database, two workers each.
    let other = queue_for(&app).await;
    let _a = media_workers(&queue, &handler, &stop);
    let _b = media_workers(&other, &handler, &stop);
    let mut ids = Vec::new();
    for n in 0..30 {
        ids.push(queue.enqueue(&scripted(&format!("v{n}"))).await.unwrap());
    }
    for id in &ids {
        assert_eq!(settled(&queue, id).await.status, "done");
    }
    let runs = handler.runs.lock().unwrap().clone();
    assert_eq!(runs.len(), 30);
    assert!(runs.values().all(|count| *count == 1), "every job ran exactly once: {runs:?}");
    stop.cancel();
}

async fn each_queue_claims_only_its_own_jobs(app: TestApp) {
    let queue = queue_for(&app).await;
    let media = queue.enqueue(&scripted("m1")).await.unwrap();
    let delivery = queue.enqueue(&Ping { n: 1 }).await.unwrap();
    let stored = queue.db().job(&delivery).await.unwrap().unwrap();
    assert_eq!((stored.kind.as_str(), stored.queue.as_str()), ("test_ping", "deliveries"));
    assert_eq!(queue.db().job(&media).await.unwrap().unwrap().queue, "media");

    let lease = Duration::from_secs(5);
    let claimed = queue.claim(Queue::DELIVERIES, "delivery-worker", lease).await.unwrap().unwrap();
    assert_eq!(claimed.id, delivery, "the older media job is not the deliveries queue's to take");
    assert!(queue.claim(Queue::DELIVERIES, "delivery-worker", lease).await.unwrap().is_none());
    let claimed = queue.claim(Queue::MEDIA, "media-worker", lease).await.unwrap().unwrap();
    assert_eq!(claimed.id, media);
    assert!(queue.claim(Queue::MEDIA, "media-worker", lease).await.unwrap().is_none());

    // Running workers: a media worker leaves deliveries alone, and the other way round.
    let next_delivery = queue.enqueue(&Ping { n: 2 }).await.unwrap();
    let handler = Arc::new(Script::default());
    let stop = CancellationToken::new();
    let _media = media_workers(&queue, &handler, &stop);
    let next_media = queue.enqueue(&scripted("m2")).await.unwrap();
    assert_eq!(settled(&queue, &next_media).await.status, "done");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(queue.db().job(&next_delivery).await.unwrap().unwrap().status, "queued");
    let _deliveries = spawn_workers(queue.clone(), registry(&handler), Queue::DELIVERIES, fast(), stop.clone());
    assert_eq!(settled(&queue, &next_delivery).await.status, "done");
    stop.cancel();
}

/// A row written by a newer version (a kind this build does not know) is given up with a
/// reason saying so, and the worker goes on to the next job.
async fn unknown_kinds_are_given_up(app: TestApp) {
    let queue = queue_for(&app).await;
    let now = now_ms();
    let future = JobRecord {
        id: briefly::domain::random_id(20),
        kind: "from_the_future".into(),
        queue: "media".into(),
        payload: r#"{"hologram_id":"h1"}"#.into(),
        status: "queued".into(),
        attempts: 0,
        max_attempts: 3,
        run_at: now,
        lease_owner: None,
        lease_until: None,
        last_error: None,
        created_at: now,
        updated_at: now,
    };
    queue.db().insert_job(&future).await.unwrap();
    let unreadable = JobRecord {
        id: briefly::domain::random_id(20),
        kind: Scripted::KIND.into(),
        payload: r#"{"video":42}"#.into(),
        ..future.clone()
    };
    queue.db().insert_job(&unreadable).await.unwrap();
    let handler = Arc::new(Script::default());
    let stop = CancellationToken::new();
    let _workers = media_workers(&queue, &handler, &stop);
    let fine = queue.enqueue(&scripted("after")).await.unwrap();

    let row = settled(&queue, &future.id).await;
    assert_eq!(row.status, "failed");
    let reason = row.last_error.unwrap();
    assert!(reason.contains("unknown job kind \"from_the_future\"") && reason.contains("newer"), "{reason}");
    let row = settled(&queue, &unreadable.id).await;
    assert_eq!(row.status, "failed");
    let reason = row.last_error.unwrap();
    assert!(reason.starts_with("unreadable job payload of kind test_scripted"), "{reason}");
    assert_eq!(settled(&queue, &fine).await.status, "done", "the worker kept going");
    assert!(handler.gave_up.lock().unwrap().is_empty(), "nothing to tell about jobs that cannot be read");
    assert_eq!(handler.runs.lock().unwrap().len(), 1);
    stop.cancel();
}

/// `enqueue_at` (how a live job yields while its recording stalls): nobody claims the job
/// before its time, a polling worker runs it soon after.
async fn a_job_enqueued_for_later_waits_until_then(app: TestApp) {
    let queue = queue_for(&app).await;
    let id = queue.enqueue_at(&scripted("later"), now_ms() + 1_500).await.unwrap();
    assert!(queue.claim(Queue::MEDIA, "early", Duration::from_secs(5)).await.unwrap().is_none());
    let handler = Arc::new(Script::default());
    let stop = CancellationToken::new();
    let enqueued = std::time::Instant::now();
    let workers = media_workers(&queue, &handler, &stop);
    let row = settled_within(&queue, &id, Duration::from_secs(10)).await;
    assert_eq!(row.status, "done");
    assert!(enqueued.elapsed() >= Duration::from_millis(1_400), "ran after {:?}", enqueued.elapsed());
    assert_eq!(handler.runs.lock().unwrap().get("later"), Some(&1));
    stop.cancel();
    for worker in workers {
        worker.await.unwrap();
    }
}

async fn settled_within(queue: &JobQueue, id: &str, bound: Duration) -> briefly::jobs::JobRow {
    let started = std::time::Instant::now();
    while started.elapsed() < bound {
        let row = queue.db().job(id).await.unwrap().unwrap();
        if row.status == "done" || row.status == "failed" {
            return row;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("job {id} did not settle within {bound:?}");
}
