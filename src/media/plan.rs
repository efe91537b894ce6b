//! Decide, before reading any media data, what `process` will do with each stream.
//!
//! Policy:
//! * Output frame: at most `max_height` tall and `max_height * 16 / 9` wide (so a
//!   1080 limit means 1920x1080; portrait and ultrawide both fit), aspect kept
//!   (non-square pixels are made square), even dimensions, never upscaled.
//! * H.264 video is copied (remuxed) only when that is certainly safe for an MP4
//!   in a browser: 8-bit 4:2:0, no rotation to apply, square pixels, even and
//!   already within the size limit, and from MP4/MOV, or from Matroska/WebM without B-frames
//!   (Matroska carries no dts, so reordered streams can't be remuxed safely).
//!   Everything else is re-encoded with libx264.
//! * AAC audio from MP4/MOV/Matroska is copied; anything else becomes AAC at the
//!   input rate when AAC supports it (else 48 kHz), mono stays mono, more than two
//!   channels are downmixed to stereo.

use ffmpeg::format::{context::Input, Pixel};
use ffmpeg::{codec, Rational};
use ffmpeg_next as ffmpeg;

use super::error::MediaError;
use super::probe::{audio_params, declared_duration_ms, select_streams, video_params, VideoParams};
use super::scale::fit_within;
use super::timeline::origin_us;
use super::ProcessOptions;

/// Sample rates the native AAC encoder accepts.
const AAC_RATES: [u32; 13] = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

pub(super) struct Plan {
    pub container: String,
    /// Duration the header declares for the selected streams (hint only).
    pub header_duration_ms: Option<i64>,
    /// Shared timeline origin (µs): earliest start of the selected streams.
    pub origin_us: i64,
    pub video: Option<VideoPlan>,
    pub audio: Option<AudioPlan>,
}

pub(super) struct VideoPlan {
    pub index: usize,
    pub params: VideoParams,
    pub out_width: u32,
    pub out_height: u32,
    pub copy: bool,
}

pub(super) struct AudioPlan {
    pub index: usize,
    pub copy: bool,
    pub out_rate: u32,
    pub out_channels: u16,
}

impl Plan {
    /// True when the container header duration can be trusted to detect truncation
    /// (formats that store it exactly, rather than estimating from bitrate).
    pub(super) fn header_duration_is_exact(&self) -> bool {
        is_mp4_family(&self.container) || self.container.starts_with("matroska")
    }

    /// Same plan with every stream re-encoded (the fallback if copying fails).
    pub(super) fn without_copies(mut self) -> Self {
        if let Some(v) = self.video.as_mut() {
            v.copy = false;
        }
        if let Some(a) = self.audio.as_mut() {
            a.copy = false;
        }
        self
    }

    pub(super) fn copies_anything(&self) -> bool {
        self.video.as_ref().is_some_and(|v| v.copy) || self.audio.as_ref().is_some_and(|a| a.copy)
    }
}

pub(super) fn make_plan(input: &Input, opts: &ProcessOptions) -> Result<Plan, MediaError> {
    let container = input.format().name().to_string();
    let (v, a) = select_streams(input);
    let video = v.map(|index| plan_video(input, index, &container, opts)).transpose()?;
    let audio = a.map(|index| plan_audio(input, index, &container)).transpose()?;
    let selected: Vec<ffmpeg::Stream> = [v, a].into_iter().flatten().filter_map(|i| input.stream(i)).collect();
    Ok(Plan {
        header_duration_ms: declared_duration_ms(input, &[v, a].into_iter().flatten().collect::<Vec<_>>()),
        origin_us: origin_us(&selected),
        container,
        video,
        audio,
    })
}

fn plan_video(input: &Input, index: usize, container: &str, opts: &ProcessOptions) -> Result<VideoPlan, MediaError> {
    let params = video_params(input, index)?;
    let max_h = opts.max_height.clamp(144, 4320);
    let max_w = max_h * 16 / 9;
    let (disp_w, disp_h) = display_size(&params);
    let (out_width, out_height) = fit_within(disp_w, disp_h, max_w, max_h);

    let square = {
        let sar = params.sample_aspect;
        sar.numerator() <= 0 || sar.denominator() <= 0 || sar.numerator() == sar.denominator()
    };
    let copy = params.codec == codec::Id::H264
        && matches!(params.format, Pixel::YUV420P | Pixel::YUVJ420P)
        && params.rotation == 0
        && square
        && params.width % 2 == 0
        && params.height % 2 == 0
        && params.width <= max_w
        && params.height <= max_h
        && (is_mp4_family(container) || (container.starts_with("matroska") && !params.has_b_frames));
    tracing::debug!(
        codec = params.codec.name(),
        width = params.width,
        height = params.height,
        out_width,
        out_height,
        copy,
        "video plan"
    );
    Ok(VideoPlan { index, params, out_width, out_height, copy })
}

fn plan_audio(input: &Input, index: usize, container: &str) -> Result<AudioPlan, MediaError> {
    let (id, rate, channels) = audio_params(input, index)?;
    let copy = id == codec::Id::AAC && (is_mp4_family(container) || container.starts_with("matroska"));
    let out_rate = if AAC_RATES.contains(&rate) { rate } else { 48_000 };
    let out_channels = if channels == 1 { 1 } else { 2 };
    tracing::debug!(codec = id.name(), rate, channels, copy, "audio plan");
    Ok(AudioPlan { index, copy, out_rate, out_channels })
}

/// Upright display size: pixel aspect applied, then rotation.
fn display_size(p: &VideoParams) -> (u32, u32) {
    let sar = p.sample_aspect;
    let mut w = p.width;
    if sar.numerator() > 0 && sar.denominator() > 0 && sar.numerator() != sar.denominator() {
        let scaled = f64::from(p.width) * f64::from(sar);
        w = scaled.round().clamp(2.0, 4.0 * f64::from(super::probe::MAX_DIMENSION)) as u32;
    }
    if p.rotation == 90 || p.rotation == 270 {
        (p.height, w)
    } else {
        (w, p.height)
    }
}

fn is_mp4_family(container: &str) -> bool {
    container.starts_with("mov,mp4")
}

/// Frame length in `time_base` units from a frame rate (1 when unknown).
pub(super) fn frame_duration(frame_rate: Option<Rational>, time_base: Rational) -> i64 {
    match frame_rate {
        Some(fr) if fr.numerator() > 0 && time_base.numerator() > 0 => {
            let num = i64::from(time_base.denominator()) * i64::from(fr.denominator());
            let den = i64::from(time_base.numerator()) * i64::from(fr.numerator());
            (num / den.max(1)).max(1)
        }
        _ => 1,
    }
}
