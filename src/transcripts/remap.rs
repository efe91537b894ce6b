//! Moving a transcript made for the original timeline onto an edited one, instead of
//! making it again: words inside a cut disappear, the rest shift by the time removed
//! before them.

use crate::domain::{Placement, Timeline};
use crate::speech::{Segment, Transcript, Word};

/// `transcript` as the edited video says it. A word stays when its middle is kept; a
/// segment stays with the words it keeps (its text then is those words), or, without
/// word timings, when its middle is kept.
pub fn remap_transcript(transcript: &Transcript, timeline: &Timeline) -> Transcript {
    let kept = |start_ms: i64, end_ms: i64| !timeline.place(start_ms + (end_ms - start_ms) / 2).is_cut();
    let segments = transcript
        .segments
        .iter()
        .filter_map(|segment| {
            if segment.words.is_empty() {
                return kept(segment.start_ms, segment.end_ms).then(|| Segment {
                    start_ms: start_of(timeline, segment.start_ms),
                    end_ms: timeline.place(segment.end_ms).ms(),
                    ..segment.clone()
                });
            }
            let words: Vec<Word> = segment
                .words
                .iter()
                .filter(|w| kept(w.start_ms, w.end_ms))
                .map(|w| Word {
                    start_ms: start_of(timeline, w.start_ms),
                    end_ms: timeline.place(w.end_ms).ms().max(start_of(timeline, w.start_ms)),
                    text: w.text.clone(),
                })
                .collect();
            let (first, last) = (words.first()?, words.last()?);
            let text = if words.len() == segment.words.len() {
                segment.text.clone()
            } else {
                words.iter().map(|w| w.text.trim()).collect::<Vec<_>>().join(" ")
            };
            Some(Segment { start_ms: first.start_ms, end_ms: last.end_ms, text, words, ..segment.clone() })
        })
        .collect();
    Transcript { language: transcript.language.clone(), segments }
}

/// The segment of `base` that segment `edited_index` of its remapped transcript came from.
pub fn source_index(base: &Transcript, timeline: &Timeline, edited_index: usize) -> Option<usize> {
    let survives = |segment: &Segment| {
        let alone = Transcript { language: String::new(), segments: vec![segment.clone()] };
        !remap_transcript(&alone, timeline).segments.is_empty()
    };
    base.segments.iter().enumerate().filter(|(_, s)| survives(s)).nth(edited_index).map(|(i, _)| i)
}

/// Where something starting at original `ms` starts: a start inside a cut begins at the
/// cut point.
fn start_of(timeline: &Timeline, ms: i64) -> i64 {
    match timeline.place(ms) {
        Placement::Kept(at) | Placement::Cut(at) => at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::TimeRange;

    fn word(start_ms: i64, end_ms: i64, text: &str) -> Word {
        Word { start_ms, end_ms, text: text.into() }
    }

    #[test]
    fn cut_words_disappear_and_later_ones_move_earlier() {
        let transcript = Transcript {
            language: "en".into(),
            segments: vec![
                Segment {
                    start_ms: 0,
                    end_ms: 3000,
                    text: " One two three".into(),
                    words: vec![word(0, 900, " One"), word(1000, 1900, " two"), word(2000, 3000, " three")],
                    edited_by: None,
                    edited_at: None,
                },
                Segment {
                    start_ms: 4000,
                    end_ms: 5000,
                    text: " Four".into(),
                    words: vec![word(4000, 5000, " Four")],
                    edited_by: None,
                    edited_at: None,
                },
            ],
        };
        let timeline = Timeline::parse(&[TimeRange::new(0, 950), TimeRange::new(1950, 6000)], 6000).unwrap();
        let edited = remap_transcript(&transcript, &timeline);
        assert_eq!(edited.segments.len(), 2);
        assert_eq!(edited.segments[0].text, "One three");
        assert_eq!(edited.segments[0].words[1], word(1000, 2000, " three"));
        assert_eq!((edited.segments[1].start_ms, edited.segments[1].end_ms), (3000, 4000));
        let gone = Timeline::parse(&[TimeRange::new(0, 3500)], 6000).unwrap();
        assert_eq!(remap_transcript(&transcript, &gone).segments.len(), 1, "a segment whose words are all cut goes");
    }
}
