//! `kill -9` of a real `briefly serve` process: every acknowledged byte survives, and the
//! client resumes from HEAD's offset on a restarted server. These tests run the real
//! binary instead of the in-process harness, because they must kill a process.

use std::time::Duration;

use reqwest::{Method, StatusCode};

use crate::helpers::{header, prepare_config, sha256, test_bytes, Backends, Tweaks, User};
use crate::processes::{clean_up, BrieflyProcess};

async fn start(config: &briefly::Config) -> BrieflyProcess {
    BrieflyProcess::start(config, &["serve"], &[]).await
}

async fn acknowledged_bytes_survive_kill_9(backends: Backends) {
    let (config, _data, pg_database) = prepare_config(backends, &Tweaks::default()).await;
    let mut server = start(&config).await;
    // Sign up through the real process, then keep using the same cookie across restarts.
    let app_like = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let signup = app_like
        .post(format!("{}/api/auth/signup", server.base))
        .json(
            &serde_json::json!({ "email": "crash@example.com", "password": "correct horse battery", "name": "Crash" }),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(signup.status(), StatusCode::CREATED);
    let data = test_bytes(14 * 1024 * 1024 + 123, 42);
    let mut user = User::for_base(app_like, &server.base);
    let created = user.tus_create(Some(data.len() as u64), &[("filename", "crash.webm")]).await;
    let location = header(&created, "location");
    let video_id = header(&created, "briefly-video-id");

    // Three acknowledged PATCHes (small, S3-piece sized, part sized), then kill -9 at once.
    let mut offset = 0usize;
    for size in [300_000usize, 1_200_000, 6_000_000] {
        let response = user.tus_patch(&location, offset as u64, data[offset..offset + size].to_vec()).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        offset += size;
    }
    server.kill_9();

    server = start(&config).await;
    user.set_base(&server.base);
    let head = user.tus_head(&location).await;
    assert_eq!(head.status(), StatusCode::OK);
    assert_eq!(header(&head, "upload-offset"), offset.to_string(), "every acknowledged byte survived");

    // Kill it again in the middle of a streaming PATCH; whatever HEAD then reports must be
    // a prefix of what was sent, and the upload completes from there.
    let pieces: Vec<Result<Vec<u8>, std::io::Error>> =
        data[offset..offset + 4_000_000].chunks(64 * 1024).map(|c| Ok(c.to_vec())).collect();
    let slow = futures::StreamExt::then(futures::stream::iter(pieces), |piece| async move {
        tokio::time::sleep(Duration::from_millis(5)).await;
        piece
    });
    let in_flight = user
        .request(Method::PATCH, &location)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Offset", offset.to_string())
        .header("Content-Type", "application/offset+octet-stream")
        .body(reqwest::Body::wrap_stream(slow))
        .send();
    let killer = async {
        tokio::time::sleep(Duration::from_millis(150)).await;
        server.kill_9();
    };
    // The interrupted request's own outcome is irrelevant; what HEAD says next is the check.
    let (_interrupted, ()) = tokio::join!(in_flight, killer);

    let server = start(&config).await;
    user.set_base(&server.base);
    let head = user.tus_head(&location).await;
    let resumed: usize = header(&head, "upload-offset").parse().unwrap();
    assert!(resumed >= offset && resumed <= offset + 4_000_000, "offset {resumed} is within what was sent");
    // On S3 the killed writer's lease may still be running: like any tus client, retry 423
    // (bounded: the lease lasts 8 s).
    let mut rest = user.tus_patch(&location, resumed as u64, data[resumed..].to_vec()).await;
    for _ in 0..40 {
        if rest.status() != StatusCode::LOCKED {
            break;
        }
        assert!(rest.headers().contains_key("retry-after"));
        tokio::time::sleep(Duration::from_millis(500)).await;
        rest = user.tus_patch(&location, resumed as u64, data[resumed..].to_vec()).await;
    }
    assert_eq!(rest.status(), StatusCode::NO_CONTENT);
    let back = user.download(&format!("/api/videos/{video_id}/original")).await;
    assert_eq!(sha256(&back), sha256(&data), "resumed upload is byte-identical");

    drop(server);
    clean_up(&config, pg_database).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_sqlite_disk() {
    acknowledged_bytes_survive_kill_9(Backends::SqliteDisk).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_postgres_s3() {
    acknowledged_bytes_survive_kill_9(Backends::PostgresS3).await;
}
