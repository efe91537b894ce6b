//! `/api/videos/{id}/transcript/segments/{index}`: a manager corrects what was heard.

use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use utoipa::ToSchema;

use super::json::ApiJson;
use super::path::ApiPath;
use super::session::SignedIn;
use crate::api::error::{AppError, AppResult};
use crate::app::AppState;
use crate::domain::SegmentText;
use crate::speech::Segment;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = SegmentCorrection)]
pub struct CorrectionBody {
    /// The segment's new text, 1-2000 characters.
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
    )]
    text: String,
}

#[utoipa::path(
    patch,
    operation_id = "transcript_segment_correct",
    path = "/api/videos/{id}/transcript/segments/{index}",
    tag = "videos",
    security(("session" = []), ("bearer" = [])),
    params(
        ("id" = String, Path, description = "Video id"),
        ("index" = String, Path, description = "The segment's position in the transcript's `segments`, from 0"),
    ),
    request_body = CorrectionBody,
    responses(
        (status = 200, description = "The corrected segment; captions and search already follow it", body = Segment),
        (status = 400, response = super::openapi::BadRequest),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 403, response = super::openapi::Forbidden),
        (status = 404, response = super::openapi::NotFound),
        (status = 409, response = super::openapi::Conflict),
        (status = 413, response = super::openapi::PayloadTooLarge),
        (status = 415, response = super::openapi::UnsupportedMediaType),
        (status = 422, response = super::openapi::ValidationFailed),
    )
)]
pub async fn correct_segment(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    ApiPath((id, index)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<CorrectionBody>,
) -> AppResult<Json<Segment>> {
    let video = state.videos.managed(&id, &user).await?;
    // Only plain decimal positions; anything else names no segment.
    let index: usize = index
        .parse()
        .ok()
        .filter(|_| !index.is_empty() && index.bytes().all(|b| b.is_ascii_digit()))
        .ok_or(AppError::NotFound)?;
    let text = SegmentText::parse(&body.text).map_err(AppError::Validation)?;
    Ok(Json(state.transcripts.correct(video, index, text, &user.id).await?))
}
