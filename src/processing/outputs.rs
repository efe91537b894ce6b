//! Where processing results live in the store, and putting them there.

use std::path::Path;

use bytes::Bytes;
use tokio_util::io::ReaderStream;

use crate::db::{Db, SegmentInput};
use crate::media::{self, ProcessOutput};
use crate::speech::{self, Transcript};
use crate::store::Store;

/// `videos/{id}/{name}`: every object of a video shares its prefix, so deleting the video
/// deletes all of them.
pub fn asset_key(video_id: &str, name: &str) -> String {
    format!("videos/{video_id}/{name}")
}

pub fn storyboard_sprite_key(video_id: &str, index: usize) -> String {
    asset_key(video_id, &format!("storyboard/{index}.jpg"))
}

pub async fn put_file(store: &dyn Store, key: &str, path: &Path) -> anyhow::Result<()> {
    let file = tokio::fs::File::open(path).await?;
    store.put_stream(key, Box::pin(ReaderStream::with_capacity(file, 256 * 1024))).await?;
    Ok(())
}

pub async fn upload_media(store: &dyn Store, video_id: &str, output: &ProcessOutput) -> anyhow::Result<()> {
    put_file(store, &asset_key(video_id, "media.mp4"), &output.mp4).await?;
    if let Some(poster) = &output.poster_jpeg {
        put_file(store, &asset_key(video_id, "poster.jpg"), poster).await?;
    }
    if let Some(storyboard) = &output.storyboard {
        for (index, sprite) in storyboard.sprites.iter().enumerate() {
            put_file(store, &storyboard_sprite_key(video_id, index), sprite).await?;
        }
        let vtt = media::storyboard_vtt(storyboard, |index| format!("/api/videos/{video_id}/storyboard/{index}.jpg"));
        store.put_bytes(&asset_key(video_id, "storyboard.vtt"), Bytes::from(vtt)).await?;
    }
    Ok(())
}

pub async fn upload_transcript(
    store: &dyn Store,
    db: &Db,
    video_id: &str,
    transcript: &Transcript,
) -> anyhow::Result<()> {
    store.put_bytes(&asset_key(video_id, "transcript.json"), Bytes::from(serde_json::to_vec(transcript)?)).await?;
    store.put_bytes(&asset_key(video_id, "captions.vtt"), Bytes::from(speech::to_webvtt(transcript))).await?;
    store.put_bytes(&asset_key(video_id, "captions.srt"), Bytes::from(speech::to_srt(transcript))).await?;
    let segments: Vec<SegmentInput> = transcript
        .segments
        .iter()
        .map(|s| SegmentInput { start_ms: s.start_ms, end_ms: s.end_ms, text: s.text.trim().to_string() })
        .filter(|s| !s.text.is_empty())
        .collect();
    db.replace_transcript(video_id, &segments).await?;
    Ok(())
}
