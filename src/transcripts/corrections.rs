//! Corrections applied to a transcript, pure functions over the data model.
//!
//! Policy:
//! - A correction names a segment by its time. On a transcript made again (another
//!   language or model, so other segment boundaries) it lands on the segment that
//!   overlaps its time the most; if two land on one segment, the later edit wins. One
//!   that overlaps nothing (the new transcript heard nothing there) is dropped.
//! - The corrected text keeps the segment's times. Its words keep their timings when the
//!   count is unchanged (a spelling fixed); otherwise the segment's time is shared out by
//!   length, so captions split sensibly and editing by word still has times.

use crate::db::CorrectionRow;
use crate::domain::iso8601;
use crate::speech::{Segment, Transcript, Word};

/// Put `corrections` into `transcript`; returns them re-keyed onto the segments they now
/// sit on (what to store, replacing the old rows).
pub fn apply_corrections(transcript: &mut Transcript, corrections: &[CorrectionRow]) -> Vec<CorrectionRow> {
    let mut landed: Vec<(usize, CorrectionRow)> = Vec::new();
    for correction in corrections {
        let Some(index) = best_overlap(&transcript.segments, correction.start_ms, correction.end_ms) else {
            continue;
        };
        match landed.iter_mut().find(|(i, _)| *i == index) {
            Some((_, earlier)) if earlier.edited_at > correction.edited_at => {}
            Some((_, earlier)) => *earlier = correction.clone(),
            None => landed.push((index, correction.clone())),
        }
    }
    landed
        .into_iter()
        .map(|(index, correction)| {
            let segment = &mut transcript.segments[index];
            set_text(segment, &correction.text, &correction.edited_by, correction.edited_at);
            CorrectionRow { start_ms: segment.start_ms, end_ms: segment.end_ms, ..correction }
        })
        .collect()
}

/// Replace a segment's text, recording who and when.
pub fn set_text(segment: &mut Segment, text: &str, edited_by: &str, edited_at_ms: i64) {
    segment.words = retime_words(segment, text);
    segment.text = text.to_string();
    segment.edited_by = Some(edited_by.to_string());
    segment.edited_at = Some(iso8601(edited_at_ms));
}

/// The segment that shares the most time with `start..end` (a zero-length correction:
/// the one containing its instant).
fn best_overlap(segments: &[Segment], start: i64, end: i64) -> Option<usize> {
    let overlap = |s: &Segment| {
        if end <= start {
            i64::from(s.start_ms <= start && start <= s.end_ms)
        } else {
            (s.end_ms.min(end) - s.start_ms.max(start)).max(0)
        }
    };
    let (index, best) =
        segments.iter().enumerate().map(|(i, s)| (i, overlap(s))).max_by_key(|(i, o)| (*o, -(*i as i64)))?;
    (best > 0).then_some(index)
}

fn retime_words(segment: &Segment, text: &str) -> Vec<Word> {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.len() == segment.words.len() {
        return segment
            .words
            .iter()
            .zip(&words)
            .map(|(w, text)| Word { text: text.to_string(), ..w.clone() })
            .collect();
    }
    let total: i64 = words.iter().map(|w| w.chars().count() as i64).sum::<i64>().max(1);
    let span = (segment.end_ms - segment.start_ms).max(0);
    let mut used = 0;
    words
        .iter()
        .map(|word| {
            let start = segment.start_ms + span * used / total;
            used += word.chars().count() as i64;
            Word { start_ms: start, end_ms: segment.start_ms + span * used / total, text: word.to_string() }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segment(start_ms: i64, end_ms: i64, text: &str) -> Segment {
        let words = text
            .split_whitespace()
            .enumerate()
            .map(|(i, w)| Word {
                start_ms: start_ms + i as i64 * 100,
                end_ms: start_ms + i as i64 * 100 + 90,
                text: w.into(),
            })
            .collect();
        Segment { start_ms, end_ms, text: text.into(), words, edited_by: None, edited_at: None }
    }

    fn correction(start_ms: i64, end_ms: i64, text: &str, edited_at: i64) -> CorrectionRow {
        CorrectionRow { start_ms, end_ms, text: text.into(), edited_by: "u1".into(), edited_at }
    }

    #[test]
    fn a_correction_lands_on_the_segment_it_overlaps_most() {
        let mut t = Transcript {
            language: "es".into(),
            segments: vec![segment(0, 2_000, "hola equipo"), segment(2_000, 5_000, "la actualisacion de hoy")],
        };
        let kept = apply_corrections(&mut t, &[correction(1_500, 4_800, "la actualización de hoy", 7)]);
        assert_eq!(t.segments[1].text, "la actualización de hoy");
        assert_eq!(t.segments[0].text, "hola equipo");
        assert_eq!(t.segments[1].edited_by.as_deref(), Some("u1"));
        assert!(t.segments[1].edited_at.is_some());
        assert_eq!(t.segments[1].words[1].text, "actualización", "same count: timings kept");
        assert_eq!(t.segments[1].words[1].start_ms, 2_100);
        assert_eq!((kept[0].start_ms, kept[0].end_ms), (2_000, 5_000), "re-keyed onto the new segment");
    }

    #[test]
    fn the_later_edit_wins_and_corrections_over_silence_are_dropped() {
        let mut t = Transcript { language: "en".into(), segments: vec![segment(0, 3_000, "hi team")] };
        let kept = apply_corrections(
            &mut t,
            &[
                correction(0, 1_500, "newer", 9),
                correction(1_000, 3_000, "older", 3),
                correction(9_000, 9_500, "gone", 1),
            ],
        );
        assert_eq!(t.segments[0].text, "newer");
        assert_eq!(kept.len(), 1);
    }

    #[test]
    fn a_new_word_count_shares_the_time_by_length() {
        let mut s = segment(1_000, 2_000, "one two");
        set_text(&mut s, "a bbb c", "u", 0);
        let times: Vec<_> = s.words.iter().map(|w| (w.start_ms, w.end_ms)).collect();
        assert_eq!(times, [(1_000, 1_200), (1_200, 1_800), (1_800, 2_000)]);
        set_text(&mut s, "whole", "u", 0);
        assert_eq!((s.words.len(), s.words[0].start_ms, s.words[0].end_ms), (1, 1_000, 2_000));
    }
}
