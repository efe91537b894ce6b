//! A JSON extractor whose failures speak the API's error format:
//! malformed JSON -> 400, wrong or missing fields -> 422, not JSON -> 415, too big -> 413.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use crate::error::AppError;

pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(match rejection {
                JsonRejection::JsonDataError(err) => AppError::validation(err.body_text()),
                JsonRejection::JsonSyntaxError(err) => AppError::bad_request(err.body_text()),
                JsonRejection::MissingJsonContentType(_) => {
                    AppError::UnsupportedMediaType("send a JSON body with Content-Type: application/json".into())
                }
                JsonRejection::BytesRejection(err) if err.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    AppError::PayloadTooLarge("the request body is too large".into())
                }
                other => AppError::bad_request(other.body_text()),
            }),
        }
    }
}
