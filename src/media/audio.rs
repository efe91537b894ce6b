//! The audio branch of the single decode pass: AAC for the MP4 (copied or
//! encoded) and a 16 kHz mono f32 little-endian PCM file for speech recognition.
//!
//! Policy: audio is always decoded (the speech file needs samples even when AAC is
//! copied). The speech file is raw samples with no header: byte length / 4 / 16000
//! = seconds, and sample 0 is media time 0. Timestamp gaps become silence, but at
//! most `MAX_GAP_SECS` per gap (a corrupt timestamp must not cost gigabytes of
//! silence). Frames whose format changes mid-stream are dropped (counted, one
//! warning) rather than failing the whole upload.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use ffmpeg::format::context::Input;
use ffmpeg::{codec, decoder, encoder, frame, ChannelLayout, Packet, Rational, Rescale};
use ffmpeg_next as ffmpeg;

use super::audio_graph::{AacTarget, AudioGraph};
use super::branch::{DecodeBranch, Intake};
use super::error::{MediaError, ResultExt};
use super::mux::Muxer;
use super::plan::AudioPlan;
use super::speech_feed::{SpeechFeed, SpeechFileWriter};
use super::timeline::StreamClock;

/// Longest silence inserted for an audio timestamp gap (see `on_frame`).
const MAX_GAP_SECS: i64 = 60;

struct AacEncoder {
    enc: encoder::Audio,
    time_base: Rational,
    out_stream: usize,
    target: AacTarget,
}

pub(super) struct AudioBranch {
    pub(super) index: usize,
    clock: StreamClock,
    decoder: decoder::Audio,
    copy_stream: Option<usize>,
    aac: Option<AacEncoder>,
    graph: Option<AudioGraph>,
    speech: SpeechFileWriter,
    speech_path: PathBuf,
    decoded: frame::Audio,
    filtered: frame::Audio,
    next_pts: Option<i64>,
    pub(super) packets: u64,
    pub(super) frames: u64,
    pub(super) decode_errors: u64,
    dropped_frames: u64,
}

impl DecodeBranch for AudioBranch {
    const KIND: &'static str = "audio";

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
        self.drain_decoder(mux)
    }
}

impl AudioBranch {
    /// Open the decoder, the AAC encoder or copy stream, and the speech file.
    /// Call before `Muxer::start`.
    pub(super) fn new(
        input: &Input,
        plan: &AudioPlan,
        origin_us: i64,
        speech_path: &Path,
        speech_feed: Option<Arc<SpeechFeed>>,
        mux: &mut Muxer,
    ) -> Result<Self, MediaError> {
        let stream = input.stream(plan.index).ok_or_else(|| MediaError::internal("audio stream vanished"))?;
        let time_base = stream.time_base();
        let ctx = codec::Context::from_parameters(stream.parameters()).invalid("unreadable audio parameters")?;
        let mut dec = ctx.decoder();
        dec.set_packet_time_base(time_base);
        let decoder = dec.audio().invalid("cannot decode the audio stream")?;

        let (copy_stream, aac) =
            if plan.copy { (Some(mux.add_copy(&stream)?), None) } else { (None, Some(open_aac(plan, mux)?)) };
        let speech = SpeechFileWriter::create(speech_path, speech_feed).internal("creating speech audio file")?;
        Ok(AudioBranch {
            index: plan.index,
            clock: StreamClock::new(time_base, origin_us, 1),
            decoder,
            copy_stream,
            aac,
            graph: None,
            speech,
            speech_path: speech_path.to_path_buf(),
            decoded: frame::Audio::empty(),
            filtered: frame::Audio::empty(),
            next_pts: None,
            packets: 0,
            frames: 0,
            decode_errors: 0,
            dropped_frames: 0,
        })
    }

    /// End of input: flush decoder, graph and encoder, and close the speech file.
    pub(super) fn flush(&mut self, mux: &mut Muxer) -> Result<(), MediaError> {
        let _ = self.decoder.send_eof(); // an error only means nothing was buffered
        self.drain_decoder(mux)?;
        if let Some(graph) = self.graph.as_mut() {
            graph.close().internal("closing audio filter graph")?;
            self.drain_graph(mux)?;
        }
        if let Some(aac) = self.aac.as_mut() {
            aac.enc.send_eof().internal("flushing AAC encoder")?;
            drain_aac(aac, mux)?;
        }
        if self.dropped_frames > 0 {
            tracing::warn!(dropped = self.dropped_frames, "audio frames dropped after a mid-stream format change");
        }
        self.speech.flush().internal("writing speech audio file")
    }

    pub(super) fn end_ms(&self) -> Option<i64> {
        self.clock.end_ms()
    }

    /// The speech file, if any audio was decoded.
    pub(super) fn speech_file(&self) -> Option<PathBuf> {
        (self.frames > 0).then(|| self.speech_path.clone())
    }

    fn drain_decoder(&mut self, mux: &mut Muxer) -> Result<(), MediaError> {
        loop {
            match self.decoder.receive_frame(&mut self.decoded) {
                Ok(()) => self.on_frame(mux)?,
                Err(ffmpeg::Error::Eof) => return Ok(()),
                Err(ffmpeg::Error::Other { errno }) if errno == ffmpeg::error::EAGAIN => return Ok(()),
                Err(e) => {
                    self.decode_errors += 1;
                    tracing::debug!(error = %e, "audio decode error");
                    return Ok(());
                }
            }
        }
    }

    fn on_frame(&mut self, mux: &mut Muxer) -> Result<(), MediaError> {
        let samples = self.decoded.samples() as i64;
        let rate = self.decoded.rate();
        if samples == 0 || rate == 0 {
            return Ok(());
        }
        self.frames += 1;
        let tb = self.clock.time_base();
        let mut pts = self.decoded.timestamp().or(self.next_pts).unwrap_or(0);
        // The resampler pads a gap with silence in one allocation; cap gaps so a
        // corrupt timestamp can't demand hours of silence (later audio shifts instead).
        let max_gap = MAX_GAP_SECS.rescale(Rational(1, 1), tb);
        let expected = self.next_pts.unwrap_or(0);
        if pts - expected > max_gap {
            tracing::warn!(gap = pts - expected, "audio timestamp jump capped");
            pts = expected + max_gap;
        }
        let length = samples.rescale(Rational(1, rate as i32), tb);
        self.decoded.set_pts(Some(pts));
        self.next_pts = Some(pts + length);
        self.clock.observe_end(pts + length);

        if self.graph.is_none() {
            let target = self.aac.as_ref().map(|a| &a.target);
            let graph = AudioGraph::build(&self.decoded, tb, target, true).internal("building audio filter graph")?;
            self.graph = Some(graph);
        }
        let Some(graph) = self.graph.as_mut() else { return Ok(()) };
        if !graph.accepts(&self.decoded) {
            self.dropped_frames += 1;
            return Ok(());
        }
        graph.push(&self.decoded).internal("feeding audio filter graph")?;
        self.drain_graph(mux)
    }

    fn drain_graph(&mut self, mux: &mut Muxer) -> Result<(), MediaError> {
        let Some(graph) = self.graph.as_mut() else { return Ok(()) };
        if let Some(aac) = self.aac.as_mut() {
            let sink_tb = graph.aac_time_base().unwrap_or(aac.time_base);
            while graph.pull_aac(&mut self.filtered).internal("reading AAC filter output")? {
                if let Some(pts) = self.filtered.pts() {
                    self.filtered.set_pts(Some(pts.rescale(sink_tb, aac.time_base)));
                }
                aac.enc.send_frame(&self.filtered).internal("sending audio to AAC encoder")?;
                drain_aac(aac, mux)?;
            }
        }
        while graph.pull_speech(&mut self.filtered).internal("reading speech filter output")? {
            let bytes = self.filtered.samples() * 4;
            let data = self.filtered.data(0);
            let data = &data[..bytes.min(data.len())];
            if cfg!(target_endian = "little") {
                self.speech.write_all(data).internal("writing speech audio file")?;
            } else {
                for s in data.chunks_exact(4) {
                    let v = f32::from_ne_bytes([s[0], s[1], s[2], s[3]]);
                    self.speech.write_all(&v.to_le_bytes()).internal("writing speech audio file")?;
                }
            }
        }
        Ok(())
    }
}

fn open_aac(plan: &AudioPlan, mux: &mut Muxer) -> Result<AacEncoder, MediaError> {
    let codec = encoder::find(codec::Id::AAC).ok_or_else(|| MediaError::internal("AAC encoder not available"))?;
    let mut enc = codec::Context::new_with_codec(codec).encoder().audio().internal("allocating AAC encoder")?;
    let layout = if plan.out_channels == 1 { ChannelLayout::MONO } else { ChannelLayout::STEREO };
    let time_base = Rational(1, plan.out_rate as i32);
    enc.set_rate(plan.out_rate as i32);
    enc.set_channel_layout(layout);
    enc.set_channels(i32::from(plan.out_channels));
    enc.set_format(ffmpeg::format::Sample::F32(ffmpeg::format::sample::Type::Planar));
    enc.set_bit_rate(if plan.out_channels == 1 { 96_000 } else { 128_000 });
    enc.set_time_base(time_base);
    if mux.wants_global_header() {
        enc.set_flags(codec::Flags::GLOBAL_HEADER);
    }
    let enc = enc.open().internal("opening AAC encoder")?;
    let frame_size = enc.frame_size().max(1);
    let out_stream = mux.add_encoded(&enc, time_base)?;
    Ok(AacEncoder {
        enc,
        time_base,
        out_stream,
        target: AacTarget { rate: plan.out_rate, channels: plan.out_channels, frame_size },
    })
}

fn drain_aac(aac: &mut AacEncoder, mux: &mut Muxer) -> Result<(), MediaError> {
    loop {
        let mut pkt = Packet::empty();
        match aac.enc.receive_packet(&mut pkt) {
            Ok(()) => mux.write(aac.out_stream, pkt, aac.time_base)?,
            Err(ffmpeg::Error::Eof) => return Ok(()),
            Err(ffmpeg::Error::Other { errno }) if errno == ffmpeg::error::EAGAIN => return Ok(()),
            Err(e) => return Err(e).internal("receiving packet from AAC encoder"),
        }
    }
}
