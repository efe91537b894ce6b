//! `briefly bench ...`: measurements of Briefly next to a reference, in one run.
//!
//! Each benchmark starts a real `briefly serve` process (this same binary) so that the
//! server's memory can be read from `/proc` apart from the load generator's.

mod collab;
mod collab_seed;
mod corpus;
mod cpu_time;
mod fixtures;
mod latency;
mod load_average;
mod process;
mod scratch_db;
mod search;
mod search_seed;
mod server;
mod sql_rows;
mod transcribe;
mod upload;
mod word_errors;
mod wrk;

use clap::Subcommand;

use crate::config::Config;

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Upload a file through tus and write the same bytes straight to the same storage.
    Upload(upload::UploadBench),
    /// Upload-complete to ready-with-transcript, next to the ffmpeg CLI + faster-whisper.
    Process(process::ProcessBench),
    /// Transcription alone: whisper.cpp next to faster-whisper on the same audio.
    Transcribe(transcribe::TranscribeBench),
    /// `GET /api/search` over 1,000,000 transcript segments, next to a plain LIKE scan.
    Search(search::SearchBench),
    /// Comments page and reaction writes under wrk, each next to `GET /healthz`.
    Collab(collab::CollabBench),
}

pub async fn run(command: BenchCommand, config: Config) -> anyhow::Result<()> {
    match command {
        BenchCommand::Upload(args) => upload::run(args, config).await,
        BenchCommand::Process(args) => process::run_bench(args, config).await,
        BenchCommand::Transcribe(args) => transcribe::run_bench(args, config).await,
        BenchCommand::Search(args) => search::run(args, config).await,
        BenchCommand::Collab(args) => collab::run(args, config).await,
    }
}
