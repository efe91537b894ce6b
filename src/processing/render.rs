//! Rendering a saved edit, and making a chosen poster: the `render_edit` and
//! `render_poster` jobs on the media queue.
//!
//! Policy: the edit is cut from the unedited playback MP4 (`Asset::Media.key`, Briefly's
//! own H.264/AAC), copying whole GOPs and re-encoding only those a cut splits
//! (`media::render_edit`). Its files go under the version's own keys, so the previous
//! version plays until `Transcripts::publish_edit` switches the video over in one
//! transaction. Only the latest saved version is rendered: a job that finds a newer one
//! (or the same one published) does that, or nothing. A video still in its first
//! processing is left alone; that processing queues the render when its media is ready.
//! Media the renderer refuses fails the version (its reason is shown in the editor) and
//! leaves the previous version playing.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;
use bytes::Bytes;
use serde::{Deserialize, Serialize};

use super::{outputs, scratch, VideoProcessor};
use crate::db::VideoRow;
use crate::domain::{TimeRange, Timeline, VideoStatus};
use crate::edits::remap_storyboard;
use crate::jobs::{Job, Queue};
use crate::media::{self, RenderOptions};
use crate::store::read_small_object;
use crate::videos::{edit_prefix, source_duration_ms, Asset, Transition, VideoError};

/// What the editor shows when a render was given up (the details are in the log).
const RENDER_GAVE_UP: &str = "rendering this version failed; the previous version keeps playing";

/// Render the video's latest saved edit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenderEdit {
    pub video_id: String,
}

#[async_trait::async_trait]
impl Job for RenderEdit {
    const KIND: &'static str = "render_edit";
    const QUEUE: Queue = Queue::MEDIA;
    const MAX_ATTEMPTS: i64 = 3;
    type Context = VideoProcessor;

    async fn run(&self, processor: &VideoProcessor) -> anyhow::Result<()> {
        processor.render_edit(&self.video_id).await
    }

    async fn gave_up(&self, processor: &VideoProcessor, reason: &str) {
        tracing::warn!(video.id = %self.video_id, reason, "edit render given up");
        let failed = async {
            if let Some(edit) = processor.db.edit(&self.video_id).await? {
                processor.db.fail_edit(&self.video_id, edit.version, RENDER_GAVE_UP).await?;
            }
            anyhow::Ok(())
        };
        if let Err(err) = failed.await {
            tracing::error!(video.id = %self.video_id, error = %err, "could not mark the edit failed");
        }
    }
}

/// Make the poster from moment `poster_ms` of the original recording.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenderPoster {
    pub video_id: String,
    pub poster_ms: i64,
}

#[async_trait::async_trait]
impl Job for RenderPoster {
    const KIND: &'static str = "render_poster";
    const QUEUE: Queue = Queue::MEDIA;
    const MAX_ATTEMPTS: i64 = 3;
    type Context = VideoProcessor;

    async fn run(&self, processor: &VideoProcessor) -> anyhow::Result<()> {
        processor.render_poster(&self.video_id, self.poster_ms).await
    }

    async fn gave_up(&self, _processor: &VideoProcessor, reason: &str) {
        // The previous poster stays; nothing else to undo.
        tracing::warn!(video.id = %self.video_id, reason, "poster given up");
    }
}

/// How many versions before the previous one a publish looks for files to remove.
const KEPT_VERSION_SWEEP: usize = 20;

impl VideoProcessor {
    pub(super) async fn render_edit(&self, video_id: &str) -> anyhow::Result<()> {
        let Some(video) = self.videos.load(video_id).await? else { return Ok(()) };
        if video.status != VideoStatus::Ready {
            return Ok(()); // Its first processing queues the render when the media is ready.
        }
        let Some(edit) = self.db.edit(video_id).await? else { return Ok(()) };
        if edit.version == video.edit_version || edit.failed_version == Some(edit.version) {
            return Ok(());
        }
        let source_ms = source_duration_ms(&video).unwrap_or_default();
        let ranges: Vec<TimeRange> = serde_json::from_str(&edit.keep_ranges).context("reading the saved edit")?;
        let timeline = match Timeline::parse(&ranges, source_ms) {
            Ok(timeline) => timeline,
            Err(reason) => {
                self.db.fail_edit(video_id, edit.version, &reason).await?;
                return Ok(());
            }
        };
        if timeline.is_whole() {
            self.transcripts.publish_edit(video_id, edit.version, None).await?;
            return Ok(());
        }
        let started = Instant::now();
        let work = scratch::Scratch::create(&self.work_root, video_id)?;
        let source = work.path().join("media.mp4");
        self.download(&Asset::Media.key(video_id), &source).await?;
        let out_dir = work.path().join("out");
        let keep: Vec<(i64, i64)> = timeline.kept().iter().map(|r| (r.start_ms, r.end_ms)).collect();
        let options =
            RenderOptions { deadline: Some(Instant::now() + render_budget(source_ms)), ..RenderOptions::default() };
        let (input, dir) = (source.clone(), out_dir.clone());
        let rendered = tokio::task::spawn_blocking(move || media::render_edit(&input, &keep, &dir, &options)).await?;
        let rendered = match rendered {
            Ok(rendered) => rendered,
            Err(err) if err.is_user_error() || matches!(err, media::MediaError::DeadlineExceeded) => {
                tracing::info!(video.id = %video_id, error = %err, "edit render refused");
                self.db.fail_edit(video_id, edit.version, &err.user_reason()).await?;
                return Ok(());
            }
            Err(err) => return Err(anyhow::Error::new(err).context("rendering the edit")),
        };
        let version = edit.version;
        outputs::put_file(self.store.as_ref(), &Asset::Media.edit_key(video_id, version), &rendered.mp4).await?;
        self.store_edit_poster(&video, &timeline, version, &rendered.mp4, &out_dir).await?;
        self.store_edit_storyboard(&video, &timeline, version).await?;
        let published = match self.transcripts.publish_edit(video_id, version, Some(&timeline)).await {
            Ok(row) => row,
            Err(VideoError::NotFound | VideoError::IllegalTransition { .. }) => return Ok(()),
            Err(err) => return Err(err.into()),
        };
        tracing::info!(
            video.id = %video_id,
            version,
            duration_ms = rendered.duration_ms,
            copied_packets = rendered.copied_packets,
            reencoded_frames = rendered.reencoded_frames,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "edit published"
        );
        // The version that played until now stays for the players still on it (their URLs
        // name it); the ones before it have no reader left. Bounded: versions rendered
        // longer ago were removed by the publishes in between.
        for earlier in (1..video.edit_version).rev().take(KEPT_VERSION_SWEEP) {
            let _ = self.store.delete_prefix(&edit_prefix(video_id, earlier)).await;
        }
        if published.translate && published.language.is_some() {
            self.jobs
                .enqueue(&super::TranscribeVideo { video_id: video_id.to_string(), translation_only: true })
                .await?;
        }
        Ok(())
    }

    /// The new version's poster: the uploaded image as it is, else the chosen moment if
    /// it was kept, else a frame near the start of the edited video.
    async fn store_edit_poster(
        &self,
        video: &VideoRow,
        timeline: &Timeline,
        version: i64,
        rendered: &Path,
        out_dir: &Path,
    ) -> anyhow::Result<()> {
        if video.poster_uploaded {
            for asset in [Asset::Poster, Asset::Thumbnail] {
                let image = read_small_object(self.store.as_ref(), &asset.key_for(video)).await?;
                self.store.put_bytes(&asset.edit_key(&video.id, version), image).await?;
            }
            return Ok(());
        }
        let chosen = video.poster_ms.map(|ms| timeline.place(ms)).filter(|placed| !placed.is_cut());
        let at_ms = chosen.map_or_else(|| default_poster_ms(timeline.duration_ms()), |placed| placed.ms());
        let (input, dir) = (rendered.to_path_buf(), out_dir.join("poster"));
        let made = tokio::task::spawn_blocking(move || media::poster_at(&input, at_ms, &dir)).await?;
        match made {
            Ok((poster, thumbnail)) => {
                outputs::put_file(self.store.as_ref(), &Asset::Poster.edit_key(&video.id, version), &poster).await?;
                outputs::put_file(self.store.as_ref(), &Asset::Thumbnail.edit_key(&video.id, version), &thumbnail)
                    .await?;
            }
            // Audio only: no picture to show.
            Err(err) if err.is_user_error() => tracing::info!(video.id = %video.id, error = %err, "no poster"),
            Err(err) => return Err(anyhow::Error::new(err).context("making the edit's poster")),
        }
        Ok(())
    }

    /// The storyboard's cues moved onto the new timeline (the sprites are shared).
    async fn store_edit_storyboard(&self, video: &VideoRow, timeline: &Timeline, version: i64) -> anyhow::Result<()> {
        match read_small_object(self.store.as_ref(), &Asset::Storyboard.key(&video.id)).await {
            Ok(vtt) => {
                let moved = remap_storyboard(&String::from_utf8_lossy(&vtt), timeline);
                self.store.put_bytes(&Asset::Storyboard.edit_key(&video.id, version), Bytes::from(moved)).await?;
                Ok(())
            }
            Err(crate::store::StoreError::NotFound) => Ok(()), // Audio only.
            Err(err) => Err(err.into()),
        }
    }

    pub(super) async fn render_poster(&self, video_id: &str, poster_ms: i64) -> anyhow::Result<()> {
        let Some(video) = self.videos.load(video_id).await? else { return Ok(()) };
        if video.status != VideoStatus::Ready {
            return Ok(());
        }
        let timeline = crate::videos::published_timeline(&video);
        let at_ms = timeline.as_ref().map_or(poster_ms, |t| t.place(poster_ms).ms());
        let work = scratch::Scratch::create(&self.work_root, video_id)?;
        let source = work.path().join("media.mp4");
        self.download(&Asset::Media.key_for(&video), &source).await?;
        let dir = work.path().join("poster");
        let made = tokio::task::spawn_blocking(move || media::poster_at(&source, at_ms, &dir)).await?;
        let (poster, thumbnail) = match made {
            Ok(files) => files,
            Err(err) if err.is_user_error() => {
                tracing::info!(video.id = %video_id, error = %err, "no poster at that moment");
                return Ok(());
            }
            Err(err) => return Err(anyhow::Error::new(err).context("making the poster")),
        };
        outputs::put_file(self.store.as_ref(), &Asset::Poster.key_for(&video), &poster).await?;
        outputs::put_file(self.store.as_ref(), &Asset::Thumbnail.key_for(&video), &thumbnail).await?;
        let chosen = Transition::ChoosePoster { poster_ms: Some(poster_ms), uploaded: false };
        match self.videos.lifecycle().apply(video_id, chosen).await {
            Ok(_) | Err(VideoError::NotFound | VideoError::IllegalTransition { .. }) => Ok(()),
            Err(err) => Err(err.into()),
        }
    }

    /// After the first processing: a manager may have saved an edit meanwhile.
    pub(super) async fn queue_pending_render(&self, video_id: &str) -> anyhow::Result<()> {
        if let Some(edit) = self.db.edit(video_id).await? {
            if edit.version > 0 {
                self.jobs.enqueue(&RenderEdit { video_id: video_id.to_string() }).await?;
            }
        }
        Ok(())
    }
}

/// Where an edit's poster is taken when none was chosen: a second in (past a fade-in),
/// or the middle of a shorter video.
fn default_poster_ms(duration_ms: i64) -> i64 {
    1000.min(duration_ms / 2)
}

/// Generous but bounded: the render copies most of the file, so it needs far less than
/// the first processing's budget; the media's length plus two minutes.
fn render_budget(source_ms: i64) -> Duration {
    Duration::from_millis(source_ms.max(0) as u64).saturating_add(Duration::from_secs(120))
}
