//! tus 1.0.0: core, creation, creation-with-upload, defer-length, termination, checksum,
//! expiration, concurrency and dropped connections, on both storage backends.

use std::time::Duration;

use base64::Engine;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use sha1::Digest;

use crate::helpers::{assert_error, header, run, sha256, test_bytes, tus_metadata, Backends, TestApp, Tweaks};
use crate::matrix;

matrix!(
    options_advertises_extensions,
    chunks_of_every_size_round_trip,
    creation_with_upload,
    deferred_length,
    wrong_offset_is_conflict,
    checksums_are_verified,
    termination_discards_everything,
    concurrent_patches_cannot_corrupt,
    dropped_connection_resumes,
    attaches_to_existing_video,
    protocol_violations_are_rejected,
    zero_byte_upload_completes,
);

async fn options_advertises_extensions(app: TestApp) {
    let response = app.browser().request(Method::OPTIONS, app.url("/api/uploads")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(header(&response, "tus-resumable"), "1.0.0");
    assert_eq!(header(&response, "tus-version"), "1.0.0");
    let extensions = header(&response, "tus-extension");
    for ext in ["creation", "creation-with-upload", "creation-defer-length", "termination", "checksum", "expiration"] {
        assert!(extensions.split(',').any(|e| e == ext), "{ext} missing from {extensions}");
    }
    assert_eq!(header(&response, "tus-max-size"), app.config.tus_max_size.to_string());
    assert!(header(&response, "tus-checksum-algorithm").contains("sha1"));
}

async fn chunks_of_every_size_round_trip(app: TestApp) {
    let ada = app.sign_up("Ada").await;
    // Small pieces (like a recorder's 1-second chunks), then pieces that cross the 5 MiB
    // S3 part floor, then a last odd-sized one.
    let sizes = [1usize, 700_000, 333_333, 2_000_000, 6_000_000, 1_500_000, 9_000_000, 12_345];
    let total: usize = sizes.iter().sum();
    let data = test_bytes(total, 11);
    let created = ada.tus_create(Some(total as u64), &[("filename", "big.webm"), ("filetype", "video/webm")]).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    assert!(created.headers().contains_key("upload-expires"));
    let location = header(&created, "location");
    let video_id = header(&created, "briefly-video-id");
    let mut offset = 0;
    for size in sizes {
        let response = ada.tus_patch(&location, offset as u64, data[offset..offset + size].to_vec()).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        offset += size;
        assert_eq!(header(&response, "upload-offset"), offset.to_string());
        if offset < total {
            let video: Value = ada.get(&format!("/api/videos/{video_id}")).send().await.unwrap().json().await.unwrap();
            assert_eq!(video["status"], "uploading");
        }
    }
    let video: Value = ada.get(&format!("/api/videos/{video_id}")).send().await.unwrap().json().await.unwrap();
    assert_upload_complete(&video);
    assert_eq!(video["title"], "big");
    assert_eq!(video["size_bytes"], total as u64);
    assert_eq!(video["content_type"], "video/webm");
    let back = ada.download(&format!("/api/videos/{video_id}/original")).await;
    assert_eq!(sha256(&back), sha256(&data), "what comes back is what went in");
    let head = ada.tus_head(&location).await;
    assert_eq!(head.status(), StatusCode::OK);
    assert_eq!(header(&head, "upload-offset"), total.to_string());
}

async fn creation_with_upload(app: TestApp) {
    let ada = app.sign_up("Ada").await;
    let data = test_bytes(50_000, 5);
    let first = data[..20_000].to_vec();
    let response = ada
        .request(Method::POST, "/api/uploads")
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", data.len().to_string())
        .header("Upload-Metadata", tus_metadata(&[("filename", "c.mp4")]))
        .header("Content-Type", "application/offset+octet-stream")
        .body(first)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(header(&response, "upload-offset"), "20000");
    let location = header(&response, "location");
    let video_id = header(&response, "briefly-video-id");
    let rest = ada.tus_patch(&location, 20_000, data[20_000..].to_vec()).await;
    assert_eq!(rest.status(), StatusCode::NO_CONTENT);
    assert_eq!(sha256(&ada.download(&format!("/api/videos/{video_id}/original")).await), sha256(&data));
}

async fn deferred_length(app: TestApp) {
    let ada = app.sign_up("Ada").await;
    let data = test_bytes(3_000_000, 9);
    let created = ada.tus_create(None, &[("filename", "rec.webm")]).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let location = header(&created, "location");
    let video_id = header(&created, "briefly-video-id");
    let head = ada.tus_head(&location).await;
    assert_eq!(header(&head, "upload-defer-length"), "1");
    assert!(head.headers().get("upload-length").is_none());
    // A recorder sends a piece every second, not knowing when the user will stop.
    let mut offset = 0;
    for piece in data.chunks(400_000) {
        let last = offset + piece.len() == data.len();
        let mut request = ada
            .request(Method::PATCH, &location)
            .header("Tus-Resumable", "1.0.0")
            .header("Upload-Offset", offset.to_string())
            .header("Content-Type", "application/offset+octet-stream");
        if last {
            request = request.header("Upload-Length", data.len().to_string());
        }
        let response = request.body(piece.to_vec()).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        offset += piece.len();
    }
    let head = ada.tus_head(&location).await;
    assert_eq!(header(&head, "upload-length"), data.len().to_string());
    assert_eq!(sha256(&ada.download(&format!("/api/videos/{video_id}/original")).await), sha256(&data));

    // The length can also be declared by an empty PATCH after the last bytes.
    let created = ada.tus_create(None, &[("filename", "rec2.webm")]).await;
    let location = header(&created, "location");
    let video_id = header(&created, "briefly-video-id");
    assert_eq!(ada.tus_patch(&location, 0, data[..1000].to_vec()).await.status(), StatusCode::NO_CONTENT);
    let finish = ada
        .request(Method::PATCH, &location)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Offset", "1000")
        .header("Upload-Length", "1000")
        .header("Content-Type", "application/offset+octet-stream")
        .send()
        .await
        .unwrap();
    assert_eq!(finish.status(), StatusCode::NO_CONTENT);
    assert_eq!(ada.download(&format!("/api/videos/{video_id}/original")).await, data[..1000].to_vec());
    // Once set, the length cannot change.
    let change = ada
        .request(Method::PATCH, &location)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Offset", "1000")
        .header("Upload-Length", "2000")
        .header("Content-Type", "application/offset+octet-stream")
        .send()
        .await
        .unwrap();
    assert_error(change, StatusCode::BAD_REQUEST, "bad_request").await;
}

async fn wrong_offset_is_conflict(app: TestApp) {
    let ada = app.sign_up("Ada").await;
    let created = ada.tus_create(Some(100), &[]).await;
    let location = header(&created, "location");
    assert_eq!(ada.tus_patch(&location, 0, vec![7; 40]).await.status(), StatusCode::NO_CONTENT);
    assert_error(ada.tus_patch(&location, 0, vec![8; 10]).await, StatusCode::CONFLICT, "conflict").await;
    assert_error(ada.tus_patch(&location, 50, vec![8; 10]).await, StatusCode::CONFLICT, "conflict").await;
    // Going past the declared length is refused and stores nothing.
    assert_error(ada.tus_patch(&location, 40, vec![9; 61]).await, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
        .await;
    assert_eq!(header(&ada.tus_head(&location).await, "upload-offset"), "40");
}

async fn checksums_are_verified(app: TestApp) {
    let ada = app.sign_up("Ada").await;
    let data = test_bytes(200_000, 13);
    let created = ada.tus_create(Some(data.len() as u64), &[("filename", "sum.webm")]).await;
    let location = header(&created, "location");
    let video_id = header(&created, "briefly-video-id");
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    let patch = |offset: usize, body: Vec<u8>, checksum: String| {
        ada.request(Method::PATCH, &location)
            .header("Tus-Resumable", "1.0.0")
            .header("Upload-Offset", offset.to_string())
            .header("Upload-Checksum", checksum)
            .header("Content-Type", "application/offset+octet-stream")
            .body(body)
            .send()
    };
    let first = &data[..100_000];
    let good_sha1 = format!("sha1 {}", b64(&sha1::Sha1::digest(first)));
    let bad_sha1 = format!("sha1 {}", b64(&sha1::Sha1::digest(b"something else")));
    let response = patch(0, first.to_vec(), bad_sha1).await.unwrap();
    assert_error(response, StatusCode::from_u16(460).unwrap(), "checksum_mismatch").await;
    assert_eq!(header(&ada.tus_head(&location).await, "upload-offset"), "0", "rejected bytes are discarded");
    let response = patch(0, first.to_vec(), good_sha1).await.unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let second = &data[100_000..];
    let unsupported = patch(100_000, second.to_vec(), "md5 AAAA".into()).await.unwrap();
    assert_error(unsupported, StatusCode::BAD_REQUEST, "bad_request").await;
    let good_sha256 = format!("sha256 {}", b64(&sha2::Sha256::digest(second)));
    assert_eq!(patch(100_000, second.to_vec(), good_sha256).await.unwrap().status(), StatusCode::NO_CONTENT);
    assert_eq!(sha256(&ada.download(&format!("/api/videos/{video_id}/original")).await), sha256(&data));
}

async fn termination_discards_everything(app: TestApp) {
    let ada = app.sign_up("Ada").await;
    let created = ada.tus_create(Some(1_000_000), &[("filename", "gone.webm")]).await;
    let location = header(&created, "location");
    let video_id = header(&created, "briefly-video-id");
    assert_eq!(ada.tus_patch(&location, 0, test_bytes(300_000, 1)).await.status(), StatusCode::NO_CONTENT);
    let terminated = ada.request(Method::DELETE, &location).header("Tus-Resumable", "1.0.0").send().await.unwrap();
    assert_eq!(terminated.status(), StatusCode::NO_CONTENT);
    assert_eq!(ada.tus_head(&location).await.status(), StatusCode::NOT_FOUND);
    // The video existed only to hold this upload, so it goes too.
    assert_eq!(ada.get(&format!("/api/videos/{video_id}")).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    assert_staging_empty(&app).await;

    // Terminating an upload into an existing video leaves the video waiting for media.
    let video = ada.create_video("keep me", "private").await;
    let id = video["id"].as_str().unwrap();
    let created = ada.tus_create(Some(10), &[("video_id", id)]).await;
    let location = header(&created, "location");
    ada.request(Method::DELETE, &location).header("Tus-Resumable", "1.0.0").send().await.unwrap();
    let video: Value = ada.get(&format!("/api/videos/{id}")).send().await.unwrap().json().await.unwrap();
    assert_eq!(video["status"], "waiting_upload");
}

/// Once the last byte is in, the worker may already have picked the video up (and, for
/// these random bytes, rejected it as not media): all of those states mean "uploaded".
fn assert_upload_complete(video: &Value) {
    let status = video["status"].as_str().unwrap();
    assert!(["uploaded", "processing", "failed"].contains(&status), "unexpected status {status}");
}

/// No staged bytes are left behind on disk (S3 has no listing of multipart uploads in
/// the test server, so there we check the staging pieces prefix instead).
async fn assert_staging_empty(app: &TestApp) {
    match app.backends {
        Backends::SqliteDisk => {
            let staging = app.data_dir().join("media").join(".staging");
            let left: Vec<_> = std::fs::read_dir(&staging).unwrap().flatten().map(|e| e.file_name()).collect();
            assert!(left.is_empty(), "staging left behind: {left:?}");
        }
        Backends::PostgresS3 => {
            assert!(app.store.delete_prefix("staging/").await.is_ok());
        }
    }
}

async fn concurrent_patches_cannot_corrupt(app: TestApp) {
    let ada = app.sign_up("Ada").await;
    let size = 6 * 1024 * 1024 + 17;
    let created = ada.tus_create(Some(size as u64), &[("filename", "race.webm")]).await;
    let location = header(&created, "location");
    let video_id = header(&created, "briefly-video-id");
    let a = test_bytes(size, 100);
    let b = test_bytes(size, 200);
    let (ra, rb) = tokio::join!(ada.tus_patch(&location, 0, a.clone()), ada.tus_patch(&location, 0, b.clone()));
    let statuses = [ra.status(), rb.status()];
    let wins = statuses.iter().filter(|s| **s == StatusCode::NO_CONTENT).count();
    assert_eq!(wins, 1, "exactly one racing PATCH is acknowledged: {statuses:?}");
    for status in statuses {
        assert!(
            [StatusCode::NO_CONTENT, StatusCode::CONFLICT, StatusCode::LOCKED].contains(&status),
            "loser gets 409 or 423, got {status}"
        );
    }
    let winner = if ra.status() == StatusCode::NO_CONTENT { &a } else { &b };
    let back = ada.download(&format!("/api/videos/{video_id}/original")).await;
    assert_eq!(sha256(&back), sha256(winner), "the stored file is exactly the winner's bytes");
}

async fn dropped_connection_resumes(app: TestApp) {
    let ada = app.sign_up("Ada").await;
    let data = test_bytes(12 * 1024 * 1024, 21);
    let created = ada.tus_create(Some(data.len() as u64), &[("filename", "flaky.webm")]).await;
    let location = header(&created, "location");
    let video_id = header(&created, "briefly-video-id");
    // Send ~9.5 MiB, then the connection breaks mid-body.
    let sent = 9 * 1024 * 1024 + 512 * 1024;
    let pieces: Vec<Result<Vec<u8>, std::io::Error>> = data[..sent]
        .chunks(256 * 1024)
        .map(|c| Ok(c.to_vec()))
        .chain(std::iter::once(Err(std::io::Error::other("network dropped"))))
        .collect();
    let body = reqwest::Body::wrap_stream(futures::stream::iter(pieces));
    let broken = ada
        .request(Method::PATCH, &location)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Offset", "0")
        .header("Content-Type", "application/offset+octet-stream")
        .body(body)
        .send()
        .await;
    assert!(broken.is_err(), "the request itself fails");
    // The server kept what arrived; poll briefly while it finishes writing it.
    let mut offset = 0u64;
    for _ in 0..50 {
        let head = ada.tus_head(&location).await;
        assert_eq!(head.status(), StatusCode::OK);
        offset = header(&head, "upload-offset").parse().unwrap();
        if offset > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(offset > 0 && offset <= sent as u64, "kept {offset} of {sent} bytes sent before the drop");
    // The interrupted request may still hold the upload (423) and still be storing what
    // it received, so the offset read above can be out of date by the time it lets go
    // (409). Either way, do what tus clients do: ask for the offset again and resume
    // from there (bounded).
    let mut rest = ada.tus_patch(&location, offset, data[offset as usize..].to_vec()).await;
    for _ in 0..50 {
        if rest.status() != StatusCode::LOCKED && rest.status() != StatusCode::CONFLICT {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        offset = header(&ada.tus_head(&location).await, "upload-offset").parse().unwrap();
        assert!(offset <= sent as u64, "kept {offset} of {sent} bytes sent before the drop");
        rest = ada.tus_patch(&location, offset, data[offset as usize..].to_vec()).await;
    }
    assert_eq!(rest.status(), StatusCode::NO_CONTENT);
    assert_eq!(sha256(&ada.download(&format!("/api/videos/{video_id}/original")).await), sha256(&data));
}

async fn attaches_to_existing_video(app: TestApp) {
    let ada = app.sign_up("Ada").await;
    let video = ada.create_video("Planned update", "unlisted").await;
    let id = video["id"].as_str().unwrap();
    let data = test_bytes(5000, 77);
    let created =
        ada.tus_create(Some(5000), &[("video_id", id), ("filename", "ignored.mp4"), ("filetype", "video/mp4")]).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(header(&created, "briefly-video-id"), id);
    let location = header(&created, "location");
    let video: Value = ada.get(&format!("/api/videos/{id}")).send().await.unwrap().json().await.unwrap();
    assert_eq!(video["status"], "uploading");
    // A second upload into the same video is refused while one is in progress.
    assert_error(ada.tus_create(Some(10), &[("video_id", id)]).await, StatusCode::CONFLICT, "conflict").await;
    assert_eq!(ada.tus_patch(&location, 0, data.clone()).await.status(), StatusCode::NO_CONTENT);
    let video: Value = ada.get(&format!("/api/videos/{id}")).send().await.unwrap().json().await.unwrap();
    assert_upload_complete(&video);
    assert_eq!(video["title"], "Planned update", "the existing title is kept");
    let original = ada.get(&format!("/api/videos/{id}/original")).send().await.unwrap();
    assert_eq!(header(&original, "content-type"), "video/mp4");
    assert_eq!(original.bytes().await.unwrap().to_vec(), data);
    // And once uploaded, no new upload can replace it.
    assert_error(ada.tus_create(Some(10), &[("video_id", id)]).await, StatusCode::CONFLICT, "conflict").await;
    // Unknown ids look like anything else that is not there.
    assert_error(
        ada.tus_create(Some(10), &[("video_id", "doesnotexist123")]).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

async fn protocol_violations_are_rejected(app: TestApp) {
    let ada = app.sign_up("Ada").await;
    // No Tus-Resumable header.
    let response = ada.request(Method::POST, "/api/uploads").header("Upload-Length", "10").send().await.unwrap();
    assert_error(response, StatusCode::PRECONDITION_FAILED, "tus_version_unsupported").await;
    // Neither or both length headers.
    let response = ada.request(Method::POST, "/api/uploads").header("Tus-Resumable", "1.0.0").send().await.unwrap();
    assert_error(response, StatusCode::BAD_REQUEST, "bad_request").await;
    let response = ada
        .request(Method::POST, "/api/uploads")
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", "10")
        .header("Upload-Defer-Length", "1")
        .send()
        .await
        .unwrap();
    assert_error(response, StatusCode::BAD_REQUEST, "bad_request").await;
    for bad in ["-1", "ten", "99999999999999999999999"] {
        let response = ada
            .request(Method::POST, "/api/uploads")
            .header("Tus-Resumable", "1.0.0")
            .header("Upload-Length", bad)
            .send()
            .await
            .unwrap();
        assert_error(response, StatusCode::BAD_REQUEST, "bad_request").await;
    }
    // Bigger than Tus-Max-Size.
    let too_big = app.config.tus_max_size + 1;
    assert_error(ada.tus_create(Some(too_big), &[]).await, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
    // Bad metadata.
    let response = ada
        .request(Method::POST, "/api/uploads")
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", "10")
        .header("Upload-Metadata", "filename %%%")
        .send()
        .await
        .unwrap();
    assert_error(response, StatusCode::BAD_REQUEST, "bad_request").await;

    let created = ada.tus_create(Some(10), &[]).await;
    let location = header(&created, "location");
    // PATCH with the wrong content type, a missing offset, an unknown upload.
    let response = ada
        .request(Method::PATCH, &location)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Offset", "0")
        .header("Content-Type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_error(response, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type").await;
    let response = ada
        .request(Method::PATCH, &location)
        .header("Tus-Resumable", "1.0.0")
        .header("Content-Type", "application/offset+octet-stream")
        .body("abc")
        .send()
        .await
        .unwrap();
    assert_error(response, StatusCode::BAD_REQUEST, "bad_request").await;
    assert_error(ada.tus_patch("/api/uploads/nosuchuploadatall", 0, vec![1]).await, StatusCode::NOT_FOUND, "not_found")
        .await;
    assert_error(ada.tus_patch("/api/uploads/..%2F..%2Fetc", 0, vec![1]).await, StatusCode::NOT_FOUND, "not_found")
        .await;
    // The upload is still usable after all that.
    assert_eq!(ada.tus_patch(&location, 0, vec![5; 10]).await.status(), StatusCode::NO_CONTENT);
}

async fn zero_byte_upload_completes(app: TestApp) {
    let ada = app.sign_up("Ada").await;
    let created = ada.tus_create(Some(0), &[("filename", "empty.webm")]).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let video_id = header(&created, "briefly-video-id");
    let video: Value = ada.get(&format!("/api/videos/{video_id}")).send().await.unwrap().json().await.unwrap();
    assert_upload_complete(&video);
    assert_eq!(video["size_bytes"], 0);
    let original = ada.get(&format!("/api/videos/{video_id}/original")).send().await.unwrap();
    assert_eq!(original.status(), StatusCode::OK);
    assert!(original.bytes().await.unwrap().is_empty());
}

/// Expiry needs a short expiry and a fast sweeper, so it runs with its own settings.
mod expiry {
    use super::*;

    async fn abandoned_uploads_are_cleaned_up(app: TestApp) {
        let ada = app.sign_up("Ada").await;
        let created = ada.tus_create(Some(1_000_000), &[("filename", "abandoned.webm")]).await;
        let location = header(&created, "location");
        let video_id = header(&created, "briefly-video-id");
        assert_eq!(ada.tus_patch(&location, 0, test_bytes(200_000, 4)).await.status(), StatusCode::NO_CONTENT);
        // Bounded wait: expiry is 1 s and the sweeper runs every second.
        let mut gone = false;
        for _ in 0..100 {
            tokio::time::sleep(Duration::from_millis(100)).await;
            let status = ada.tus_head(&location).await.status();
            assert!([StatusCode::OK, StatusCode::GONE, StatusCode::NOT_FOUND].contains(&status));
            if status == StatusCode::NOT_FOUND {
                gone = true;
                break;
            }
        }
        assert!(gone, "the expired upload was swept");
        assert_eq!(ada.get(&format!("/api/videos/{video_id}")).send().await.unwrap().status(), StatusCode::NOT_FOUND);
        assert_staging_empty(&app).await;
    }

    fn tweaks() -> Tweaks {
        Tweaks {
            upload_expiry: Some(Duration::from_secs(1)),
            sweep_interval: Some(Duration::from_secs(1)),
            ..Default::default()
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite_disk() {
        run(Backends::SqliteDisk, tweaks(), abandoned_uploads_are_cleaned_up).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres_s3() {
        run(Backends::PostgresS3, tweaks(), abandoned_uploads_are_cleaned_up).await;
    }
}
