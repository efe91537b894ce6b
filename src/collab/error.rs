//! What can go wrong with comments, reactions and views; `api/` maps these to HTTP.

use crate::videos::VideoError;

#[derive(Debug, thiserror::Error)]
pub enum CollabError {
    /// Unknown, or on a video the caller cannot see.
    #[error("not found")]
    NotFound,
    /// The caller can see it but may not do this.
    #[error("{0}")]
    Forbidden(&'static str),
    /// Well-formed, but a value is not acceptable.
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Conflict(String),
    /// Not well-formed (a cursor).
    #[error("{0}")]
    Malformed(String),
    #[error("too many requests")]
    RateLimited { retry_after_secs: u64 },
    #[error(transparent)]
    Video(#[from] VideoError),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl CollabError {
    pub fn invalid(message: impl Into<String>) -> CollabError {
        CollabError::Invalid(message.into())
    }
}

impl From<sqlx::Error> for CollabError {
    fn from(err: sqlx::Error) -> Self {
        CollabError::Internal(err.into())
    }
}

pub type CollabResult<T> = Result<T, CollabError>;
