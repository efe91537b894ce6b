//! The timeline a video plays now: the published edit's, or none (the original).

use crate::db::VideoRow;
use crate::domain::{TimeRange, Timeline};

/// The published edit of `video`, when one plays. A stored list this version cannot read
/// is treated as no edit (the original's positions are kept as they are).
pub fn published_timeline(video: &VideoRow) -> Option<Timeline> {
    let ranges: Vec<TimeRange> = serde_json::from_str(video.kept_ranges.as_deref()?).ok()?;
    let source_ms = video.source_duration_ms.unwrap_or_default().max(ranges.last()?.end_ms);
    Timeline::parse(&ranges, source_ms).ok()
}

/// The unedited recording's length (`None` until it was measured).
pub fn source_duration_ms(video: &VideoRow) -> Option<i64> {
    video.source_duration_ms.or(video.duration_ms)
}

/// How `timeline` is stored on the video row; `None` for the original.
pub fn stored_kept_ranges(timeline: &Timeline) -> Option<String> {
    (!timeline.is_whole()).then(|| serde_json::to_string(timeline.kept()).expect("ranges serialise"))
}
