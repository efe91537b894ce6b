//! `/api/languages`: what a video or a workspace can be transcribed in.

use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use crate::speech::{spoken_languages, SpokenLanguage};

#[derive(Serialize, ToSchema)]
pub struct LanguageList {
    /// Whisper's languages in its own order; `auto` (detect) is accepted besides these.
    languages: Vec<SpokenLanguage>,
}

#[utoipa::path(
    get,
    operation_id = "languages_list",
    path = "/api/languages",
    tag = "meta",
    responses((status = 200, description = "The languages `language` and `default_language` accept", body = LanguageList))
)]
pub async fn list() -> Json<LanguageList> {
    Json(LanguageList { languages: spoken_languages() })
}
