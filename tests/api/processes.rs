//! Real `briefly` processes, for the tests that must kill one with SIGKILL.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use briefly::config::StorageConfig;
use briefly::Config;
use reqwest::StatusCode;
use secrecy::ExposeSecret;

use crate::helpers::drop_pg_database;

pub struct BrieflyProcess {
    child: Child,
    /// `http://127.0.0.1:<port>` (meaningful for `serve`).
    pub base: String,
}

impl BrieflyProcess {
    /// Run `briefly <args>` against `config`'s database and storage. A `serve` process is
    /// waited on (bounded) until `/healthz` answers; it has to migrate and bind first.
    pub async fn start(config: &Config, args: &[&str], extra_env: &[(&str, String)]) -> BrieflyProcess {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut command = Command::new(env!("CARGO_BIN_EXE_briefly"));
        command
            .args(args)
            .env("BRIEFLY_LISTEN", format!("127.0.0.1:{port}"))
            .env("BRIEFLY_DATA_DIR", &config.data_dir)
            .env("DATABASE_URL", config.database_url())
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        for (name, value) in extra_env {
            command.env(name, value);
        }
        if let StorageConfig::S3(s3) = &config.storage {
            command
                .env("BRIEFLY_S3_BUCKET", &s3.bucket)
                .env("BRIEFLY_S3_ENDPOINT", s3.endpoint.as_deref().unwrap())
                .env("BRIEFLY_S3_PREFIX", &s3.prefix)
                .env("AWS_ACCESS_KEY_ID", s3.access_key_id.as_deref().unwrap())
                .env("AWS_SECRET_ACCESS_KEY", s3.secret_access_key.as_ref().unwrap().expose_secret());
        }
        let mut process =
            BrieflyProcess { child: command.spawn().expect("start briefly"), base: format!("http://127.0.0.1:{port}") };
        if args.first() == Some(&"serve") {
            let client = reqwest::Client::new();
            for _ in 0..200 {
                if client
                    .get(format!("{}/healthz", process.base))
                    .send()
                    .await
                    .is_ok_and(|r| r.status() == StatusCode::OK)
                {
                    return process;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            process.kill_9();
            panic!("briefly did not become healthy within 10 s");
        }
        process
    }

    /// The process id (for reading its memory from `/proc`).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGKILL: no graceful shutdown, no flushing.
    pub fn kill_9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for BrieflyProcess {
    fn drop(&mut self) {
        self.kill_9();
    }
}

/// Remove what a test's processes left in PostgreSQL and S3.
pub async fn clean_up(config: &Config, pg_database: Option<String>) {
    if let Some(name) = pg_database {
        drop_pg_database(&name).await;
    }
    if let StorageConfig::S3(_) = &config.storage {
        let store = briefly::app::open_store(config).await.unwrap();
        let _ = store.delete_prefix("").await;
    }
}
