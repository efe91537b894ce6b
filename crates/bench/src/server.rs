//! A `briefly serve` child process for benchmarks, with its memory readable from /proc.
//!
//! The child is the server binary itself (`briefly`; by default the one cargo built
//! beside this binary), not this benchmark binary: what is measured is what is deployed,
//! and none of the load generator's code is in it.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use anyhow::{bail, Context};
use briefly::config::{Config, StorageConfig};
use secrecy::ExposeSecret;

static SERVER_BINARY: OnceLock<PathBuf> = OnceLock::new();

/// Use `path` as the server binary, instead of the `briefly` next to this binary.
pub fn use_binary(path: PathBuf) {
    let _ = SERVER_BINARY.set(path);
}

/// The `briefly` binary to start: the one given with `--server`, else the one in the
/// same folder as this binary (cargo puts both in `target/release`).
fn server_binary() -> anyhow::Result<PathBuf> {
    let path = match SERVER_BINARY.get() {
        Some(path) => path.clone(),
        None => std::env::current_exe()?.with_file_name("briefly"),
    };
    if !path.is_file() {
        bail!(
            "no server binary at {} (build it next to this one with \
             `cargo build --release -p briefly -p briefly-bench`, or pass --server)",
            path.display()
        );
    }
    Ok(path)
}

pub struct ServerProcess {
    child: Child,
    pub base: String,
}

impl ServerProcess {
    /// Start the server binary as `briefly serve` with `config`'s storage on a free port.
    /// `with_worker: false` runs `serve --no-worker`, so background processing of what a
    /// benchmark uploads cannot disturb what it measures.
    pub async fn start(config: &Config, data_dir: &Path, with_worker: bool) -> anyhow::Result<ServerProcess> {
        let database_url = format!("sqlite:{}", data_dir.join("briefly.db").display());
        ServerProcess::start_with_database(config, data_dir, with_worker, &database_url).await
    }

    /// Like [`ServerProcess::start`], on the database `database_url` names.
    pub async fn start_with_database(
        config: &Config,
        data_dir: &Path,
        with_worker: bool,
        database_url: &str,
    ) -> anyhow::Result<ServerProcess> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let mut command = Command::new(server_binary()?);
        command.arg("serve");
        if !with_worker {
            command.arg("--no-worker");
        }
        command
            .env("BRIEFLY_LISTEN", format!("127.0.0.1:{port}"))
            .env("BRIEFLY_DATA_DIR", data_dir)
            .env("DATABASE_URL", database_url)
            // BRIEFLY_BENCH_SERVER_LOG (a RUST_LOG filter) prints the server's log, to see
            // where a run's time went.
            .env("RUST_LOG", std::env::var("BRIEFLY_BENCH_SERVER_LOG").unwrap_or_else(|_| "warn".into()))
            .stdout(match std::env::var_os("BRIEFLY_BENCH_SERVER_LOG") {
                Some(_) => Stdio::inherit(),
                None => Stdio::null(),
            })
            .stderr(Stdio::inherit());
        if let StorageConfig::S3(s3) = &config.storage {
            command.env("BRIEFLY_S3_BUCKET", &s3.bucket).env("BRIEFLY_S3_PREFIX", &s3.prefix);
            if let Some(endpoint) = &s3.endpoint {
                command.env("BRIEFLY_S3_ENDPOINT", endpoint);
            }
            if let (Some(key), Some(secret)) = (&s3.access_key_id, &s3.secret_access_key) {
                command.env("AWS_ACCESS_KEY_ID", key).env("AWS_SECRET_ACCESS_KEY", secret.expose_secret());
            }
        } else {
            command.env_remove("BRIEFLY_S3_BUCKET");
        }
        match &config.whisper_model {
            Some(model) => command.env("BRIEFLY_WHISPER_MODEL", model),
            None => command.env_remove("BRIEFLY_WHISPER_MODEL"),
        };
        command.env("BRIEFLY_WHISPER_THREADS", config.whisper_threads.to_string());
        let mut child = command.spawn().context("starting briefly serve")?;
        let base = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::new();
        for _ in 0..400 {
            if let Ok(response) = client.get(format!("{base}/healthz")).send().await {
                if response.status().is_success() {
                    return Ok(ServerProcess { child, base });
                }
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        let _ = child.kill();
        let _ = child.wait();
        bail!("the server did not become healthy within 10 s")
    }

    /// A client signed in as a fresh benchmark user (cookie session).
    pub async fn signed_in_client(&self) -> anyhow::Result<reqwest::Client> {
        self.signed_in_client_as("bench@example.com", "Bench").await
    }

    /// A client signed in (cookie session) as a new user with this email and name.
    pub async fn signed_in_client_as(&self, email: &str, name: &str) -> anyhow::Result<reqwest::Client> {
        let client = reqwest::Client::builder().cookie_store(true).timeout(Duration::from_secs(600)).build()?;
        let signup = client
            .post(format!("{}/api/auth/signup", self.base))
            .json(&serde_json::json!({ "email": email, "password": "benchmark password", "name": name }))
            .send()
            .await?;
        anyhow::ensure!(signup.status().is_success(), "signup failed: {}", signup.status());
        Ok(client)
    }

    /// The id of the user `client` is signed in as.
    pub async fn user_id(&self, client: &reqwest::Client) -> anyhow::Result<String> {
        let me: serde_json::Value = client.get(format!("{}/api/me", self.base)).send().await?.json().await?;
        me["id"].as_str().map(str::to_string).context("GET /api/me has no id")
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Peak resident memory so far (VmHWM), in bytes.
    pub fn peak_rss_bytes(&self) -> anyhow::Result<u64> {
        read_status_kib(self.pid(), "VmHWM:").map(|kib| kib * 1024)
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_status_kib(pid: u32, field: &str) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
        .with_context(|| format!("{field} missing from /proc/{pid}/status"))
}
