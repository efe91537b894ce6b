//! The languages a transcript can be made in, with the names whisper.cpp gives them.

use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::WHISPER_LANGUAGES;

/// One language a manager can choose for a video or a workspace.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SpokenLanguage {
    /// Whisper's code (ISO 639-1 where one exists), as `PATCH` takes it.
    #[schema(example = "es")]
    pub code: &'static str,
    /// whisper.cpp's English name, lower case.
    #[schema(example = "spanish")]
    pub name: &'static str,
}

/// Every language Briefly offers, in Whisper's order. The names come from the linked
/// whisper.cpp rather than a second copy here.
pub fn spoken_languages() -> Vec<SpokenLanguage> {
    WHISPER_LANGUAGES
        .iter()
        .map(|&code| {
            let name = whisper_rs::get_lang_id(code).and_then(whisper_rs::get_lang_str_full).unwrap_or(code);
            SpokenLanguage { code, name }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_a_name_of_its_own() {
        let languages = spoken_languages();
        assert_eq!(languages.len(), WHISPER_LANGUAGES.len());
        let spanish = languages.iter().find(|l| l.code == "es").unwrap();
        assert_eq!(spanish.name, "spanish");
        assert!(languages.iter().all(|l| l.name != l.code), "a language fell back to its code");
    }
}
