//! Media on the local filesystem under one root folder.
//!
//! Objects are written to a temporary file and renamed into place, so a reader never sees
//! a half-written object. Staged uploads are single files written in place at their
//! offsets, fsynced before each chunk is acknowledged, and guarded by an exclusive
//! `flock` (released by the kernel even when the process is killed).

use std::io::SeekFrom;
use std::path::{Path, PathBuf};
use std::time::Duration;

use bytes::Bytes;
use futures::TryStreamExt;
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};
use tokio_util::io::ReaderStream;

use super::{ByteRange, ByteStream, ChunkLocator, ObjectBody, StagingLock, Store, StoreError, StoreResult};

#[derive(Debug, Clone)]
pub struct LocalStore {
    root: PathBuf,
}

const STAGING_DIR: &str = ".staging";

impl LocalStore {
    pub async fn open(root: &Path) -> StoreResult<LocalStore> {
        tokio::fs::create_dir_all(root.join(STAGING_DIR)).await?;
        Ok(LocalStore { root: root.to_path_buf() })
    }

    /// Map a key onto a path, refusing anything that could step outside the root.
    fn path_of(&self, key: &str) -> StoreResult<PathBuf> {
        let safe = !key.is_empty()
            && !key.starts_with('/')
            && key.split('/').all(|part| !part.is_empty() && part != "." && part != "..");
        if !safe {
            return Err(StoreError::Backend(format!("invalid object key {key:?}")));
        }
        Ok(self.root.join(key))
    }

    fn staging_path(&self, handle: &str) -> StoreResult<PathBuf> {
        if handle.is_empty() || !handle.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(StoreError::Backend(format!("invalid staging handle {handle:?}")));
        }
        Ok(self.root.join(STAGING_DIR).join(handle))
    }

    async fn temp_path_for(&self, key: &str) -> StoreResult<PathBuf> {
        let _ = self.path_of(key)?;
        Ok(self.root.join(STAGING_DIR).join(format!("tmp{}", crate::domain::random_id(20))))
    }
}

fn not_found_as_store_error(err: std::io::Error) -> StoreError {
    if err.kind() == std::io::ErrorKind::NotFound {
        StoreError::NotFound
    } else {
        StoreError::Io(err)
    }
}

/// Rename `from` onto `to`, creating parent folders, and make the rename itself durable.
async fn publish(from: &Path, to: &Path) -> StoreResult<()> {
    let parent = to.parent().expect("object paths have a parent");
    tokio::fs::create_dir_all(parent).await?;
    tokio::fs::rename(from, to).await?;
    let parent = parent.to_path_buf();
    tokio::task::spawn_blocking(move || std::fs::File::open(parent)?.sync_all())
        .await
        .map_err(|e| StoreError::Backend(e.to_string()))??;
    Ok(())
}

#[async_trait::async_trait]
impl Store for LocalStore {
    async fn put_stream(&self, key: &str, mut stream: ByteStream) -> StoreResult<u64> {
        let target = self.path_of(key)?;
        let temp = self.temp_path_for(key).await?;
        let mut file = tokio::fs::File::create(&temp).await?;
        let mut written = 0u64;
        let copy = async {
            while let Some(chunk) = stream.try_next().await? {
                file.write_all(&chunk).await?;
                written += chunk.len() as u64;
            }
            file.sync_all().await
        };
        if let Err(err) = copy.await {
            let _ = tokio::fs::remove_file(&temp).await;
            return Err(err.into());
        }
        publish(&temp, &target).await?;
        Ok(written)
    }

    /// A rename within the data folder: the file is made durable where it is, and the
    /// rename is the publication (no copy of a long recording's MP4 at stop). Across
    /// filesystems it is copied.
    async fn put_file_moving(&self, key: &str, path: &Path) -> StoreResult<u64> {
        let target = self.path_of(key)?;
        let file = tokio::fs::File::open(path).await?;
        file.sync_all().await?;
        let size = file.metadata().await?.len();
        drop(file);
        match publish(path, &target).await {
            Ok(()) => Ok(size),
            Err(StoreError::Io(err)) if err.kind() == std::io::ErrorKind::CrossesDevices => {
                let file = tokio::fs::File::open(path).await?;
                self.put_stream(key, Box::pin(ReaderStream::with_capacity(file, 256 * 1024))).await
            }
            Err(err) => Err(err),
        }
    }

    async fn put_bytes(&self, key: &str, data: Bytes) -> StoreResult<()> {
        let stream: ByteStream = Box::pin(futures::stream::once(async move { Ok(data) }));
        self.put_stream(key, stream).await.map(|_| ())
    }

    async fn get(&self, key: &str, range: Option<ByteRange>) -> StoreResult<ObjectBody> {
        let path = self.path_of(key)?;
        let mut file = tokio::fs::File::open(&path).await.map_err(not_found_as_store_error)?;
        let total_size = file.metadata().await?.len();
        let stream: ByteStream = match range {
            Some(range) => {
                file.seek(SeekFrom::Start(range.start)).await?;
                Box::pin(ReaderStream::with_capacity(file.take(range.len()), 64 * 1024))
            }
            None => Box::pin(ReaderStream::with_capacity(file, 64 * 1024)),
        };
        Ok(ObjectBody { stream, total_size })
    }

    async fn size(&self, key: &str) -> StoreResult<u64> {
        let meta = tokio::fs::metadata(self.path_of(key)?).await.map_err(not_found_as_store_error)?;
        Ok(meta.len())
    }

    async fn delete(&self, key: &str) -> StoreResult<()> {
        match tokio::fs::remove_file(self.path_of(key)?).await {
            Err(err) if err.kind() != std::io::ErrorKind::NotFound => Err(err.into()),
            _ => Ok(()),
        }
    }

    async fn delete_prefix(&self, prefix: &str) -> StoreResult<()> {
        let dir = self.path_of(prefix.trim_end_matches('/'))?;
        match tokio::fs::remove_dir_all(dir).await {
            Err(err) if err.kind() != std::io::ErrorKind::NotFound => Err(err.into()),
            _ => Ok(()),
        }
    }

    async fn presigned_get(&self, _key: &str, _ttl: Duration, _content_type: &str) -> StoreResult<Option<String>> {
        Ok(None)
    }

    fn min_part_size(&self) -> Option<u64> {
        None
    }

    async fn staging_begin(&self, _key: &str) -> StoreResult<String> {
        let handle = crate::domain::random_id(24);
        tokio::fs::File::create(self.staging_path(&handle)?).await?.sync_all().await?;
        Ok(handle)
    }

    async fn staging_lock(&self, handle: &str) -> StoreResult<Option<StagingLock>> {
        let path = self.staging_path(handle)?;
        let file = tokio::task::spawn_blocking(move || -> StoreResult<std::fs::File> {
            let file = std::fs::OpenOptions::new().write(true).open(path).map_err(not_found_as_store_error)?;
            match fs4::fs_std::FileExt::try_lock_exclusive(&file) {
                Ok(true) => Ok(file),
                Ok(false) => Err(StoreError::Locked),
                Err(err) if err.kind() == std::io::ErrorKind::WouldBlock => Err(StoreError::Locked),
                Err(err) => Err(err.into()),
            }
        })
        .await
        .map_err(|e| StoreError::Backend(e.to_string()))??;
        Ok(Some(Box::new(file)))
    }

    async fn staging_write(
        &self,
        handle: &str,
        _key: &str,
        offset: u64,
        _part_number: i64,
        data: Bytes,
    ) -> StoreResult<ChunkLocator> {
        let path = self.staging_path(handle)?;
        tokio::task::spawn_blocking(move || -> StoreResult<()> {
            use std::os::unix::fs::FileExt;
            let file = std::fs::OpenOptions::new().write(true).open(path).map_err(not_found_as_store_error)?;
            file.write_all_at(&data, offset)?;
            file.sync_data()?;
            Ok(())
        })
        .await
        .map_err(|e| StoreError::Backend(e.to_string()))??;
        Ok(ChunkLocator::InPlace)
    }

    async fn staging_finish(
        &self,
        handle: &str,
        key: &str,
        _chunks: &[ChunkLocator],
        total_len: u64,
    ) -> StoreResult<()> {
        let staging = self.staging_path(handle)?;
        let target = self.path_of(key)?;
        let file = tokio::fs::OpenOptions::new().write(true).open(&staging).await.map_err(not_found_as_store_error)?;
        // Bytes past the acknowledged length can only be leftovers of a rejected chunk.
        file.set_len(total_len).await?;
        file.sync_all().await?;
        drop(file);
        publish(&staging, &target).await
    }

    async fn staging_read(&self, handle: &str, range: ByteRange) -> StoreResult<Option<ByteStream>> {
        let mut file = tokio::fs::File::open(self.staging_path(handle)?).await.map_err(not_found_as_store_error)?;
        file.seek(SeekFrom::Start(range.start)).await?;
        Ok(Some(Box::pin(ReaderStream::with_capacity(file.take(range.len()), 64 * 1024))))
    }

    async fn staging_abort(&self, handle: &str, _key: &str) -> StoreResult<()> {
        match tokio::fs::remove_file(self.staging_path(handle)?).await {
            Err(err) if err.kind() != std::io::ErrorKind::NotFound => Err(err.into()),
            _ => Ok(()),
        }
    }
}
