//! `kill -9` of a real `briefly worker` in the middle of a job: after its lease lapses,
//! another worker process takes the job over and finishes it. The API runs separately
//! with `serve --no-worker`, as in a scale-out deployment.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;

use crate::fixtures::{fixture, whisper_model};
use crate::helpers::{prepare_config, Backends, Tweaks, User};
use crate::processes::{clean_up, BrieflyProcess};

/// Every process gets the model and a short lease, so a dead worker's job lapses fast.
fn worker_env() -> Vec<(&'static str, String)> {
    vec![("BRIEFLY_WHISPER_MODEL", whisper_model().display().to_string()), ("BRIEFLY_JOB_LEASE_SECS", "3".to_string())]
}

async fn video(user: &User, id: &str) -> Value {
    user.get(&format!("/api/videos/{id}")).send().await.unwrap().json().await.unwrap()
}

async fn killed_worker_job_is_taken_over(backends: Backends) {
    let (config, _data, pg_database) = prepare_config(backends, &Tweaks::default()).await;
    let api = BrieflyProcess::start(&config, &["serve", "--no-worker"], &worker_env()).await;
    let base = api.base.clone();
    let client = reqwest::Client::builder().cookie_store(true).build().unwrap();
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
    let mut first = BrieflyProcess::start(&config, &["worker"], &worker_env()).await;
    let mut seen_processing = false;
    for _ in 0..400 {
        if video(&user, &id).await["status"] == "processing" {
            seen_processing = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(seen_processing, "the first worker picked the job up");
    first.kill_9();

    // Second worker: takes the job over once the 3 s lease lapses, and finishes it.
    let _second = BrieflyProcess::start(&config, &["worker"], &worker_env()).await;
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
    // The killed worker's scratch folder (its download of the original) is gone too: the
    // second worker removed it at start-up, and its own when the job finished.
    let leftovers: Vec<_> = std::fs::read_dir(config.data_dir.join("work"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|name| name.starts_with("video-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    drop(api);
    clean_up(&config, pg_database).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn worker_kill_9_sqlite_disk() {
    killed_worker_job_is_taken_over(Backends::SqliteDisk).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn worker_kill_9_postgres_s3() {
    killed_worker_job_is_taken_over(Backends::PostgresS3).await;
}
