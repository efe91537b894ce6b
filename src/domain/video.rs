//! Video inputs and states.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    /// Members of the video's workspace only.
    Private,
    /// Anyone holding the link; never listed or searchable for outsiders.
    Unlisted,
    Public,
}

impl Visibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Private => "private",
            Visibility::Unlisted => "unlisted",
            Visibility::Public => "public",
        }
    }

    pub fn from_db(text: &str) -> Visibility {
        match text {
            "public" => Visibility::Public,
            "unlisted" => Visibility::Unlisted,
            // Unknown values fail closed.
            _ => Visibility::Private,
        }
    }
}

/// Lifecycle of a video's media.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VideoStatus {
    WaitingUpload,
    Uploading,
    Uploaded,
}

impl VideoStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            VideoStatus::WaitingUpload => "waiting_upload",
            VideoStatus::Uploading => "uploading",
            VideoStatus::Uploaded => "uploaded",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Title(String);

impl Title {
    pub const MAX_CHARS: usize = 200;

    pub fn parse(raw: &str) -> Result<Title, String> {
        super::account::bounded_text(raw, "title", Self::MAX_CHARS).map(Title)
    }

    /// A title for a video created from an uploaded file name: never fails.
    pub fn from_filename(filename: Option<&str>) -> Title {
        let stem = filename
            .map(|name| name.rsplit(['/', '\\']).next().unwrap_or(name))
            .map(|name| name.rsplit_once('.').map(|(stem, _)| stem).unwrap_or(name))
            .map(|stem| stem.chars().filter(|c| !c.is_control()).take(Self::MAX_CHARS).collect::<String>())
            .map(|stem| stem.trim().to_string())
            .filter(|stem| !stem.is_empty());
        Title(stem.unwrap_or_else(|| "Untitled recording".to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_from_filenames_drop_paths_and_extensions() {
        assert_eq!(Title::from_filename(Some("C:\\clips\\Monday update.webm")).as_str(), "Monday update");
        assert_eq!(Title::from_filename(Some("../../x.mp4")).as_str(), "x");
        assert_eq!(Title::from_filename(None).as_str(), "Untitled recording");
        assert_eq!(Title::from_filename(Some(".webm")).as_str(), "Untitled recording");
    }

    #[test]
    fn titles_are_bounded() {
        assert!(Title::parse(&"t".repeat(201)).is_err());
        assert!(Title::parse(" ").is_err());
        assert_eq!(Title::parse(" Hi ").unwrap().as_str(), "Hi");
    }
}
