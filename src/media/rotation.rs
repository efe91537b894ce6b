//! Phone-recording rotation: read it from the stream, and apply it to frames.
//!
//! Policy: rotation is reported by `probe` as clockwise degrees (0/90/180/270),
//! the same convention as the legacy `rotate` tag. `process` *applies* it: frames
//! are turned upright before scaling, poster and storyboard, and the output MP4
//! carries no rotation. Because the safe ffmpeg-next API cannot copy the display
//! matrix onto an output stream, a rotated H.264 input is re-encoded instead of
//! remuxed (see `plan`). Mirrored matrices are treated as their rotation only.

use ffmpeg::{filter, format, frame, Rational};
use ffmpeg_next as ffmpeg;

/// Clockwise rotation (0, 90, 180 or 270) needed to display the stream upright.
pub(super) fn stream_rotation(stream: &ffmpeg::Stream) -> i32 {
    for side in stream.side_data() {
        if side.kind() == ffmpeg::codec::packet::side_data::Type::DisplayMatrix {
            if let Some(deg) = from_display_matrix(side.data()) {
                return deg;
            }
        }
    }
    // Older muxers and some tools only leave the legacy tag.
    stream.metadata().get("rotate").and_then(|v| v.trim().parse::<f64>().ok()).map(snap_to_quarter).unwrap_or(0)
}

/// Decode an FFmpeg display matrix (nine native-endian i32: 16.16 fixed point for
/// the 2x2 part). Mirrors `-av_display_rotation_get()` as the ffmpeg CLI uses it.
pub(super) fn from_display_matrix(bytes: &[u8]) -> Option<i32> {
    if bytes.len() < 36 {
        return None;
    }
    let m = |i: usize| {
        let raw = i32::from_ne_bytes([bytes[4 * i], bytes[4 * i + 1], bytes[4 * i + 2], bytes[4 * i + 3]]);
        f64::from(raw) / 65536.0
    };
    let scale0 = m(0).hypot(m(3));
    let scale1 = m(1).hypot(m(4));
    if scale0 == 0.0 || scale1 == 0.0 {
        return None;
    }
    let clockwise = (m(1) / scale1).atan2(m(0) / scale0).to_degrees();
    Some(snap_to_quarter(clockwise))
}

/// Round to the nearest quarter turn in 0..360; odd angles aren't worth honouring.
fn snap_to_quarter(deg: f64) -> i32 {
    if !deg.is_finite() {
        return 0;
    }
    let quarter = (deg / 90.0).round() as i64;
    (quarter.rem_euclid(4) * 90) as i32
}

/// Filter chain that turns a frame with the given clockwise rotation upright.
pub(super) fn upright_filter(rotation: i32) -> Option<&'static str> {
    match rotation {
        90 => Some("transpose=clock"),
        180 => Some("hflip,vflip"),
        270 => Some("transpose=cclock"),
        _ => None,
    }
}

/// Applies [`upright_filter`] to decoded frames through a tiny filter graph.
/// The graph is rebuilt when the decoder changes size or pixel format mid-stream,
/// because transpose sizes its output when configured.
pub(super) struct Uprighter {
    chain: &'static str,
    time_base: Rational,
    graph: Option<(filter::Graph, (format::Pixel, u32, u32))>,
}

impl Uprighter {
    /// `None` when no rotation is needed.
    pub(super) fn new(rotation: i32, time_base: Rational) -> Option<Self> {
        upright_filter(rotation).map(|chain| Uprighter { chain, time_base, graph: None })
    }

    /// Feed one frame (its data is moved into the graph), then call [`Self::pull`].
    pub(super) fn push(&mut self, frame: &frame::Video) -> Result<(), ffmpeg::Error> {
        let key = (frame.format(), frame.width(), frame.height());
        if self.graph.as_ref().map(|(_, k)| *k) != Some(key) {
            self.graph = Some((self.build(key)?, key));
        }
        let (graph, _) = self.graph.as_mut().ok_or(ffmpeg::Error::Bug)?;
        graph.get("in").ok_or(ffmpeg::Error::Bug)?.source().add(frame)
    }

    /// Next upright frame, or `Ok(false)` when the graph needs more input.
    pub(super) fn pull(&mut self, out: &mut frame::Video) -> Result<bool, ffmpeg::Error> {
        let Some((graph, _)) = self.graph.as_mut() else { return Ok(false) };
        match graph.get("out").ok_or(ffmpeg::Error::Bug)?.sink().frame(out) {
            Ok(()) => Ok(true),
            Err(ffmpeg::Error::Eof) => Ok(false),
            Err(ffmpeg::Error::Other { errno }) if errno == ffmpeg::error::EAGAIN => Ok(false),
            Err(e) => Err(e),
        }
    }

    fn build(&self, (fmt, w, h): (format::Pixel, u32, u32)) -> Result<filter::Graph, ffmpeg::Error> {
        let mut graph = filter::Graph::new();
        let pix_fmt = ffmpeg::ffi::AVPixelFormat::from(fmt) as i32;
        let args = format!(
            "video_size={w}x{h}:pix_fmt={pix_fmt}:time_base={}/{}:pixel_aspect=1/1",
            self.time_base.numerator(),
            self.time_base.denominator().max(1)
        );
        let buffer = filter::find("buffer").ok_or(ffmpeg::Error::FilterNotFound)?;
        let sink = filter::find("buffersink").ok_or(ffmpeg::Error::FilterNotFound)?;
        graph.add(&buffer, "in", &args)?;
        graph.add(&sink, "out", "")?;
        graph.output("in", 0)?.input("out", 0)?.parse(self.chain)?;
        graph.validate()?;
        Ok(graph)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matrix(a: f64, b: f64, c: f64, d: f64) -> Vec<u8> {
        let fx = |v: f64| (v * 65536.0).round() as i32;
        let vals = [fx(a), fx(b), 0, fx(c), fx(d), 0, 0, 0, 1 << 30];
        vals.iter().flat_map(|v| v.to_ne_bytes()).collect()
    }

    #[test]
    fn display_matrix_rotations() {
        // What the mov muxer writes for `rotate=90` (clockwise): [0 1; -1 0].
        assert_eq!(from_display_matrix(&matrix(0.0, 1.0, -1.0, 0.0)), Some(90));
        assert_eq!(from_display_matrix(&matrix(-1.0, 0.0, 0.0, -1.0)), Some(180));
        assert_eq!(from_display_matrix(&matrix(0.0, -1.0, 1.0, 0.0)), Some(270));
        assert_eq!(from_display_matrix(&matrix(1.0, 0.0, 0.0, 1.0)), Some(0));
        assert_eq!(from_display_matrix(&[0u8; 10]), None);
        assert_eq!(from_display_matrix(&matrix(0.0, 0.0, 0.0, 0.0)), None);
    }

    #[test]
    fn snapping() {
        assert_eq!(snap_to_quarter(-90.0), 270);
        assert_eq!(snap_to_quarter(89.4), 90);
        assert_eq!(snap_to_quarter(450.0), 90);
        assert_eq!(snap_to_quarter(f64::NAN), 0);
    }
}
