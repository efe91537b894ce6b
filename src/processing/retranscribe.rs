//! A transcript made again from a ready video's media: after a language change, and for
//! the English translation track.
//!
//! Policy: the audio comes from the playable MP4 (already processed: an audio-only
//! decode, a small fraction of the first pass), into the job's private scratch folder.
//! A video not ready yet is retried later (its first processing picks up the choice
//! itself, so this job then finds nothing to do); a failed or deleted one is left alone.
//! A transcript made for a language the manager changed again meanwhile is dropped:
//! that change queued its own job. English speech needs no translation: its
//! "translation" track is the transcript itself.

use std::path::Path;
use std::time::Instant;

use anyhow::Context;

use super::{scratch, time_budget, VideoProcessor};
use crate::domain::{TranscriptStatus, VideoStatus};
use crate::media;
use crate::speech::{self, SpeechModel, TranscribeOptions, Transcript};
use crate::videos::{Asset, Transition, VideoError};

impl VideoProcessor {
    pub(super) async fn transcribe_video(&self, video_id: &str, translation_only: bool) -> anyhow::Result<()> {
        let Some(video) = self.videos.load(video_id).await? else { return Ok(()) };
        match video.status {
            VideoStatus::Ready => {}
            VideoStatus::Failed => return Ok(()),
            _ => anyhow::bail!("video {video_id} is not processed yet"),
        }
        let Some(model) = self.speech.clone() else {
            tracing::info!(video.id = %video_id, "no speech model: nothing to transcribe");
            return Ok(());
        };
        if video.transcript_status == TranscriptStatus::Disabled {
            return Ok(());
        }
        let choice = self.transcripts.language_for(&video).await?;
        if !translation_only {
            match self.videos.lifecycle().apply(video_id, Transition::RestartTranscript).await {
                Ok(_) => {}
                Err(VideoError::NotFound | VideoError::IllegalTransition { .. }) => return Ok(()),
                Err(err) => return Err(err.into()),
            }
        } else if video.transcript_status != TranscriptStatus::Ready || !video.translate {
            return Ok(()); // Turned off again, or a new transcript is on its way (it queues the translation).
        }
        let deadline = Instant::now() + time_budget(&video);
        let work = scratch::Scratch::create(&self.work_root, video_id)?;
        let (media_file, pcm) = (work.path().join("media.mp4"), work.path().join("speech.f32"));
        self.download(&Asset::Media.key(video_id), &media_file).await?;
        extract_audio(&media_file, &pcm, deadline).await?;

        if translation_only {
            let Some(spoken) = video.language.clone() else { return Ok(()) };
            return self.translate(video_id, &model, &pcm, &spoken, deadline).await;
        }
        let options = self.options(deadline, choice.language().map(|l| l.code().to_string()), false);
        let made = recognise(model, &pcm, options).await?;
        // Dropped if the language changed again (that change queued its own job); queues
        // the translation when one is wanted.
        self.publish_transcript(video_id, &choice, made, false).await
    }

    /// Make and store the English translation of speech in `spoken`.
    async fn translate(
        &self,
        video_id: &str,
        model: &std::sync::Arc<SpeechModel>,
        pcm: &Path,
        spoken: &str,
        deadline: Instant,
    ) -> anyhow::Result<()> {
        let translation = if spoken == "en" || !model.is_multilingual() {
            // Nothing to translate: the transcript itself, as stored with its corrections.
            let body = crate::store::read_small_object(self.store.as_ref(), &Asset::Transcript.key(video_id)).await?;
            Ok(serde_json::from_slice::<Transcript>(&body).context("reading the stored transcript")?)
        } else {
            // "und": nothing was heard; the recogniser detects again.
            let spoken = (spoken != "und").then(|| spoken.to_string());
            recognise(model.clone(), pcm, self.options(deadline, spoken, true)).await?
        };
        let succeeded = match translation {
            Ok(translation) => {
                self.transcripts.publish_translation(video_id, &translation).await?;
                tracing::info!(video.id = %video_id, segments = translation.segments.len(), "translation ready");
                true
            }
            Err(err) => {
                tracing::warn!(video.id = %video_id, error = %err, "translation failed");
                false
            }
        };
        match self.videos.lifecycle().apply(video_id, Transition::FinishTranslation { succeeded }).await {
            Ok(_) | Err(VideoError::NotFound | VideoError::IllegalTransition { .. }) => Ok(()),
            Err(err) => Err(err.into()),
        }
    }

    fn options(&self, deadline: Instant, language: Option<String>, translate: bool) -> TranscribeOptions {
        TranscribeOptions {
            threads: self.whisper_threads,
            deadline: Some(deadline),
            language,
            translate,
            ..Default::default()
        }
    }

    /// The job was given up: what it was making is marked failed (the video plays on).
    pub(super) async fn give_up_transcription(&self, video_id: &str, translation_only: bool) -> anyhow::Result<()> {
        let transition = if translation_only {
            Transition::FinishTranslation { succeeded: false }
        } else {
            Transition::FinishTranscript { succeeded: false, language: None }
        };
        match self.videos.lifecycle().apply(video_id, transition).await {
            Ok(_) | Err(VideoError::NotFound | VideoError::IllegalTransition { .. }) => Ok(()),
            Err(err) => Err(err.into()),
        }
    }
}

async fn extract_audio(media_file: &Path, pcm: &Path, deadline: Instant) -> anyhow::Result<()> {
    let (input, output) = (media_file.to_path_buf(), pcm.to_path_buf());
    let samples =
        tokio::task::spawn_blocking(move || media::extract_speech_audio(&input, &output, Some(deadline))).await??;
    tracing::debug!(samples, "speech audio extracted");
    Ok(())
}

/// Run the recogniser on a blocking thread.
async fn recognise(
    model: std::sync::Arc<SpeechModel>,
    pcm: &Path,
    options: TranscribeOptions,
) -> anyhow::Result<Result<Transcript, speech::SpeechError>> {
    let pcm = pcm.to_path_buf();
    Ok(tokio::task::spawn_blocking(move || speech::transcribe_pcm_file(&model, &pcm, &options)).await?)
}
