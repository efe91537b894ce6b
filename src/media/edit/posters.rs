//! Posters chosen after processing: the frame at a moment of the video, or an uploaded
//! image. Both are scaled and written exactly as processing writes its poster (at most
//! 1280 px a side, JPEG) with the 320-px thumbnail beside it.

use std::path::{Path, PathBuf};

use ffmpeg::format::Pixel;
use ffmpeg::software::scaling::Flags;
use ffmpeg::{codec, frame, media, Dictionary};
use ffmpeg_next as ffmpeg;

use super::super::error::{MediaError, ResultExt};
use super::super::jpeg::write_jpeg;
use super::super::poster::{THUMBNAIL_FILE, THUMBNAIL_WIDTH};
use super::super::probe::open_input;
use super::super::scale::{fit_within, height_for_width, Rescaler};

const POSTER_FILE: &str = "poster.jpg";
const POSTER_MAX: u32 = 1280;
/// Larger uploaded images are refused rather than decoded.
const MAX_IMAGE_SIDE: u32 = 8192;
/// Only still-image demuxers read an uploaded poster.
const IMAGE_DEMUXERS: &str = "png_pipe,jpeg_pipe";

pub(super) fn at(input: &Path, at_ms: i64, out_dir: &Path) -> Result<(PathBuf, PathBuf), MediaError> {
    let mut ictx = open_input(input)?;
    let stream =
        ictx.streams().best(media::Type::Video).ok_or_else(|| MediaError::invalid("the media has no picture"))?;
    let (index, tb) = (stream.index(), stream.time_base());
    let mut decoder = codec::context::Context::from_parameters(stream.parameters())
        .internal("reading video parameters")?
        .decoder()
        .video()
        .invalid("the video cannot be decoded")?;
    // Seek to the keyframe before the moment, then decode forward to it.
    let _ = ictx.seek(at_ms.max(0) * 1000, ..at_ms.max(0) * 1000);
    let target = at_ms.max(0) * i64::from(tb.denominator()) / (1000 * i64::from(tb.numerator().max(1)));
    let mut decoded = frame::Video::empty();
    let mut best: Option<frame::Video> = None;
    'read: for (stream, packet) in ictx.packets() {
        if stream.index() != index || decoder.send_packet(&packet).is_err() {
            continue;
        }
        while decoder.receive_frame(&mut decoded).is_ok() {
            let pts = decoded.timestamp().or(decoded.pts()).unwrap_or(0);
            let reached = pts >= target;
            if best.is_none() || pts <= target {
                best = Some(decoded.clone());
            }
            if reached {
                break 'read;
            }
        }
    }
    if best.is_none() {
        let _ = decoder.send_eof();
        while decoder.receive_frame(&mut decoded).is_ok() {
            best = Some(decoded.clone());
        }
    }
    let frame = best.ok_or_else(|| MediaError::invalid("no picture at that moment"))?;
    write_poster(&frame, out_dir)
}

pub(super) fn from_image(image: &Path, out_dir: &Path) -> Result<(PathBuf, PathBuf), MediaError> {
    let path = image.to_str().ok_or_else(|| MediaError::internal("path is not valid UTF-8"))?;
    let mut options = Dictionary::new();
    options.set("format_whitelist", IMAGE_DEMUXERS);
    options.set("protocol_whitelist", "file");
    let mut ictx =
        ffmpeg::format::input_with_dictionary(&path, options).invalid("the file is not a JPEG or PNG image")?;
    let stream = ictx.streams().best(media::Type::Video).ok_or_else(|| MediaError::invalid("the file has no image"))?;
    let index = stream.index();
    let mut decoder = codec::context::Context::from_parameters(stream.parameters())
        .internal("reading image parameters")?
        .decoder()
        .video()
        .invalid("the image cannot be decoded")?;
    if decoder.width() > MAX_IMAGE_SIDE || decoder.height() > MAX_IMAGE_SIDE {
        return Err(MediaError::invalid(format!("the image must be at most {MAX_IMAGE_SIDE} px on each side")));
    }
    let mut decoded = frame::Video::empty();
    for (stream, packet) in ictx.packets() {
        if stream.index() == index
            && decoder.send_packet(&packet).is_ok()
            && decoder.receive_frame(&mut decoded).is_ok()
        {
            return write_poster(&decoded, out_dir);
        }
    }
    let _ = decoder.send_eof();
    if decoder.receive_frame(&mut decoded).is_ok() {
        return write_poster(&decoded, out_dir);
    }
    Err(MediaError::invalid("the image cannot be decoded"))
}

fn write_poster(frame: &frame::Video, out_dir: &Path) -> Result<(PathBuf, PathBuf), MediaError> {
    if frame.width() == 0 || frame.height() == 0 {
        return Err(MediaError::invalid("the image is empty"));
    }
    std::fs::create_dir_all(out_dir).internal("creating output directory")?;
    let (w, h) = fit_within(frame.width(), frame.height(), POSTER_MAX, POSTER_MAX);
    let poster =
        Rescaler::new(Pixel::YUVJ420P, w, h, Flags::BICUBIC).run(frame).invalid("the image cannot be scaled")?;
    let poster_path = out_dir.join(POSTER_FILE);
    write_jpeg(&poster, &poster_path)?;
    let height = height_for_width(poster.width(), poster.height(), THUMBNAIL_WIDTH);
    let thumbnail = Rescaler::new(Pixel::YUVJ420P, THUMBNAIL_WIDTH, height, Flags::AREA)
        .run(&poster)
        .internal("scaling thumbnail")?;
    let thumbnail_path = out_dir.join(THUMBNAIL_FILE);
    write_jpeg(&thumbnail, &thumbnail_path)?;
    Ok((poster_path, thumbnail_path))
}
