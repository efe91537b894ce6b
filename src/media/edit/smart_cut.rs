//! The smart cut: GOPs wholly inside a kept range are copied packet for packet (only
//! their timestamps move); GOPs a cut runs through are decoded and their kept frames
//! encoded again (`segment_encoder`); the audio is cut at sample precision as in the
//! plain render. Frame-accurate, and the work grows with the number of cuts, not with
//! the length of the video.

use std::path::Path;
use std::time::Instant;

use ffmpeg::format::Pixel;
use ffmpeg::{codec, frame, Rational};
use ffmpeg_next as ffmpeg;

use super::super::error::{MediaError, ResultExt};
use super::super::extradata;
use super::super::mux::Muxer;
use super::super::plan::frame_duration;
use super::super::probe::{next_packet, open_input, select_streams};
use super::audio_cut::AudioCutter;
use super::avc_config::AvcConfig;
use super::gop_plan::{plan, GopAction, GopPlan};
use super::placement::{to_ms, Placement};
use super::segment_encoder::{SegmentEncoder, SegmentFormat};
use super::{RenderOptions, RenderOutput, OUTPUT_FILE};

/// Render by copying where possible; `None` when this source can't be cut that way
/// (not H.264 in MP4 form, not 8-bit 4:2:0, open GOPs, or no GOP to copy at all), and
/// the plain render should do it.
pub(super) fn run(
    input: &Path,
    keep: &[(i64, i64)],
    out_dir: &Path,
    opts: &RenderOptions,
) -> Result<Option<RenderOutput>, MediaError> {
    let placement = Placement::new(keep);
    let mut ictx = open_input(input)?;
    let (Some(video_index), audio_index) = select_streams(&ictx) else { return Ok(None) };
    let stream = ictx.stream(video_index).ok_or_else(|| MediaError::internal("video stream vanished"))?;
    let tb = stream.time_base();
    if stream.parameters().id() != codec::Id::H264 {
        return Ok(None);
    }
    let Some(source_config) = AvcConfig::parse(&extradata::of_parameters(&stream.parameters())) else {
        return Ok(None);
    };
    let Some(gops) = plan(input, video_index, tb, &placement)? else { return Ok(None) };
    if gops.copies() == 0 {
        return Ok(None);
    }
    let decoder = codec::context::Context::from_parameters(stream.parameters())
        .internal("reading video parameters")?
        .decoder()
        .video()
        .invalid("the video cannot be decoded")?;
    if decoder.format() != Pixel::YUV420P {
        return Ok(None);
    }
    let Some(parameter_set_id) = (0..32).find(|id| !source_config.ids().contains(id)) else { return Ok(None) };
    let rate = stream.avg_frame_rate();
    let rate = (rate.numerator() > 0 && rate.denominator() > 0).then_some(rate);
    let format = SegmentFormat {
        width: decoder.width(),
        height: decoder.height(),
        time_base: tb,
        frame_rate: rate,
        frame_duration: frame_duration(rate, tb),
        parameter_set_id,
        profile: SegmentFormat::profile_for(source_config.profile),
        length_size: source_config.length_size,
        reorder_delay: gops.reorder_delay,
    };
    let x264_config = SegmentEncoder::open(&format, 0)?.config()?;
    let Some(merged) = source_config.merged(&x264_config) else { return Ok(None) };

    std::fs::create_dir_all(out_dir).internal("creating output directory")?;
    let out_path = out_dir.join(OUTPUT_FILE);
    let mut mux = Muxer::create(&out_path)?;
    let out_video = mux.add_copy_with_extradata(&stream, &merged.to_bytes())?;
    let mut audio = match audio_index {
        Some(index) => {
            let stream = ictx.stream(index).ok_or_else(|| MediaError::internal("audio stream vanished"))?;
            let (audio_tb, cutter) = AudioCutter::for_stream(&stream, keep, opts.crossfade_ms, &mut mux)?;
            Some((index, audio_tb, cutter))
        }
        None => None,
    };
    mux.start()?;

    let mut video = VideoCut {
        tb,
        out_stream: out_video,
        placement: &placement,
        gops: &gops,
        format,
        x264_config,
        decoder,
        frame: frame::Video::empty(),
        gop: None,
        run: None,
        copied: 0,
        reencoded: 0,
    };
    while let Some(pkt) = next_packet(&mut ictx).invalid("the media cannot be read")? {
        if opts.deadline.is_some_and(|d| Instant::now() >= d) {
            return Err(MediaError::DeadlineExceeded);
        }
        if pkt.stream() == video_index {
            video.on_packet(pkt, &mut mux)?;
        } else if let Some((_, audio_tb, cutter)) = audio.as_mut().filter(|(i, _, _)| *i == pkt.stream()) {
            cutter.on_packet(&pkt, *audio_tb, &mut mux)?;
        }
    }
    video.end_gop(&mut mux)?;
    video.end_run(&mut mux)?;
    if let Some((_, _, cutter)) = audio.as_mut() {
        cutter.finish(&mut mux)?;
    }
    mux.finish()?;
    Ok(Some(RenderOutput {
        mp4: out_path,
        duration_ms: placement.duration_ms(),
        copied_packets: video.copied,
        reencoded_frames: video.reencoded,
    }))
}

struct VideoCut<'a> {
    tb: Rational,
    out_stream: usize,
    placement: &'a Placement,
    gops: &'a GopPlan,
    format: SegmentFormat,
    x264_config: AvcConfig,
    decoder: ffmpeg::decoder::Video,
    frame: frame::Video,
    /// The GOP the last packet belonged to.
    gop: Option<usize>,
    /// The encoder of the current run of re-encoded frames, and its kept range.
    run: Option<(usize, SegmentEncoder)>,
    copied: u64,
    reencoded: u64,
}

impl VideoCut<'_> {
    fn on_packet(&mut self, mut pkt: ffmpeg::Packet, mux: &mut Muxer) -> Result<(), MediaError> {
        if pkt.is_key() || self.gop.is_none() {
            self.end_gop(mux)?;
            self.gop = Some(self.gop.map_or(0, |g| g + 1));
        }
        let action = self.gop.and_then(|g| self.gops.actions.get(g).copied()).unwrap_or(GopAction::Drop);
        match action {
            GopAction::Drop => Ok(()),
            GopAction::Copy { range } => {
                self.end_run(mux)?;
                let shift = self.placement.shift(range, self.tb);
                pkt.set_pts(pkt.pts().map(|t| t - shift));
                pkt.set_dts(pkt.dts().map(|t| t - shift));
                self.copied += 1;
                mux.write(self.out_stream, pkt, self.tb)
            }
            GopAction::Reencode => {
                self.decoder.send_packet(&pkt).invalid("the video cannot be decoded")?;
                self.drain(mux)
            }
        }
    }

    /// Finish decoding the GOP that just ended, if it was being re-encoded; the decoder
    /// then starts clean at the next keyframe it is given.
    fn end_gop(&mut self, mux: &mut Muxer) -> Result<(), MediaError> {
        let Some(g) = self.gop else { return Ok(()) };
        if self.gops.actions.get(g) == Some(&GopAction::Reencode) {
            self.decoder.send_eof().internal("flushing the video decoder")?;
            self.drain(mux)?;
            self.decoder.flush();
        }
        Ok(())
    }

    fn end_run(&mut self, mux: &mut Muxer) -> Result<(), MediaError> {
        if let Some((_, encoder)) = self.run.take() {
            self.reencoded += encoder.finish(mux)?;
        }
        Ok(())
    }

    fn drain(&mut self, mux: &mut Muxer) -> Result<(), MediaError> {
        while self.decoder.receive_frame(&mut self.frame).is_ok() {
            let Some(pts) = self.frame.timestamp().or(self.frame.pts()) else { continue };
            let Some(range) = self.placement.range_of(to_ms(pts, self.tb)) else { continue };
            if self.run.as_ref().is_some_and(|(r, _)| *r != range) {
                self.end_run(mux)?;
            }
            if self.run.is_none() {
                let encoder = SegmentEncoder::open(&self.format, self.out_stream)?;
                if encoder.config()? != self.x264_config {
                    return Err(MediaError::internal("libx264 changed its parameter sets between cuts"));
                }
                self.run = Some((range, encoder));
            }
            self.frame.set_pts(Some(pts - self.placement.shift(range, self.tb)));
            if let Some((_, encoder)) = self.run.as_mut() {
                encoder.encode(&mut self.frame, mux)?;
            }
        }
        Ok(())
    }
}
