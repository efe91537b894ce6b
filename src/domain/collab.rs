//! Collaboration inputs: comment bodies, emoji, positions on the timeline.

/// A comment body: stored and returned exactly as written, never trimmed or rewritten.
/// Control characters other than line breaks and tabs are refused: they have no business
/// in a comment and some (U+0001/U+0002) are the search highlighter's markers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentBody(String);

impl CommentBody {
    pub const MAX_CHARS: usize = 10_000;

    pub fn parse(raw: String) -> Result<CommentBody, String> {
        if raw.trim().is_empty() {
            return Err("body must not be empty".into());
        }
        if raw.chars().count() > Self::MAX_CHARS {
            return Err(format!("body must be at most {} characters", Self::MAX_CHARS));
        }
        if raw.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
            return Err("body must not contain control characters".into());
        }
        Ok(CommentBody(raw))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Exactly one emoji, as listed in Unicode's emoji data (via the `emojis` crate): skin-tone
/// variants, flags and ZWJ sequences included. Stored in its fully-qualified form so that
/// "❤" and "❤️" count as the same reaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Emoji(&'static str);

impl Emoji {
    pub fn parse(raw: &str) -> Result<Emoji, String> {
        // The longest emoji (family ZWJ sequences with skin tones) is well under 64 bytes.
        let found = if raw.len() <= 64 { emojis::get(raw) } else { None };
        found.map(|emoji| Emoji(emoji.as_str())).ok_or_else(|| "emoji must be exactly one emoji".to_string())
    }

    pub fn as_str(&self) -> &'static str {
        self.0
    }
}

/// A workspace's display name.
#[derive(Debug, Clone)]
pub struct WorkspaceName(String);

impl WorkspaceName {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(raw: &str) -> Result<WorkspaceName, String> {
        super::account::bounded_text(raw, "name", Self::MAX_CHARS).map(WorkspaceName)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A position in a video, in milliseconds from the start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimestampMs(i64);

impl TimestampMs {
    /// Longer than any recording we accept (a day), so absurd numbers are refused early.
    const MAX: i64 = 24 * 3600 * 1000;

    /// `duration_ms`, when known, bounds the position (the last frame counts as inside).
    pub fn parse(raw: i64, duration_ms: Option<i64>) -> Result<TimestampMs, String> {
        if raw < 0 {
            return Err("timestamp_ms must not be negative".into());
        }
        let limit = duration_ms.filter(|d| *d > 0).unwrap_or(Self::MAX).min(Self::MAX);
        if raw > limit {
            return Err(format!("timestamp_ms must be within the video (0..={limit})"));
        }
        Ok(TimestampMs(raw))
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_keep_markup_verbatim_but_refuse_empty_long_and_control() {
        let body = CommentBody::parse("<script>alert(1)</script>\n  ".into()).unwrap();
        assert_eq!(body.as_str(), "<script>alert(1)</script>\n  ");
        assert!(CommentBody::parse("   \n".into()).is_err());
        assert!(CommentBody::parse("x".repeat(10_001)).is_err());
        assert!(CommentBody::parse("é".repeat(10_000)).is_ok(), "the limit counts characters, not bytes");
        assert!(CommentBody::parse("a\u{1}b".into()).is_err());
    }

    #[test]
    fn emoji_accepts_single_emoji_of_every_shape() {
        for ok in ["👍", "👍🏽", "🇯🇵", "👨‍👩‍👧‍👦", "🏳️‍🌈", "❤️", "🧑🏿‍💻"]
        {
            assert!(Emoji::parse(ok).is_ok(), "{ok} should be accepted");
        }
        assert_eq!(Emoji::parse("❤").unwrap().as_str(), "❤️", "unqualified form is normalised");
    }

    #[test]
    fn emoji_refuses_text_and_several_emoji() {
        for bad in ["", "a", ":+1:", "👍👍", "👍 ", "🇯", "<b>", &"👍".repeat(40)] {
            assert!(Emoji::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn timestamps_stay_inside_the_video() {
        assert!(TimestampMs::parse(-1, None).is_err());
        assert!(TimestampMs::parse(5_000, Some(4_000)).is_err());
        assert_eq!(TimestampMs::parse(4_000, Some(4_000)).unwrap().get(), 4_000);
        assert!(TimestampMs::parse(i64::MAX, None).is_err());
    }
}
