//! Opening a video's stored assets for someone who may watch it.

use crate::store::{ByteRange, ObjectBody, StoreError};

use super::access::Watchable;
use super::assets::Asset;
use super::error::{VideoError, VideoResult};
use super::Videos;

/// A stored asset the caller may fetch: made only from a [`Watchable`].
#[derive(Debug, Clone)]
pub struct AssetFile {
    key: String,
    content_type: String,
    known_size: Option<u64>,
}

/// How to hand the file over.
pub enum Delivery {
    /// Send the client to this short-lived presigned URL.
    Redirect(String),
    /// Stream it from here; this is its size.
    Stream(u64),
}

impl AssetFile {
    pub fn content_type(&self) -> &str {
        &self.content_type
    }
}

impl Videos {
    /// The asset of a video the caller may watch, if the video has it. `edit_version`
    /// pins an earlier edit version (the one a player's URL was made for), served while
    /// its files are kept; a version that played the unedited files gets those.
    pub async fn asset_file(
        &self,
        video: &Watchable,
        asset: Asset,
        edit_version: Option<i64>,
    ) -> VideoResult<AssetFile> {
        let row = video.video();
        if !asset.exists_for(row) {
            return Err(VideoError::NotFound);
        }
        let mut key = asset.key_for(row);
        if let Some(version) = edit_version.filter(|v| asset.follows_edit() && *v >= 0 && *v != row.edit_version) {
            let earlier = asset.edit_key(&row.id, version);
            key = match self.store.size(&earlier).await {
                Ok(_) => earlier,
                Err(StoreError::NotFound) => asset.key(&row.id),
                Err(err) => return Err(VideoError::Storage(err)),
            };
        }
        if asset == Asset::Thumbnail && matches!(self.store.size(&key).await, Err(StoreError::NotFound)) {
            // Videos processed before list thumbnails existed have only their poster.
            key = Asset::Poster.key_for(row);
        }
        let known_size = match asset {
            Asset::Original => row.size_bytes.and_then(|s| u64::try_from(s).ok()),
            _ => None,
        };
        Ok(AssetFile { key, content_type: asset.content_type(row).into_owned(), known_size })
    }

    /// A presigned redirect where the store is configured for them, else the size to stream.
    pub async fn delivery(&self, file: &AssetFile) -> VideoResult<Delivery> {
        if let Some(ttl) = self.presign_ttl {
            if let Some(url) = self.store.presigned_get(&file.key, ttl, &file.content_type).await? {
                return Ok(Delivery::Redirect(url));
            }
        }
        let size = match file.known_size {
            Some(size) => size,
            None => self.store.size(&file.key).await.map_err(not_found_is_not_found)?,
        };
        Ok(Delivery::Stream(size))
    }

    pub async fn open(&self, file: &AssetFile, range: Option<ByteRange>) -> VideoResult<ObjectBody> {
        self.store.get(&file.key, range).await.map_err(not_found_is_not_found)
    }
}

fn not_found_is_not_found(err: StoreError) -> VideoError {
    match err {
        StoreError::NotFound => VideoError::NotFound,
        other => VideoError::Storage(other),
    }
}
