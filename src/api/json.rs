//! A JSON extractor whose failures speak the API's error format:
//! malformed JSON -> 400, wrong or missing fields -> 422, not JSON -> 415, too big -> 413.
//!
//! Every body is a JSON object. serde would also fill a struct from an array of its
//! fields in order (`[null, null]`), which no client means to send and the API
//! description does not allow, so anything but an object is refused (422).

use axum::body::Bytes;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use crate::api::error::AppError;

pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(req.headers()) {
            return Err(AppError::UnsupportedMediaType("send a JSON body with Content-Type: application/json".into()));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|err| {
            if err.status() == StatusCode::PAYLOAD_TOO_LARGE {
                AppError::PayloadTooLarge("the request body is too large".into())
            } else {
                AppError::bad_request(err.body_text())
            }
        })?;
        if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
            // Well-formed JSON of the wrong shape is invalid; anything else is malformed.
            return Err(match serde_json::from_slice::<serde_json::Value>(&bytes) {
                Ok(_) => AppError::validation("the request body must be a JSON object"),
                Err(_) => AppError::bad_request("the request body is not a JSON object"),
            });
        }
        match axum::Json::<T>::from_bytes(&bytes) {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(JsonRejection::JsonDataError(err)) => Err(AppError::validation(err.body_text())),
            Err(other) => Err(AppError::bad_request(other.body_text())),
        }
    }
}

/// `application/json` or any `application/...+json`, as axum's own `Json` accepts.
fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}
