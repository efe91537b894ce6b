//! `kill -9` of a real `briefly worker` in the middle of a job: after its lease lapses,
//! another worker process takes the job over and finishes it. The API runs separately
//! with `serve --no-worker`, as in a scale-out deployment.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use briefly::config::StorageConfig;
use briefly::Config;
use reqwest::StatusCode;
use secrecy::ExposeSecret;
use serde_json::Value;

use crate::fixtures::{fixture, whisper_model};
use crate::helpers::{drop_pg_database, prepare_config, Backends, Tweaks, User};

struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn briefly(config: &Config, args: &[&str], port: u16) -> Process {
    let mut command = Command::new(env!("CARGO_BIN_EXE_briefly"));
    command
        .args(args)
        .env("BRIEFLY_LISTEN", format!("127.0.0.1:{port}"))
        .env("BRIEFLY_DATA_DIR", &config.data_dir)
        .env("DATABASE_URL", config.database_url())
        .env("BRIEFLY_WHISPER_MODEL", whisper_model())
        .env("BRIEFLY_JOB_LEASE_SECS", "3")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    if let StorageConfig::S3(s3) = &config.storage {
        command
            .env("BRIEFLY_S3_BUCKET", &s3.bucket)
            .env("BRIEFLY_S3_ENDPOINT", s3.endpoint.as_deref().unwrap())
            .env("BRIEFLY_S3_PREFIX", &s3.prefix)
            .env("AWS_ACCESS_KEY_ID", s3.access_key_id.as_deref().unwrap())
            .env("AWS_SECRET_ACCESS_KEY", s3.secret_access_key.as_ref().unwrap().expose_secret());
    }
    Process(command.spawn().expect("start briefly"))
}

async fn video(user: &User, id: &str) -> Value {
    user.get(&format!("/api/videos/{id}")).send().await.unwrap().json().await.unwrap()
}

async fn killed_worker_job_is_taken_over(backends: Backends) {
    let (config, _data, pg_database) = prepare_config(backends, &Tweaks::default()).await;
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let _api = briefly(&config, &["serve", "--no-worker"], port);
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let mut ready = false;
    for _ in 0..200 {
        if client.get(format!("{base}/healthz")).send().await.is_ok_and(|r| r.status() == StatusCode::OK) {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(ready, "API process did not start");
    let signup = client
        .post(format!("{base}/api/auth/signup"))
        .json(&serde_json::json!({ "email": "w@example.com", "password": "correct horse battery", "name": "W" }))
        .send()
        .await
        .unwrap();
    assert_eq!(signup.status(), StatusCode::CREATED);
    let user = User::for_base(client, &base);
    let data = std::fs::read(fixture("speech.webm")).unwrap();
    let id = user.upload_file(&data, 256 * 1024, &[("filename", "speech.webm"), ("filetype", "video/webm")]).await;
    assert_eq!(video(&user, &id).await["status"], "uploaded", "no worker runs yet");

    // First worker: kill -9 as soon as it is working on the video.
    let mut first = briefly(&config, &["worker"], 0);
    let mut seen_processing = false;
    for _ in 0..400 {
        if video(&user, &id).await["status"] == "processing" {
            seen_processing = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(seen_processing, "the first worker picked the job up");
    first.0.kill().unwrap();
    first.0.wait().unwrap();

    // Second worker: takes the job over once the 3 s lease lapses, and finishes it.
    let _second = briefly(&config, &["worker"], 0);
    let mut last = Value::Null;
    for _ in 0..600 {
        last = video(&user, &id).await;
        if last["status"] == "ready" && last["transcript_status"] == "ready" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(last["status"], "ready", "{last}");
    assert_eq!(last["transcript_status"], "ready", "{last}");
    let hits: Value = user.get("/api/search?q=migration").send().await.unwrap().json().await.unwrap();
    assert!(!hits["hits"].as_array().unwrap().is_empty(), "{hits}");

    if let Some(name) = pg_database {
        drop_pg_database(&name).await;
    }
    if let StorageConfig::S3(_) = &config.storage {
        let store = briefly::app::open_store(&config).await.unwrap();
        let _ = store.delete_prefix("").await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn worker_kill_9_sqlite_disk() {
    killed_worker_job_is_taken_over(Backends::SqliteDisk).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn worker_kill_9_postgres_s3() {
    killed_worker_job_is_taken_over(Backends::PostgresS3).await;
}
