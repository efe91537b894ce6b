//! Cuts chosen in the transcript: snapped to the words they touch, and the filler words
//! Whisper wrote down proposed as cuts.

use crate::domain::TimeRange;
use crate::speech::{Transcript, Word};

/// Kept on both sides of a cut snapped to words, so the next word's onset is not clipped.
pub const WORD_PADDING_MS: i64 = 60;

/// Words that are hesitations, not content (compared without punctuation, any case).
pub const FILLER_WORDS: [&str; 8] = ["um", "uh", "umm", "uhm", "erm", "er", "hmm", "mm"];

/// `cut` widened to whole words: from the start of the first word it touches to the end
/// of the last, less a small padding on each side that stays within the gaps between
/// words. A cut touching no word is returned as it is.
pub fn snap_to_words(cut: TimeRange, words: &[&Word]) -> TimeRange {
    let touched: Vec<usize> =
        (0..words.len()).filter(|&i| words[i].start_ms < cut.end_ms && words[i].end_ms > cut.start_ms).collect();
    let (Some(&first), Some(&last)) = (touched.first(), touched.last()) else { return cut };
    let gap_before = if first > 0 { words[first].start_ms - words[first - 1].end_ms } else { WORD_PADDING_MS * 2 };
    let gap_after =
        if last + 1 < words.len() { words[last + 1].start_ms - words[last].end_ms } else { WORD_PADDING_MS * 2 };
    let before = (gap_before / 2).clamp(0, WORD_PADDING_MS);
    let after = (gap_after / 2).clamp(0, WORD_PADDING_MS);
    TimeRange::new((words[first].start_ms - before).max(0), words[last].end_ms + after)
}

/// Every filler word in `transcript`, as `(range, text)`.
pub fn fillers(transcript: &Transcript) -> Vec<(TimeRange, String)> {
    transcript
        .words()
        .filter(|w| {
            let bare: String = w.text.chars().filter(|c| c.is_alphanumeric()).collect::<String>().to_lowercase();
            FILLER_WORDS.contains(&bare.as_str())
        })
        .map(|w| (TimeRange::new(w.start_ms, w.end_ms), w.text.trim().to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(start_ms: i64, end_ms: i64, text: &str) -> Word {
        Word { start_ms, end_ms, text: text.into() }
    }

    #[test]
    fn a_cut_grows_to_whole_words_with_padding_inside_the_gaps() {
        let words = [word(0, 500, " a"), word(700, 1200, " b"), word(1220, 1800, " c"), word(2500, 3000, " d")];
        let refs: Vec<&Word> = words.iter().collect();
        // Touches "b" and "c": padding is half the 200-ms gap before (capped at 60) and
        // half the 700-ms gap after (capped).
        assert_eq!(snap_to_words(TimeRange::new(900, 1300), &refs), TimeRange::new(640, 1860));
        assert_eq!(snap_to_words(TimeRange::new(2000, 2100), &refs), TimeRange::new(2000, 2100));
    }

    #[test]
    fn fillers_are_found_whatever_their_case_and_punctuation() {
        let transcript = Transcript {
            language: "en".into(),
            segments: vec![crate::speech::Segment {
                start_ms: 0,
                end_ms: 2000,
                text: " Um, so, uh... yes".into(),
                words: vec![
                    word(0, 300, " Um,"),
                    word(300, 600, " so,"),
                    word(700, 900, " uh..."),
                    word(1000, 1400, " yes"),
                ],
                edited_by: None,
                edited_at: None,
            }],
        };
        let found = fillers(&transcript);
        assert_eq!(found, vec![(TimeRange::new(0, 300), "Um,".into()), (TimeRange::new(700, 900), "uh...".into())]);
    }
}
