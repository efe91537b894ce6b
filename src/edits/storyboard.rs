//! The storyboard (WebVTT thumbnails) of an edited timeline, moved rather than made
//! again: each cue keeps pointing into the original's sprites.

use crate::domain::{TimeRange, Timeline};

/// The storyboard track (WebVTT thumbnails) for the edited timeline: each cue's kept
/// parts, moved; cue payloads (sprite regions) unchanged.
pub fn remap_storyboard(vtt: &str, timeline: &Timeline) -> String {
    let mut out = String::from("WEBVTT\n");
    for block in vtt.split("\n\n").skip(1) {
        let mut lines = block.lines();
        let (Some(times), Some(payload)) = (lines.next(), lines.next()) else { continue };
        let Some((start, end)) = times.split_once(" --> ").and_then(|(a, b)| Some((parse_ms(a)?, parse_ms(b)?))) else {
            continue;
        };
        let mut offset = 0;
        for kept in timeline.kept() {
            let (from, to) = (start.max(kept.start_ms), end.min(kept.end_ms));
            if from < to {
                let placed = TimeRange::new(offset + from - kept.start_ms, offset + to - kept.start_ms);
                out.push_str(&format!("\n{} --> {}\n{payload}\n", stamp(placed.start_ms), stamp(placed.end_ms)));
            }
            offset += kept.len();
        }
    }
    out
}

/// `HH:MM:SS.mmm` (or `MM:SS.mmm`) to milliseconds.
fn parse_ms(stamp: &str) -> Option<i64> {
    let (clock, millis) = stamp.trim().split_once('.')?;
    let parts: Vec<i64> = clock.split(':').map(|p| p.parse().ok()).collect::<Option<_>>()?;
    let seconds = parts.iter().fold(0, |acc, p| acc * 60 + p);
    Some(seconds * 1000 + millis.parse::<i64>().ok()?)
}

fn stamp(ms: i64) -> String {
    format!("{:02}:{:02}:{:02}.{:03}", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storyboard_cues_are_split_and_moved() {
        let vtt = "WEBVTT\n\n00:00:00.000 --> 00:00:05.000\nstoryboard/0.jpg#xywh=0,0,160,90\n\n\
                   00:00:05.000 --> 00:00:10.000\nstoryboard/0.jpg#xywh=160,0,160,90\n";
        let timeline = Timeline::parse(&[TimeRange::new(0, 2000), TimeRange::new(6000, 10_000)], 10_000).unwrap();
        assert_eq!(
            remap_storyboard(vtt, &timeline),
            "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nstoryboard/0.jpg#xywh=0,0,160,90\n\n\
             00:00:02.000 --> 00:00:06.000\nstoryboard/0.jpg#xywh=160,0,160,90\n"
        );
    }
}
