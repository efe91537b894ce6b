//! The poster a manager picks: a moment of the video (made by a job, it needs a decode)
//! or an uploaded JPEG/PNG (checked, decoded and re-encoded here, so what is served is
//! always our own JPEG of bounded size).

use bytes::Bytes;

use super::error::{EditError, EditResult};
use super::Edits;
use crate::domain::VideoStatus;
use crate::media;
use crate::videos::{published_timeline, Access, Asset, Managed, Transition, VideoView};

/// Largest uploaded poster accepted.
pub const MAX_POSTER_BYTES: usize = 5 * 1024 * 1024;

impl Edits {
    /// Queue a poster from `playing_ms` of what plays now; it appears when made.
    pub async fn choose_poster_at(&self, video: Managed, playing_ms: i64) -> EditResult<()> {
        let row = video.video();
        if row.status != VideoStatus::Ready {
            return Err(EditError::NotProcessed);
        }
        let playing = row.duration_ms.unwrap_or_default();
        if playing_ms < 0 || playing_ms > playing {
            return Err(EditError::Invalid(format!("timestamp_ms must be inside the video (0..{playing} ms)")));
        }
        let original_ms = published_timeline(row).map_or(playing_ms, |t| t.original_of(playing_ms));
        self.queue.queue_poster(&row.id, original_ms).await?;
        Ok(())
    }

    /// Make an uploaded JPEG or PNG the poster, at once.
    pub async fn upload_poster(&self, video: Managed, image: Bytes) -> EditResult<VideoView> {
        let row = video.video();
        if row.status != VideoStatus::Ready {
            return Err(EditError::NotProcessed);
        }
        tokio::fs::create_dir_all(&self.work_root).await.map_err(|err| EditError::Internal(err.into()))?;
        let dir = tempfile::Builder::new()
            .prefix("poster-")
            .tempdir_in(&self.work_root)
            .map_err(|err| EditError::Internal(err.into()))?;
        let (upload, out) = (dir.path().join("upload"), dir.path().join("out"));
        tokio::fs::write(&upload, &image).await.map_err(|err| EditError::Internal(err.into()))?;
        let made = tokio::task::spawn_blocking(move || media::poster_from_image(&upload, &out))
            .await
            .map_err(|err| EditError::Internal(err.into()))?;
        let (poster, thumbnail) = match made {
            Ok(files) => files,
            Err(err) if err.is_user_error() => return Err(EditError::BadImage(err.user_reason())),
            Err(err) => return Err(EditError::Internal(anyhow::Error::new(err).context("making the poster"))),
        };
        for (asset, file) in [(Asset::Poster, poster), (Asset::Thumbnail, thumbnail)] {
            let body = tokio::fs::read(&file).await.map_err(|err| EditError::Internal(err.into()))?;
            self.store.put_bytes(&asset.key_for(row), Bytes::from(body)).await?;
        }
        let chosen = Transition::ChoosePoster { poster_ms: None, uploaded: true };
        let updated = self.videos.lifecycle().apply(&row.id, chosen).await?;
        Ok(VideoView::new(&updated, Some(Access::Manage)))
    }
}
