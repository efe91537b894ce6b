//! Building and running the application: `Application::build` wires config, database,
//! storage and routes onto an already-bound listener, so tests can bind `127.0.0.1:0`.
//! `serve` runs an in-process worker by default; `briefly worker` runs workers alone.
//! Here the layers meet: the job kinds are registered, each queue gets its workers, the
//! processing queue is handed to uploads, and (on PostgreSQL) each process opens its one
//! LISTEN connection for live events and job wake-ups.

use std::sync::Arc;

use anyhow::Context;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::auth::{Accounts, AuthSettings, LimitSettings};
use crate::collab::{Collab, WriteLimits};
use crate::config::{Config, StorageConfig};
use crate::db::{Backend, Db, Notifications, EVENTS_CHANNEL, JOBS_CHANNEL};
use crate::edits::Edits;
use crate::events::{EventHub, StreamLimits};
use crate::jobs::{spawn_workers, JobQueue, Queue, Registry, WorkerOptions};
use crate::processing::{
    LiveProcess, ProcessVideo, ProcessingJobs, RenderEdit, RenderPoster, TranscribeVideo, VideoProcessor,
};
use crate::search::Search;
use crate::store::{LocalStore, S3Store, Store};
use crate::transcripts::Transcripts;
use crate::uploads::{UploadLimits, Uploads};
use crate::videos::Videos;
use crate::webhooks::{DeliverWebhook, DeliveryContext, DeliveryOptions, Webhooks};
use crate::workspaces::Workspaces;

/// The services, wired once. Handlers reach only the public ones; the database and the
/// store are for the workers and housekeeping this module starts.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub accounts: Accounts,
    pub videos: Videos,
    pub uploads: Uploads,
    pub collab: Collab,
    pub workspaces: Workspaces,
    pub search: Search,
    pub transcripts: Transcripts,
    pub edits: Edits,
    pub webhooks: Webhooks,
    pub events: EventHub,
    pub health: Health,
    db: Db,
    store: Arc<dyn Store>,
    jobs: JobQueue,
}

/// `/healthz`: does the database answer.
#[derive(Clone)]
pub struct Health {
    db: Db,
}

impl Health {
    pub async fn check(&self) -> anyhow::Result<()> {
        self.db.ping().await
    }
}

pub struct Application {
    listener: TcpListener,
    state: AppState,
    run_worker: bool,
}

pub async fn open_store(config: &Config) -> anyhow::Result<Arc<dyn Store>> {
    Ok(match &config.storage {
        StorageConfig::Local { root } => Arc::new(LocalStore::open(root).await.context("opening local media folder")?),
        StorageConfig::S3(s3) => Arc::new(S3Store::connect(s3).await.context("configuring S3")?),
    })
}

impl AppState {
    pub async fn build(config: Config) -> anyhow::Result<AppState> {
        let db = Db::connect(config.database_url()).await?;
        db.migrate().await?;
        let store = open_store(&config).await?;
        let jobs = JobQueue::new(db.clone());
        let events = EventHub::new(db.clone())
            .with_stream_limits(StreamLimits { per_user: config.sse_per_user, per_address: config.sse_per_address });
        let presign_ttl = match &config.storage {
            StorageConfig::S3(s3) if s3.presign_redirect => Some(s3.presign_ttl),
            _ => None,
        };
        let videos = Videos::new(db.clone(), store.clone(), events.clone(), presign_ttl);
        let uploads = Uploads::new(
            db.clone(),
            store.clone(),
            config.tus_max_size,
            config.upload_expiry,
            config.data_dir.join("tmp"),
            Arc::new(ProcessingJobs::new(jobs.clone())),
            videos.clone(),
        )
        .with_limits(UploadLimits {
            storage_per_user: config.user_storage_quota,
            unfinished_per_user: config.max_unfinished_uploads,
            checksum_body: config.checksum_patch_max,
        })
        .with_live_reads(config.live_concurrency > 0);
        let transcripts = transcripts_service(db.clone(), store.clone(), videos.clone(), jobs.clone());
        let edits = Edits::new(
            db.clone(),
            store.clone(),
            videos.clone(),
            transcripts.clone(),
            Arc::new(ProcessingJobs::new(jobs.clone())),
            config.data_dir.join("tmp"),
        );
        let limits = WriteLimits::new(config.comments_per_minute, config.reactions_per_minute);
        let collab = Collab::new(db.clone(), events.clone(), limits, jobs.clone(), videos.clone());
        Ok(AppState {
            accounts: Accounts::new(db.clone(), auth_settings(&config)),
            workspaces: Workspaces::new(db.clone()),
            search: Search::new(db.clone()),
            transcripts,
            edits,
            webhooks: Webhooks::new(db.clone(), config.webhook_allow_private_targets),
            health: Health { db: db.clone() },
            config: Arc::new(config),
            videos,
            uploads,
            collab,
            events,
            db,
            store,
            jobs,
        })
    }

    /// The store media lives in (tests inspect it directly).
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// The job queue (tests enqueue through it directly).
    pub fn jobs(&self) -> &JobQueue {
        &self.jobs
    }

    /// Start this process's workers for every queue; they stop when `stop` is cancelled.
    pub fn spawn_workers(&self, stop: CancellationToken) -> anyhow::Result<Vec<tokio::task::JoinHandle<()>>> {
        let registry = Arc::new(job_registry(
            &self.config,
            self.db.clone(),
            self.store.clone(),
            self.videos.clone(),
            self.jobs.clone(),
        )?);
        let mut workers = Vec::new();
        for (queue, options) in queue_options(&self.config) {
            workers.extend(spawn_workers(self.jobs.clone(), registry.clone(), queue, options, stop.clone()));
        }
        Ok(workers)
    }

    /// On PostgreSQL, this process's one LISTEN connection: live events for its watchers
    /// (`events`, API processes) and wake-ups for its workers (`jobs`). Aborting the
    /// returned task also ends what it fed.
    fn spawn_notifications(&self, events: bool, jobs: bool) -> Option<tokio::task::JoinHandle<()>> {
        if self.db.backend() != Backend::Postgres || !(events || jobs) {
            return None;
        }
        let mut notifications = Notifications::new(self.config.database_url());
        if events {
            self.events.relay_from(notifications.subscribe(EVENTS_CHANNEL));
        }
        if jobs {
            self.jobs.wake_on(notifications.subscribe(JOBS_CHANNEL));
        }
        Some(notifications.spawn())
    }
}

fn auth_settings(config: &Config) -> AuthSettings {
    AuthSettings {
        limits: LimitSettings {
            account_failures_per_hour: config.login_failures_per_account_per_hour,
            client_attempts_per_minute: config.auth_attempts_per_client_per_minute,
        },
        hash_concurrency: config.password_hash_concurrency,
        hash_queue: config.password_hash_queue,
    }
}

/// Transcripts, queueing new ones on the media queue.
fn transcripts_service(db: Db, store: Arc<dyn Store>, videos: Videos, jobs: JobQueue) -> Transcripts {
    Transcripts::new(db, store, videos, Arc::new(ProcessingJobs::new(jobs)))
}

/// Every job kind this build runs, each with what running it needs.
pub fn job_registry(
    config: &Config,
    db: Db,
    store: Arc<dyn Store>,
    videos: Videos,
    jobs: JobQueue,
) -> anyhow::Result<Registry> {
    let transcripts = transcripts_service(db.clone(), store.clone(), videos.clone(), jobs.clone());
    let processor = Arc::new(VideoProcessor::new(config, db.clone(), store, videos, transcripts, jobs)?);
    let deliveries = DeliveryContext::new(db, DeliveryOptions::new(config.webhook_allow_private_targets));
    let mut registry = Registry::new();
    registry
        .register::<ProcessVideo>(processor.clone())
        .register::<TranscribeVideo>(processor.clone())
        .register::<RenderEdit>(processor.clone())
        .register::<RenderPoster>(processor.clone())
        .register::<LiveProcess>(processor)
        .register::<DeliverWebhook>(Arc::new(deliveries));
    Ok(registry)
}

/// Each queue's workers as configured: media work is CPU-bound (a few at a time),
/// deliveries wait on the network (more at a time).
pub fn queue_options(config: &Config) -> Vec<(Queue, WorkerOptions)> {
    let with = |concurrency| WorkerOptions { concurrency, lease: config.job_lease, ..WorkerOptions::default() };
    let queues = [
        (Queue::MEDIA, config.worker_concurrency),
        (Queue::DELIVERIES, config.delivery_concurrency),
        (Queue::LIVE, config.live_concurrency),
    ];
    queues.into_iter().filter(|(_, concurrency)| *concurrency > 0).map(|(q, c)| (q, with(c))).collect()
}

impl Application {
    pub async fn build(config: Config, listener: TcpListener) -> anyhow::Result<Application> {
        let state = AppState::build(config).await?;
        Ok(Application { listener, state, run_worker: true })
    }

    /// Serve HTTP only (`serve --no-worker`): processing happens in `briefly worker`s.
    pub fn without_worker(mut self) -> Application {
        self.run_worker = false;
        self
    }

    pub fn local_addr(&self) -> std::io::Result<std::net::SocketAddr> {
        self.listener.local_addr()
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serve until `shutdown` resolves, with the upload sweeper (and workers) alongside.
    pub async fn run_until(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let stop = CancellationToken::new();
        let workers = if self.run_worker { self.state.spawn_workers(stop.clone())? } else { Vec::new() };
        let sweeper = crate::uploads::spawn_sweeper(
            self.state.uploads.clone(),
            self.state.db.clone(),
            self.state.config.sweep_interval,
        );
        let notifications = self.state.spawn_notifications(true, self.run_worker);
        let event_pruner = crate::events::spawn_pruner(self.state.db.clone());
        let router = crate::api::router(self.state.clone());
        // Connection info gives handlers the client's address (limits counted per address).
        let service = router.into_make_service_with_connect_info::<std::net::SocketAddr>();
        let result = axum::serve(self.listener, service).with_graceful_shutdown(shutdown).await;
        sweeper.abort();
        event_pruner.abort();
        if let Some(listener) = notifications {
            listener.abort();
        }
        stop.cancel();
        for worker in workers {
            let _ = worker.await;
        }
        result.context("serving HTTP")
    }

    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        self.run_until(shutdown_signal()).await
    }
}

/// `briefly worker`: process jobs until SIGINT/SIGTERM; the current jobs finish first.
pub async fn run_workers_until_stopped(config: Config) -> anyhow::Result<()> {
    let state = AppState::build(config).await?;
    let stop = CancellationToken::new();
    let workers = state.spawn_workers(stop.clone())?;
    let notifications = state.spawn_notifications(false, true);
    tracing::info!(
        media = state.config.worker_concurrency,
        deliveries = state.config.delivery_concurrency,
        live = state.config.live_concurrency,
        "worker running"
    );
    shutdown_signal().await;
    if let Some(listener) = notifications {
        listener.abort();
    }
    stop.cancel();
    for worker in workers {
        let _ = worker.await;
    }
    Ok(())
}

pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
    tracing::info!("shutting down");
}
