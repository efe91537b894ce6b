//! WebVTT and SRT rendering of a [`Transcript`].
//!
//! Policy:
//! - Timestamps are `HH:MM:SS.mmm` (VTT) and `HH:MM:SS,mmm` (SRT); hours keep growing
//!   past 99 rather than wrapping. Negative times are clamped to zero.
//! - A cue's text is one line: runs of whitespace, including newlines, become a single
//!   space, because a blank line would end the cue early in both formats.
//! - VTT text escapes `&`, `<` and `>` (so "a --> b" in speech cannot be read as
//!   timing, and "<" cannot open a tag); SRT has no escaping convention, so its text
//!   is left as is.
//! - One cue per segment, except that a segment longer than two caption lines
//!   (84 characters) or 7 seconds is split at word boundaries using its word times,
//!   preferring a break after punctuation: whisper segments can run for 20 s or more,
//!   far too much text to show at once.
//! - Segments with empty text are skipped and SRT cue numbers stay consecutive from 1.
//! - Both formats want a cue to end after it starts; a zero-length cue is given 1 ms.
//! - The VTT header names the kind and the transcript's language (`Kind: captions`,
//!   `Language: es`), as players and caption editors read them; "und" is left out.
//! - An empty transcript is a valid header-only VTT file and an empty SRT.

use std::fmt::Write;

use super::transcript::{Segment, Transcript, Word};

/// Two lines of 42 characters, the usual limit for one caption.
const MAX_CUE_CHARS: usize = 84;
const MAX_CUE_MS: i64 = 7_000;
/// Past this length a cue ends after the next punctuated word, if one comes in time.
const SOFT_CUE_CHARS: usize = 40;

struct Cue {
    start_ms: i64,
    end_ms: i64,
    text: String,
}

pub fn to_webvtt(t: &Transcript) -> String {
    let mut out = String::from("WEBVTT\nKind: captions\n");
    if is_language_code(&t.language) && t.language != "und" {
        let _ = writeln!(out, "Language: {}", t.language);
    }
    for cue in cues(t) {
        let (start, end) = (timestamp(cue.start_ms, '.'), timestamp(cue.end_ms, '.'));
        let _ = write!(out, "\n{start} --> {end}\n{}\n", escape_vtt(&cue.text));
    }
    out
}

/// Only a plain code goes into the header: a stray newline there would start a cue.
fn is_language_code(code: &str) -> bool {
    (2..=3).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_lowercase())
}

pub fn to_srt(t: &Transcript) -> String {
    let mut out = String::new();
    for (n, cue) in cues(t).iter().enumerate() {
        if n > 0 {
            out.push('\n');
        }
        let (start, end) = (timestamp(cue.start_ms, ','), timestamp(cue.end_ms, ','));
        let _ = write!(out, "{}\n{start} --> {end}\n{}\n", n + 1, cue.text);
    }
    out
}

fn cues(t: &Transcript) -> Vec<Cue> {
    let mut cues = Vec::new();
    for seg in &t.segments {
        let text = one_line(&seg.text);
        if text.is_empty() {
            continue;
        }
        let short = text.chars().count() <= MAX_CUE_CHARS && seg.end_ms - seg.start_ms <= MAX_CUE_MS;
        if short || seg.words.is_empty() {
            cues.push(cue(seg.start_ms, seg.end_ms, text));
        } else {
            split_segment(seg, &mut cues);
        }
    }
    cues
}

/// Greedy split of a long segment into cues along its words. A break forced by
/// length or duration moves back to the last clause end in the cue, if that keeps a
/// third of a cue or more, so a sentence's last word is not left alone in a cue.
fn split_segment(seg: &Segment, cues: &mut Vec<Cue>) {
    let mut current: Vec<&Word> = Vec::new();
    for word in &seg.words {
        let at_pause = chars(&current) > SOFT_CUE_CHARS && current.last().is_some_and(|w| ends_clause(&w.text));
        if at_pause {
            push_cue(&mut current, cues);
        } else if !fits(&current, word) {
            let mut keep = current.len();
            for i in (1..current.len()).rev() {
                if ends_clause(&current[i - 1].text) && chars(&current[..i]) >= MAX_CUE_CHARS / 3 {
                    keep = i;
                    break;
                }
            }
            let rest = current.split_off(keep);
            push_cue(&mut current, cues);
            current = rest;
            if !fits(&current, word) {
                push_cue(&mut current, cues);
            }
        }
        current.push(word);
    }
    push_cue(&mut current, cues);
}

/// Length of `words` as cue text, joined by spaces.
fn chars(words: &[&Word]) -> usize {
    words.iter().map(|w| w.text.chars().count() + 1).sum::<usize>().saturating_sub(1)
}

/// Whether `word` can join the cue `current` within both limits.
fn fits(current: &[&Word], word: &Word) -> bool {
    match current.first() {
        None => true,
        Some(first) => {
            chars(current) + 1 + word.text.chars().count() <= MAX_CUE_CHARS
                && word.end_ms - first.start_ms <= MAX_CUE_MS
        }
    }
}

fn push_cue(words: &mut Vec<&Word>, cues: &mut Vec<Cue>) {
    if let (Some(first), Some(last)) = (words.first(), words.last()) {
        let text = words.iter().map(|w| one_line(&w.text)).collect::<Vec<_>>().join(" ");
        cues.push(cue(first.start_ms, last.end_ms, text));
    }
    words.clear();
}

fn ends_clause(word: &str) -> bool {
    word.ends_with(['.', ',', ';', ':', '?', '!'])
}

/// Both formats want a cue to end after it starts; a zero-length cue gets 1 ms.
fn cue(start_ms: i64, end_ms: i64, text: String) -> Cue {
    let start_ms = start_ms.max(0);
    Cue { start_ms, end_ms: end_ms.max(start_ms + 1), text }
}

/// `HH:MM:SS<sep>mmm` for a non-negative millisecond count.
fn timestamp(ms: i64, sep: char) -> String {
    let ms = ms.max(0);
    let (h, m, s, milli) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    format!("{h:02}:{m:02}:{s:02}{sep}{milli:03}")
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn escape_vtt(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(start_ms: i64, end_ms: i64, text: &str) -> Segment {
        Segment { start_ms, end_ms, text: text.into(), words: vec![], edited_by: None, edited_at: None }
    }

    fn transcript(segments: Vec<Segment>) -> Transcript {
        Transcript { language: "en".into(), segments }
    }

    #[test]
    fn timestamps() {
        assert_eq!(timestamp(62_345, '.'), "00:01:02.345");
        assert_eq!(timestamp(62_345, ','), "00:01:02,345");
        assert_eq!(timestamp(0, '.'), "00:00:00.000");
        assert_eq!(timestamp(3_599_999, '.'), "00:59:59.999");
        assert_eq!(timestamp(360_000_000 + 1, ','), "100:00:00,001");
        assert_eq!(timestamp(-5, '.'), "00:00:00.000");
    }

    #[test]
    fn webvtt_document() {
        let t = transcript(vec![
            seg(1_000, 2_500, " Hello team."),
            seg(2_500, 2_500, "   "),
            seg(62_345, 3_723_004, "Q&A: <b>a</b> --> b\n\nnext"),
        ]);
        assert_eq!(
            to_webvtt(&t),
            "WEBVTT\nKind: captions\nLanguage: en\n\
             \n00:00:01.000 --> 00:00:02.500\nHello team.\n\
             \n00:01:02.345 --> 01:02:03.004\nQ&amp;A: &lt;b&gt;a&lt;/b&gt; --&gt; b next\n"
        );
    }

    #[test]
    fn srt_document_numbers_cues_consecutively() {
        let t = transcript(vec![seg(0, 900, "One."), seg(900, 900, ""), seg(1_000, 1_000, "Two <i>x</i>")]);
        assert_eq!(
            to_srt(&t),
            "1\n00:00:00,000 --> 00:00:00,900\nOne.\n\
             \n2\n00:00:01,000 --> 00:00:01,001\nTwo <i>x</i>\n"
        );
    }

    #[test]
    fn long_segments_are_split_along_their_words() {
        let text = "We decided to delay the migration until next quarter, because the reporting \
                    service still depends on the old schema and nobody has time to port it.";
        let words: Vec<Word> = text
            .split(' ')
            .enumerate()
            .map(|(i, w)| Word { start_ms: i as i64 * 400, end_ms: i as i64 * 400 + 300, text: w.into() })
            .collect();
        let n = words.len() as i64;
        let t = transcript(vec![Segment {
            start_ms: 0,
            end_ms: n * 400,
            text: text.into(),
            words,
            edited_by: None,
            edited_at: None,
        }]);
        let cues = cues(&t);
        assert!(cues.len() >= 2);
        assert_eq!(cues[0].text, "We decided to delay the migration until next quarter,");
        assert_eq!((cues[0].start_ms, cues[0].end_ms), (0, 8 * 400 + 300));
        assert_eq!(cues.iter().map(|c| c.text.as_str()).collect::<Vec<_>>().join(" "), text);
        for c in &cues {
            assert!(c.text.chars().count() <= MAX_CUE_CHARS && c.end_ms - c.start_ms <= MAX_CUE_MS, "{}", c.text);
        }
        assert!(to_srt(&t).contains(&format!("\n{}\n", cues.len())), "numbered to the last cue");

        // An early comma is not worth a one-word cue, and no cue outgrows the limit.
        let mut text = String::from("Yes,");
        for i in 0..30 {
            text.push_str(&format!(" word{i:03}"));
        }
        let words: Vec<Word> = text
            .split(' ')
            .enumerate()
            .map(|(i, w)| Word { start_ms: i as i64 * 100, end_ms: i as i64 * 100 + 90, text: w.into() })
            .collect();
        let t = transcript(vec![Segment {
            start_ms: 0,
            end_ms: 3_100,
            text: text.clone(),
            words,
            edited_by: None,
            edited_at: None,
        }]);
        let split = super::cues(&t);
        assert!(split[0].text.starts_with("Yes, word000"), "{}", split[0].text);
        assert!(split.iter().all(|c| c.text.chars().count() <= MAX_CUE_CHARS));
        assert_eq!(split.iter().map(|c| c.text.as_str()).collect::<Vec<_>>().join(" "), text);
    }

    #[test]
    fn empty_transcript() {
        let t = transcript(vec![]);
        assert_eq!(to_webvtt(&t), "WEBVTT\nKind: captions\nLanguage: en\n");
        let unheard = Transcript { language: "und".into(), segments: vec![] };
        assert_eq!(to_webvtt(&unheard), "WEBVTT\nKind: captions\n");
        let hostile = Transcript { language: "en\n\n00:00".into(), segments: vec![] };
        assert_eq!(to_webvtt(&hostile), "WEBVTT\nKind: captions\n");
        assert_eq!(to_srt(&t), "");
    }
}
