//! Errors of the speech module.
//!
//! Policy: every failure a caller can meet (missing or corrupt model, unreadable audio,
//! a passed deadline, whisper.cpp refusing to run) is a [`SpeechError`] value. Nothing
//! in this module panics on bad input, and nothing reaches whisper.cpp that we know
//! would make it call `abort()`: see `model_file.rs`.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum SpeechError {
    #[error("speech model not found at {path}; run scripts/install-model.sh")]
    ModelNotFound { path: PathBuf },

    #[error("cannot read speech model {path}: {source}")]
    ModelUnreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The file exists but is not a whisper.cpp ggml model we are willing to load.
    #[error("{path} is not a usable whisper.cpp ggml model: {reason}")]
    InvalidModel { path: PathBuf, reason: String },

    /// The header looked right but whisper.cpp still refused the file.
    #[error("whisper.cpp could not load the speech model {path}")]
    ModelLoad { path: PathBuf },

    #[error("cannot read audio {source_name}: {source}")]
    AudioUnreadable {
        source_name: String,
        #[source]
        source: std::io::Error,
    },

    #[error("invalid transcription options: {0}")]
    InvalidOptions(String),

    /// The caller's deadline passed. `transcribed_ms` is how much audio was finished;
    /// partial results are dropped because a half transcript is easy to mistake for a
    /// whole one.
    #[error("transcription deadline passed after {transcribed_ms} ms of audio")]
    DeadlineExceeded { transcribed_ms: i64 },

    /// The caller cancelled (its cancel flag was set), e.g. because the media failed.
    #[error("transcription cancelled after {transcribed_ms} ms of audio")]
    Cancelled { transcribed_ms: i64 },

    #[error("whisper.cpp failed while {during}: {source}")]
    Whisper {
        during: &'static str,
        #[source]
        source: whisper_rs::WhisperError,
    },
}

impl SpeechError {
    pub(crate) fn whisper(during: &'static str) -> impl FnOnce(whisper_rs::WhisperError) -> Self {
        move |source| SpeechError::Whisper { during, source }
    }
}
