//! Resumable uploads (tus 1.0.0), independent of HTTP.
//!
//! Durability policy: a byte range is acknowledged only after the store has persisted it
//! (fsync on disk, a completed PUT on S3) *and* the database has recorded it with a
//! compare-and-set on the previous offset. A crash at any point therefore loses only
//! unacknowledged bytes, and two racing writers cannot both succeed for one range.

mod checksum;
mod error;
mod ingest;
mod lease;
mod metadata;
mod quota;
mod received;
mod spool;
mod sweeper;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::db::{now_ms, ChunkCommit, ChunkRow, Db, SessionUser, UploadRow};
use crate::domain::{random_id, ResourceId, Title, Visibility};
use crate::store::{ByteStream, ChunkLocator, Store};
use crate::videos::{self, Asset, Managed, ProcessingQueue, Transition, VideoError, Videos};

pub use checksum::{ExpectedChecksum, SUPPORTED_ALGORITHMS};
pub use error::{QuotaLimit, UploadError, UploadResult};
pub use metadata::{safe_media_type, UploadMetadata};
pub use quota::UploadLimits;
pub use received::{Received, ReceivedRead};
pub use sweeper::spawn_sweeper;

/// The size of the runs of bytes acknowledged to storage while a PATCH streams in.
pub const CHUNK_SIZE: usize = 8 * 1024 * 1024;

#[derive(Clone)]
pub struct Uploads {
    db: Db,
    store: Arc<dyn Store>,
    max_size: u64,
    expiry: Duration,
    spool_dir: PathBuf,
    processing: Arc<dyn ProcessingQueue>,
    videos: Videos,
    limits: UploadLimits,
    /// Deferred-length uploads are read while they arrive (by live processing).
    live: bool,
}

/// What a PATCH request claims about itself.
#[derive(Debug, Default)]
pub struct PatchInput {
    pub offset: u64,
    pub declared_length: Option<u64>,
    pub checksum: Option<ExpectedChecksum>,
    pub content_length: Option<u64>,
}

impl Uploads {
    pub fn new(
        db: Db,
        store: Arc<dyn Store>,
        max_size: u64,
        expiry: Duration,
        spool_dir: PathBuf,
        processing: Arc<dyn ProcessingQueue>,
        videos: Videos,
    ) -> Uploads {
        Uploads {
            db,
            store,
            max_size,
            expiry,
            spool_dir,
            processing,
            videos,
            limits: UploadLimits::default(),
            live: false,
        }
    }

    /// Keep deferred-length uploads readable while they arrive, for live processing.
    pub fn with_live_reads(mut self, live: bool) -> Uploads {
        self.live = live;
        self
    }

    /// Per-user quotas (unlimited unless set).
    pub fn with_limits(mut self, limits: UploadLimits) -> Uploads {
        self.limits = limits;
        self
    }

    pub fn max_size(&self) -> u64 {
        self.max_size
    }

    fn next_expiry(&self) -> i64 {
        now_ms() + self.expiry.as_millis() as i64
    }

    /// Start an upload, attached to `video_id` from the metadata (which the caller must
    /// manage) or to a new video.
    pub async fn create(&self, user: &SessionUser, length: Option<u64>, metadata_raw: &str) -> UploadResult<UploadRow> {
        if length.is_some_and(|l| l > self.max_size) {
            return Err(self.too_large());
        }
        let metadata = UploadMetadata::parse(metadata_raw).map_err(UploadError::Malformed)?;
        self.check_new_upload(user, length).await?;
        let filetype = media_type_for(metadata.get("filetype"), metadata.get("filename"));
        let (video, created_video): (Managed, bool) = match metadata.get("video_id") {
            Some(video_id) => (self.videos.managed(video_id, user).await?, false),
            None => {
                let title = Title::from_filename(metadata.get("filename"));
                (self.videos.create(user, title, Visibility::Private, None).await?, true)
            }
        };
        let video = video.video();
        match self.videos.lifecycle().apply(&video.id, Transition::StartUpload).await {
            Ok(_) => {}
            Err(VideoError::IllegalTransition { .. }) => {
                return Err(UploadError::conflict("this video already has media or an upload in progress"))
            }
            Err(err) => return Err(err.into()),
        }
        let staging_key = Asset::Original.key(&video.id);
        let staging_handle = match self.store.staging_begin(&staging_key).await {
            Ok(handle) => handle,
            Err(err) => {
                self.release_video(&video.id, created_video).await?;
                return Err(err.into());
            }
        };
        let upload = UploadRow {
            id: random_id(24),
            video_id: video.id.clone(),
            user_id: user.id.clone(),
            length: length.map(|l| l as i64),
            upload_offset: 0,
            metadata: metadata_raw.to_string(),
            filetype: Some(filetype),
            staging_key,
            staging_handle,
            next_part: 0,
            created_video,
            live: self.live && length.is_none(),
            created_at: now_ms(),
            expires_at: self.next_expiry(),
            completed_at: None,
        };
        self.db.insert_upload(&upload).await?;
        if upload.live {
            // Without its live job the recording is simply processed after upload.
            if let Err(err) = self.processing.queue_live(&upload.video_id, &upload.id).await {
                tracing::warn!(upload.id = %upload.id, error = %err, "live processing not queued");
            }
        }
        if upload.length == Some(0) {
            self.finish(&upload).await?;
        }
        Ok(upload)
    }

    /// The upload as HEAD reports it. A fully received upload whose assembly was
    /// interrupted (a crash after the last acknowledgement) is finished here.
    pub async fn status(&self, user: &SessionUser, raw_id: &str) -> UploadResult<UploadRow> {
        let upload = self.owned(user, raw_id).await?;
        if upload.completed_at.is_none() && upload.length == Some(upload.upload_offset) {
            self.finish_if_idle(&upload).await?;
            return self.reload(&upload.id).await;
        }
        Ok(upload)
    }

    /// Append a PATCH body at `input.offset`.
    pub async fn patch(
        &self,
        user: &SessionUser,
        raw_id: &str,
        input: PatchInput,
        body: &mut ByteStream,
    ) -> UploadResult<UploadRow> {
        let mut upload = self.owned(user, raw_id).await?;
        if let Some(length) = input.declared_length {
            upload = self.declare_length(upload, length).await?;
        }
        let offset = input.offset as i64;
        if offset != upload.upload_offset {
            return Err(UploadError::conflict(format!("Upload-Offset must be {}", upload.upload_offset)));
        }
        let limit = upload.length.map(|l| l as u64).unwrap_or(self.max_size);
        if input.content_length.is_some_and(|len| input.offset.saturating_add(len) > limit) {
            return Err(self.too_large());
        }
        if upload.completed_at.is_some() {
            return if input.content_length.unwrap_or(0) == 0 { Ok(upload) } else { Err(self.too_large()) };
        }
        if input.checksum.is_some() && input.content_length.is_some_and(|len| len > self.limits.checksum_body) {
            return Err(self.checksum_body_too_large());
        }
        let writer = self.exclusive_writer(&upload).await?;
        let outcome = self.patch_exclusively(upload, input, limit, body).await;
        // Release before answering, so the client's next PATCH finds the upload free.
        writer.release().await;
        outcome
    }

    async fn patch_exclusively(
        &self,
        upload: UploadRow,
        input: PatchInput,
        limit: u64,
        body: &mut ByteStream,
    ) -> UploadResult<UploadRow> {
        let offset = input.offset as i64;
        // Re-read under the lock: a request that held it a moment ago may have moved on.
        let upload = self.reload(&upload.id).await?;
        if offset != upload.upload_offset {
            return Err(UploadError::conflict(format!("Upload-Offset must be {}", upload.upload_offset)));
        }
        // A deferred upload grows into its owner's storage quota as it goes.
        let room = match upload.length {
            None => self.storage_room(&upload).await?,
            Some(_) => u64::MAX,
        };
        let quota_bound = room < limit;
        let limit = limit.min(room);
        if quota_bound && input.content_length.is_some_and(|len| input.offset.saturating_add(len) > limit) {
            return Err(self.storage_exceeded());
        }
        let ingest = ingest::Ingest::new(self, upload.clone(), limit).await?;
        let stored = match input.checksum {
            Some(expected) => {
                let spooled =
                    spool::verified(&self.spool_dir, body, &expected, limit - input.offset, self.limits.checksum_body)
                        .await;
                match spooled {
                    Ok((mut verified, len)) => ingest.run(&mut verified, len).await,
                    Err(UploadError::Quota { .. }) => Err(self.checksum_body_too_large()),
                    Err(err) => Err(err),
                }
            }
            None => ingest.run(body, input.content_length).await,
        };
        match stored {
            // Past the quota, not past the upload's own length: say which limit it was.
            Err(UploadError::TooLarge(_)) if quota_bound => return Err(self.storage_exceeded()),
            other => other?,
        }
        let upload = self.reload(&upload.id).await?;
        if upload.length == Some(upload.upload_offset) {
            self.finish(&upload).await?;
            return self.reload(&upload.id).await;
        }
        Ok(upload)
    }

    /// One writer per upload at a time: the store's own lock where it has one (disk:
    /// `flock`, released by the kernel even on `kill -9`), a database lease otherwise (S3).
    async fn exclusive_writer(&self, upload: &UploadRow) -> UploadResult<lease::WriterGuard> {
        // A store lock held elsewhere is `UploadError::Locked` (see its `From`).
        let store_lock = self.store.staging_lock(&upload.staging_handle).await?;
        Ok(match store_lock {
            Some(lock) => lease::WriterGuard::store(lock),
            None => lease::WriterGuard::lease(lease::WriterLease::acquire(&self.db, &upload.id).await?),
        })
    }

    /// Finish an upload whose bytes all arrived, unless a writer is busy with it right now.
    async fn finish_if_idle(&self, upload: &UploadRow) -> UploadResult<()> {
        match self.exclusive_writer(upload).await {
            Ok(_writer) => {
                let fresh = self.reload(&upload.id).await?;
                self.finish(&fresh).await
            }
            Err(UploadError::Locked) => Ok(()),
            Err(err) => Err(err),
        }
    }

    /// tus termination: forget the upload and its bytes.
    pub async fn terminate(&self, user: &SessionUser, raw_id: &str) -> UploadResult<()> {
        let upload = self.owned_even_if_expired(user, raw_id).await?;
        self.abandon(&upload).await
    }

    /// The upload row goes last: while it exists a retry can still find and finish the
    /// clean-up, and once HEAD answers 404 the video has already been released.
    async fn abandon(&self, upload: &UploadRow) -> UploadResult<()> {
        videos::discard_upload_bytes(self.store.as_ref(), upload).await?;
        if upload.completed_at.is_none() {
            self.release_video(&upload.video_id, upload.created_video).await?;
        }
        self.db.delete_upload(&upload.id).await?;
        Ok(())
    }

    /// Give a video back after its upload went away: a video made only to hold this
    /// upload is deleted, an existing one waits for a new upload.
    async fn release_video(&self, video_id: &str, created_for_upload: bool) -> UploadResult<()> {
        if created_for_upload {
            self.store.delete_prefix(&videos::media_prefix(video_id)).await?;
            self.db.delete_video(video_id).await?;
            return Ok(());
        }
        match self.videos.lifecycle().apply(video_id, Transition::AbandonUpload).await {
            // Deleted meanwhile, or no longer waiting on this upload: nothing to give back.
            Ok(_) | Err(VideoError::NotFound | VideoError::IllegalTransition { .. }) => Ok(()),
            Err(err) => Err(err.into()),
        }
    }

    async fn owned_even_if_expired(&self, user: &SessionUser, raw_id: &str) -> UploadResult<UploadRow> {
        let id = ResourceId::parse(raw_id).ok_or(UploadError::NotFound)?;
        match self.db.upload(id.as_str()).await? {
            Some(upload) if upload.user_id == user.id => Ok(upload),
            _ => Err(UploadError::NotFound),
        }
    }

    async fn owned(&self, user: &SessionUser, raw_id: &str) -> UploadResult<UploadRow> {
        let upload = self.owned_even_if_expired(user, raw_id).await?;
        if upload.completed_at.is_none() && upload.expires_at < now_ms() {
            return Err(UploadError::Gone("this upload expired; start a new one"));
        }
        Ok(upload)
    }

    /// The upload as stored now, without an ownership check (the caller just made it).
    pub async fn reread(&self, id: &str) -> UploadResult<Option<UploadRow>> {
        Ok(self.db.upload(id).await?)
    }

    async fn reload(&self, id: &str) -> UploadResult<UploadRow> {
        self.db.upload(id).await?.ok_or(UploadError::NotFound)
    }

    async fn declare_length(&self, upload: UploadRow, length: u64) -> UploadResult<UploadRow> {
        if length > self.max_size {
            return Err(self.too_large());
        }
        match upload.length {
            Some(existing) if existing as u64 == length => Ok(upload),
            Some(_) => Err(UploadError::malformed("Upload-Length is already set and cannot change")),
            None if (length as i64) < upload.upload_offset => {
                Err(UploadError::malformed("Upload-Length is smaller than the bytes already received"))
            }
            None if length > self.storage_room(&upload).await? => Err(self.storage_exceeded()),
            None => {
                self.db.set_upload_length(&upload.id, length as i64).await?;
                self.reload(&upload.id).await
            }
        }
    }

    fn too_large(&self) -> UploadError {
        UploadError::TooLarge(format!("uploads are limited to {} bytes", self.max_size))
    }

    /// Assemble the staged chunks into the original and mark the video uploaded.
    async fn finish(&self, upload: &UploadRow) -> UploadResult<()> {
        let Some(length) = upload.length else {
            return Ok(());
        };
        if upload.completed_at.is_some() || upload.upload_offset != length {
            return Ok(());
        }
        if self.store.min_part_size().is_some() {
            ingest::fold_tail_into_last_part(self, upload).await?;
        }
        if !self.db.mark_upload_completed(&upload.id).await? {
            return Ok(()); // Someone else is finishing it.
        }
        let chunks = self.db.upload_chunks(&upload.id).await?;
        let locators = chunks.iter().map(parse_locator).collect::<UploadResult<Vec<_>>>()?;
        if let Err(err) =
            self.store.staging_finish(&upload.staging_handle, &upload.staging_key, &locators, length as u64).await
        {
            self.db.reopen_upload(&upload.id).await?;
            return Err(err.into());
        }
        if upload.live && self.store.min_part_size().is_some() {
            self.forget_live_copies(upload).await;
        }
        let content_type = upload.filetype.clone().unwrap_or_else(|| "application/octet-stream".into());
        // Queue processing first: a worker that sees the video still `uploading` retries
        // shortly, while a crash between the two steps can never lose the job.
        self.processing.queue_processing(&upload.video_id).await?;
        // The share page switches from "recording" to playing the original (the
        // transition's live event).
        let uploaded =
            Transition::FinishUpload { original_key: upload.staging_key.clone(), size: length, content_type };
        self.videos.lifecycle().apply(&upload.video_id, uploaded).await?;
        tracing::info!(upload.id = %upload.id, video.id = %upload.video_id, bytes = length, "upload complete");
        Ok(())
    }

    /// The original is complete, so readers of the live upload read it from now on (a
    /// read of a copy that is gone retries there). Best effort: the pieces prefix also
    /// goes when the upload or its video is deleted.
    async fn forget_live_copies(&self, upload: &UploadRow) {
        if let Err(err) = self.db.delete_live_copies(&upload.id).await {
            tracing::warn!(upload.id = %upload.id, error = %err, "could not forget live copies");
        }
        if let Err(err) = self.store.delete_prefix(&piece_prefix(&upload.id)).await {
            tracing::warn!(upload.id = %upload.id, error = %err, "could not delete live copies");
        }
    }

    async fn commit(&self, commit: ChunkCommit<'_>) -> UploadResult<bool> {
        match self.db.commit_chunks(commit).await {
            Ok(done) => Ok(done),
            Err(err) if crate::db::is_unique_violation(&err) => Ok(false),
            Err(err) => Err(err.into()),
        }
    }
}

pub(crate) fn parse_locator(chunk: &ChunkRow) -> UploadResult<ChunkLocator> {
    serde_json::from_str(&chunk.locator).map_err(|e| UploadError::Internal(anyhow::anyhow!("bad chunk locator: {e}")))
}

/// Where small S3 pieces of an upload live until they are folded into a part.
fn piece_prefix(upload_id: &str) -> String {
    videos::upload_pieces_prefix(upload_id)
}

/// Browsers and tus clients send `filetype`; fall back to the file name's extension.
fn media_type_for(filetype: Option<&str>, filename: Option<&str>) -> String {
    let from_type = safe_media_type(filetype);
    if from_type != "application/octet-stream" {
        return from_type;
    }
    let extension = filename.and_then(|n| n.rsplit_once('.')).map(|(_, ext)| ext.to_ascii_lowercase());
    let guessed = match extension.as_deref() {
        Some("webm") => "video/webm",
        Some("mp4" | "m4v") => "video/mp4",
        Some("mov") => "video/quicktime",
        Some("mkv") => "video/x-matroska",
        Some("m4a") => "audio/mp4",
        Some("mp3") => "audio/mpeg",
        Some("wav") => "audio/wav",
        Some("ogg" | "opus") => "audio/ogg",
        _ => "application/octet-stream",
    };
    guessed.to_string()
}
