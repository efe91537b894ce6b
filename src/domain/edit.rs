//! An edit: the ordered ranges of the original recording that are kept, and the mapping
//! between the original timeline and the edited ("playing") one.
//!
//! Policy: a [`Timeline`] is valid by construction — ranges in order, not overlapping,
//! each at least [`MIN_RANGE_MS`] long, inside the recording, at least one. Touching
//! ranges are merged (a cut of nothing is no cut). Positions inside a removed stretch
//! map to the cut point: where the content after the cut now starts.

use serde::{Deserialize, Serialize};

/// The shortest kept range: about one frame at 30 fps (anything shorter shows nothing).
pub const MIN_RANGE_MS: i64 = 34;
/// More ranges than any hand edit needs; bounds the work a request can cause.
pub const MAX_RANGES: usize = 1_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TimeRange {
    pub start_ms: i64,
    pub end_ms: i64,
}

impl TimeRange {
    pub fn new(start_ms: i64, end_ms: i64) -> TimeRange {
        TimeRange { start_ms, end_ms }
    }

    pub fn len(&self) -> i64 {
        self.end_ms - self.start_ms
    }

    pub fn is_empty(&self) -> bool {
        self.len() <= 0
    }

    fn contains(&self, ms: i64) -> bool {
        self.start_ms <= ms && ms < self.end_ms
    }
}

/// Where a moment of the original ends up in the edited video.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    Kept(i64),
    /// Removed; the cut point it now belongs to.
    Cut(i64),
}

impl Placement {
    pub fn ms(self) -> i64 {
        match self {
            Placement::Kept(ms) | Placement::Cut(ms) => ms,
        }
    }

    pub fn is_cut(self) -> bool {
        matches!(self, Placement::Cut(_))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeline {
    kept: Vec<TimeRange>,
    source_ms: i64,
}

impl Timeline {
    /// Check `ranges` against a recording `source_ms` long; the message says what is wrong.
    pub fn parse(ranges: &[TimeRange], source_ms: i64) -> Result<Timeline, String> {
        if ranges.is_empty() {
            return Err("keep must list at least one range (an edit cannot remove everything)".into());
        }
        if ranges.len() > MAX_RANGES {
            return Err(format!("keep may list at most {MAX_RANGES} ranges"));
        }
        let mut kept: Vec<TimeRange> = Vec::with_capacity(ranges.len());
        for (i, range) in ranges.iter().enumerate() {
            if range.start_ms < 0 || range.end_ms > source_ms {
                return Err(format!("keep[{i}] is outside the recording (0..{source_ms} ms)"));
            }
            if range.len() < MIN_RANGE_MS {
                return Err(format!("keep[{i}] must end at least {MIN_RANGE_MS} ms after it starts"));
            }
            match kept.last_mut() {
                Some(last) if range.start_ms < last.end_ms => {
                    return Err(format!("keep[{i}] overlaps or comes before the range before it"));
                }
                Some(last) if range.start_ms == last.end_ms => last.end_ms = range.end_ms,
                _ => kept.push(*range),
            }
        }
        Ok(Timeline { kept, source_ms })
    }

    /// The whole recording, unedited.
    pub fn whole(source_ms: i64) -> Timeline {
        Timeline { kept: vec![TimeRange::new(0, source_ms.max(0))], source_ms }
    }

    /// Nothing removed (what a revert saves).
    pub fn is_whole(&self) -> bool {
        self.kept.len() == 1 && self.kept[0].start_ms <= 0 && self.kept[0].end_ms >= self.source_ms
    }

    pub fn kept(&self) -> &[TimeRange] {
        &self.kept
    }

    pub fn source_ms(&self) -> i64 {
        self.source_ms
    }

    /// Length of the edited video.
    pub fn duration_ms(&self) -> i64 {
        self.kept.iter().map(TimeRange::len).sum()
    }

    /// The removed stretches, in order.
    pub fn removed(&self) -> Vec<TimeRange> {
        let mut removed = Vec::new();
        let mut at = 0;
        for range in &self.kept {
            if range.start_ms > at {
                removed.push(TimeRange::new(at, range.start_ms));
            }
            at = range.end_ms;
        }
        if at < self.source_ms {
            removed.push(TimeRange::new(at, self.source_ms));
        }
        removed
    }

    /// Where original moment `ms` plays in the edited video.
    pub fn place(&self, ms: i64) -> Placement {
        let mut offset = 0;
        for range in &self.kept {
            if range.contains(ms) {
                return Placement::Kept(offset + ms - range.start_ms);
            }
            if ms < range.start_ms {
                return Placement::Cut(offset);
            }
            offset += range.len();
        }
        // At or past the end of the last kept range: the end itself is a kept position.
        match self.kept.last() {
            Some(last) if ms == last.end_ms => Placement::Kept(offset),
            _ => Placement::Cut(offset),
        }
    }

    /// The original moment edited position `ms` shows (clamped to the edited video).
    pub fn original_of(&self, ms: i64) -> i64 {
        let mut offset = 0;
        for range in &self.kept {
            if ms < offset + range.len() {
                return range.start_ms + (ms - offset).max(0);
            }
            offset += range.len();
        }
        self.kept.last().map_or(0, |last| last.end_ms)
    }

    /// The stretches of the original that edited range `range` shows.
    pub fn original_ranges_of(&self, range: TimeRange) -> Vec<TimeRange> {
        let mut pieces = Vec::new();
        let mut offset = 0;
        for kept in &self.kept {
            let (from, to) = (range.start_ms.max(offset), range.end_ms.min(offset + kept.len()));
            if from < to {
                pieces.push(TimeRange::new(kept.start_ms + from - offset, kept.start_ms + to - offset));
            }
            offset += kept.len();
        }
        pieces
    }

    /// This timeline with the original stretches `cuts` removed as well. Leftover slivers
    /// shorter than [`MIN_RANGE_MS`] go too; an error when nothing would be left.
    pub fn without(&self, cuts: &[TimeRange]) -> Result<Timeline, String> {
        let mut kept = self.kept.clone();
        for cut in cuts.iter().filter(|c| !c.is_empty()) {
            kept = kept
                .into_iter()
                .flat_map(|range| {
                    [
                        TimeRange::new(range.start_ms, range.end_ms.min(cut.start_ms)),
                        TimeRange::new(range.start_ms.max(cut.end_ms), range.end_ms),
                    ]
                })
                .filter(|piece| piece.len() >= MIN_RANGE_MS)
                .collect();
        }
        Timeline::parse(&kept, self.source_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(start_ms: i64, end_ms: i64) -> TimeRange {
        TimeRange::new(start_ms, end_ms)
    }

    #[test]
    fn bad_lists_are_refused_with_a_reason() {
        assert!(Timeline::parse(&[], 1000).unwrap_err().contains("at least one"));
        assert!(Timeline::parse(&[r(500, 400)], 1000).unwrap_err().contains("ms after"));
        assert!(Timeline::parse(&[r(0, 10)], 1000).unwrap_err().contains("ms after"));
        assert!(Timeline::parse(&[r(0, 1001)], 1000).unwrap_err().contains("outside"));
        assert!(Timeline::parse(&[r(-1, 100)], 1000).unwrap_err().contains("outside"));
        assert!(Timeline::parse(&[r(0, 500), r(400, 900)], 1000).unwrap_err().contains("overlaps"));
        assert!(Timeline::parse(&[r(600, 900), r(0, 500)], 1000).unwrap_err().contains("overlaps"));
    }

    #[test]
    fn touching_ranges_merge_and_whole_is_recognised() {
        let t = Timeline::parse(&[r(0, 400), r(400, 1000)], 1000).unwrap();
        assert_eq!(t.kept(), &[r(0, 1000)]);
        assert!(t.is_whole());
        assert!(!Timeline::parse(&[r(0, 900)], 1000).unwrap().is_whole());
    }

    #[test]
    fn positions_map_both_ways_and_cuts_land_on_the_cut_point() {
        // Keep 1..3 s and 5..9 s of a 10-s recording.
        let t = Timeline::parse(&[r(1000, 3000), r(5000, 9000)], 10_000).unwrap();
        assert_eq!(t.duration_ms(), 6000);
        assert_eq!(t.removed(), vec![r(0, 1000), r(3000, 5000), r(9000, 10_000)]);
        assert_eq!(t.place(1500), Placement::Kept(500));
        assert_eq!(t.place(5500), Placement::Kept(2500));
        assert_eq!(t.place(500), Placement::Cut(0));
        assert_eq!(t.place(4000), Placement::Cut(2000));
        assert_eq!(t.place(9000), Placement::Kept(6000));
        assert_eq!(t.place(9500), Placement::Cut(6000));
        for edited in [0, 1999, 2000, 5999] {
            assert_eq!(t.place(t.original_of(edited)), Placement::Kept(edited));
        }
        assert_eq!(t.original_ranges_of(r(1500, 2500)), vec![r(2500, 3000), r(5000, 5500)]);
    }

    #[test]
    fn removing_cuts_splits_ranges_and_drops_slivers() {
        let t = Timeline::whole(10_000).without(&[r(2000, 4000), r(9990, 10_000)]).unwrap();
        assert_eq!(t.kept(), &[r(0, 2000), r(4000, 9990)]);
        let again = t.without(&[r(1990, 4010)]).unwrap();
        assert_eq!(again.kept(), &[r(0, 1990), r(4010, 9990)]);
        assert!(t.without(&[r(0, 10_000)]).unwrap_err().contains("at least one"));
    }
}
