//! Faults a real deployment meets, survived with nothing acknowledged lost: the database
//! dropping every connection in the middle of uploads and comment writes, the object
//! store stopping mid-upload, and the data folder's disk filling up.
//!
//! Each answers with 503 + `Retry-After` or 507 and a JSON error (never a 500, never a
//! hang), the server keeps serving, and every acknowledged PATCH and comment is still
//! there afterwards.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::{Method, Response, StatusCode};
use serde_json::{json, Value};
use sqlx::Connection;

use crate::helpers::{header, pg_admin_url, run, set_duration, sha256, test_bytes, Backends, TestApp, Tweaks, User};

const MIB: usize = 1024 * 1024;

/// A fault answer: the status, a JSON error with the stable code, and for 503 a
/// `Retry-After` the client can follow.
async fn assert_fault(response: Response, what: &str) -> StatusCode {
    let status = response.status();
    assert!(
        status == StatusCode::SERVICE_UNAVAILABLE || status == StatusCode::INSUFFICIENT_STORAGE,
        "{what}: expected 503 or 507, got {status}: {}",
        response.text().await.unwrap_or_default()
    );
    if status == StatusCode::SERVICE_UNAVAILABLE {
        let retry: u64 = header(&response, "retry-after").parse().expect("Retry-After is seconds");
        assert!((1..=60).contains(&retry), "{what}: Retry-After {retry}");
    }
    let body: Value = response.json().await.expect("fault answers are JSON");
    let expected = if status == StatusCode::SERVICE_UNAVAILABLE { "unavailable" } else { "insufficient_storage" };
    assert_eq!(body["error"]["code"], expected, "{what}: {body}");
    status
}

/// A PATCH may also meet the writer lease of a request that died with its connection:
/// 423 with `Retry-After`, until the lease lapses (tus clients retry it).
async fn assert_retryable(response: Response, what: &str) {
    if response.status() == StatusCode::LOCKED {
        assert!(response.headers().contains_key("retry-after"), "{what}: 423 without Retry-After");
        return;
    }
    assert_fault(response, what).await;
}

async fn offset_of(user: &User, location: &str) -> u64 {
    let head = user.tus_head(location).await;
    assert_eq!(head.status(), StatusCode::OK, "HEAD {location}");
    header(&head, "upload-offset").parse().unwrap()
}

/// The upload's offset, HEADing through faults (boundedly) until the server answers.
async fn offset_of_when_reachable(user: &User, location: &str) -> usize {
    for _ in 0..300 {
        let head = user.tus_head(location).await;
        if head.status() == StatusCode::OK {
            return header(&head, "upload-offset").parse().unwrap();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("HEAD {location} failed for 15 s");
}

/// PATCH from wherever the server says the upload is until it is complete, retrying
/// (boundedly) through faults: what a tus client does.
async fn finish_upload(user: &User, location: &str, data: &[u8], chunk: usize) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let offset = offset_of(user, location).await as usize;
        if offset == data.len() {
            return;
        }
        assert!(Instant::now() < deadline, "the upload did not finish after the fault was cured");
        let end = (offset + chunk).min(data.len());
        let response = user.tus_patch(location, offset as u64, data[offset..end].to_vec()).await;
        if response.status() != StatusCode::NO_CONTENT {
            assert_retryable(response, "PATCH while recovering").await;
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

// ---------------------------------------------------------------------------------------
// PostgreSQL drops every connection (what a restart does to the pool), repeatedly, while
// comments and PATCHes are being written.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn database_connections_dropped_mid_writes() {
    run(Backends::PostgresS3, Tweaks::default(), database_connections_dropped).await;
}

/// Terminate every backend of the app's database, as `pg_ctl restart` would.
async fn drop_connections(admin: &mut sqlx::PgConnection, database: &str) {
    sqlx::query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
    )
    .bind(database)
    .execute(admin)
    .await
    .expect("terminate backends");
}

async fn database_connections_dropped(app: TestApp) {
    let database = app.config.database_url().rsplit('/').next().unwrap().to_string();
    let owner = Arc::new(app.sign_up("Olivia").await);
    let video = owner.create_video("Through a restart", "unlisted").await;
    let video_id = video["id"].as_str().unwrap().to_string();
    set_duration(&app, &video_id, 60_000).await;

    let data = test_bytes(24 * MIB, 41);
    let created = owner.tus_create(Some(data.len() as u64), &[("filename", "restart.webm")]).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let location = header(&created, "location");
    let upload_video = header(&created, "briefly-video-id");
    let first = owner.tus_patch(&location, 0, data[..2 * MIB].to_vec()).await;
    assert_eq!(first.status(), StatusCode::NO_CONTENT);

    // Kill every connection every 30 ms while four writers post comments and one PATCHes.
    let stop = Arc::new(AtomicBool::new(false));
    let killer = {
        let stop = stop.clone();
        let database = database.clone();
        tokio::spawn(async move {
            let mut admin = sqlx::PgConnection::connect(&format!("{}/postgres", pg_admin_url())).await.unwrap();
            let mut rounds = 0u32;
            while !stop.load(Ordering::Relaxed) && rounds < 2_000 {
                drop_connections(&mut admin, &database).await;
                rounds += 1;
                tokio::time::sleep(Duration::from_millis(30)).await;
            }
        })
    };
    let mut writers = Vec::new();
    for writer in 0..4 {
        let owner = owner.clone();
        let video_id = video_id.clone();
        writers.push(tokio::spawn(async move {
            let (mut acknowledged, mut faults) = (Vec::new(), 0u32);
            for n in 0..60 {
                let body = json!({ "body": format!("writer {writer} comment {n}"), "timestamp_ms": 1_000 * n });
                let response = owner
                    .request(Method::POST, &format!("/api/videos/{video_id}/comments"))
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                if response.status() == StatusCode::CREATED {
                    let comment: Value = response.json().await.unwrap();
                    acknowledged.push(comment["id"].as_str().unwrap().to_string());
                } else {
                    assert_fault(response, "comment during connection drops").await;
                    faults += 1;
                }
            }
            (acknowledged, faults)
        }));
    }
    let (mut offset, mut patch_faults) = (2 * MIB, 0u32);
    while offset < 14 * MIB {
        let response = owner.tus_patch(&location, offset as u64, data[offset..offset + MIB].to_vec()).await;
        if response.status() == StatusCode::NO_CONTENT {
            offset = header(&response, "upload-offset").parse().unwrap();
        } else if response.status() == StatusCode::CONFLICT {
            // An earlier PATCH was stored but its answer (and the HEAD after it) met a
            // dropped connection: the server is ahead of what this client last heard.
            // A tus client HEADs and carries on from there.
            let server = offset_of_when_reachable(&owner, &location).await;
            assert!(server > offset, "409 at {offset} while the server is at {server}");
            offset = server;
        } else {
            assert_retryable(response, "PATCH during connection drops").await;
            patch_faults += 1;
            // Where the server says the upload is: what was acknowledged, nothing more.
            let head = owner.tus_head(&location).await;
            if head.status() == StatusCode::OK {
                offset = header(&head, "upload-offset").parse().unwrap();
            }
        }
    }
    let mut acknowledged = Vec::new();
    let mut comment_faults = 0;
    for writer in writers {
        let (ids, faults) = writer.await.unwrap();
        acknowledged.extend(ids);
        comment_faults += faults;
    }
    stop.store(true, Ordering::Relaxed);
    killer.await.unwrap();
    println!("acknowledged {} comments; {comment_faults} comment and {patch_faults} PATCH faults", acknowledged.len());
    assert!(
        comment_faults + patch_faults > 0,
        "no request met a dropped connection: the test did not exercise the fault"
    );
    assert!(!acknowledged.is_empty(), "the pool never reconnected between drops");

    // The pool reconnects by itself: everything acknowledged is there, the upload resumes.
    let page: Value = owner.get_json(&format!("/api/videos/{video_id}/comments?limit=200")).await;
    let stored: HashSet<&str> =
        page["comments"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    for id in &acknowledged {
        assert!(stored.contains(id.as_str()), "acknowledged comment {id} is gone");
    }
    finish_upload(&owner, &location, &data, 4 * MIB).await;
    let back = owner.download(&format!("/api/videos/{upload_video}/original")).await;
    assert_eq!(sha256(&back), sha256(&data), "the upload is byte-identical after the drops");
    let health = owner.get("/healthz").send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
}

// ---------------------------------------------------------------------------------------
// The S3 server stops mid-upload and comes back.

/// Our own S3-compatible server for this test: stopping the shared one would break the
/// tests running beside it.
struct OwnS3 {
    child: Child,
    port: u16,
    root: PathBuf,
}

impl OwnS3 {
    fn binary() -> PathBuf {
        if let Ok(path) = std::env::var("BRIEFLY_TEST_S3S_FS") {
            return path.into();
        }
        let tools = std::env::var("BRIEFLY_TOOLS_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|_| PathBuf::from(std::env::var("HOME").unwrap()).join(".cache/briefly/tools"));
        tools.join("bin/s3s-fs")
    }

    async fn start(root: &Path, port: u16) -> OwnS3 {
        let bucket = std::env::var("BRIEFLY_TEST_S3_BUCKET").unwrap_or_else(|_| "briefly-test".into());
        std::fs::create_dir_all(root.join(bucket)).unwrap();
        let child = Command::new(Self::binary())
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .args(["--access-key", "briefly", "--secret-key", "briefly-secret"])
            .arg(root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start s3s-fs (scripts/test.sh builds it; BRIEFLY_TEST_S3S_FS names another)");
        for _ in 0..200 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        OwnS3 { child, port, root: root.to_path_buf() }
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    async fn restart(&mut self) {
        self.stop();
        *self = OwnS3::start(&self.root.clone(), self.port).await;
    }
}

impl Drop for OwnS3 {
    fn drop(&mut self) {
        self.stop();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn object_store_stopped_mid_upload() {
    let root = tempfile::tempdir().unwrap();
    let mut s3 = OwnS3::start(root.path(), free_port()).await;
    let tweaks =
        Tweaks { s3_endpoint: Some(format!("http://127.0.0.1:{}", s3.port)), no_worker: true, ..Tweaks::default() };
    run(Backends::PostgresS3, tweaks, |app| async move {
        let ada = app.sign_up("Ada").await;
        // 6-MiB PATCHes: each is a multipart part of its own.
        let data = test_bytes(18 * MIB, 42);
        let created = ada.tus_create(Some(data.len() as u64), &[("filename", "outage.webm")]).await;
        assert_eq!(created.status(), StatusCode::CREATED);
        let location = header(&created, "location");
        let video_id = header(&created, "briefly-video-id");
        let first = ada.tus_patch(&location, 0, data[..6 * MIB].to_vec()).await;
        assert_eq!(first.status(), StatusCode::NO_CONTENT);

        s3.stop();
        let started = Instant::now();
        let during = ada.tus_patch(&location, 6 * MIB as u64, data[6 * MIB..12 * MIB].to_vec()).await;
        assert_eq!(assert_fault(during, "PATCH with the store down").await, StatusCode::SERVICE_UNAVAILABLE);
        assert!(started.elapsed() < Duration::from_secs(60), "the PATCH hung for {:?}", started.elapsed());
        // The server itself keeps answering, and the offset is what was acknowledged.
        assert_eq!(offset_of(&ada, &location).await, 6 * MIB as u64);
        let video = ada.get(&format!("/api/videos/{video_id}")).send().await.unwrap();
        assert_eq!(video.status(), StatusCode::OK);

        s3.restart().await;
        finish_upload(&ada, &location, &data, 6 * MIB).await;
        let back = ada.download(&format!("/api/videos/{video_id}/original")).await;
        assert_eq!(sha256(&back), sha256(&data), "the upload is byte-identical after the outage");
    })
    .await;
}

// ---------------------------------------------------------------------------------------
// The data folder's disk fills up (a small tmpfs holds the whole data folder: SQLite,
// staging files and media).

/// A tmpfs of `size_mib` at a fresh folder, unmounted on drop.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(size_mib: usize) -> SmallDisk {
        let dir = tempfile::tempdir().unwrap();
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size_mib}m"), "tmpfs"])
            .arg(dir.path())
            .status()
            .expect("run mount");
        assert!(status.success(), "mounting a tmpfs needs root (CI and scripts/test.sh run as root)");
        SmallDisk { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(self.dir.path()).status();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn data_disk_full_mid_upload() {
    let disk = SmallDisk::mount(40);
    let data_dir = disk.path().join("data");
    let tweaks = Tweaks { data_dir: Some(data_dir.clone()), no_worker: true, ..Tweaks::default() };
    let filler = disk.path().join("filler");
    run(Backends::SqliteDisk, tweaks, |app| async move {
        let ada = app.sign_up("Ada").await;
        let kept = test_bytes(2 * MIB, 43);
        let kept_video = ada.upload_file(&kept, MIB, &[("filename", "kept.webm")]).await;
        // Something else takes most of the disk.
        std::fs::write(&filler, vec![7u8; 20 * MIB]).unwrap();

        let data = test_bytes(24 * MIB, 44);
        let created = ada.tus_create(Some(data.len() as u64), &[("filename", "full.webm")]).await;
        assert_eq!(created.status(), StatusCode::CREATED);
        let location = header(&created, "location");
        let video_id = header(&created, "briefly-video-id");
        let (mut offset, mut full) = (0usize, None);
        while offset < data.len() {
            let response = ada.tus_patch(&location, offset as u64, data[offset..offset + 2 * MIB].to_vec()).await;
            if response.status() != StatusCode::NO_CONTENT {
                full = Some(assert_fault(response, "PATCH on a full disk").await);
                break;
            }
            offset += 2 * MIB;
        }
        assert_eq!(full, Some(StatusCode::INSUFFICIENT_STORAGE), "the disk never filled up");
        // What was acknowledged is there; reads go on.
        assert_eq!(offset_of(&ada, &location).await, offset as u64);
        assert_eq!(sha256(&ada.download(&format!("/api/videos/{kept_video}/original")).await), sha256(&kept));
        let list = ada.get("/api/videos").send().await.unwrap();
        assert_eq!(list.status(), StatusCode::OK);

        // Space comes back; the upload resumes from the acknowledged offset and finishes.
        std::fs::remove_file(&filler).unwrap();
        finish_upload(&ada, &location, &data, 2 * MIB).await;
        let back = ada.download(&format!("/api/videos/{video_id}/original")).await;
        assert_eq!(sha256(&back), sha256(&data), "the upload is byte-identical after the disk filled");
    })
    .await;
    drop(disk);
}
