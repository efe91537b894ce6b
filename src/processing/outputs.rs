//! Putting processing results in the store, each under its catalogue key.

use std::path::Path;

use bytes::Bytes;
use tokio_util::io::ReaderStream;

use crate::media::{self, ProcessOutput};
use crate::store::Store;
use crate::videos::Asset;

/// Store the file under `key`; returns its size in bytes.
pub async fn put_file(store: &dyn Store, key: &str, path: &Path) -> anyhow::Result<u64> {
    let file = tokio::fs::File::open(path).await?;
    Ok(store.put_stream(key, Box::pin(ReaderStream::with_capacity(file, 256 * 1024))).await?)
}

/// Store the playable media and its pictures; returns how many bytes they take (what
/// the storage quota counts as derived media). The files are the job's scratch copies
/// and may be moved into the store (see `Store::put_file_moving`): gone afterwards.
pub async fn upload_media(store: &dyn Store, video_id: &str, output: &ProcessOutput) -> anyhow::Result<u64> {
    let mut bytes = store.put_file_moving(&Asset::Media.key(video_id), &output.mp4).await?;
    if let Some(poster) = &output.poster_jpeg {
        bytes += store.put_file_moving(&Asset::Poster.key(video_id), poster).await?;
    }
    if let Some(thumbnail) = &output.thumbnail_jpeg {
        bytes += store.put_file_moving(&Asset::Thumbnail.key(video_id), thumbnail).await?;
    }
    if let Some(storyboard) = &output.storyboard {
        for (index, sprite) in storyboard.sprites.iter().enumerate() {
            bytes += store.put_file_moving(&Asset::StoryboardSprite(index).key(video_id), sprite).await?;
        }
        let vtt = media::storyboard_vtt(storyboard, Asset::storyboard_cue_path);
        bytes += vtt.len() as u64;
        store.put_bytes(&Asset::Storyboard.key(video_id), Bytes::from(vtt)).await?;
    }
    Ok(bytes)
}
