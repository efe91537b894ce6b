//! Poster-frame selection: a representative, non-black still for the player.
//!
//! Policy: sample a handful of frames (about ten) from the opening of the video —
//! 20% of its expected length, clamped to 3..30 s (10 s when the length is unknown,
//! as with MediaRecorder WebM) — and keep the one with the most luma contrast among
//! those bright enough to not be "black". Recordings often open on a black or
//! fading-in frame, so the first frame is a bad default. Only the current best
//! candidate is held (already scaled to poster size, at most 1280x1280), and it is
//! written as soon as the sampling window has passed, with a 320-px-wide copy for
//! listings (`thumbnail.jpg` beside it), scaled from the poster rather than decoded again.

use std::path::{Path, PathBuf};

use ffmpeg::format::Pixel;
use ffmpeg::frame::Video;
use ffmpeg::software::scaling::Flags;
use ffmpeg_next as ffmpeg;

use super::error::{MediaError, ResultExt};
use super::jpeg::write_jpeg;
use super::scale::{fit_within, height_for_width, Rescaler};

/// Longest side of the poster.
const POSTER_MAX: u32 = 1280;
/// Width of the listing thumbnail (a library card is about this wide).
pub(super) const THUMBNAIL_WIDTH: u32 = 320;
pub(super) const THUMBNAIL_FILE: &str = "thumbnail.jpg";

/// The poster's path and its thumbnail's.
pub(super) type PosterFiles = (PathBuf, PathBuf);
/// Size of the grey thumbnail used to score candidates; detail doesn't matter.
const STATS_W: u32 = 64;
const STATS_H: u32 = 36;
/// A frame darker than this mean luma (0-255) or flatter than this standard
/// deviation is "black or blank"; it only wins if nothing better turns up.
const MIN_MEAN: f64 = 24.0;
const MIN_STDDEV: f64 = 6.0;
const SAMPLES: i64 = 10;

pub(super) struct PosterPicker {
    path: PathBuf,
    window_ms: i64,
    step_ms: i64,
    next_sample_ms: i64,
    stats: Rescaler,
    poster: Option<Rescaler>,
    best: Option<(f64, Video)>,
    written: bool,
}

impl PosterPicker {
    /// `expected_ms` is the header's duration if it has one (only used to size the
    /// sampling window; a wrong value just changes which frames get sampled).
    pub(super) fn new(path: &Path, expected_ms: Option<i64>) -> Self {
        let window_ms = match expected_ms {
            Some(d) if d > 0 => (d / 5).clamp(3_000, 30_000).min(d),
            _ => 10_000,
        };
        PosterPicker {
            path: path.to_path_buf(),
            window_ms,
            step_ms: (window_ms / SAMPLES).max(200),
            next_sample_ms: 0,
            stats: Rescaler::new(Pixel::GRAY8, STATS_W, STATS_H, Flags::AREA),
            poster: None,
            best: None,
            written: false,
        }
    }

    /// Consider an upright decoded frame presented at `t_ms`.
    pub(super) fn offer(&mut self, frame: &Video, t_ms: i64) -> Result<(), MediaError> {
        if self.written {
            return Ok(());
        }
        if t_ms > self.window_ms && self.best.is_some() {
            return self.write();
        }
        if t_ms < self.next_sample_ms {
            return Ok(());
        }
        self.next_sample_ms = t_ms + self.step_ms;

        let grey = self.stats.run(frame).internal("scaling poster candidate")?;
        let score = score(&grey);
        if self.best.as_ref().is_some_and(|(best, _)| *best >= score) {
            return Ok(());
        }
        let scaler = self.poster.get_or_insert_with(|| {
            let (w, h) = fit_within(frame.width(), frame.height(), POSTER_MAX, POSTER_MAX);
            Rescaler::new(Pixel::YUVJ420P, w, h, Flags::BICUBIC)
        });
        let still = scaler.run(frame).internal("scaling poster")?;
        self.best = Some((score, still));
        Ok(())
    }

    /// Write the chosen frame if that hasn't happened yet: the poster's path and the
    /// thumbnail's. `None` when the video produced no frames at all.
    pub(super) fn finish(&mut self) -> Result<Option<PosterFiles>, MediaError> {
        if !self.written && self.best.is_some() {
            self.write()?;
        }
        Ok(self.written.then(|| (self.path.clone(), self.thumbnail_path())))
    }

    fn thumbnail_path(&self) -> PathBuf {
        self.path.with_file_name(THUMBNAIL_FILE)
    }

    fn write(&mut self) -> Result<(), MediaError> {
        if let Some((score, still)) = self.best.take() {
            tracing::debug!(score, path = %self.path.display(), "writing poster");
            write_jpeg(&still, &self.path)?;
            let height = height_for_width(still.width(), still.height(), THUMBNAIL_WIDTH);
            let thumbnail = Rescaler::new(Pixel::YUVJ420P, THUMBNAIL_WIDTH, height, Flags::AREA)
                .run(&still)
                .internal("scaling thumbnail")?;
            write_jpeg(&thumbnail, &self.thumbnail_path())?;
            self.written = true;
        }
        Ok(())
    }
}

/// Higher is better. Frames passing the brightness/contrast floor always beat
/// frames that don't; within each group more contrast wins.
fn score(grey: &Video) -> f64 {
    let (mean, stddev) = luma_stats(grey);
    if mean >= MIN_MEAN && stddev >= MIN_STDDEV {
        1000.0 + stddev
    } else {
        stddev + mean / 10.0
    }
}

/// Mean and standard deviation of an 8-bit single-plane frame.
fn luma_stats(grey: &Video) -> (f64, f64) {
    let (w, h, stride) = (grey.width() as usize, grey.height() as usize, grey.stride(0));
    let data = grey.data(0);
    let (mut sum, mut sum_sq, mut n) = (0f64, 0f64, 0f64);
    for row in data.chunks(stride).take(h) {
        for &px in row.iter().take(w) {
            let v = f64::from(px);
            sum += v;
            sum_sq += v * v;
            n += 1.0;
        }
    }
    if n == 0.0 {
        return (0.0, 0.0);
    }
    let mean = sum / n;
    (mean, (sum_sq / n - mean * mean).max(0.0).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grey_frame(fill: impl Fn(usize, usize) -> u8) -> Video {
        let mut f = Video::new(Pixel::GRAY8, STATS_W, STATS_H);
        let stride = f.stride(0);
        let data = f.data_mut(0);
        for y in 0..STATS_H as usize {
            for x in 0..STATS_W as usize {
                data[y * stride + x] = fill(x, y);
            }
        }
        f
    }

    #[test]
    fn black_loses_to_colour_and_flat_loses_to_detail() {
        let black = score(&grey_frame(|_, _| 0));
        let flat_grey = score(&grey_frame(|_, _| 128));
        let bars = score(&grey_frame(|x, _| if x % 16 < 8 { 40 } else { 220 }));
        let dim_noise = score(&grey_frame(|x, y| ((x * 7 + y * 3) % 20) as u8));
        assert!(bars > flat_grey && bars > black && bars > dim_noise);
        assert!(flat_grey > black);
        let (mean, sd) = luma_stats(&grey_frame(|x, _| if x % 2 == 0 { 0 } else { 200 }));
        assert!((mean - 100.0).abs() < 1e-9 && (sd - 100.0).abs() < 1e-9);
    }
}
