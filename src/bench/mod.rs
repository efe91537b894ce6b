//! `briefly bench ...`: measurements of Briefly next to a reference, in one run.

use clap::Subcommand;

use crate::config::Config;

#[derive(Debug, Subcommand)]
pub enum BenchCommand {}

pub async fn run(command: BenchCommand, _config: Config) -> anyhow::Result<()> {
    match command {}
}
