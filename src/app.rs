//! Building and running the application: `Application::build` wires config, database,
//! storage and routes onto an already-bound listener, so tests can bind `127.0.0.1:0`.

use std::sync::Arc;

use anyhow::Context;
use tokio::net::TcpListener;

use crate::config::{Config, StorageConfig};
use crate::db::Db;
use crate::store::{LocalStore, S3Store, Store};
use crate::uploads::Uploads;

/// Everything a request handler may reach.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub db: Db,
    pub store: Arc<dyn Store>,
    pub uploads: Uploads,
}

pub struct Application {
    listener: TcpListener,
    state: AppState,
}

pub async fn open_store(config: &Config) -> anyhow::Result<Arc<dyn Store>> {
    Ok(match &config.storage {
        StorageConfig::Local { root } => Arc::new(
            LocalStore::open(root)
                .await
                .context("opening local media folder")?,
        ),
        StorageConfig::S3(s3) => Arc::new(S3Store::connect(s3).await.context("configuring S3")?),
    })
}

impl AppState {
    pub async fn build(config: Config) -> anyhow::Result<AppState> {
        let db = Db::connect(config.database_url()).await?;
        db.migrate().await?;
        let store = open_store(&config).await?;
        let uploads = Uploads::new(
            db.clone(),
            store.clone(),
            config.tus_max_size,
            config.upload_expiry,
            config.data_dir.join("tmp"),
        );
        Ok(AppState {
            config: Arc::new(config),
            db,
            store,
            uploads,
        })
    }
}

impl Application {
    pub async fn build(config: Config, listener: TcpListener) -> anyhow::Result<Application> {
        let state = AppState::build(config).await?;
        Ok(Application { listener, state })
    }

    pub fn local_addr(&self) -> std::io::Result<std::net::SocketAddr> {
        self.listener.local_addr()
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serve until `shutdown` resolves, with the upload sweeper in the background.
    pub async fn run_until(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let sweeper = crate::uploads::spawn_sweeper(
            self.state.uploads.clone(),
            self.state.db.clone(),
            self.state.config.sweep_interval,
        );
        let router = crate::api::router(self.state.clone());
        let result = axum::serve(self.listener, router)
            .with_graceful_shutdown(shutdown)
            .await;
        sweeper.abort();
        result.context("serving HTTP")
    }

    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        self.run_until(shutdown_signal()).await
    }
}

async fn shutdown_signal() {
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
