//! A path extractor whose failures speak the API's error format.
//!
//! axum's own `Path` answers a segment that is not UTF-8 once percent-decoded (`%FF`)
//! with a plain-text 400. Such a segment cannot name anything we store, so it gets the
//! JSON 404 every other unknown id gets.

use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::api::error::AppError;

pub struct ApiPath<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(value)) => Ok(ApiPath(value)),
            Err(PathRejection::FailedToDeserializePathParams(_)) => Err(AppError::NotFound),
            // Only a route registered without its parameters gets here: a bug, not input.
            Err(other) => Err(AppError::Internal(anyhow::anyhow!("path parameters: {}", other.body_text()))),
        }
    }
}
