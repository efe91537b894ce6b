//! Turns whisper.cpp's result for one window into [`Segment`]s with words.
//!
//! Policy:
//! - Times are converted from centiseconds of the padded input to absolute
//!   milliseconds and clamped into the window's real audio, after the previous
//!   segment: segments stay in order and never overlap, across windows too. A segment
//!   lying wholly in the padding is dropped (nothing was said there).
//! - Segments that are only a bracketed annotation ("[BLANK_AUDIO]", "(music)") are
//!   dropped: they are whisper's notes about non-speech, not speech.
//! - Word times: DTW token times (see `model.rs`) when the model has an alignment
//!   preset, else whisper.cpp's heuristic token times; then each word start is moved
//!   to where its sound begins (`voicing.rs`). The segment is then narrowed to its
//!   words, because whisper's segment times are coarse guesses (tiny.en often says
//!   0.00 after a long silence).

use whisper_rs::{WhisperState, WhisperTokenData};

use super::model::SpeechModel;
use super::pcm::{Window, LEAD_IN_MS};
use super::transcript::Segment;
use super::voicing::Voicing;
use super::words::{is_punctuation, words_from_tokens, TimedToken};

/// Appends the state's segments for `window`, in absolute, clamped milliseconds.
pub(crate) fn collect_segments(model: &SpeechModel, state: &WhisperState, window: &Window, out: &mut Vec<Segment>) {
    let eot = model.context().token_eot();
    // whisper.cpp times are centiseconds from the start of the padded input.
    let offset = window.start_ms() - LEAD_IN_MS;
    let to_ms = |cs: i64| offset + cs * 10;
    let (lo, hi) = (window.start_ms(), window.end_ms());
    let voicing = Voicing::new(&window.samples, lo);

    for seg in state.as_iter() {
        let Ok(text) = seg.to_str_lossy() else { continue };
        let text = text.trim();
        if text.is_empty() || is_annotation(text) {
            continue;
        }
        let (raw_start, raw_end) = (to_ms(seg.start_timestamp()), to_ms(seg.end_timestamp()));
        if raw_start >= hi || raw_end <= lo {
            continue;
        }
        let floor = out.last().map_or(lo, |s| s.end_ms).max(lo);
        // max-then-min rather than clamp(): clamp panics if its bounds ever cross.
        let start_ms = raw_start.max(floor).min(hi);
        let end_ms = raw_end.max(start_ms).min(hi);

        // Text tokens only: ids from end-of-text up are special (timestamps, [_BEG_]...).
        let tokens: Vec<(Vec<u8>, WhisperTokenData)> = (0..seg.n_tokens())
            .filter_map(|i| seg.get_token(i))
            .filter(|t| t.token_id() < eot)
            .map(|t| (t.to_bytes().map(<[u8]>::to_vec).unwrap_or_default(), t.token_data()))
            .collect();
        let timed = if model.has_dtw() && tokens.iter().all(|(_, d)| d.t_dtw >= 0) {
            // whisper.cpp's DTW time for a token falls where the alignment moves on to
            // the next token, i.e. where this one ends (measured: within ~0.2 s of the
            // real word ends on espeak speech). A token starts where the previous one
            // ended; the voicing pass below trims the pause that puts in front of it.
            // Punctuation is silent but its DTW time swallows the pause after it, so
            // it takes no time and does not move the next word's start.
            let mut prev_end = start_ms;
            tokens
                .into_iter()
                .map(|(bytes, d)| {
                    let start_ms = prev_end;
                    if is_punctuation(&bytes) {
                        return TimedToken { bytes, start_ms, end_ms: start_ms };
                    }
                    let end_ms = to_ms(d.t_dtw).max(start_ms);
                    prev_end = end_ms;
                    TimedToken { bytes, start_ms, end_ms }
                })
                .collect::<Vec<_>>()
        } else {
            // whisper.cpp's heuristic times: usable mid-segment, often wrong for the
            // first words of a segment.
            tokens
                .into_iter()
                .map(|(bytes, d)| TimedToken { bytes, start_ms: to_ms(d.t0), end_ms: to_ms(d.t1) })
                .collect()
        };
        let mut words = words_from_tokens(&timed, start_ms, end_ms);
        voicing.snap_word_starts(&mut words);
        // Words were clamped inside the segment, so narrowing only ever shrinks it.
        let start_ms = words.first().map_or(start_ms, |w| w.start_ms);
        let end_ms = words.last().map_or(end_ms, |w| w.end_ms);
        out.push(Segment { start_ms, end_ms, text: text.to_string(), words, edited_by: None, edited_at: None });
    }
}

/// "[BLANK_AUDIO]", "(music)", "♪ ♪", but not "(a) is better than (b)".
fn is_annotation(text: &str) -> bool {
    let wrapped =
        |open: char, close: char| text.starts_with(open) && text.ends_with(close) && text.matches(close).count() == 1;
    wrapped('[', ']') || wrapped('(', ')') || text.chars().all(|c| c == '♪' || c.is_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotations_are_recognised() {
        assert!(is_annotation("[BLANK_AUDIO]"));
        assert!(is_annotation("(upbeat music)"));
        assert!(is_annotation("♪ ♪"));
        assert!(!is_annotation("Hello team."));
        assert!(!is_annotation("(a) is better than [b] because"));
        assert!(!is_annotation("(a) is better than (b)"));
    }
}
