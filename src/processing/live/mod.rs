//! Processing a recording while it is still being recorded.
//!
//! A deferred-length upload (what the recorder sends) gets a live job on its own queue.
//! The job reads the upload as it arrives (`follow.rs`) into the same single pass
//! `process_video` runs on a finished file (`media::process_stream`), with speech
//! recognition reading the audio as the pass writes it, in short windows. So when the
//! recording stops only the tail is left: the last seconds of media and speech, the MP4's
//! index, and storing the outputs.
//!
//! Policy:
//! - One job per recording, claimed through its live session (`session.rs`); the
//!   after-upload job processes it instead when no live worker took it in time, when the
//!   media is bad, or when the live job was given up.
//! - A stalled recording (no byte for `FollowOptions::stall_after`) yields its worker: the
//!   job is queued again for later with a growing delay and starts over from the stored
//!   bytes when they grow again; if the upload completes meanwhile, it is processed
//!   after upload.
//! - A takeover (the worker died) also starts over from the stored bytes: nothing is
//!   published before the upload completes, so no segment can be stored twice or missed.
//! - A terminated or expired upload ends the job; its scratch folder goes with it, and
//!   the upload's own clean-up removes the bytes.

mod follow;
mod job;
pub(crate) mod session;

use std::time::{Duration, Instant};

pub use job::LiveProcess;

use super::transcription::Transcription;
use super::{memory, scratch, ProcessVideo, VideoProcessor};
use crate::domain::{TranscriptStatus, VideoStatus};
use crate::media::{self, MediaError, ProcessOptions};
use crate::videos::{Transition, VideoError};
use follow::FollowEnd;

/// Speech windows while live: the one in progress at stop is what is left to transcribe.
const LIVE_WINDOW_SECS: u32 = 20;
/// Two transcription workers: one keeps up while recording (the other waits), and both
/// split the tail at stop.
const LIVE_SPEECH_WORKERS: usize = 2;
/// Nothing bounds a recording's length but the upload limit; this bounds the speech
/// reader's wait for audio.
const LIVE_SPEECH_DEADLINE: Duration = Duration::from_secs(12 * 3600);
/// The upload is marked complete a moment before its video is marked uploaded.
const UPLOADED_WAIT: Duration = Duration::from_secs(30);

impl VideoProcessor {
    pub(super) async fn follow_recording(&self, job: &LiveProcess) -> anyhow::Result<()> {
        let (video_id, upload_id) = (job.video_id.as_str(), job.upload_id.as_str());
        let Some(session) = session::take_for_live(&self.db, video_id, upload_id).await? else {
            return Ok(()); // Processed after upload, finished, or a newer upload's.
        };
        let Some(upload) = self.received.upload(upload_id).await? else {
            session::leave(&self.db, video_id, upload_id, session::ABANDONED, None).await?;
            return Ok(());
        };
        if upload.completed_at.is_none() && job.resumes > 0 && session.yielded_offset == Some(upload.upload_offset) {
            // Still nothing new since the job yielded: wait longer, without decoding.
            return self.yield_recording(job, upload.upload_offset as u64).await;
        }
        let Some(video) = self.videos.load(video_id).await? else { return Ok(()) };
        let language = self.transcripts.language_for(&video).await?;
        let spoken = language.language().map(|l| l.code().to_string());
        let work = scratch::Scratch::create(&self.work_root, video_id)?;
        let out_dir = work.path().join("out");
        let transcription = self.speech.clone().map(|model| {
            let deadline = Instant::now() + LIVE_SPEECH_DEADLINE;
            let workers = LIVE_SPEECH_WORKERS.max(self.whisper_threads);
            Transcription::start(model, workers, deadline, spoken, Some(LIVE_WINDOW_SECS))
        });
        tracing::info!(video.id = %video_id, upload.id = %upload_id, resumes = job.resumes, "following a recording");
        let (reader, follower) = follow::follow(self.received.clone(), upload_id.to_string(), self.follow_options);
        let options =
            ProcessOptions { speech_feed: transcription.as_ref().map(Transcription::feed), ..Default::default() };
        let processed = tokio::task::spawn_blocking(move || {
            let processed = media::process_stream(reader, &out_dir, &options);
            memory::return_freed_memory();
            processed
        })
        .await;
        let end = follower.finish().await;
        let output = match (processed, end) {
            (Ok(Ok(output)), FollowEnd::Complete) => output,
            (processed, end) => {
                Transcription::stop(transcription).await;
                return self.follow_ended_early(job, processed, end).await;
            }
        };
        // Only now may the video become `processing`: until its upload is marked complete
        // it is `uploading`, and the recorder's page shows it as still recording.
        let transcript = if self.speech.is_some() { TranscriptStatus::Processing } else { TranscriptStatus::Disabled };
        if !self.wait_until_uploaded(video_id).await? {
            Transcription::stop(transcription).await;
            anyhow::bail!("video {video_id} was not marked uploaded after its upload completed");
        }
        match self.videos.lifecycle().apply(video_id, Transition::StartProcessing { transcript }).await {
            Ok(_) => {}
            Err(VideoError::NotFound | VideoError::IllegalTransition { .. }) => {
                Transcription::stop(transcription).await;
                return Ok(());
            }
            Err(err) => return Err(err.into()),
        }
        self.publish_media(video_id, &output, transcription, &language).await?;
        session::leave(&self.db, video_id, upload_id, session::DONE, None).await?;
        drop(work);
        Ok(())
    }

    /// Why the stream ended before a whole recording was processed, and what follows.
    async fn follow_ended_early(
        &self,
        job: &LiveProcess,
        processed: Result<Result<media::ProcessOutput, MediaError>, tokio::task::JoinError>,
        end: FollowEnd,
    ) -> anyhow::Result<()> {
        let (video_id, upload_id) = (job.video_id.as_str(), job.upload_id.as_str());
        match end {
            FollowEnd::Stalled { offset } => return self.yield_recording(job, offset).await,
            FollowEnd::Gone => {
                tracing::info!(video.id = %video_id, upload.id = %upload_id, "recording ended without an upload");
                session::leave(&self.db, video_id, upload_id, session::ABANDONED, None).await?;
                return Ok(());
            }
            FollowEnd::Failed(why) => anyhow::bail!("reading the recording failed: {why}"),
            FollowEnd::Complete | FollowEnd::Cancelled => {}
        }
        match processed? {
            Ok(_) => anyhow::bail!("the media pass ended before the upload did"),
            Err(err) if err.is_user_error() => {
                // Bad (or unusual) media: the after-upload path reports it, or copes.
                tracing::info!(video.id = %video_id, error = %err, "recording not processed live");
                self.hand_to_after_upload(video_id, upload_id).await
            }
            Err(err) => Err(anyhow::Error::new(err).context("processing a recording live")),
        }
    }

    /// Give the worker back while the recording sends nothing, and look again later.
    async fn yield_recording(&self, job: &LiveProcess, offset: u64) -> anyhow::Result<()> {
        let (video_id, upload_id) = (job.video_id.as_str(), job.upload_id.as_str());
        if !session::leave(&self.db, video_id, upload_id, session::YIELDED, Some(offset as i64)).await? {
            return Ok(());
        }
        // An upload that completed just as the follower gave up would otherwise wait for
        // the next look: its after-upload job may already have seen the session following.
        if self.received.upload(upload_id).await?.is_some_and(|u| u.completed_at.is_some()) {
            return self.hand_to_after_upload(video_id, upload_id).await;
        }
        let delay = Duration::from_secs(5 << job.resumes.min(4)).min(Duration::from_secs(60));
        let again = LiveProcess { resumes: job.resumes + 1, ..job.clone() };
        let run_at = crate::db::now_ms() + delay.as_millis() as i64;
        self.jobs.enqueue_at(&again, run_at).await?;
        tracing::info!(video.id = %video_id, offset, delay_s = delay.as_secs(), "recording stalled; live job yields");
        Ok(())
    }

    /// Let the after-upload job process the recording (queued now if the upload is
    /// already complete, else by the upload's completion).
    pub(super) async fn hand_to_after_upload(&self, video_id: &str, upload_id: &str) -> anyhow::Result<()> {
        // Not moved: it was handed over already, and whoever did it queued the job.
        if !session::fall_back(&self.db, video_id, upload_id).await? {
            return Ok(());
        }
        if self.received.upload(upload_id).await?.is_some_and(|u| u.completed_at.is_some()) {
            self.jobs.enqueue(&ProcessVideo { video_id: video_id.to_string() }).await?;
        }
        Ok(())
    }

    /// Whether the video got past `uploading` (or was deleted) within a bounded wait.
    async fn wait_until_uploaded(&self, video_id: &str) -> anyhow::Result<bool> {
        let started = Instant::now();
        while started.elapsed() < UPLOADED_WAIT {
            match self.videos.load(video_id).await? {
                None => return Ok(true),
                Some(video) if video.status != VideoStatus::Uploading => return Ok(true),
                Some(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        }
        Ok(false)
    }
}

pub(crate) use follow::FollowOptions as LiveFollowOptions;
