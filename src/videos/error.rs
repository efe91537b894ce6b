//! What can go wrong with a video, in the service's own words; `api/` maps these to HTTP.

use crate::domain::VideoStatus;
use crate::store::StoreError;

use super::lifecycle::Transition;

#[derive(Debug, thiserror::Error)]
pub enum VideoError {
    /// Unknown, or not visible to the caller: deliberately the same.
    #[error("not found")]
    NotFound,
    /// The caller can see the video but may not change it.
    #[error("only the video's owner can do this")]
    NotManager,
    /// Well-formed, but a value is not acceptable (422).
    #[error("{0}")]
    Invalid(String),
    /// Not well-formed (400).
    #[error("{0}")]
    Malformed(String),
    /// The video is not in a state that allows the change.
    #[error("a {status} video cannot take {transition}", status = .from.as_str(), transition = .transition.name())]
    IllegalTransition { from: VideoStatus, transition: Transition },
    #[error(transparent)]
    Storage(StoreError),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for VideoError {
    fn from(err: sqlx::Error) -> Self {
        VideoError::Internal(err.into())
    }
}

impl From<StoreError> for VideoError {
    fn from(err: StoreError) -> Self {
        VideoError::Storage(err)
    }
}

pub type VideoResult<T> = Result<T, VideoError>;
