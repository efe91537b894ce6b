//! `kill -9` of a real `briefly worker` in the middle of a job: after its lease lapses,
//! another worker process takes the job over and finishes it. The API runs separately
//! with `serve --no-worker`, as in a scale-out deployment. The same for a live job
//! following a recording that is still being recorded.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;

use crate::fixtures::{fixture, whisper_model};
use crate::helpers::{prepare_config, Backends, Tweaks, User};
use crate::live::{
    closing_words_found_at, session_state, transcript_words, wait_for_session, word_difference, Recording,
};
use crate::processes::{clean_up, BrieflyProcess};
use crate::processing::settled;

/// Every process gets the model and a short lease, so a dead worker's job lapses fast.
fn worker_env() -> Vec<(&'static str, String)> {
    vec![("BRIEFLY_WHISPER_MODEL", whisper_model().display().to_string()), ("BRIEFLY_JOB_LEASE_SECS", "3".to_string())]
}

async fn video(user: &User, id: &str) -> Value {
    user.get(&format!("/api/videos/{id}")).send().await.unwrap().json().await.unwrap()
}

async fn signed_up(base: &str) -> User {
    let client = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let signup = client
        .post(format!("{base}/api/auth/signup"))
        .json(&serde_json::json!({ "email": "w@example.com", "password": "correct horse battery", "name": "W" }))
        .send()
        .await
        .unwrap();
    assert_eq!(signup.status(), StatusCode::CREATED);
    User::for_base(client, base)
}

/// `video-*` folders left in the data folder's scratch space.
fn scratch_folders(config: &briefly::Config) -> Vec<String> {
    std::fs::read_dir(config.data_dir.join("work"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|name| name.starts_with("video-"))
        .collect()
}

async fn killed_worker_job_is_taken_over(backends: Backends) {
    let (config, _data, pg_database) = prepare_config(backends, &Tweaks::default()).await;
    let api = BrieflyProcess::start(&config, &["serve", "--no-worker"], &worker_env()).await;
    let user = signed_up(&api.base).await;
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
    let leftovers = scratch_folders(&config);
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

/// A live job killed mid-recording: the recording goes on, a second worker takes the job
/// over once its lease lapses, reads the recording again from what was stored, and the
/// result is whole: every sentence once, in order, as in the same file uploaded whole.
async fn killed_live_worker_is_taken_over(backends: Backends) {
    let (config, _data, pg_database) = prepare_config(backends, &Tweaks::default()).await;
    let api = BrieflyProcess::start(&config, &["serve", "--no-worker"], &worker_env()).await;
    let user = signed_up(&api.base).await;
    let db = briefly::db::Db::connect(config.database_url()).await.unwrap();
    let mut first = BrieflyProcess::start(&config, &["worker"], &worker_env()).await;
    let mut recording = Recording::start(&user, "recorder-long-h264.webm").await;
    recording.send(&user, 3, Duration::from_millis(500)).await;
    wait_for_session(&db, &recording.video_id, "following", Duration::from_secs(30)).await;
    recording.send(&user, 8, Duration::from_millis(500)).await;
    first.kill_9();

    let _second = BrieflyProcess::start(&config, &["worker"], &worker_env()).await;
    let left = recording.seconds_left();
    recording.send(&user, left, Duration::from_millis(500)).await;
    recording.stop(&user).await;
    let live = settled(&user, &recording.video_id).await;
    assert_eq!((live["status"].as_str(), live["transcript_status"].as_str()), (Some("ready"), Some("ready")), "{live}");
    // Finished by the live job (taken over), not handed to the after-upload path.
    assert_eq!(session_state(&db, &recording.video_id).await.as_deref(), Some("done"));
    let words = transcript_words(&user, &recording.video_id).await; // checks order and overlap

    let data = std::fs::read(fixture("recorder-long-h264.webm")).unwrap();
    let whole = user.upload_file(&data, 4 << 20, &[("filename", "whole.webm"), ("filetype", "video/webm")]).await;
    assert_eq!(settled(&user, &whole).await["status"], "ready");
    let uploaded = transcript_words(&user, &whole).await;
    let difference = word_difference(&words, &uploaded);
    assert!(difference * 10 <= uploaded.len(), "{difference} words differ:\n{words:?}\n{uploaded:?}");
    assert!(words.iter().filter(|w| *w == "migration").count() == 1, "said once, heard once: {words:?}");
    assert!(closing_words_found_at(&user, &recording.video_id).await.is_some());
    let leftovers = scratch_folders(&config);
    assert!(leftovers.is_empty(), "{leftovers:?}");
    drop(api);
    clean_up(&config, pg_database).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_worker_kill_9_sqlite_disk() {
    killed_live_worker_is_taken_over(Backends::SqliteDisk).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_worker_kill_9_postgres_s3() {
    killed_live_worker_is_taken_over(Backends::PostgresS3).await;
}
