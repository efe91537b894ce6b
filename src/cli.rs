//! Command line: `briefly serve | worker | migrate | config`. (The benchmarks are a
//! separate binary, `briefly-bench`, in crates/bench.)

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::config::{Config, Overrides};

#[derive(Debug, Parser)]
#[command(name = "briefly", version, about = "Self-hosted async video updates")]
pub struct Cli {
    /// Optional TOML settings file (default: ./briefly.toml when present).
    #[arg(long, env = "BRIEFLY_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub overrides: Overrides,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP API (applies migrations first) with an in-process worker.
    Serve {
        /// Serve HTTP only; leave processing to `briefly worker` processes.
        #[arg(long)]
        no_worker: bool,
    },
    /// Run processing workers only (any number, on any hosts sharing the database and store).
    Worker,
    /// Apply database migrations and exit.
    Migrate,
    /// Print the resolved configuration (secrets redacted).
    Config,
}

pub fn run(cli: Cli) -> anyhow::Result<()> {
    crate::telemetry::init();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("starting runtime")?;
    runtime.block_on(async move {
        let config = Config::load(cli.config.as_deref(), &cli.overrides)?;
        match cli.command {
            Command::Serve { no_worker } => serve(config, no_worker).await,
            Command::Worker => crate::app::run_workers_until_stopped(config).await,
            Command::Migrate => {
                let db = crate::db::Db::connect(config.database_url()).await?;
                db.migrate().await?;
                tracing::info!(backend = ?db.backend(), "migrations applied");
                Ok(())
            }
            Command::Config => {
                println!("{config:#?}");
                println!("openblas_kernel: {}", crate::speech::openblas_kernel::current());
                Ok(())
            }
        }
    })
}

async fn serve(config: Config, no_worker: bool) -> anyhow::Result<()> {
    let listener =
        tokio::net::TcpListener::bind(config.listen).await.with_context(|| format!("binding {}", config.listen))?;
    let mut app = crate::Application::build(config, listener).await?;
    if no_worker {
        app = app.without_worker();
    }
    tracing::info!(address = %app.local_addr()?, "briefly is listening");
    app.run_until_stopped().await
}
