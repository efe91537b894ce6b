//! One error type for the HTTP boundary, and the one place service errors become HTTP.
//!
//! Services speak their own error types (no HTTP in them); the `From` impls at the end
//! of this file decide each one's status. Every failure a client can see becomes an [`AppError`] with a stable machine-readable
//! `code`; the body is always `{"error":{"code":"...","message":"..."}}`. Internal errors
//! are logged with their full chain and answered with a generic message: a 5xx never
//! carries internals.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::domain::Fault;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    BadRequest(String),
    #[error("sign in to do this")]
    Unauthorized,
    #[error("email or password is wrong")]
    InvalidCredentials,
    /// A signed-in caller gave the wrong current password: 403, not 401, so a client does
    /// not take it for a lost session.
    #[error("the current password is wrong")]
    WrongPassword,
    #[error("{0}")]
    Forbidden(&'static str),
    /// Unknown, or not visible to the caller: the two are deliberately indistinguishable.
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    Conflict(String),
    /// A save based on a version someone else replaced meanwhile.
    #[error("{0}")]
    StaleEdit(String),
    #[error("{0}")]
    Gone(&'static str),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("requested range not satisfiable")]
    RangeNotSatisfiable { size: u64 },
    #[error("{0}")]
    Validation(String),
    #[error("this upload is being written by another request; retry shortly")]
    Locked,
    #[error("checksum mismatch: the bytes were discarded")]
    ChecksumMismatch,
    #[error("unsupported tus version; this server speaks 1.0.0")]
    TusVersion,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: u64 },
    /// The server is at capacity for this kind of work (not the caller's fault).
    #[error("{message}")]
    Overloaded { message: &'static str, retry_after_secs: u64 },
    /// A configured quota would be passed (413): `code` names which one.
    #[error("{message}")]
    QuotaExceeded { code: &'static str, message: String },
    /// Too many of something held open at once (429): `code` names which limit.
    #[error("{message}")]
    TooManyOpen { code: &'static str, message: String },
    /// The database or object store is down or restarting; nothing was half-done.
    #[error("the service is briefly unavailable; retry shortly")]
    Unavailable,
    #[error("the server's storage is full; nothing more was stored")]
    InsufficientStorage,
    #[error("internal error")]
    Internal(anyhow::Error),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthorized | AppError::InvalidCredentials => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) | AppError::WrongPassword => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Conflict(_) | AppError::StaleEdit(_) => StatusCode::CONFLICT,
            AppError::Gone(_) => StatusCode::GONE,
            AppError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::RangeNotSatisfiable { .. } => StatusCode::RANGE_NOT_SATISFIABLE,
            AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Locked => StatusCode::LOCKED,
            // 460 is the tus checksum extension's own status code.
            AppError::ChecksumMismatch => StatusCode::from_u16(460).expect("460 is a valid status"),
            AppError::TusVersion => StatusCode::PRECONDITION_FAILED,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Overloaded { .. } => StatusCode::SERVICE_UNAVAILABLE,
            AppError::QuotaExceeded { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::TooManyOpen { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            AppError::InsufficientStorage => StatusCode::INSUFFICIENT_STORAGE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Stable code clients may branch on; never changes once published.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::BadRequest(_) => "bad_request",
            AppError::Unauthorized => "unauthorized",
            AppError::InvalidCredentials => "invalid_credentials",
            AppError::WrongPassword => "wrong_password",
            AppError::Forbidden(_) => "forbidden",
            AppError::NotFound => "not_found",
            AppError::Conflict(_) => "conflict",
            AppError::StaleEdit(_) => "stale_edit",
            AppError::Gone(_) => "gone",
            AppError::PayloadTooLarge(_) => "payload_too_large",
            AppError::UnsupportedMediaType(_) => "unsupported_media_type",
            AppError::RangeNotSatisfiable { .. } => "range_not_satisfiable",
            AppError::Validation(_) => "validation_failed",
            AppError::Locked => "locked",
            AppError::ChecksumMismatch => "checksum_mismatch",
            AppError::TusVersion => "tus_version_unsupported",
            AppError::MethodNotAllowed => "method_not_allowed",
            AppError::TooManyRequests { .. } => "rate_limited",
            AppError::Overloaded { .. } => "overloaded",
            AppError::QuotaExceeded { code, .. } | AppError::TooManyOpen { code, .. } => code,
            AppError::Unavailable => "unavailable",
            AppError::InsufficientStorage => "insufficient_storage",
            AppError::Internal(_) => "internal",
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        AppError::BadRequest(message.into())
    }

    pub fn validation(message: impl Into<String>) -> Self {
        AppError::Validation(message.into())
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        AppError::Conflict(message.into())
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        match &self {
            AppError::Internal(err) => tracing::error!(error = ?err, "request failed"),
            AppError::Unavailable | AppError::InsufficientStorage => {
                tracing::warn!(code = self.code(), "request failed on an infrastructure fault")
            }
            _ => {}
        }
        let body = json!({ "error": { "code": self.code(), "message": self.to_string() } });
        let mut response = (status, axum::Json(body)).into_response();
        let headers = response.headers_mut();
        match self {
            AppError::RangeNotSatisfiable { size } => {
                if let Ok(value) = HeaderValue::from_str(&format!("bytes */{size}")) {
                    headers.insert(axum::http::header::CONTENT_RANGE, value);
                }
            }
            AppError::TusVersion => {
                headers.insert("tus-version", HeaderValue::from_static("1.0.0"));
            }
            AppError::Locked => {
                headers.insert(axum::http::header::RETRY_AFTER, HeaderValue::from(1));
            }
            AppError::Unavailable => {
                headers.insert(axum::http::header::RETRY_AFTER, HeaderValue::from(UNAVAILABLE_RETRY_AFTER_SECS));
            }
            AppError::TooManyRequests { retry_after_secs } | AppError::Overloaded { retry_after_secs, .. } => {
                headers.insert(axum::http::header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
            }
            AppError::TooManyOpen { .. } => {
                // Nothing to wait out: a place frees when something held open ends.
                headers.insert(axum::http::header::RETRY_AFTER, HeaderValue::from(5));
            }
            _ => {}
        }
        response
    }
}

/// How long a client should wait after a 503: a restarting database or store is usually
/// back within seconds, and the pool reconnects on its own.
const UNAVAILABLE_RETRY_AFTER_SECS: u64 = 2;

impl From<Fault> for AppError {
    fn from(fault: Fault) -> Self {
        match fault {
            Fault::Unavailable => AppError::Unavailable,
            Fault::StorageFull => AppError::InsufficientStorage,
        }
    }
}

/// The infrastructure fault anywhere in an error's chain: services wrap database, store
/// and I/O errors in their own `Internal`, and the cause is what decides 503/507 vs 500.
fn fault_in(err: &anyhow::Error) -> Option<Fault> {
    err.chain().find_map(|cause| {
        if let Some(db) = cause.downcast_ref::<sqlx::Error>() {
            crate::db::fault_of(db)
        } else if let Some(store) = cause.downcast_ref::<crate::store::StoreError>() {
            store.fault()
        } else if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            Fault::of_io(io)
        } else {
            None
        }
    })
}

/// Unexpected errors are 500s, except infrastructure faults (503/507), which a retry or
/// an operator cures.
impl From<anyhow::Error> for AppError {
    fn from(err: anyhow::Error) -> Self {
        match fault_in(&err) {
            Some(fault) => {
                tracing::warn!(error = ?err, "infrastructure fault");
                fault.into()
            }
            None => AppError::Internal(err),
        }
    }
}

/// Database errors are internal (or faults) unless a service maps them first (see
/// `db::is_unique_violation`).
impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        anyhow::Error::from(err).into()
    }
}

impl From<crate::store::StoreError> for AppError {
    fn from(err: crate::store::StoreError) -> Self {
        match err {
            crate::store::StoreError::NotFound => AppError::NotFound,
            other => anyhow::Error::from(other).into(),
        }
    }
}

impl From<crate::transcripts::TranscriptError> for AppError {
    fn from(err: crate::transcripts::TranscriptError) -> Self {
        use crate::transcripts::TranscriptError;
        match err {
            err @ TranscriptError::NotReady => AppError::Conflict(err.to_string()),
            TranscriptError::NoSuchSegment => AppError::NotFound,
            TranscriptError::Video(err) => err.into(),
            TranscriptError::Storage(err) => err.into(),
            TranscriptError::Internal(err) => err.into(),
        }
    }
}

impl From<crate::edits::EditError> for AppError {
    fn from(err: crate::edits::EditError) -> Self {
        use crate::edits::EditError;
        match err {
            EditError::Invalid(message) | EditError::BadImage(message) => AppError::Validation(message),
            err @ EditError::Stale { .. } => AppError::StaleEdit(err.to_string()),
            err @ (EditError::NotProcessed | EditError::NoPicture) => AppError::Conflict(err.to_string()),
            EditError::Video(err) => err.into(),
            EditError::Storage(err) => err.into(),
            EditError::Internal(err) => err.into(),
        }
    }
}

impl From<crate::videos::VideoError> for AppError {
    fn from(err: crate::videos::VideoError) -> Self {
        use crate::videos::VideoError;
        match err {
            VideoError::NotFound => AppError::NotFound,
            VideoError::NotManager => AppError::Forbidden("only the video's owner can do this"),
            VideoError::Invalid(message) => AppError::Validation(message),
            VideoError::Malformed(message) => AppError::BadRequest(message),
            err @ VideoError::IllegalTransition { .. } => AppError::Conflict(err.to_string()),
            VideoError::Storage(err) => err.into(),
            VideoError::Internal(err) => err.into(),
        }
    }
}

impl From<crate::uploads::UploadError> for AppError {
    fn from(err: crate::uploads::UploadError) -> Self {
        use crate::uploads::{QuotaLimit, UploadError};
        match err {
            UploadError::NotFound => AppError::NotFound,
            UploadError::Gone(message) => AppError::Gone(message),
            UploadError::Conflict(message) => AppError::Conflict(message),
            UploadError::Malformed(message) => AppError::BadRequest(message),
            UploadError::TooLarge(message) => AppError::PayloadTooLarge(message),
            err @ UploadError::Quota { .. } => {
                let code = match err {
                    UploadError::Quota { limit: QuotaLimit::UnfinishedUploads, .. } => {
                        return AppError::TooManyOpen { code: "unfinished_upload_limit", message: err.to_string() }
                    }
                    UploadError::Quota { limit: QuotaLimit::Storage, .. } => "storage_quota_exceeded",
                    _ => "checksum_body_too_large",
                };
                AppError::QuotaExceeded { code, message: err.to_string() }
            }
            UploadError::Locked => AppError::Locked,
            UploadError::ChecksumMismatch => AppError::ChecksumMismatch,
            UploadError::Video(err) => err.into(),
            UploadError::Storage(err) => err.into(),
            UploadError::Internal(err) => err.into(),
        }
    }
}

impl From<crate::collab::CollabError> for AppError {
    fn from(err: crate::collab::CollabError) -> Self {
        use crate::collab::CollabError;
        match err {
            CollabError::NotFound => AppError::NotFound,
            CollabError::Forbidden(message) => AppError::Forbidden(message),
            CollabError::Invalid(message) => AppError::Validation(message),
            CollabError::Conflict(message) => AppError::Conflict(message),
            CollabError::Malformed(message) => AppError::BadRequest(message),
            CollabError::RateLimited { retry_after_secs } => AppError::TooManyRequests { retry_after_secs },
            CollabError::Video(err) => err.into(),
            CollabError::Internal(err) => err.into(),
        }
    }
}

impl From<crate::events::StreamLimitError> for AppError {
    fn from(err: crate::events::StreamLimitError) -> Self {
        use crate::events::StreamLimitError;
        let code = match err {
            StreamLimitError::PerUser(_) => "stream_limit_per_user",
            StreamLimitError::PerAddress(_) => "stream_limit_per_address",
        };
        AppError::TooManyOpen { code, message: err.to_string() }
    }
}

impl From<crate::workspaces::WorkspaceError> for AppError {
    fn from(err: crate::workspaces::WorkspaceError) -> Self {
        use crate::workspaces::WorkspaceError;
        match err {
            WorkspaceError::NotFound => AppError::NotFound,
            WorkspaceError::Forbidden(message) => AppError::Forbidden(message),
            WorkspaceError::Invalid(message) => AppError::Validation(message),
            WorkspaceError::Conflict(message) => AppError::Conflict(message),
            WorkspaceError::Gone(message) => AppError::Gone(message),
            WorkspaceError::Internal(err) => err.into(),
        }
    }
}

impl From<crate::auth::AuthError> for AppError {
    fn from(err: crate::auth::AuthError) -> Self {
        use crate::auth::AuthError;
        match err {
            AuthError::InvalidCredentials => AppError::InvalidCredentials,
            AuthError::WrongPassword => AppError::WrongPassword,
            AuthError::NotFound => AppError::NotFound,
            AuthError::Conflict(message) => AppError::Conflict(message),
            AuthError::RateLimited { retry_after_secs } => AppError::TooManyRequests { retry_after_secs },
            AuthError::Overloaded => {
                AppError::Overloaded { message: "too many sign-ins at once; retry shortly", retry_after_secs: 1 }
            }
            AuthError::Internal(err) => err.into(),
        }
    }
}

impl From<crate::search::SearchError> for AppError {
    fn from(err: crate::search::SearchError) -> Self {
        use crate::search::SearchError;
        match err {
            SearchError::Malformed(message) => AppError::BadRequest(message.into()),
            SearchError::UnknownWorkspace => AppError::NotFound,
            SearchError::Internal(err) => err.into(),
        }
    }
}

impl From<crate::webhooks::WebhookError> for AppError {
    fn from(err: crate::webhooks::WebhookError) -> Self {
        use crate::webhooks::WebhookError;
        match err {
            WebhookError::NotFound => AppError::NotFound,
            WebhookError::Forbidden(message) => AppError::Forbidden(message),
            WebhookError::Invalid(message) => AppError::Validation(message),
            WebhookError::Internal(err) => err.into(),
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;
