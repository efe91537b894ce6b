//! `kill -9` of a real `briefly serve` process: every acknowledged byte survives, and the
//! client resumes from HEAD's offset on a restarted server. These tests run the real
//! binary instead of the in-process harness, because they must kill a process.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use briefly::config::StorageConfig;
use briefly::Config;
use reqwest::{Method, StatusCode};
use secrecy::ExposeSecret;

use crate::helpers::{drop_pg_database, header, prepare_config, sha256, test_bytes, Backends, Tweaks, User};

struct Server {
    child: Child,
    base: String,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

async fn start(config: &Config) -> Server {
    let port = free_port();
    let mut command = Command::new(env!("CARGO_BIN_EXE_briefly"));
    command
        .arg("serve")
        .env("BRIEFLY_LISTEN", format!("127.0.0.1:{port}"))
        .env("BRIEFLY_DATA_DIR", &config.data_dir)
        .env("DATABASE_URL", config.database_url())
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
    let mut child = command.spawn().expect("start briefly");
    let base = format!("http://127.0.0.1:{port}");
    // Bounded readiness poll (a fresh process has to migrate and bind first).
    let client = reqwest::Client::new();
    for _ in 0..200 {
        if let Ok(response) = client.get(format!("{base}/healthz")).send().await {
            if response.status() == StatusCode::OK {
                return Server { child, base };
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("briefly did not become healthy within 10 s");
}

impl Server {
    fn kill_9(&mut self) {
        // std's Child::kill sends SIGKILL: no graceful shutdown, no flushing.
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
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
    if let Some(name) = pg_database {
        drop_pg_database(&name).await;
    }
    if let StorageConfig::S3(_) = &config.storage {
        let store = briefly::app::open_store(&config).await.unwrap();
        let _ = store.delete_prefix("").await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_sqlite_disk() {
    acknowledged_bytes_survive_kill_9(Backends::SqliteDisk).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_postgres_s3() {
    acknowledged_bytes_survive_kill_9(Backends::PostgresS3).await;
}
