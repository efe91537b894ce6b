//! Types parsed at the boundary: once a value has one of these types it is valid.

mod account;
mod collab;
mod cursor;
mod edit;
mod fault;
mod ids;
mod language;
mod video;

pub use account::{DisplayName, Email, Password, TokenName};
pub use collab::{CommentBody, Emoji, TimestampMs, WorkspaceName};
pub use cursor::{decode_cursor, encode_cursor};
pub use edit::{Placement, TimeRange, Timeline, MAX_RANGES, MIN_RANGE_MS};
pub use fault::Fault;
pub use ids::{random_id, random_secret, sha256_hex, ResourceId};
pub use language::{
    fold_letters, is_postgres_config, postgres_config_of, Language, LanguageChoice, POSTGRES_SIMPLE_CONFIG,
    WHISPER_LANGUAGES,
};
pub use video::{SegmentText, Title, TranscriptStatus, VideoStatus, Visibility};

/// Milliseconds since the epoch as RFC 3339 with milliseconds: how the API shows times.
pub fn iso8601(ms: i64) -> String {
    let time = std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms.max(0) as u64);
    humantime::format_rfc3339_millis(time).to_string()
}
