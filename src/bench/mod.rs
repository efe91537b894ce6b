//! `briefly bench ...`: measurements of Briefly next to a reference, in one run.
//!
//! Each benchmark starts a real `briefly serve` process (this same binary) so that the
//! server's memory can be read from `/proc` apart from the load generator's.

mod fixtures;
mod process;
mod server;
mod upload;

use clap::Subcommand;

use crate::config::Config;

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Upload a file through tus and write the same bytes straight to the same storage.
    Upload(upload::UploadBench),
    /// Upload-complete to ready-with-transcript, next to the ffmpeg CLI + faster-whisper.
    Process(process::ProcessBench),
}

pub async fn run(command: BenchCommand, config: Config) -> anyhow::Result<()> {
    match command {
        BenchCommand::Upload(args) => upload::run(args, config).await,
        BenchCommand::Process(args) => process::run_bench(args, config).await,
    }
}
