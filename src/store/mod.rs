//! Object storage behind one trait, with a local-disk and an S3 implementation.
//!
//! Keys are plain relative paths (`videos/{id}/original`); each store maps them onto its
//! own namespace (a folder, or a bucket prefix). Everything streams: no method takes or
//! returns a whole media file in memory.
//!
//! Resumable uploads are assembled through the `staging_*` methods. A store that can
//! write at any offset (disk) appends every chunk in place; a store with a minimum part
//! size (S3 multipart: 5 MiB) tells the upload service so, and the service keeps small
//! chunks as separate objects until enough bytes have gathered for a part.

mod local;
mod s3;

use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use futures::Stream;
use serde::{Deserialize, Serialize};

pub use local::LocalStore;
pub use s3::S3Store;

pub type ByteStream = Pin<Box<dyn Stream<Item = std::io::Result<Bytes>> + Send>>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("object not found")]
    NotFound,
    #[error("staged upload is locked by another writer")]
    Locked,
    #[error("storage I/O: {0}")]
    Io(#[from] std::io::Error),
    #[error("object store: {0}")]
    Backend(String),
    /// The object store did not answer, or answered that it cannot serve right now
    /// (connection refused, timeout, 5xx): the same request will work later.
    #[error("object store unavailable: {0}")]
    Unavailable(String),
}

impl StoreError {
    /// The infrastructure fault behind this error, if it is one (see `domain::Fault`).
    pub fn fault(&self) -> Option<crate::domain::Fault> {
        match self {
            StoreError::Unavailable(_) => Some(crate::domain::Fault::Unavailable),
            StoreError::Io(err) => crate::domain::Fault::of_io(err),
            _ => None,
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// A byte range, both ends inclusive, already checked against the object's size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteRange {
    pub start: u64,
    pub end: u64,
}

impl ByteRange {
    pub fn len(&self) -> u64 {
        self.end - self.start + 1
    }

    pub fn is_empty(&self) -> bool {
        false
    }
}

pub struct ObjectBody {
    pub stream: ByteStream,
    /// Size of the whole object, whatever range was asked for.
    pub total_size: u64,
}

/// Where the bytes of one acknowledged upload chunk live until the upload completes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChunkLocator {
    /// Written in place into the staging file (disk).
    InPlace,
    /// A part of the store's multipart upload.
    Part { number: i64, etag: String },
    /// A small standalone object, to be folded into a part later.
    Piece { key: String },
}

/// Exclusive right to write one staged upload; dropping it releases the lock.
pub type StagingLock = Box<dyn Send + Sync>;

#[async_trait::async_trait]
pub trait Store: Send + Sync + std::fmt::Debug {
    /// Write a whole object from a stream, replacing any previous one. Returns its size.
    async fn put_stream(&self, key: &str, stream: ByteStream) -> StoreResult<u64>;

    async fn put_bytes(&self, key: &str, data: Bytes) -> StoreResult<()>;

    /// Store the local file at `path` under `key`, which may move the file there instead
    /// of copying it (disk, on the same filesystem): for scratch files the caller no
    /// longer needs. Returns its size.
    async fn put_file_moving(&self, key: &str, path: &std::path::Path) -> StoreResult<u64> {
        let file = tokio::fs::File::open(path).await?;
        self.put_stream(key, Box::pin(tokio_util::io::ReaderStream::with_capacity(file, 256 * 1024))).await
    }

    /// Stream an object, or a range of it.
    async fn get(&self, key: &str, range: Option<ByteRange>) -> StoreResult<ObjectBody>;

    async fn size(&self, key: &str) -> StoreResult<u64>;

    /// Remove one object; removing a missing object is not an error.
    async fn delete(&self, key: &str) -> StoreResult<()>;

    /// Remove every object under `prefix` (which ends with `/`).
    async fn delete_prefix(&self, prefix: &str) -> StoreResult<()>;

    /// A short-lived URL a browser can fetch directly, where the store supports one.
    async fn presigned_get(&self, key: &str, ttl: Duration, content_type: &str) -> StoreResult<Option<String>>;

    /// Smallest part the store accepts except for the last one; `None` means any size.
    fn min_part_size(&self) -> Option<u64>;

    /// Start assembling the object `key`; returns an opaque handle to persist.
    async fn staging_begin(&self, key: &str) -> StoreResult<String>;

    /// Take the exclusive writer lock on a staged upload, failing fast with `Locked`.
    async fn staging_lock(&self, handle: &str) -> StoreResult<Option<StagingLock>>;

    /// Durably store `data` as the chunk starting at `offset`.
    async fn staging_write(
        &self,
        handle: &str,
        key: &str,
        offset: u64,
        part_number: i64,
        data: Bytes,
    ) -> StoreResult<ChunkLocator>;

    /// Durably store exactly `len` bytes of `body` as the chunk at `offset`, streaming them
    /// through without buffering. Only stores with a minimum part size need this; the
    /// default collects the body and calls [`Store::staging_write`].
    async fn staging_write_stream(
        &self,
        handle: &str,
        key: &str,
        offset: u64,
        part_number: i64,
        mut body: ByteStream,
        len: u64,
    ) -> StoreResult<ChunkLocator> {
        use futures::TryStreamExt;
        let mut data = bytes::BytesMut::with_capacity(len as usize);
        while let Some(chunk) = body.try_next().await? {
            data.extend_from_slice(&chunk);
        }
        if data.len() as u64 != len {
            return Err(StoreError::Io(std::io::Error::other("body shorter than its declared length")));
        }
        self.staging_write(handle, key, offset, part_number, data.freeze()).await
    }

    /// Turn the staged chunks (in offset order, covering `0..total_len`) into the object `key`.
    async fn staging_finish(&self, handle: &str, key: &str, chunks: &[ChunkLocator], total_len: u64)
        -> StoreResult<()>;

    /// Throw away a staged upload.
    async fn staging_abort(&self, handle: &str, key: &str) -> StoreResult<()>;

    /// Read back `range` of a staged upload before it is finished, where the store can
    /// (disk: the staging file). `None` means it cannot: S3 does not serve the parts of an
    /// unfinished multipart upload. The caller reads only acknowledged bytes: beyond the
    /// committed offset a file may hold a rejected chunk's leftovers.
    async fn staging_read(&self, _handle: &str, _range: ByteRange) -> StoreResult<Option<ByteStream>> {
        Ok(None)
    }
}

/// Read a whole (small) object into memory: only for upload pieces below the part size.
pub async fn read_small_object(store: &dyn Store, key: &str) -> StoreResult<Bytes> {
    use futures::TryStreamExt;
    let body = store.get(key, None).await?;
    let mut out = bytes::BytesMut::with_capacity(body.total_size as usize);
    let mut stream = body.stream;
    while let Some(chunk) = stream.try_next().await? {
        out.extend_from_slice(&chunk);
    }
    Ok(out.freeze())
}
