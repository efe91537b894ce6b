//! Still images (poster, storyboard sprite sheets) via FFmpeg's MJPEG encoder.
//!
//! Policy: input frames are full-range `yuvj420p` (what baseline JPEG decoders
//! expect); quality is a fixed quantiser (`JPEG_QSCALE`, 2 = best .. 31 = worst)
//! rather than a bitrate, since each image is encoded on its own.

use std::path::Path;

use ffmpeg::{codec, encoder, frame, Packet};
use ffmpeg_next as ffmpeg;

use super::error::{MediaError, ResultExt};

/// 3-4 looks clean for thumbnails at a fraction of the size of q=2.
const JPEG_QSCALE: i32 = 4;

/// Encode one `yuvj420p` frame and write it to `path`.
pub(super) fn write_jpeg(frame: &frame::Video, path: &Path) -> Result<(), MediaError> {
    let bytes = encode_jpeg(frame).internal("encoding JPEG")?;
    std::fs::write(path, bytes).internal("writing JPEG")
}

fn encode_jpeg(frame: &frame::Video) -> Result<Vec<u8>, ffmpeg::Error> {
    let codec = encoder::find(codec::Id::MJPEG).ok_or(ffmpeg::Error::EncoderNotFound)?;
    let mut enc = codec::Context::new_with_codec(codec).encoder().video()?;
    enc.set_width(frame.width());
    enc.set_height(frame.height());
    enc.set_format(ffmpeg::format::Pixel::YUVJ420P);
    enc.set_time_base((1, 25));
    // Fixed quantiser: with QSCALE set and no per-frame quality, the encoder
    // clamps to qmin, so qmin = qmax pins the quality.
    enc.set_flags(codec::Flags::QSCALE);
    enc.set_qmin(JPEG_QSCALE);
    enc.set_qmax(JPEG_QSCALE);
    let mut enc = enc.open()?;

    // Frames reaching here come fresh from a scaler or the sheet builder, so their
    // picture type is unset and their pts irrelevant to a single-image encode.
    enc.send_frame(frame)?;
    enc.send_eof()?;
    let mut out = Vec::new();
    let mut pkt = Packet::empty();
    while enc.receive_packet(&mut pkt).is_ok() {
        out.extend_from_slice(pkt.data().unwrap_or_default());
    }
    if out.is_empty() {
        return Err(ffmpeg::Error::Bug);
    }
    Ok(out)
}
