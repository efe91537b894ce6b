//! H.264 encoding with libx264 for inputs that can't be remuxed.
//!
//! Policy: `preset=veryfast`, `crf=23` (good quality per CPU second on a small
//! server), yuv420p (what browsers decode), fixed output size chosen by `plan`.
//! The encoder works in the input stream's time base so timestamps pass through
//! untouched; they are only forced strictly increasing.

use ffmpeg::format::Pixel;
use ffmpeg::frame::Video;
use ffmpeg::software::scaling::Flags;
use ffmpeg::{codec, encoder, picture, Dictionary, Packet, Rational};
use ffmpeg_next as ffmpeg;

use super::error::{MediaError, ResultExt};
use super::mux::Muxer;
use super::plan::frame_duration;
use super::scale::Rescaler;

/// Frames in two seconds at `frame_rate` (60 when it is unknown), within 1..=600.
fn keyframe_interval(frame_rate: Option<Rational>) -> u32 {
    let fps = frame_rate
        .filter(|r| r.numerator() > 0 && r.denominator() > 0)
        .map_or(30.0, |r| f64::from(r.numerator()) / f64::from(r.denominator()));
    (fps * 2.0).round().clamp(1.0, 600.0) as u32
}

pub(super) struct H264Encoder {
    enc: encoder::Video,
    time_base: Rational,
    out_stream: usize,
    scaler: Rescaler,
    frame_duration: i64,
    /// Whether `frame_duration` came from a declared frame rate.
    nominal_rate: bool,
    last_pts: Option<i64>,
}

impl H264Encoder {
    /// Open the encoder and register its output stream (before the MP4 header).
    pub(super) fn open(
        width: u32,
        height: u32,
        time_base: Rational,
        frame_rate: Option<Rational>,
        mux: &mut Muxer,
    ) -> Result<Self, MediaError> {
        let codec = encoder::find_by_name("libx264")
            .ok_or_else(|| MediaError::internal("libx264 encoder not available in this FFmpeg build"))?;
        // `new_with_codec` so codec-private options (preset, crf) are accepted at open.
        let mut enc = codec::Context::new_with_codec(codec).encoder().video().internal("allocating H.264 encoder")?;
        enc.set_width(width);
        enc.set_height(height);
        enc.set_format(Pixel::YUV420P);
        enc.set_time_base(time_base);
        enc.set_frame_rate(frame_rate);
        // A keyframe every two seconds (x264's default is ten at 25 fps): seeking lands
        // near where it is asked to, and an edit re-encodes at most two seconds per cut
        // (the smart cut copies every whole GOP).
        enc.set_gop(keyframe_interval(frame_rate));
        if mux.wants_global_header() {
            enc.set_flags(codec::Flags::GLOBAL_HEADER);
        }
        let mut opts = Dictionary::new();
        opts.set("preset", "veryfast");
        opts.set("crf", "23");
        // libavcodec's default is one thread, which leaves libx264 unthreaded; "auto" is
        // what the ffmpeg CLI passes (x264 then picks 1.5 threads per core, frame-parallel).
        opts.set("threads", "auto");
        let enc = enc.open_with(opts).internal("opening libx264")?;
        let out_stream = mux.add_encoded(&enc, time_base)?;
        Ok(H264Encoder {
            enc,
            time_base,
            out_stream,
            scaler: Rescaler::new(Pixel::YUV420P, width, height, Flags::BILINEAR),
            frame_duration: frame_duration(frame_rate, time_base),
            nominal_rate: frame_rate.is_some(),
            last_pts: None,
        })
    }

    /// Encode one upright frame whose pts is in the input stream's time base.
    pub(super) fn encode(&mut self, frame: &mut Video, mux: &mut Muxer) -> Result<(), MediaError> {
        let predicted = self.last_pts.map_or(0, |p| p + self.frame_duration);
        let mut pts = frame.pts().unwrap_or(predicted);
        if let Some(last) = self.last_pts {
            if pts <= last {
                pts = last + 1;
            }
            if !self.nominal_rate && pts - last > 1 {
                // Unknown frame rate: learn the spacing for packet durations.
                self.frame_duration = pts - last;
            }
        }
        self.last_pts = Some(pts);

        let passthrough = frame.format() == Pixel::YUV420P
            && frame.width() == self.scaler.width()
            && frame.height() == self.scaler.height();
        let mut scaled;
        let input: &mut Video = if passthrough {
            frame
        } else {
            scaled = self.scaler.run(frame).internal("scaling video frame")?;
            &mut scaled
        };
        input.set_pts(Some(pts));
        // A decoder's picture type (I/P/B) would be taken as a forced frame type.
        input.set_kind(picture::Type::None);
        self.enc.send_frame(input).internal("sending frame to libx264")?;
        self.drain(mux)
    }

    /// Flush delayed frames at end of input.
    pub(super) fn finish(&mut self, mux: &mut Muxer) -> Result<(), MediaError> {
        self.enc.send_eof().internal("flushing libx264")?;
        self.drain(mux)
    }

    fn drain(&mut self, mux: &mut Muxer) -> Result<(), MediaError> {
        loop {
            let mut pkt = Packet::empty();
            match self.enc.receive_packet(&mut pkt) {
                Ok(()) => {
                    // libx264 leaves packet duration at 0; the MP4 muxer needs it for the last sample.
                    if pkt.duration() <= 0 {
                        pkt.set_duration(self.frame_duration);
                    }
                    mux.write(self.out_stream, pkt, self.time_base)?;
                }
                Err(ffmpeg::Error::Eof) => return Ok(()),
                Err(ffmpeg::Error::Other { errno }) if errno == ffmpeg::error::EAGAIN => return Ok(()),
                Err(e) => return Err(e).internal("receiving packet from libx264"),
            }
        }
    }
}
