//! The plain render, for what the smart cut can't copy (not H.264, open GOPs, a cut in
//! every GOP): one demux pass over the processed MP4; video frames inside the kept
//! ranges are encoded again with libx264 (timestamps shifted by the time removed before
//! them), audio samples are cut at sample precision with a short fade at every join.

use std::path::Path;
use std::time::Instant;

use ffmpeg::{codec, frame, Rational};
use ffmpeg_next as ffmpeg;

use super::super::error::{MediaError, ResultExt};
use super::super::mux::Muxer;
use super::super::probe::{next_packet, open_input, select_streams};
use super::super::video_encode::H264Encoder;
use super::audio_cut::AudioCutter;
use super::placement::{to_ms, Placement};
use super::{RenderOptions, RenderOutput, OUTPUT_FILE};

pub(super) fn run(
    input: &Path,
    keep: &[(i64, i64)],
    out_dir: &Path,
    opts: &RenderOptions,
) -> Result<RenderOutput, MediaError> {
    let placement = Placement::new(keep);
    let mut ictx = open_input(input)?;
    let (video_index, audio_index) = select_streams(&ictx);
    std::fs::create_dir_all(out_dir).internal("creating output directory")?;
    let out_path = out_dir.join(OUTPUT_FILE);
    let mut mux = Muxer::create(&out_path)?;

    let mut video = match video_index {
        Some(index) => {
            let stream = ictx.stream(index).ok_or_else(|| MediaError::internal("video stream vanished"))?;
            let tb = stream.time_base();
            let rate = stream.avg_frame_rate();
            let rate = (rate.numerator() > 0 && rate.denominator() > 0).then_some(rate);
            let decoder = codec::context::Context::from_parameters(stream.parameters())
                .internal("reading video parameters")?
                .decoder()
                .video()
                .invalid("the video cannot be decoded")?;
            let encoder = H264Encoder::open(decoder.width(), decoder.height(), tb, rate, &mut mux)?;
            Some(VideoCut { index, tb, decoder, encoder, frame: frame::Video::empty(), encoded: 0 })
        }
        None => None,
    };
    let mut audio = match audio_index {
        Some(index) => {
            let stream = ictx.stream(index).ok_or_else(|| MediaError::internal("audio stream vanished"))?;
            let (tb, cutter) = AudioCutter::for_stream(&stream, keep, opts.crossfade_ms, &mut mux)?;
            Some((index, tb, cutter))
        }
        None => None,
    };
    mux.start()?;

    while let Some(pkt) = next_packet(&mut ictx).invalid("the media cannot be read")? {
        if opts.deadline.is_some_and(|d| Instant::now() >= d) {
            return Err(MediaError::DeadlineExceeded);
        }
        let index = pkt.stream();
        if let Some(v) = video.as_mut().filter(|v| v.index == index) {
            v.decoder.send_packet(&pkt).invalid("the video cannot be decoded")?;
            v.drain(&placement, &mut mux)?;
        } else if let Some((_, tb, cutter)) = audio.as_mut().filter(|(i, _, _)| *i == index) {
            cutter.on_packet(&pkt, *tb, &mut mux)?;
        }
    }
    if let Some(v) = video.as_mut() {
        v.decoder.send_eof().internal("flushing the video decoder")?;
        v.drain(&placement, &mut mux)?;
        v.encoder.finish(&mut mux)?;
    }
    if let Some((_, _, cutter)) = audio.as_mut() {
        cutter.finish(&mut mux)?;
    }
    mux.finish()?;
    let reencoded_frames = video.as_ref().map_or(0, |v| v.encoded);
    Ok(RenderOutput { mp4: out_path, duration_ms: placement.duration_ms(), copied_packets: 0, reencoded_frames })
}

struct VideoCut {
    index: usize,
    tb: Rational,
    decoder: ffmpeg::decoder::Video,
    encoder: H264Encoder,
    frame: frame::Video,
    encoded: u64,
}

impl VideoCut {
    fn drain(&mut self, placement: &Placement, mux: &mut Muxer) -> Result<(), MediaError> {
        while self.decoder.receive_frame(&mut self.frame).is_ok() {
            let Some(pts) = self.frame.timestamp().or(self.frame.pts()) else { continue };
            let Some(range) = placement.range_of(to_ms(pts, self.tb)) else { continue };
            self.frame.set_pts(Some(pts - placement.shift(range, self.tb)));
            self.encoder.encode(&mut self.frame, mux)?;
            self.encoded += 1;
        }
        Ok(())
    }
}
