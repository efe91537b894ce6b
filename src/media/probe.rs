//! `probe`: what is in an uploaded file, plus the input-side helpers `process` shares.
//!
//! Policy:
//! * Input is validated before any decoding: the file must exist, be non-empty,
//!   open as a known container, and have a decodable audio or video stream.
//!   Video larger than `MAX_DIMENSION` on either side is refused up front.
//! * Cover art (`attached_pic` streams, e.g. in MP3s) is not video.
//! * `duration_ms` comes from the header when it has one; otherwise (MediaRecorder
//!   WebM) the packets are scanned — a read of the whole file but no decoding.
//! * `container` is FFmpeg's demuxer name, e.g. `matroska,webm` or `mov,mp4,m4a,3gp,3g2,mj2`.

use std::path::Path;

use ffmpeg::format::{context::Input, Pixel};
use ffmpeg::{codec, media, Rational, Rescale};
use ffmpeg_next as ffmpeg;
use serde::Serialize;

use super::error::{MediaError, ResultExt};
use super::rotation::stream_rotation;
use super::timeline::{origin_us, StreamClock, MICROS};

/// Largest accepted width or height. Bigger is almost certainly hostile.
pub(super) const MAX_DIMENSION: u32 = 8192;
/// Largest accepted picture area (8K UHD). Decoders keep several frames alive, so
/// this bounds memory per job (~50 MB per 8K frame).
pub(super) const MAX_PIXELS: u64 = 7680 * 4320;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProbeInfo {
    pub container: String,
    pub duration_ms: Option<i64>,
    pub video: Option<VideoStreamInfo>,
    pub audio: Option<AudioStreamInfo>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VideoStreamInfo {
    pub codec: String,
    /// Coded size, before rotation.
    pub width: u32,
    pub height: u32,
    /// Clockwise degrees (0, 90, 180, 270) to display upright.
    pub rotation_degrees: i32,
    pub fps: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AudioStreamInfo {
    pub codec: String,
    pub sample_rate: u32,
    pub channels: u16,
}

/// Describe a media file. Errors are `InvalidInput` when the file is not usable media.
pub fn probe(path: &Path) -> Result<ProbeInfo, MediaError> {
    super::init();
    super::guard(|| {
        let mut input = open_input(path)?;
        let (v, a) = select_streams(&input);
        let video = v.map(|i| video_info(&input, i)).transpose()?;
        let audio = a.map(|i| audio_info(&input, i)).transpose()?;
        let duration_ms = match header_duration_ms(&input) {
            Some(d) => Some(d),
            None => scan_duration_ms(&mut input, [v, a].into_iter().flatten().collect()),
        };
        Ok(ProbeInfo { container: input.format().name().to_string(), duration_ms, video, audio })
    })
}

/// Open a file as media, turning every way that can fail into a user-facing error.
pub(super) fn open_input(path: &Path) -> Result<Input, MediaError> {
    let meta = std::fs::metadata(path).map_err(|e| MediaError::invalid_because("cannot read the file", e))?;
    if !meta.is_file() {
        return Err(MediaError::invalid("not a regular file"));
    }
    if meta.len() == 0 {
        return Err(MediaError::invalid("the file is empty"));
    }
    // ffmpeg-next converts paths with `to_str().unwrap()`; refuse instead of panicking.
    if path.to_str().is_none_or(|s| s.contains('\0')) {
        return Err(MediaError::internal(format!("path is not valid UTF-8: {}", path.display())));
    }
    let input = super::demuxers::open(path).invalid("the file is not a recognised video or audio format")?;
    with_media_streams(input)
}

/// Open media read from `reader` as it arrives (no file checks: the length is unknown).
/// Returns once FFmpeg has seen enough to know the streams, a few seconds of media.
pub(super) fn open_input_stream(reader: impl std::io::Read + Send + 'static) -> Result<Input, MediaError> {
    let io = ffmpeg::format::context::StreamIo::from_read(reader).internal("creating a stream reader")?;
    let input = super::demuxers::open_stream(io).invalid("the recording is not a recognised video or audio format")?;
    with_media_streams(input)
}

fn with_media_streams(input: Input) -> Result<Input, MediaError> {
    let (v, a) = select_streams(&input);
    if v.is_none() && a.is_none() {
        return Err(MediaError::invalid("the file has no audio or video"));
    }
    Ok(input)
}

/// Best video stream (not cover art) and best audio stream.
pub(super) fn select_streams(input: &Input) -> (Option<usize>, Option<usize>) {
    let is_picture = |s: &ffmpeg::Stream| s.disposition().contains(ffmpeg::format::stream::Disposition::ATTACHED_PIC);
    let video = match input.streams().best(media::Type::Video) {
        Some(s) if !is_picture(&s) => Some(s.index()),
        _ => {
            input.streams().find(|s| s.parameters().medium() == media::Type::Video && !is_picture(s)).map(|s| s.index())
        }
    };
    let audio = input.streams().best(media::Type::Audio).map(|s| s.index());
    (video, audio)
}

/// What `process` needs to know about the video stream before decoding.
pub(super) struct VideoParams {
    pub codec: codec::Id,
    pub width: u32,
    pub height: u32,
    pub format: Pixel,
    pub sample_aspect: Rational,
    pub has_b_frames: bool,
    pub rotation: i32,
    pub frame_rate: Option<Rational>,
}

pub(super) fn video_params(input: &Input, index: usize) -> Result<VideoParams, MediaError> {
    let stream = input.stream(index).ok_or_else(|| MediaError::internal("video stream vanished"))?;
    let id = stream.parameters().id();
    let ctx = codec::Context::from_parameters(stream.parameters()).invalid("unreadable video parameters")?;
    let dec = ctx
        .decoder()
        .video()
        .map_err(|e| MediaError::invalid_because(format!("unsupported video codec {}", id.name()), e))?;
    let (width, height) = (dec.width(), dec.height());
    if width == 0 || height == 0 {
        return Err(MediaError::invalid("the video stream has no picture size"));
    }
    if width > MAX_DIMENSION || height > MAX_DIMENSION || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(MediaError::invalid(format!(
            "the video is {width}x{height}; the largest supported size is 8K ({MAX_DIMENSION} pixels per side)"
        )));
    }
    let rate = |r: Rational| (r.numerator() > 0 && r.denominator() > 0).then_some(r);
    Ok(VideoParams {
        codec: id,
        width,
        height,
        format: dec.format(),
        sample_aspect: dec.aspect_ratio(),
        has_b_frames: dec.has_b_frames(),
        rotation: stream_rotation(&stream),
        frame_rate: rate(stream.avg_frame_rate()).or_else(|| rate(stream.rate())),
    })
}

/// Sample rate and channel count as the decoder sees them.
pub(super) fn audio_params(input: &Input, index: usize) -> Result<(codec::Id, u32, u16), MediaError> {
    let stream = input.stream(index).ok_or_else(|| MediaError::internal("audio stream vanished"))?;
    let id = stream.parameters().id();
    let ctx = codec::Context::from_parameters(stream.parameters()).invalid("unreadable audio parameters")?;
    let dec = ctx
        .decoder()
        .audio()
        .map_err(|e| MediaError::invalid_because(format!("unsupported audio codec {}", id.name()), e))?;
    if dec.rate() == 0 || dec.channels() == 0 {
        return Err(MediaError::invalid("the audio stream has no sample rate or channels"));
    }
    Ok((id, dec.rate(), dec.channels()))
}

fn video_info(input: &Input, index: usize) -> Result<VideoStreamInfo, MediaError> {
    let p = video_params(input, index)?;
    Ok(VideoStreamInfo {
        codec: p.codec.name().to_string(),
        width: p.width,
        height: p.height,
        rotation_degrees: p.rotation,
        fps: p.frame_rate.map(f64::from),
    })
}

fn audio_info(input: &Input, index: usize) -> Result<AudioStreamInfo, MediaError> {
    let (id, sample_rate, channels) = audio_params(input, index)?;
    Ok(AudioStreamInfo { codec: id.name().to_string(), sample_rate, channels })
}

/// Container-declared duration, if any.
pub(super) fn header_duration_ms(input: &Input) -> Option<i64> {
    let d = input.duration(); // AV_TIME_BASE (microseconds); AV_NOPTS_VALUE when unknown
    (d > 0).then(|| d.rescale(MICROS, Rational(1, 1000)))
}

/// Declared duration of just these streams (per-track headers, as in MP4), falling
/// back to the container's. Streams we ignore may legitimately run longer.
pub(super) fn declared_duration_ms(input: &Input, streams: &[usize]) -> Option<i64> {
    streams
        .iter()
        .filter_map(|&i| input.stream(i))
        .filter(|s| s.duration() > 0)
        .map(|s| s.duration().rescale(s.time_base(), Rational(1, 1000)))
        .max()
        .or_else(|| header_duration_ms(input))
}

/// Demux (no decode) to the end and measure how far the selected streams reach.
fn scan_duration_ms(input: &mut Input, streams: Vec<usize>) -> Option<i64> {
    let selected: Vec<ffmpeg::Stream> = input.streams().filter(|s| streams.contains(&s.index())).collect();
    let origin = origin_us(&selected);
    let mut clocks: Vec<(usize, StreamClock)> =
        selected.iter().map(|s| (s.index(), StreamClock::new(s.time_base(), origin, 1))).collect();
    drop(selected);
    while let Ok(Some(mut pkt)) = next_packet(input) {
        if let Some((_, clock)) = clocks.iter_mut().find(|(i, _)| *i == pkt.stream()) {
            clock.fix_packet(&mut pkt);
        }
    }
    clocks.iter().filter_map(|(_, c)| c.end_ms()).max()
}

/// Give up after this many corrupt packets in a row (the demuxer isn't resyncing).
const MAX_CONSECUTIVE_CORRUPT: usize = 1000;

/// Next demuxed packet; `Ok(None)` at a clean end of file. Individually corrupt
/// packets are skipped (demuxers resync past them); any other error — typically a
/// file cut off mid-packet — is returned.
pub(super) fn next_packet(input: &mut Input) -> Result<Option<ffmpeg::Packet>, ffmpeg::Error> {
    for _ in 0..MAX_CONSECUTIVE_CORRUPT {
        let mut pkt = ffmpeg::Packet::empty();
        match pkt.read(input) {
            Ok(()) => return Ok(Some(pkt)),
            Err(ffmpeg::Error::Eof) => return Ok(None),
            Err(ffmpeg::Error::InvalidData) => continue,
            Err(e) => return Err(e),
        }
    }
    Err(ffmpeg::Error::InvalidData)
}
