//! What can go wrong with a transcript, in the service's own words; `api/` maps these to HTTP.

use crate::store::StoreError;
use crate::videos::VideoError;

#[derive(Debug, thiserror::Error)]
pub enum TranscriptError {
    /// There is no finished transcript to change (yet, or any more: being re-made).
    #[error("the transcript is not ready; wait until transcript_status is ready")]
    NotReady,
    /// The index names no segment of the transcript.
    #[error("no such transcript segment")]
    NoSuchSegment,
    #[error(transparent)]
    Video(#[from] VideoError),
    #[error(transparent)]
    Storage(#[from] StoreError),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for TranscriptError {
    fn from(err: sqlx::Error) -> Self {
        TranscriptError::Internal(err.into())
    }
}

pub type TranscriptResult<T> = Result<T, TranscriptError>;
