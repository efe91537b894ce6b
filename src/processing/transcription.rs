//! Speech recognition running alongside the decode pass.
//!
//! The media pipeline writes the 16 kHz speech audio through a [`SpeechFeed`]; this
//! task reads it as it grows, so transcription of the first minutes overlaps the
//! transcode of the rest instead of waiting for it. The audio is still decoded once.
//! If the media turns out bad, the feed fails (or the task is cancelled) and the
//! task ends without a transcript; its result is only used for a video that is ready.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use crate::media::{FeedReader, SpeechFeed};
use crate::speech::{self, PcmSource, SpeechError, SpeechModel, TranscribeOptions, Transcript};

impl PcmSource for FeedReader {
    fn describe(&self) -> String {
        "the upload's speech audio".into()
    }

    fn is_growing(&self) -> bool {
        FeedReader::is_growing(self)
    }

    fn remaining_bytes(&self) -> Option<u64> {
        FeedReader::remaining_bytes(self)
    }
}

pub(super) struct Transcription {
    feed: Arc<SpeechFeed>,
    cancel: CancelOnDrop,
    task: tokio::task::JoinHandle<Result<Transcript, SpeechError>>,
}

/// A job that returns early (say, a failed upload of the MP4) drops its transcription;
/// this stops the blocking thread instead of letting it run on beside the retry.
struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

impl Transcription {
    /// Start reading (and waiting for) the speech audio on a blocking thread.
    /// `language` is a Whisper code, or `None` to detect it; `window_secs` `None` takes
    /// the default windows.
    pub(super) fn start(
        model: Arc<SpeechModel>,
        threads: usize,
        deadline: Instant,
        language: Option<String>,
        window_secs: Option<u32>,
    ) -> Transcription {
        let feed = SpeechFeed::new();
        let cancel = Arc::new(AtomicBool::new(false));
        let defaults = TranscribeOptions::default();
        let options = TranscribeOptions {
            threads,
            deadline: Some(deadline),
            cancel: Some(cancel.clone()),
            language,
            window_secs: window_secs.unwrap_or(defaults.window_secs),
            ..defaults
        };
        let reader = feed.reader(Some(deadline));
        let task = tokio::task::spawn_blocking(move || speech::transcribe_pcm(&model, reader, &options));
        Transcription { feed, cancel: CancelOnDrop(cancel), task }
    }

    /// What the media pipeline writes the speech audio through.
    pub(super) fn feed(&self) -> Arc<SpeechFeed> {
        self.feed.clone()
    }

    /// Stop early (the media failed), if running, and wait for the thread to let go.
    pub(super) async fn stop(transcription: Option<Transcription>) {
        if let Some(t) = transcription {
            t.cancel.0.store(true, Ordering::Relaxed);
            let _ = t.task.await;
        }
    }

    /// The transcript, once the whole audio has been read and transcribed.
    pub(super) async fn finish(self) -> anyhow::Result<Result<Transcript, SpeechError>> {
        Ok(self.task.await?)
    }
}
