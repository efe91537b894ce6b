//! What can go wrong with an upload, in the service's own words; `api/` maps these to
//! HTTP (and tus's own status codes).

use crate::store::StoreError;
use crate::videos::VideoError;

#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    /// Unknown, or someone else's.
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    Gone(&'static str),
    /// The upload is not where the request assumes (offset, state).
    #[error("{0}")]
    Conflict(String),
    /// The request is malformed (metadata, lengths, an interrupted body).
    #[error("{0}")]
    Malformed(String),
    #[error("{0}")]
    TooLarge(String),
    /// A configured per-user limit would be passed; nothing already stored is touched.
    #[error("{message}")]
    Quota { limit: QuotaLimit, message: String },
    #[error("this upload is being written by another request; retry shortly")]
    Locked,
    #[error("checksum mismatch: the bytes were discarded")]
    ChecksumMismatch,
    #[error(transparent)]
    Video(#[from] VideoError),
    #[error(transparent)]
    Storage(StoreError),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// The upload limits an operator configures (see `config.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuotaLimit {
    /// Bytes of originals, derived media and unfinished uploads per user.
    Storage,
    /// Unfinished uploads per user.
    UnfinishedUploads,
    /// The body of one checksummed PATCH (spooled before it is verified).
    ChecksumBody,
}

impl UploadError {
    pub fn conflict(message: impl Into<String>) -> UploadError {
        UploadError::Conflict(message.into())
    }

    pub fn malformed(message: impl Into<String>) -> UploadError {
        UploadError::Malformed(message.into())
    }
}

impl From<sqlx::Error> for UploadError {
    fn from(err: sqlx::Error) -> Self {
        UploadError::Internal(err.into())
    }
}

impl From<StoreError> for UploadError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound => UploadError::NotFound,
            StoreError::Locked => UploadError::Locked,
            other => UploadError::Storage(other),
        }
    }
}

pub type UploadResult<T> = Result<T, UploadError>;
