//! `briefly-bench ...`: measurements of Briefly next to a reference, in one run.
//!
//! Each benchmark starts a real `briefly serve` process (the `briefly` binary built
//! beside this one; see `server.rs`) so that the server's memory can be read from
//! `/proc` apart from the load generator's. Kept out of the `briefly` library and
//! binary: the server does not link any of this.

mod bench_models;
mod collab;
mod collab_seed;
mod corpus;
mod cpu_time;
mod edit;
mod fixtures;
mod latency;
mod live;
mod load_average;
mod machine;
mod passages;
mod process;
mod scratch_db;
mod search;
mod search_seed;
mod server;
mod speech_engines;
mod sql_rows;
mod track_comparison;
mod transcribe;
mod upload;
mod word_errors;
mod wrk;

use std::path::PathBuf;

use anyhow::Context;
use briefly::config::{Config, Overrides};
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "briefly-bench", version, about = "Benchmarks that measure Briefly next to a reference, side by side")]
struct Cli {
    /// Optional TOML settings file, as for `briefly` (default: ./briefly.toml when present).
    #[arg(long, env = "BRIEFLY_CONFIG", global = true)]
    config: Option<PathBuf>,
    /// The `briefly` server binary to measure (default: the one next to this binary).
    #[arg(long, env = "BRIEFLY_BENCH_SERVER", global = true)]
    server: Option<PathBuf>,
    #[command(flatten)]
    overrides: Overrides,
    #[command(subcommand)]
    command: BenchCommand,
}

#[derive(Debug, Subcommand)]
enum BenchCommand {
    /// Upload a file through tus and write the same bytes straight to the same storage.
    Upload(upload::UploadBench),
    /// Upload-complete to ready-with-transcript, next to the ffmpeg CLI + faster-whisper.
    Process(process::ProcessBench),
    /// Transcription alone, per model and language: whisper.cpp next to faster-whisper on the same weights and audio.
    Transcribe(transcribe::TranscribeBench),
    /// `GET /api/search` over 1,000,000 transcript segments, next to a plain LIKE scan.
    Search(search::SearchBench),
    /// Comments page and reaction writes under wrk, each next to `GET /healthz`.
    Collab(collab::CollabBench),
    /// Rendering three cuts of a long H.264 recording, next to the ffmpeg CLI encoding the segments.
    Edit(edit::EditBench),
    /// A recording replayed at real time as the recorder streams it: stop to ready and searchable, next to the same file uploaded whole.
    Live(live::LiveBench),
}

fn main() -> std::process::ExitCode {
    // Before any thread starts: the transcription benchmarks run whisper.cpp in this
    // process, with the BLAS kernels the server would use (see `briefly`'s main).
    briefly::speech::openblas_kernel::run_with_cpu_kernels();
    let cli = Cli::parse();
    match run_cli(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("briefly-bench: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run_cli(cli: Cli) -> anyhow::Result<()> {
    briefly::telemetry::init();
    if let Some(server) = cli.server {
        server::use_binary(server);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("starting runtime")?;
    runtime.block_on(async move {
        let config = Config::load(cli.config.as_deref(), &cli.overrides)?;
        run(cli.command, config).await
    })
}

async fn run(command: BenchCommand, config: Config) -> anyhow::Result<()> {
    match command {
        BenchCommand::Upload(args) => upload::run(args, config).await,
        BenchCommand::Process(args) => process::run_bench(args, config).await,
        BenchCommand::Transcribe(args) => transcribe::run_bench(args, config).await,
        BenchCommand::Search(args) => search::run(args, config).await,
        BenchCommand::Collab(args) => collab::run(args, config).await,
        BenchCommand::Edit(args) => tokio::task::spawn_blocking(move || edit::run(args)).await?,
        BenchCommand::Live(args) => live::run_bench(args, config).await,
    }
}
