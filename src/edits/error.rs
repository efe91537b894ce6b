//! What can go wrong with an edit, in the service's own words; `api/` maps these to HTTP.

use crate::store::StoreError;
use crate::videos::VideoError;

#[derive(Debug, thiserror::Error)]
pub enum EditError {
    /// The ranges are not a valid edit of this recording; the message says why.
    #[error("{0}")]
    Invalid(String),
    /// Someone saved a newer version since the caller read `current`.
    #[error("the edit was changed meanwhile (version {current} is the latest); reload it and edit again")]
    Stale { current: i64 },
    /// The recording's length is not known yet: nothing to edit against.
    #[error("the video is not processed yet; edit it once its duration is known")]
    NotProcessed,
    /// A poster was asked of a video that has no picture.
    #[error("the video has no picture to make a poster from")]
    NoPicture,
    /// An uploaded poster that is not a JPEG or PNG image we can read.
    #[error("{0}")]
    BadImage(String),
    #[error(transparent)]
    Video(#[from] VideoError),
    #[error(transparent)]
    Storage(#[from] StoreError),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for EditError {
    fn from(err: sqlx::Error) -> Self {
        EditError::Internal(err.into())
    }
}

pub type EditResult<T> = Result<T, EditError>;
