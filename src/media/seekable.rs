//! A seekable copy of a browser recording, made by remuxing alone (no decoding).
//!
//! MediaRecorder writes WebM as a live stream: no duration and no cue index, so players
//! cannot show a length or jump ahead. Copying every packet into a new WebM file lets the
//! Matroska muxer write both at the end. It costs a read and a write of the file, a few
//! percent of the clip's length, so viewers get a seekable video long before the full
//! transcode is ready. Memory stays flat: packets stream through one at a time.

use std::path::Path;
use std::time::Instant;

use ffmpeg::{codec, encoder, format, media, Rational};
use ffmpeg_next as ffmpeg;

use super::error::{MediaError, ResultExt};

/// What the remux produced.
#[derive(Debug, Clone)]
pub struct SeekableCopy {
    /// Measured from the packets copied.
    pub duration_ms: i64,
}

/// True for inputs that benefit: Matroska/WebM, which MediaRecorder produces.
pub fn is_webm_family(container: &str) -> bool {
    container.split(',').any(|name| matches!(name.trim(), "matroska" | "webm"))
}

/// Copy the audio and video packets of `input` into a seekable WebM at `output`.
pub fn remux_seekable(input: &Path, output: &Path, deadline: Option<Instant>) -> Result<SeekableCopy, MediaError> {
    super::init();
    super::guard(|| remux(input, output, deadline))
}

/// WebM proper allows only these codecs. Chrome's `video/webm;codecs=h264` recordings are
/// really Matroska, so those are copied into Matroska, which browsers play the same way.
fn webm_can_hold(codec: codec::Id) -> bool {
    matches!(
        codec,
        codec::Id::VP8 | codec::Id::VP9 | codec::Id::AV1 | codec::Id::OPUS | codec::Id::VORBIS | codec::Id::WEBVTT
    )
}

struct Mapped {
    out_index: usize,
    in_time_base: Rational,
    out_time_base: Rational,
    last_dts: Option<i64>,
}

fn remux(input: &Path, output: &Path, deadline: Option<Instant>) -> Result<SeekableCopy, MediaError> {
    let mut ictx = super::demuxers::open(input).invalid("the file is not a recognised video or audio format")?;
    let muxer = if ictx.streams().all(|s| webm_can_hold(s.parameters().id())) { "webm" } else { "matroska" };
    let mut octx = format::output_as(&output, muxer).internal("creating the seekable copy")?;
    let mut mapping: Vec<Option<Mapped>> = Vec::new();
    for stream in ictx.streams() {
        let kind = stream.parameters().medium();
        if kind != media::Type::Audio && kind != media::Type::Video {
            mapping.push(None);
            continue;
        }
        let mut ost = octx.add_stream(encoder::find(codec::Id::None)).internal("adding a stream")?;
        ost.set_parameters(stream.parameters());
        ost.set_time_base(stream.time_base());
        mapping.push(Some(Mapped {
            out_index: ost.index(),
            in_time_base: stream.time_base(),
            out_time_base: stream.time_base(),
            last_dts: None,
        }));
    }
    if mapping.iter().all(Option::is_none) {
        return Err(MediaError::invalid("the upload has no audio or video stream"));
    }
    octx.write_header().internal("writing the seekable copy's header")?;
    for mapped in mapping.iter_mut().flatten() {
        if let Some(stream) = octx.stream(mapped.out_index) {
            mapped.out_time_base = stream.time_base();
        }
    }
    let mut end_ms = 0i64;
    for (stream, mut packet) in ictx.packets() {
        if deadline.is_some_and(|d| Instant::now() > d) {
            return Err(MediaError::DeadlineExceeded);
        }
        let Some(Some(mapped)) = mapping.get_mut(stream.index()) else { continue };
        if let Some(pts) = packet.pts().or(packet.dts()) {
            let end = pts + packet.duration().max(0);
            let ms = end.saturating_mul(1000).saturating_mul(i64::from(mapped.in_time_base.numerator()))
                / i64::from(mapped.in_time_base.denominator().max(1));
            end_ms = end_ms.max(ms);
        }
        packet.rescale_ts(mapped.in_time_base, mapped.out_time_base);
        mapped.last_dts = super::mux::keep_increasing(&mut packet, mapped.last_dts);
        packet.set_stream(mapped.out_index);
        packet.set_position(-1);
        packet.write_interleaved(&mut octx).internal("writing the seekable copy")?;
    }
    octx.write_trailer().internal("finishing the seekable copy")?;
    Ok(SeekableCopy { duration_ms: end_ms })
}
