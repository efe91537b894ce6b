//! Words, with timings, from whisper.cpp's timed tokens.
//!
//! Policy:
//! - Whisper emits BPE tokens. A token whose text starts with a space begins a new
//!   word; any other token continues the current one (so "migr" + "ation" + "." is
//!   one word "migration."). Bytes are joined before UTF-8 decoding because one
//!   character can be split across tokens.
//! - The caller drops special tokens (end-of-text, `[_BEG_]`, timestamps, language and
//!   task markers) before calling; words with no letter or digit (a lone "-" or "...")
//!   are dropped here, since they carry nothing to search for or highlight.
//! - Token times are estimates (DTW or heuristic, see `transcribe.rs`), so they are
//!   made consistent rather than trusted: each word lies inside its segment, starts no earlier than
//!   the previous word ended, and never ends before it starts.

use super::transcript::Word;

/// One non-special token, already converted to absolute milliseconds.
#[derive(Debug, Clone)]
pub(crate) struct TimedToken {
    pub bytes: Vec<u8>,
    pub start_ms: i64,
    pub end_ms: i64,
}

/// Groups `tokens` into words and clamps their times into `seg_start..=seg_end`.
pub(crate) fn words_from_tokens(tokens: &[TimedToken], seg_start: i64, seg_end: i64) -> Vec<Word> {
    let mut raw: Vec<(Vec<u8>, i64, i64)> = Vec::new();
    for t in tokens {
        match raw.last_mut() {
            Some((bytes, _, end)) if !t.bytes.starts_with(b" ") => {
                bytes.extend_from_slice(&t.bytes);
                *end = t.end_ms;
            }
            _ => raw.push((t.bytes.clone(), t.start_ms, t.end_ms)),
        }
    }

    let seg_end = seg_end.max(seg_start);
    let mut cursor = seg_start;
    let mut words = Vec::with_capacity(raw.len());
    for (bytes, start, end) in raw {
        let text = String::from_utf8_lossy(&bytes).trim().to_string();
        if !text.chars().any(char::is_alphanumeric) {
            continue;
        }
        // max-then-min rather than clamp(): clamp panics if its bounds ever cross.
        let start_ms = start.max(cursor).min(seg_end);
        let end_ms = end.max(start_ms).min(seg_end);
        cursor = end_ms;
        words.push(Word { start_ms, end_ms, text });
    }
    words
}

/// A token of punctuation only (".", ",", " -", "。"): it takes no time in speech.
/// Bytes that are not valid UTF-8 on their own (part of a split character) are not
/// punctuation.
pub(crate) fn is_punctuation(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes).is_ok_and(|s| {
        let punct = |c: char| c.is_ascii_punctuation() || c.is_whitespace() || "。，、？！…「」『』“”‘’«»".contains(c);
        !s.trim().is_empty() && s.chars().all(punct)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tok(text: &str, start_ms: i64, end_ms: i64) -> TimedToken {
        TimedToken { bytes: text.as_bytes().to_vec(), start_ms, end_ms }
    }

    fn texts(words: &[Word]) -> Vec<&str> {
        words.iter().map(|w| w.text.as_str()).collect()
    }

    #[test]
    fn merges_sub_word_tokens_and_keeps_punctuation_on_the_word() {
        let tokens = [
            tok(" Hello", 1000, 1300),
            tok(" team", 1300, 1600),
            tok(".", 1600, 1650),
            tok(" the", 2000, 2100),
            tok(" migr", 2100, 2300),
            tok("ation", 2300, 2600),
            tok(" -", 2600, 2650),
        ];
        let words = words_from_tokens(&tokens, 1000, 3000);
        assert_eq!(texts(&words), ["Hello", "team.", "the", "migration"]);
        assert_eq!((words[3].start_ms, words[3].end_ms), (2100, 2600));
    }

    #[test]
    fn joins_utf8_split_across_tokens() {
        let e_acute = "é".as_bytes();
        let tokens = [
            TimedToken { bytes: [b" caf", &e_acute[..1]].concat(), start_ms: 0, end_ms: 100 },
            TimedToken { bytes: e_acute[1..].to_vec(), start_ms: 100, end_ms: 200 },
        ];
        assert_eq!(texts(&words_from_tokens(&tokens, 0, 200)), ["café"]);
    }

    #[test]
    fn clamps_times_into_segment_and_monotonic() {
        let tokens = [
            tok(" early", 500, 900),  // starts before the segment
            tok(" back", 800, 700),   // overlaps and is reversed
            tok(" late", 4000, 5000), // runs past the segment end
        ];
        let words = words_from_tokens(&tokens, 1000, 3000);
        let spans: Vec<(i64, i64)> = words.iter().map(|w| (w.start_ms, w.end_ms)).collect();
        assert_eq!(spans, [(1000, 1000), (1000, 1000), (3000, 3000)]);
        for pair in words.windows(2) {
            assert!(pair[0].end_ms <= pair[1].start_ms);
        }
    }

    #[test]
    fn punctuation_tokens() {
        for p in [&b"."[..], b",", b" -", b"...", "。".as_bytes(), b"\"", b" ("] {
            assert!(is_punctuation(p), "{p:?}");
        }
        for p in [&b" Hello"[..], b"'s", b"", b" ", &"é".as_bytes()[..1], b"2"] {
            assert!(!is_punctuation(p), "{p:?}");
        }
    }

    #[test]
    fn no_tokens_no_words() {
        assert!(words_from_tokens(&[], 0, 1000).is_empty());
        assert!(words_from_tokens(&[tok(" ...", 0, 10)], 0, 1000).is_empty());
    }
}
