//! Runs the `wrk` load generator (HTTP/1.1 keep-alive, fixed duration) with the
//! benchmark's Lua script and reads back its one-line JSON report.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context};
use tokio::process::Command;

const SCRIPT: &str = include_str!("load.lua");

#[derive(Debug, Clone, Copy)]
pub struct Load {
    pub threads: u32,
    pub connections: u32,
    pub duration: Duration,
}

/// What one wrk run measured.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Report {
    pub requests: u64,
    pub duration_us: u64,
    pub non2xx: u64,
    pub status_429: u64,
    pub status_4xx: u64,
    pub status_5xx: u64,
    pub socket_errors: u64,
    pub timeouts: u64,
    pub p50_us: u64,
    pub p90_us: u64,
    pub p99_us: u64,
    pub max_us: u64,
}

impl Report {
    pub fn per_second(&self) -> f64 {
        self.requests as f64 / (self.duration_us as f64 / 1e6)
    }

    /// Failed requests of any kind: non-2xx answers, socket errors and timeouts.
    pub fn errors(&self) -> u64 {
        self.non2xx + self.socket_errors + self.timeouts
    }
}

/// What to send: a GET (optionally with a bearer token), or reactions spread over tokens.
pub enum Requests<'a> {
    Get { token: Option<&'a str> },
    React { tokens_file: &'a Path, duration_ms: i64 },
}

/// Write the script into `dir` (the binary carries it, so no checkout is needed).
pub async fn install_script(dir: &Path) -> anyhow::Result<PathBuf> {
    let path = dir.join("briefly-load.lua");
    tokio::fs::write(&path, SCRIPT).await?;
    Ok(path)
}

pub async fn run(script: &Path, url: &str, load: Load, requests: &Requests<'_>) -> anyhow::Result<Report> {
    let mut command = Command::new("wrk");
    command
        .arg(format!("--threads={}", load.threads))
        .arg(format!("--connections={}", load.connections))
        .arg(format!("--duration={}s", load.duration.as_secs().max(1)))
        .arg("--timeout=5s")
        .arg("--script")
        .arg(script)
        .arg(url)
        .arg("--");
    match requests {
        Requests::Get { token } => command.args(["get", token.unwrap_or("-")]),
        Requests::React { tokens_file, duration_ms } => {
            command.arg("react").arg(tokens_file).arg(load.threads.to_string()).arg(duration_ms.to_string())
        }
    };
    // wrk stops itself after the duration; the deadline only guards against a hang.
    let deadline = load.duration + Duration::from_secs(30);
    let output = tokio::time::timeout(deadline, command.kill_on_drop(true).output())
        .await
        .context("wrk did not finish in time")?
        .context("running wrk (is it installed?)")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!("wrk failed: {}{}", stdout, String::from_utf8_lossy(&output.stderr));
    }
    let line = stdout
        .lines()
        .find_map(|line| line.strip_prefix("WRK_JSON "))
        .with_context(|| format!("wrk printed no report: {stdout}"))?;
    serde_json::from_str(line).with_context(|| format!("parsing wrk's report {line}"))
}
