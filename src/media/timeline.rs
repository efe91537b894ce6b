//! Timestamp repair and duration accounting for one input stream.
//!
//! Policy: the container header is not trusted for timing. Browser MediaRecorder
//! WebM has no duration and no cues, packets may lack durations, and some muxers
//! leave pts or dts unset. So every packet is normalised onto a timeline that starts
//! at the input's earliest stream start (the output starts at 0), missing stamps are
//! filled from the previous packet, dts is forced strictly increasing (the MP4 muxer
//! rejects anything else), and the stream's end is the furthest `pts + duration`
//! actually seen — that, not the header, is the duration we report.

use ffmpeg::{Packet, Rational, Rescale};
use ffmpeg_next as ffmpeg;

/// FFmpeg's "no timestamp" sentinel as exposed by `Stream::start_time()`.
pub(super) const NO_PTS: i64 = i64::MIN;

/// Microsecond time base used to compare streams with different time bases.
pub(super) const MICROS: Rational = Rational(1, 1_000_000);

pub(super) struct StreamClock {
    time_base: Rational,
    /// Subtracted from every timestamp, in `time_base` units.
    origin: i64,
    last_dts: Option<i64>,
    /// Best guess at one packet/frame's length, used to fill gaps.
    typical_duration: i64,
    /// Furthest `pts + duration` seen, normalised.
    end: Option<i64>,
}

impl StreamClock {
    /// `origin_us` is the shared timeline origin in microseconds; `default_duration`
    /// (in `time_base` units) seeds gap filling before any real durations are seen.
    pub(super) fn new(time_base: Rational, origin_us: i64, default_duration: i64) -> Self {
        StreamClock {
            time_base,
            origin: origin_us.rescale(MICROS, time_base),
            last_dts: None,
            typical_duration: default_duration.max(1),
            end: None,
        }
    }

    pub(super) fn time_base(&self) -> Rational {
        self.time_base
    }

    /// One packet's or frame's length when nothing better is known.
    pub(super) fn typical_duration(&self) -> i64 {
        self.typical_duration
    }

    /// Normalise and repair a demuxed packet in place.
    pub(super) fn fix_packet(&mut self, pkt: &mut Packet) {
        let pts = pkt.pts().map(|t| t.saturating_sub(self.origin));
        let dts = pkt.dts().map(|t| t.saturating_sub(self.origin));
        let predicted = self.last_dts.map_or(0, |d| d + self.typical_duration);
        let (mut pts, mut dts) = match (pts, dts) {
            (Some(p), Some(d)) => (p, d),
            (Some(p), None) => (p, p),
            (None, Some(d)) => (d, d),
            (None, None) => (predicted, predicted),
        };
        if let Some(last) = self.last_dts {
            if dts <= last {
                dts = last + 1;
            }
        }
        if pts < dts {
            pts = dts;
        }

        if pkt.duration() > 0 {
            self.typical_duration = pkt.duration();
        } else {
            // No duration (e.g. MediaRecorder video): learn it from the dts step.
            if let Some(last) = self.last_dts {
                let step = dts - last;
                if step > 1 {
                    self.typical_duration = step;
                }
            }
            pkt.set_duration(self.typical_duration);
        }

        self.last_dts = Some(dts);
        pkt.set_pts(Some(pts));
        pkt.set_dts(Some(dts));
        self.observe_end(pts + pkt.duration());
    }

    /// Record that media extends to `end` (normalised, `time_base` units), e.g. from
    /// a decoded frame whose exact sample count is known.
    pub(super) fn observe_end(&mut self, end: i64) {
        self.end = Some(self.end.map_or(end, |e| e.max(end)));
    }

    /// Normalised timestamp → milliseconds.
    pub(super) fn to_ms(&self, ts: i64) -> i64 {
        ts.rescale(self.time_base, Rational(1, 1000))
    }

    /// End of the media actually read, in milliseconds.
    pub(super) fn end_ms(&self) -> Option<i64> {
        self.end.map(|e| self.to_ms(e))
    }
}

/// The timeline origin: earliest start among the streams we use, in microseconds.
/// Unknown starts are ignored; with none known the origin is 0.
pub(super) fn origin_us(streams: &[ffmpeg::Stream<'_>]) -> i64 {
    streams
        .iter()
        .filter(|s| s.start_time() != NO_PTS)
        .map(|s| s.start_time().rescale(s.time_base(), MICROS))
        .min()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packet(pts: Option<i64>, dts: Option<i64>, dur: i64) -> Packet {
        let mut p = Packet::new(4);
        p.set_pts(pts);
        p.set_dts(dts);
        p.set_duration(dur);
        p
    }

    #[test]
    fn fills_missing_timestamps_and_durations() {
        // MediaRecorder-style: ms time base, no durations, one packet with no stamps.
        let mut clock = StreamClock::new(Rational(1, 1000), 0, 33);
        let mut stamps = vec![];
        for pts in [Some(0), Some(33), None, Some(100), Some(100)] {
            let mut p = packet(pts, None, 0);
            clock.fix_packet(&mut p);
            stamps.push((p.pts().unwrap(), p.dts().unwrap(), p.duration()));
        }
        assert_eq!(stamps[0], (0, 0, 33));
        assert_eq!(stamps[1], (33, 33, 33));
        assert_eq!(stamps[2], (66, 66, 33)); // predicted from the previous step
        assert_eq!(stamps[3], (100, 100, 34));
        assert_eq!(stamps[4], (101, 101, 34)); // duplicate dts bumped to stay strictly increasing
        assert_eq!(clock.end_ms(), Some(135));
    }

    #[test]
    fn normalises_to_origin_and_keeps_reordered_pts() {
        let mut clock = StreamClock::new(Rational(1, 90_000), 1_000_000, 3000);
        let mut p = packet(Some(96_000), Some(90_000), 3000);
        clock.fix_packet(&mut p);
        assert_eq!((p.pts(), p.dts()), (Some(6000), Some(0)));
        assert_eq!(clock.to_ms(6000), 67);
    }
}
