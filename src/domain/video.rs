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

    pub fn parse(text: &str) -> Option<Visibility> {
        [Visibility::Private, Visibility::Unlisted, Visibility::Public].into_iter().find(|v| v.as_str() == text)
    }
}

/// Where a video's media is in its life. The allowed moves between these live in
/// `videos::lifecycle`; this type only names the states and their stored spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VideoStatus {
    /// Created; no byte received yet.
    WaitingUpload,
    /// An upload is attached and bytes are arriving.
    Uploading,
    /// The original is stored; processing is queued.
    Uploaded,
    /// A worker is making the playable media.
    Processing,
    /// The playable MP4, poster and storyboard exist.
    Ready,
    /// Processing failed for good; the original stays watchable.
    Failed,
}

impl VideoStatus {
    pub const ALL: [VideoStatus; 6] = [
        VideoStatus::WaitingUpload,
        VideoStatus::Uploading,
        VideoStatus::Uploaded,
        VideoStatus::Processing,
        VideoStatus::Ready,
        VideoStatus::Failed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            VideoStatus::WaitingUpload => "waiting_upload",
            VideoStatus::Uploading => "uploading",
            VideoStatus::Uploaded => "uploaded",
            VideoStatus::Processing => "processing",
            VideoStatus::Ready => "ready",
            VideoStatus::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<VideoStatus> {
        VideoStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// Where the transcript of a video is, alongside (not inside) its media status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TranscriptStatus {
    /// Processing has not started.
    Pending,
    Processing,
    Ready,
    Failed,
    /// No speech model is configured.
    Disabled,
}

impl TranscriptStatus {
    pub const ALL: [TranscriptStatus; 5] = [
        TranscriptStatus::Pending,
        TranscriptStatus::Processing,
        TranscriptStatus::Ready,
        TranscriptStatus::Failed,
        TranscriptStatus::Disabled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TranscriptStatus::Pending => "pending",
            TranscriptStatus::Processing => "processing",
            TranscriptStatus::Ready => "ready",
            TranscriptStatus::Failed => "failed",
            TranscriptStatus::Disabled => "disabled",
        }
    }

    pub fn parse(text: &str) -> Option<TranscriptStatus> {
        TranscriptStatus::ALL.into_iter().find(|s| s.as_str() == text)
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

/// A manager's wording of one transcript segment.
#[derive(Debug, Clone)]
pub struct SegmentText(String);

impl SegmentText {
    pub const MAX_CHARS: usize = 2000;

    pub fn parse(raw: &str) -> Result<SegmentText, String> {
        super::account::bounded_text(raw, "text", Self::MAX_CHARS).map(SegmentText)
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

    #[test]
    fn stored_spellings_round_trip_and_unknown_ones_are_refused() {
        for status in VideoStatus::ALL {
            assert_eq!(VideoStatus::parse(status.as_str()), Some(status));
            assert_eq!(serde_json::to_value(status).unwrap(), status.as_str());
        }
        for status in TranscriptStatus::ALL {
            assert_eq!(TranscriptStatus::parse(status.as_str()), Some(status));
            assert_eq!(serde_json::to_value(status).unwrap(), status.as_str());
        }
        assert_eq!(VideoStatus::parse("Ready"), None);
        assert_eq!(TranscriptStatus::parse("done"), None);
        assert_eq!(Visibility::parse("secret"), None);
        assert_eq!(Visibility::parse("unlisted"), Some(Visibility::Unlisted));
    }
}
