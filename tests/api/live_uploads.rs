//! Reading a recording while it is still being uploaded (`uploads::Received`, what live
//! processing reads through), on disk and on S3, where the parts of an unfinished
//! multipart upload cannot be read and every chunk is kept readable until completion.

use briefly::db::Db;
use briefly::uploads::{Received, ReceivedRead};
use reqwest::{Method, StatusCode};

use crate::helpers::{header, sha256, test_bytes, TestApp, Tweaks};
use crate::matrix;

fn without_worker() -> Tweaks {
    // Random bytes are not media: nothing should try to process them here.
    Tweaks { no_worker: true, ..Default::default() }
}

matrix!(tweaks = super::without_worker; live_reads_follow_a_deferred_upload, a_terminated_upload_reads_as_gone);

/// Everything acknowledged from `offset` on, read the way a follower does (≤ 1 MiB a
/// read), and what the read past it said.
async fn read_from(received: &Received, upload_id: &str, mut offset: u64) -> (Vec<u8>, ReceivedRead) {
    let mut out = Vec::new();
    for _ in 0..1_000 {
        match received.read_at(upload_id, offset, 1 << 20).await.unwrap() {
            ReceivedRead::Bytes(bytes) => {
                assert!(bytes.len() <= 1 << 20);
                offset += bytes.len() as u64;
                out.extend_from_slice(&bytes);
            }
            other => return (out, other),
        }
    }
    panic!("more than 1000 reads");
}

async fn received(app: &TestApp) -> (Received, Db) {
    let db = Db::connect(app.config.database_url()).await.unwrap();
    (Received::new(db.clone(), app.store.clone()), db)
}

fn upload_id(location: &str) -> String {
    location.rsplit('/').next().unwrap().to_string()
}

async fn live_reads_follow_a_deferred_upload(app: TestApp) {
    let (received, db) = received(&app).await;
    let ada = app.sign_up("Ada").await;
    // A recorder's small pieces, then bodies over the S3 part floor and over one chunk.
    let sizes = [300_000usize, 6 << 20, 9 << 20, 200_000];
    let data = test_bytes(sizes.iter().sum(), 41);
    let created = ada.tus_create(None, &[("filename", "rec.webm"), ("filetype", "video/webm")]).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let location = header(&created, "location");
    let id = upload_id(&location);
    assert_eq!(read_from(&received, &id, 0).await, (Vec::new(), ReceivedRead::Pending));

    let mut offset = 0;
    let mut copies = Vec::new();
    for (i, size) in sizes.iter().enumerate() {
        let last = i == sizes.len() - 1;
        if last {
            copies = live_copy_keys(&db, &id).await;
        }
        let body = data[offset..offset + size].to_vec();
        let response = match last {
            true => ada.tus_patch_final(&location, offset as u64, body, data.len() as u64).await,
            false => ada.tus_patch(&location, offset as u64, body).await,
        };
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        offset += size;
        // From the start, and from the middle of the newest body.
        let (bytes, after) = read_from(&received, &id, 0).await;
        assert_eq!((bytes.len(), sha256(&bytes)), (offset, sha256(&data[..offset])), "after PATCH {i}");
        assert_eq!(after, if last { ReceivedRead::End } else { ReceivedRead::Pending }, "after PATCH {i}");
        let middle = offset - size / 2;
        let (tail, _) = read_from(&received, &id, middle as u64).await;
        assert_eq!(sha256(&tail), sha256(&data[middle..offset]), "after PATCH {i}, from {middle}");
    }

    // Once complete, the copies are gone and reads come from the original.
    match app.store.min_part_size() {
        Some(_) => {
            assert!(copies.len() >= 4, "every chunk gets a readable copy on S3: {copies:?}");
            for key in &copies {
                assert!(app.store.size(key).await.is_err(), "{key} outlived the upload");
            }
        }
        None => assert!(copies.is_empty(), "disk reads the staging file: {copies:?}"),
    }
    assert!(live_copy_keys(&db, &id).await.is_empty());
    assert_eq!(received.read_at(&id, data.len() as u64, 10).await.unwrap(), ReceivedRead::End);
    let (bytes, _) = read_from(&received, &id, 123).await;
    assert_eq!(sha256(&bytes), sha256(&data[123..]));
}

async fn a_terminated_upload_reads_as_gone(app: TestApp) {
    let (received, db) = received(&app).await;
    let ada = app.sign_up("Ada").await;
    let created = ada.tus_create(None, &[("filename", "rec.webm")]).await;
    let location = header(&created, "location");
    let id = upload_id(&location);
    let data = test_bytes(500_000, 5);
    assert_eq!(ada.tus_patch(&location, 0, data.clone()).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(read_from(&received, &id, 0).await.0, data);
    let copies = live_copy_keys(&db, &id).await;
    let response = ada.request(Method::DELETE, &location).header("Tus-Resumable", "1.0.0").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(received.read_at(&id, 0, 1000).await.unwrap(), ReceivedRead::Gone);
    for key in &copies {
        assert!(app.store.size(key).await.is_err(), "{key} outlived the terminated upload");
    }
    // An id that never existed reads the same.
    assert_eq!(received.read_at("nosuchupload", 0, 1000).await.unwrap(), ReceivedRead::Gone);
}

async fn live_copy_keys(db: &Db, upload_id: &str) -> Vec<String> {
    db.live_copy_keys(upload_id).await.unwrap()
}
