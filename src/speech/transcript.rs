//! The transcript data model, stored as JSON next to a video and rendered to captions.
//!
//! Times are integer milliseconds from the start of the audio. Invariants kept by the
//! transcriber: segments are in time order and do not overlap, each segment has
//! `start_ms <= end_ms`, and its words lie inside it in order.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transcript {
    /// ISO 639-1 code: detected for multilingual models, "en" for English-only ones.
    pub language: String,
    pub segments: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Segment {
    pub start_ms: i64,
    pub end_ms: i64,
    pub text: String,
    /// May be empty (e.g. for transcripts stored before word timings existed).
    #[serde(default)]
    pub words: Vec<Word>,
    /// Who corrected the text (a user id) and when (RFC 3339); absent on text as heard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edited_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edited_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Word {
    pub start_ms: i64,
    pub end_ms: i64,
    pub text: String,
}

impl Transcript {
    /// The whole text, segments joined by single spaces: what search indexes.
    pub fn text(&self) -> String {
        let parts: Vec<&str> = self.segments.iter().map(|s| s.text.as_str()).collect();
        parts.join(" ")
    }

    /// Every word in time order.
    pub fn words(&self) -> impl Iterator<Item = &Word> {
        self.segments.iter().flat_map(|s| s.words.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_round_trip_and_text() {
        let t = Transcript {
            language: "en".into(),
            segments: vec![Segment {
                start_ms: 0,
                end_ms: 900,
                text: "Hello team.".into(),
                words: vec![Word { start_ms: 0, end_ms: 400, text: "Hello".into() }],
                edited_by: None,
                edited_at: None,
            }],
        };
        let json = serde_json::to_string(&t).unwrap();
        assert!(!json.contains("edited"), "unedited segments carry no edit fields: {json}");
        assert_eq!(serde_json::from_str::<Transcript>(&json).unwrap(), t);
        let no_words: Transcript =
            serde_json::from_str(r#"{"language":"en","segments":[{"start_ms":1,"end_ms":2,"text":"x"}]}"#).unwrap();
        assert!(no_words.segments[0].words.is_empty());
        assert_eq!(t.text(), "Hello team.");
        assert_eq!(t.words().count(), 1);
    }
}
