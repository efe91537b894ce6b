//! Reading an upload while it is still arriving, for live processing.
//!
//! Policy:
//! - Only acknowledged bytes are read: below the committed offset they are durable and
//!   never change (see the module's durability policy), above it a file may hold a
//!   rejected chunk's leftovers.
//! - Before completion the bytes come from wherever the store keeps them readable: the
//!   staging file on disk, the chunk's live copy on S3 (`ingest.rs`). After completion
//!   they come from the original. A copy that vanished between the two (the upload just
//!   completed) is read again from the original.
//! - The upload row goes last when an upload is terminated, and with its video when that
//!   is deleted: a missing row is `Gone`, bytes missing under an existing row are
//!   `Pending` (a completion is moving them into the original).
//! - A reader never waits here: `Pending` says no new byte is there yet, and the caller
//!   decides how long to wait (polling is one primary-key read).

use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use futures::TryStreamExt;

use crate::db::{Db, UploadRow};
use crate::store::{ByteRange, ByteStream, Store, StoreError};
use crate::uploads::{UploadError, UploadResult};

/// Reads the bytes of uploads received so far.
#[derive(Clone)]
pub struct Received {
    db: Db,
    store: Arc<dyn Store>,
}

/// What one [`Received::read_at`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum ReceivedRead {
    /// Bytes starting at the offset asked for (never empty).
    Bytes(Bytes),
    /// Nothing past the offset has been acknowledged yet.
    Pending,
    /// The upload is complete and the offset is its length.
    End,
    /// The upload was terminated or expired, or its video deleted.
    Gone,
}

impl Received {
    pub fn new(db: Db, store: Arc<dyn Store>) -> Received {
        Received { db, store }
    }

    /// The upload as stored now; `None` once it is gone.
    pub async fn upload(&self, upload_id: &str) -> UploadResult<Option<UploadRow>> {
        Ok(self.db.upload(upload_id).await?)
    }

    /// Up to `max` acknowledged bytes of the upload from `offset` on.
    pub async fn read_at(&self, upload_id: &str, offset: u64, max: usize) -> UploadResult<ReceivedRead> {
        // One retry: a read that raced the upload's completion finds the original.
        for _ in 0..2 {
            let Some(upload) = self.upload(upload_id).await? else {
                return Ok(ReceivedRead::Gone);
            };
            match self.read_once(&upload, offset, max.max(1)).await {
                // The row exists, so this is the store's `NotFound`: the object moved.
                Err(UploadError::NotFound) => continue,
                other => return other,
            }
        }
        // The row is there but the bytes are between places: a completion is moving them
        // (the upload is marked complete before its original is assembled).
        Ok(ReceivedRead::Pending)
    }

    async fn read_once(&self, upload: &UploadRow, offset: u64, max: usize) -> UploadResult<ReceivedRead> {
        let committed = upload.upload_offset as u64;
        if offset >= committed {
            let complete = upload.completed_at.is_some();
            return Ok(if complete && offset == committed { ReceivedRead::End } else { ReceivedRead::Pending });
        }
        let end = committed.min(offset + max as u64); // exclusive
        let stream = if upload.completed_at.is_some() {
            let range = ByteRange { start: offset, end: end - 1 };
            self.store.get(&upload.staging_key, Some(range)).await?.stream
        } else if let Some(stream) =
            self.store.staging_read(&upload.staging_handle, ByteRange { start: offset, end: end - 1 }).await?
        {
            stream
        } else {
            self.read_live_copy(upload, offset, end).await?
        };
        let bytes = collect(stream).await?;
        if bytes.is_empty() {
            return Err(UploadError::Internal(anyhow::anyhow!(
                "an acknowledged range of upload {} read empty",
                upload.id
            )));
        }
        Ok(ReceivedRead::Bytes(bytes))
    }

    /// From the live copy of the chunk holding `offset`, up to that chunk's end.
    async fn read_live_copy(&self, upload: &UploadRow, offset: u64, end: u64) -> UploadResult<ByteStream> {
        if !upload.live {
            return Err(UploadError::Internal(anyhow::anyhow!(
                "upload {} is not live: its bytes cannot be read before it completes",
                upload.id
            )));
        }
        let Some(copy) = self.db.live_copy_at(&upload.id, offset as i64).await? else {
            // Completed (and the copies forgotten) since the row was read.
            return Err(UploadError::NotFound);
        };
        let start_in_copy = offset - copy.chunk_offset as u64;
        let end_in_copy = end.min((copy.chunk_offset + copy.length) as u64) - copy.chunk_offset as u64;
        let range = ByteRange { start: start_in_copy, end: end_in_copy - 1 };
        Ok(self.store.get(&copy.object_key, Some(range)).await?.stream)
    }
}

async fn collect(mut stream: ByteStream) -> UploadResult<Bytes> {
    let mut out = BytesMut::new();
    while let Some(chunk) = stream.try_next().await.map_err(|e| UploadError::Storage(StoreError::Io(e)))? {
        out.extend_from_slice(&chunk);
    }
    Ok(out.freeze())
}
