//! Resizing / pixel-format conversion (swscale) and the output-size policy.
//!
//! Policy: never upscale; keep the display aspect ratio; every output dimension is
//! even (4:2:0 chroma and H.264 need it) and at least 2. Scaler contexts are cached
//! and rebuilt when the source changes size or format mid-stream (MediaRecorder
//! screen captures do that), so the output keeps one fixed size.

use ffmpeg::format::Pixel;
use ffmpeg::frame::Video;
use ffmpeg::software::scaling;
use ffmpeg_next as ffmpeg;

/// A swscale context producing frames of one fixed format and size.
pub(super) struct Rescaler {
    format: Pixel,
    width: u32,
    height: u32,
    flags: scaling::Flags,
    ctx: Option<scaling::Context>,
}

impl Rescaler {
    pub(super) fn new(format: Pixel, width: u32, height: u32, flags: scaling::Flags) -> Self {
        Rescaler { format, width, height, flags, ctx: None }
    }

    pub(super) fn width(&self) -> u32 {
        self.width
    }

    pub(super) fn height(&self) -> u32 {
        self.height
    }

    /// Convert `src`, returning a freshly allocated frame. A new frame per call (not
    /// a reused buffer) because encoders may still hold a reference to the last one.
    /// The pts is carried over.
    pub(super) fn run(&mut self, src: &Video) -> Result<Video, ffmpeg::Error> {
        let input = (src.format(), src.width(), src.height());
        let stale = match &self.ctx {
            Some(ctx) => {
                let def = ctx.input();
                (def.format, def.width, def.height) != input
            }
            None => true,
        };
        if stale {
            if input.1 == 0 || input.2 == 0 || input.0 == Pixel::None {
                return Err(ffmpeg::Error::InvalidData);
            }
            self.ctx = Some(scaling::Context::get(
                input.0,
                input.1,
                input.2,
                self.format,
                self.width,
                self.height,
                self.flags,
            )?);
        }
        let ctx = self.ctx.as_mut().ok_or(ffmpeg::Error::Bug)?;
        let mut out = Video::empty();
        ctx.run(src, &mut out)?;
        out.set_pts(src.pts());
        Ok(out)
    }
}

/// Largest even size within `max_w` x `max_h` with the aspect of `w` x `h`, never
/// larger than the source.
pub(super) fn fit_within(w: u32, h: u32, max_w: u32, max_h: u32) -> (u32, u32) {
    if w == 0 || h == 0 {
        return (2, 2);
    }
    let scale = (f64::from(max_w) / f64::from(w)).min(f64::from(max_h) / f64::from(h)).min(1.0);
    let bounded = |src: u32, v: f64| {
        let e = even(v);
        // Rounding an odd source up would upscale by a pixel; round down instead.
        if e > src && src >= 2 {
            src & !1
        } else {
            e
        }
    };
    (bounded(w, f64::from(w) * scale), bounded(h, f64::from(h) * scale))
}

/// Height for a given width keeping the aspect of `w` x `h`, even and >= 2.
pub(super) fn height_for_width(w: u32, h: u32, target_w: u32) -> u32 {
    if w == 0 {
        return 2;
    }
    even(f64::from(target_w) * f64::from(h) / f64::from(w))
}

/// Round to the nearest even integer, minimum 2.
pub(super) fn even(x: f64) -> u32 {
    let v = ((x / 2.0).round() * 2.0) as u32;
    v.max(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fits_and_keeps_even() {
        assert_eq!(fit_within(2560, 1440, 1920, 1080), (1920, 1080));
        assert_eq!(fit_within(640, 360, 1920, 1080), (640, 360)); // never upscale
        assert_eq!(fit_within(1080, 1920, 1920, 1080), (608, 1080)); // portrait
        assert_eq!(fit_within(3840, 1080, 1920, 1080), (1920, 540)); // ultrawide
        assert_eq!(fit_within(641, 361, 1920, 1080), (640, 360));
        assert_eq!(fit_within(0, 10, 100, 100), (2, 2));
        assert_eq!(height_for_width(1920, 1080, 160), 90);
        assert_eq!(height_for_width(640, 480, 160), 120);
        assert_eq!(even(0.4), 2);
    }
}
