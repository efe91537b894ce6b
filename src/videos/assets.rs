//! The catalogue of everything stored for a video: the one place that formats storage
//! keys and `/api/videos/{id}/...` URLs.
//!
//! Each [`Asset`] declares its storage key, its content type, its URL, how to tell it
//! exists (from the video row alone, so listings need no storage round trips), and who
//! may fetch it. Processing writes through [`Asset::key`], the API serves by
//! [`Asset::from_url_name`], and [`super::VideoView`], live events, the web pages and
//! oEmbed link with [`Asset::url`]. Adding an asset is one variant here plus its producer.
//!
//! Stored files never contain an absolute route: storyboard cues name their sprites
//! relative to the storyboard's own URL ([`Asset::storyboard_cue_path`]).

use std::borrow::Cow;

use crate::db::VideoRow;
use crate::domain::{TranscriptStatus, VideoStatus};

/// Storyboard sprite sheets are numbered from 0; far more than any video needs.
pub const MAX_STORYBOARD_SPRITES: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asset {
    /// The file as uploaded (`original_key` on the row).
    Original,
    /// Fast-start H.264/AAC MP4 every browser plays.
    Media,
    /// A seekable remux of a browser WebM recording, stored early in processing.
    Seekable,
    /// The poster frame, at most 1280 px on its longer side.
    Poster,
    /// The poster frame 320 px wide, for listings.
    Thumbnail,
    /// WebVTT whose cues are regions of the sprite sheets.
    Storyboard,
    StoryboardSprite(usize),
    Captions,
    CaptionsSrt,
    /// `{language, segments:[{start_ms,end_ms,text,words}]}`.
    Transcript,
    /// WebVTT of Whisper's English translation, when a manager asked for one.
    Translation,
}

/// Who may fetch an asset. Today every asset follows its video (whoever may watch the
/// video may fetch it); a manager-only asset (an edit's draft) would be a second variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssetAccess {
    Watchers,
}

impl Asset {
    /// The assets served at `/api/videos/{id}/{url_name}`.
    pub const NAMED: [Asset; 10] = [
        Asset::Media,
        Asset::Seekable,
        Asset::Poster,
        Asset::Thumbnail,
        Asset::Storyboard,
        Asset::Captions,
        Asset::CaptionsSrt,
        Asset::Transcript,
        Asset::Translation,
        Asset::Original,
    ];

    /// The last path segment of its URL.
    pub fn url_name(self) -> Cow<'static, str> {
        Cow::Borrowed(match self {
            Asset::Original => "original",
            Asset::Media => "media.mp4",
            Asset::Seekable => "seekable.webm",
            Asset::Poster => "poster.jpg",
            Asset::Thumbnail => "thumbnail.jpg",
            Asset::Storyboard => "storyboard.vtt",
            Asset::StoryboardSprite(index) => return Cow::Owned(format!("storyboard/{index}.jpg")),
            Asset::Captions => "captions.vtt",
            Asset::CaptionsSrt => "captions.srt",
            Asset::Transcript => "transcript",
            Asset::Translation => "translation.vtt",
        })
    }

    /// The asset a `/api/videos/{id}/{name}` URL names.
    pub fn from_url_name(name: &str) -> Option<Asset> {
        Asset::NAMED.into_iter().find(|asset| asset.url_name() == name)
    }

    /// The asset a `/api/videos/{id}/storyboard/{sprite}` URL names (`{n}.jpg`).
    pub fn from_sprite_name(sprite: &str) -> Option<Asset> {
        sprite
            .strip_suffix(".jpg")
            .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|n| n.parse().ok())
            .filter(|n| *n < MAX_STORYBOARD_SPRITES)
            .map(Asset::StoryboardSprite)
    }

    /// Whether a published edit has its own copy; the original, the seekable copy and the
    /// storyboard's sprites are shared by every version (an edited storyboard's cues
    /// point into the original's sprites).
    pub fn follows_edit(self) -> bool {
        matches!(
            self,
            Asset::Media
                | Asset::Poster
                | Asset::Thumbnail
                | Asset::Storyboard
                | Asset::Captions
                | Asset::CaptionsSrt
                | Asset::Transcript
                | Asset::Translation
        )
    }

    /// Where published edit `version` keeps its copy.
    pub fn edit_key(self, video_id: &str, version: i64) -> String {
        let key = self.key(video_id);
        format!("{}{}", edit_prefix(video_id, version), &key[media_prefix(video_id).len()..])
    }

    /// Where it is stored. Every object of a video shares [`media_prefix`], so deleting
    /// the prefix deletes the video's media.
    pub fn key(self, video_id: &str) -> String {
        let name: Cow<'static, str> = match self {
            Asset::Transcript => "transcript.json".into(),
            other => other.url_name(),
        };
        format!("{}{name}", media_prefix(video_id))
    }

    pub fn url(self, video_id: &str) -> String {
        format!("/api/videos/{video_id}/{}", self.url_name())
    }

    /// A storyboard cue's image, relative to the storyboard's URL (`storyboard/3.jpg`),
    /// so the stored VTT never names a route.
    pub fn storyboard_cue_path(index: usize) -> String {
        Asset::StoryboardSprite(index).url_name().into_owned()
    }

    /// The type it is served as; the original's is the uploaded file's own.
    pub fn content_type(self, video: &VideoRow) -> Cow<'_, str> {
        Cow::Borrowed(match self {
            Asset::Original => return video.content_type.as_deref().unwrap_or("application/octet-stream").into(),
            Asset::Media => "video/mp4",
            Asset::Seekable => "video/webm",
            Asset::Poster | Asset::Thumbnail | Asset::StoryboardSprite(_) => "image/jpeg",
            Asset::Storyboard | Asset::Captions | Asset::Translation => "text/vtt; charset=utf-8",
            Asset::CaptionsSrt => "application/x-subrip; charset=utf-8",
            Asset::Transcript => "application/json",
        })
    }

    /// Whether the video has it, judged from the row: processing records each step
    /// only after the files it made are stored.
    pub fn exists_for(self, video: &VideoRow) -> bool {
        match self {
            Asset::Original => video.original_key.is_some(),
            // The seekable copy shows the unedited recording.
            Asset::Seekable => video.has_seekable && video.kept_ranges.is_none(),
            Asset::Media | Asset::Poster | Asset::Thumbnail | Asset::Storyboard | Asset::StoryboardSprite(_) => {
                video.status == VideoStatus::Ready
            }
            Asset::Captions | Asset::CaptionsSrt | Asset::Transcript => {
                video.transcript_status == TranscriptStatus::Ready
            }
            Asset::Translation => video.translate && video.translation_ready,
        }
    }

    /// Where it is stored for this video: the original's key is on the row (older
    /// versions chose it), an edited video's own copies are under its edit's prefix, the
    /// others follow [`Asset::key`].
    pub fn key_for(self, video: &VideoRow) -> String {
        match (self, &video.original_key) {
            (Asset::Original, Some(key)) => key.clone(),
            _ if self.follows_edit() && video.kept_ranges.is_some() => self.edit_key(&video.id, video.edit_version),
            _ => self.key(&video.id),
        }
    }

    pub fn access(self) -> AssetAccess {
        AssetAccess::Watchers
    }

    /// Its URL when the video has it. What changes with a new version or poster carries
    /// the video's revision, so a new version is a new URL (no stale cache, and players
    /// can tell), and the edit version it belongs to, so a player that started on the
    /// previous version keeps reading that version's bytes until it switches.
    pub fn url_if_exists(self, video: &VideoRow) -> Option<String> {
        self.exists_for(video).then(|| match video.media_revision {
            revision if revision > 0 && self.follows_edit() => {
                format!("{}?v={revision}&edit={}", self.url(&video.id), video.edit_version)
            }
            _ if self.follows_edit() => format!("{}?edit={}", self.url(&video.id), video.edit_version),
            _ => self.url(&video.id),
        })
    }
}

/// Every object of a video lives under this prefix.
pub fn media_prefix(video_id: &str) -> String {
    format!("videos/{video_id}/")
}

/// Where a published edit's own files live (under the video's prefix).
pub fn edit_prefix(video_id: &str, version: i64) -> String {
    format!("{}edit-{version}/", media_prefix(video_id))
}

/// Where the small S3 pieces of an upload wait until enough gather for a part.
pub fn upload_pieces_prefix(upload_id: &str) -> String {
    format!("staging/{upload_id}/")
}

/// The page that plays a video.
pub fn share_path(video_id: &str) -> String {
    format!("/v/{video_id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_share_the_video_prefix_and_urls_round_trip() {
        for asset in Asset::NAMED {
            assert!(asset.key("abc").starts_with(&media_prefix("abc")));
            assert_eq!(Asset::from_url_name(&asset.url_name()), Some(asset));
            assert_eq!(asset.url("abc"), format!("/api/videos/abc/{}", asset.url_name()));
        }
        assert_eq!(Asset::Transcript.key("abc"), "videos/abc/transcript.json");
        assert_eq!(Asset::Original.key("abc"), "videos/abc/original");
        assert_eq!(Asset::StoryboardSprite(3).key("abc"), "videos/abc/storyboard/3.jpg");
        assert_eq!(Asset::from_url_name("transcript.json"), None);
        assert_eq!(Asset::Transcript.edit_key("abc", 3), "videos/abc/edit-3/transcript.json");
        assert!(edit_prefix("abc", 3).starts_with(&media_prefix("abc")));
        assert_eq!(Asset::from_url_name("storyboard/0.jpg"), None, "sprites have their own route");
    }

    #[test]
    fn sprite_names_are_bounded_numbers() {
        assert_eq!(Asset::from_sprite_name("0.jpg"), Some(Asset::StoryboardSprite(0)));
        assert_eq!(Asset::from_sprite_name("9999.jpg"), Some(Asset::StoryboardSprite(9999)));
        for bad in ["10000.jpg", ".jpg", "-1.jpg", "+1.jpg", "1.png", "a.jpg"] {
            assert_eq!(Asset::from_sprite_name(bad), None, "{bad}");
        }
    }

    #[test]
    fn storyboard_cues_resolve_against_the_storyboard_url() {
        let storyboard = url::Url::parse("http://h/api/videos/abc/storyboard.vtt").unwrap();
        let sprite = storyboard.join(&Asset::storyboard_cue_path(2)).unwrap();
        assert_eq!(sprite.path(), Asset::StoryboardSprite(2).url("abc"));
    }
}
