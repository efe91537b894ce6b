//! The video branch of the single decode pass.
//!
//! Policy: every video packet is decoded exactly once, even when the packets are
//! remuxed, because the poster and storyboard need pixels. Each decoded frame is
//! turned upright (rotation), then offered to the poster picker and storyboard
//! builder, then (unless remuxing) encoded. Corrupt packets are skipped and counted;
//! the pipeline decides afterwards whether too little survived.

use std::path::Path;

use ffmpeg::format::context::Input;
use ffmpeg::frame::Video;
use ffmpeg::{codec, decoder, threading};
use ffmpeg_next as ffmpeg;

use super::branch::{DecodeBranch, Intake};
use super::error::{MediaError, ResultExt};
use super::mux::Muxer;
use super::plan::{frame_duration, VideoPlan};
use super::poster::{PosterFiles, PosterPicker};
use super::rotation::Uprighter;
use super::storyboard::{Storyboard, StoryboardBuilder};
use super::timeline::StreamClock;
use super::video_encode::H264Encoder;
use super::ProcessOptions;

/// Where decoded frames go, kept apart from the decoder so both can be borrowed.
struct Sinks {
    poster: PosterPicker,
    storyboard: StoryboardBuilder,
    encoder: Option<H264Encoder>,
}

impl Sinks {
    fn consume(&mut self, frame: &mut Video, t_ms: i64, mux: &mut Muxer) -> Result<(), MediaError> {
        self.poster.offer(frame, t_ms)?;
        self.storyboard.offer(frame, t_ms)?;
        if let Some(enc) = self.encoder.as_mut() {
            enc.encode(frame, mux)?;
        }
        Ok(())
    }
}

pub(super) struct VideoBranch {
    pub(super) index: usize,
    clock: StreamClock,
    decoder: decoder::Video,
    copy_stream: Option<usize>,
    upright: Option<Uprighter>,
    sinks: Sinks,
    decoded: Video,
    rotated: Video,
    next_pts: Option<i64>,
    pub(super) packets: u64,
    pub(super) frames: u64,
    pub(super) decode_errors: u64,
}

impl DecodeBranch for VideoBranch {
    const KIND: &'static str = "video";

    fn intake(&mut self) -> Intake<'_> {
        Intake {
            clock: &mut self.clock,
            decoder: &mut self.decoder,
            copy_stream: self.copy_stream,
            packets: &mut self.packets,
            decode_errors: &mut self.decode_errors,
        }
    }

    fn drain_frames(&mut self, mux: &mut Muxer) -> Result<(), MediaError> {
        self.drain(mux)
    }
}

impl VideoBranch {
    /// Open the decoder and (encoder or copy) output stream. Call before `Muxer::start`.
    pub(super) fn new(
        input: &Input,
        plan: &VideoPlan,
        origin_us: i64,
        out_dir: &Path,
        opts: &ProcessOptions,
        expected_ms: Option<i64>,
        mux: &mut Muxer,
    ) -> Result<Self, MediaError> {
        let stream = input.stream(plan.index).ok_or_else(|| MediaError::internal("video stream vanished"))?;
        let time_base = stream.time_base();
        let mut ctx = codec::Context::from_parameters(stream.parameters()).invalid("unreadable video parameters")?;
        // Frame threads use both cores; the count is chosen by FFmpeg.
        ctx.set_threading(threading::Config::kind(threading::Type::Frame));
        let mut dec = ctx.decoder();
        dec.set_packet_time_base(time_base);
        let decoder = dec.video().invalid("cannot decode the video stream")?;

        let (copy_stream, encoder) = if plan.copy {
            (Some(mux.add_copy(&stream)?), None)
        } else {
            let enc = H264Encoder::open(plan.out_width, plan.out_height, time_base, plan.params.frame_rate, mux)?;
            (None, Some(enc))
        };
        Ok(VideoBranch {
            index: plan.index,
            clock: StreamClock::new(time_base, origin_us, frame_duration(plan.params.frame_rate, time_base)),
            decoder,
            copy_stream,
            upright: Uprighter::new(plan.params.rotation, time_base),
            sinks: Sinks {
                poster: PosterPicker::new(&out_dir.join(POSTER_FILE), expected_ms),
                storyboard: StoryboardBuilder::new(
                    out_dir,
                    opts.storyboard_interval_ms,
                    opts.storyboard_tile_width,
                    opts.storyboard_columns,
                    expected_ms,
                ),
                encoder,
            },
            decoded: Video::empty(),
            rotated: Video::empty(),
            next_pts: None,
            packets: 0,
            frames: 0,
            decode_errors: 0,
        })
    }

    /// End of input: flush the decoder and encoder.
    pub(super) fn flush(&mut self, mux: &mut Muxer) -> Result<(), MediaError> {
        // Errors here just mean the decoder had nothing left.
        let _ = self.decoder.send_eof();
        self.drain(mux)?;
        if let Some(enc) = self.sinks.encoder.as_mut() {
            enc.finish(mux)?;
        }
        Ok(())
    }

    pub(super) fn end_ms(&self) -> Option<i64> {
        self.clock.end_ms()
    }

    /// Write the poster and the last storyboard sheet.
    pub(super) fn finish_stills(
        mut self,
        duration_ms: i64,
    ) -> Result<(Option<PosterFiles>, Option<Storyboard>), MediaError> {
        let stills = self.sinks.poster.finish()?;
        let storyboard = self.sinks.storyboard.finish(duration_ms)?;
        Ok((stills, storyboard))
    }

    fn drain(&mut self, mux: &mut Muxer) -> Result<(), MediaError> {
        loop {
            match self.decoder.receive_frame(&mut self.decoded) {
                Ok(()) => self.on_frame(mux)?,
                Err(ffmpeg::Error::Eof) => return Ok(()),
                Err(ffmpeg::Error::Other { errno }) if errno == ffmpeg::error::EAGAIN => return Ok(()),
                Err(e) => {
                    self.decode_errors += 1;
                    tracing::debug!(error = %e, "video decode error");
                    return Ok(());
                }
            }
        }
    }

    fn on_frame(&mut self, mux: &mut Muxer) -> Result<(), MediaError> {
        self.frames += 1;
        let step = self.clock.typical_duration();
        let pts = self.decoded.timestamp().or(self.next_pts).unwrap_or(0);
        self.decoded.set_pts(Some(pts));
        self.next_pts = Some(pts + step);
        self.clock.observe_end(pts + step);
        let t_ms = self.clock.to_ms(pts);

        match self.upright.as_mut() {
            None => self.sinks.consume(&mut self.decoded, t_ms, mux),
            Some(up) => {
                up.push(&self.decoded).internal("rotating video frame")?;
                while up.pull(&mut self.rotated).internal("rotating video frame")? {
                    self.sinks.consume(&mut self.rotated, t_ms, mux)?;
                }
                Ok(())
            }
        }
    }
}

pub(super) const POSTER_FILE: &str = "poster.jpg";
