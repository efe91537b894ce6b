//! The storage contract, run against local disk and a real S3-compatible server.

use bytes::Bytes;
use futures::TryStreamExt;

use briefly::store::{ByteRange, ChunkLocator, StoreError};

use crate::helpers::{sha256, test_bytes, TestApp};
use crate::matrix;

matrix!(put_get_range_delete, staging_assembles_parts_in_order);

async fn read_all(app: &TestApp, key: &str, range: Option<ByteRange>) -> Vec<u8> {
    let body = app.store.get(key, range).await.unwrap();
    body.stream
        .try_fold(Vec::new(), |mut acc, chunk| async move {
            acc.extend_from_slice(&chunk);
            Ok(acc)
        })
        .await
        .unwrap()
}

async fn put_get_range_delete(app: TestApp) {
    let store = &app.store;
    let data = test_bytes(9 * 1024 * 1024 + 5, 3);
    // Streamed in uneven pieces, larger than one S3 part in total.
    let pieces: Vec<std::io::Result<Bytes>> = data.chunks(300_001).map(|c| Ok(Bytes::copy_from_slice(c))).collect();
    let written = store.put_stream("contract/a/big", Box::pin(futures::stream::iter(pieces))).await.unwrap();
    assert_eq!(written, data.len() as u64);
    assert_eq!(store.size("contract/a/big").await.unwrap(), data.len() as u64);
    assert_eq!(sha256(&read_all(&app, "contract/a/big", None).await), sha256(&data));
    let range = ByteRange { start: 5_000_000, end: 5_000_999 };
    assert_eq!(read_all(&app, "contract/a/big", Some(range)).await, data[5_000_000..=5_000_999].to_vec());
    let body = store.get("contract/a/big", Some(range)).await.unwrap();
    assert_eq!(body.total_size, data.len() as u64, "total size is reported for ranges too");

    store.put_bytes("contract/a/small", Bytes::from_static(b"hello")).await.unwrap();
    store.put_bytes("contract/b/other", Bytes::from_static(b"keep")).await.unwrap();
    assert!(matches!(store.size("contract/missing").await, Err(StoreError::NotFound)));
    assert!(matches!(store.get("contract/missing", None).await, Err(StoreError::NotFound)));
    store.delete("contract/missing").await.expect("deleting a missing object is fine");

    store.delete_prefix("contract/a/").await.unwrap();
    assert!(matches!(store.size("contract/a/big").await, Err(StoreError::NotFound)));
    assert!(matches!(store.size("contract/a/small").await, Err(StoreError::NotFound)));
    assert_eq!(read_all(&app, "contract/b/other", None).await, b"keep".to_vec());
    store.delete("contract/b/other").await.unwrap();
}

async fn staging_assembles_parts_in_order(app: TestApp) {
    let store = &app.store;
    let key = "contract/staged/object";
    let data = test_bytes(11 * 1024 * 1024, 17);
    let split = 6 * 1024 * 1024;
    let handle = store.staging_begin(key).await.unwrap();
    let first = store.staging_write(&handle, key, 0, 1, Bytes::copy_from_slice(&data[..split])).await.unwrap();
    let second =
        store.staging_write(&handle, key, split as u64, 2, Bytes::copy_from_slice(&data[split..])).await.unwrap();
    // Written bytes read back before the object is finished where the store can (disk);
    // S3 cannot read an unfinished multipart upload and says so with `None`.
    let range = ByteRange { start: split as u64 - 10, end: split as u64 + 9 };
    match store.staging_read(&handle, range).await.unwrap() {
        Some(stream) => {
            assert!(store.min_part_size().is_none(), "S3 claims to read unfinished parts");
            let read: Vec<u8> = stream.map_ok(|b| b.to_vec()).try_concat().await.unwrap();
            assert_eq!(read, data[split - 10..split + 10].to_vec());
        }
        None => assert!(store.min_part_size().is_some(), "disk cannot read its own staging file"),
    }
    match store.min_part_size() {
        None => assert_eq!(first, ChunkLocator::InPlace),
        Some(min) => {
            assert_eq!(min, 5 * 1024 * 1024);
            assert!(matches!(first, ChunkLocator::Part { number: 1, .. }));
        }
    }
    store.staging_finish(&handle, key, &[first, second], data.len() as u64).await.unwrap();
    assert_eq!(sha256(&read_all(&app, key, None).await), sha256(&data));
    store.delete(key).await.unwrap();

    // An aborted staging leaves nothing readable behind.
    let handle = store.staging_begin("contract/staged/aborted").await.unwrap();
    store.staging_write(&handle, "contract/staged/aborted", 0, 1, Bytes::from_static(b"x")).await.unwrap();
    store.staging_abort(&handle, "contract/staged/aborted").await.unwrap();
    assert!(matches!(store.size("contract/staged/aborted").await, Err(StoreError::NotFound)));
}
