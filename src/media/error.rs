//! The media module's error type.
//!
//! Policy: every failure is classified so the caller can decide who hears about it.
//! * [`MediaError::InvalidInput`] — the upload is the problem (empty, not media,
//!   truncated, no usable stream, absurd dimensions, codec we cannot decode).
//!   Its `reason` is written for the uploader and safe to show them; FFmpeg's own
//!   message, when there is one, is kept apart as `detail` for the log.
//! * [`MediaError::DeadlineExceeded`] — `ProcessOptions::deadline` passed.
//! * [`MediaError::Internal`] — our problem (encoder/muxer failure, output-dir I/O,
//!   a panic inside the FFmpeg bindings). Log it; don't blame the user.

/// Error returned by [`super::probe`] and [`super::process`].
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    /// The input cannot be used. `reason` is user-facing; `detail` (FFmpeg's own words) is
    /// for the log only.
    #[error("unsupported or invalid media: {reason}{}", detail_suffix(.detail))]
    InvalidInput { reason: String, detail: Option<String> },
    /// Processing was aborted because the caller's deadline passed.
    #[error("media processing exceeded its deadline")]
    DeadlineExceeded,
    /// A failure on our side; the chain carries the technical detail.
    #[error("internal media error: {0:#}")]
    Internal(#[from] anyhow::Error),
}

fn detail_suffix(detail: &Option<String>) -> String {
    detail.as_deref().map(|d| format!(" ({d})")).unwrap_or_default()
}

impl MediaError {
    /// True when the uploader caused the failure (show them the message, don't retry).
    pub fn is_user_error(&self) -> bool {
        matches!(self, MediaError::InvalidInput { .. })
    }

    /// What the uploader is told: one short sentence, never paths or an error chain (the
    /// `Display` form, with those, is for the log).
    pub fn user_reason(&self) -> String {
        match self {
            MediaError::InvalidInput { reason, .. } => reason.clone(),
            MediaError::DeadlineExceeded => "processing took longer than its time limit".into(),
            MediaError::Internal(_) => "processing failed".into(),
        }
    }

    pub(super) fn invalid(msg: impl Into<String>) -> Self {
        MediaError::InvalidInput { reason: msg.into(), detail: None }
    }

    /// Invalid input, with the foreign error that said so kept for the log.
    pub(super) fn invalid_because(msg: impl Into<String>, detail: impl std::fmt::Display) -> Self {
        MediaError::InvalidInput { reason: msg.into(), detail: Some(detail.to_string()) }
    }

    pub(super) fn internal(msg: impl std::fmt::Display) -> Self {
        MediaError::Internal(anyhow::anyhow!("{msg}"))
    }
}

/// Classify a foreign error at the call site, where we know whose fault it is.
pub(super) trait ResultExt<T> {
    /// The failure is ours (encoder, muxer, filesystem).
    fn internal(self, what: &str) -> Result<T, MediaError>;
    /// The failure was caused by the input file; `what` is the user-facing reason.
    fn invalid(self, what: &str) -> Result<T, MediaError>;
}

impl<T, E> ResultExt<T> for Result<T, E>
where
    E: std::error::Error + Send + Sync + 'static,
{
    fn internal(self, what: &str) -> Result<T, MediaError> {
        self.map_err(|e| MediaError::Internal(anyhow::Error::new(e).context(what.to_string())))
    }

    fn invalid(self, what: &str) -> Result<T, MediaError> {
        self.map_err(|e| MediaError::invalid_because(what, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification_and_messages() {
        let e: Result<(), _> = Err(std::io::Error::other("disk full"));
        let e = e.internal("writing poster").unwrap_err();
        assert!(!e.is_user_error());
        assert!(e.to_string().contains("writing poster"), "{e}");
        assert!(e.to_string().contains("disk full"), "{e}");

        let e = MediaError::invalid("the file is empty");
        assert!(e.is_user_error());
        assert_eq!(e.to_string(), "unsupported or invalid media: the file is empty");
        assert_eq!(e.user_reason(), "the file is empty");

        // FFmpeg's words go to the log, not to the uploader.
        let e: Result<(), _> = Err(std::io::Error::other("Invalid data found when processing input"));
        let e = e.invalid("the file is not a recognised video or audio format").unwrap_err();
        assert!(e.to_string().contains("Invalid data found"), "{e}");
        assert_eq!(e.user_reason(), "the file is not a recognised video or audio format");
        let e = MediaError::internal("muxer exploded at /tmp/work/x");
        assert_eq!(e.user_reason(), "processing failed");
    }
}
