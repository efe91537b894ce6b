//! Where each kept range of an edit lands on the output timeline, and the time-base
//! arithmetic both render paths share (so a frame is kept or dropped the same way
//! whether it is copied or encoded again).

use ffmpeg::Rational;
use ffmpeg_next as ffmpeg;

pub(super) struct Placement {
    /// (source start, source end, output start), ms.
    ranges: Vec<(i64, i64, i64)>,
}

impl Placement {
    pub fn new(keep: &[(i64, i64)]) -> Placement {
        let mut offset = 0;
        let ranges = keep
            .iter()
            .map(|&(start, end)| {
                let placed = (start, end, offset);
                offset += end - start;
                placed
            })
            .collect();
        Placement { ranges }
    }

    /// The kept range source time `ms` falls in.
    pub fn range_of(&self, ms: i64) -> Option<usize> {
        self.ranges.iter().position(|(s, e, _)| *s <= ms && ms < *e)
    }

    /// How far range `range` moves earlier, in `tb` (whole milliseconds, so a frame
    /// keeps its sub-millisecond phase).
    pub fn shift(&self, range: usize, tb: Rational) -> i64 {
        self.ranges.get(range).map_or(0, |(s, _, offset)| from_ms(s - offset, tb))
    }

    pub fn duration_ms(&self) -> i64 {
        self.ranges.last().map_or(0, |(s, e, offset)| offset + e - s)
    }
}

pub(super) fn to_ms(ts: i64, tb: Rational) -> i64 {
    ts.saturating_mul(1000 * i64::from(tb.numerator())) / i64::from(tb.denominator().max(1))
}

pub(super) fn from_ms(ms: i64, tb: Rational) -> i64 {
    ms.saturating_mul(i64::from(tb.denominator())) / (1000 * i64::from(tb.numerator().max(1)))
}
