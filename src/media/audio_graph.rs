//! One audio filter graph feeding both audio outputs.
//!
//! ```text
//! abuffer -> aresample(async) -> asplit -+-> aformat(fltp, AAC rate/layout) -> abuffersink "aac"    (1024-sample frames)
//!                                        +-> aformat(flt, 16 kHz, mono)      -> abuffersink "speech"
//! ```
//! Policy / why:
//! * One graph with `asplit`, because handing a frame to a buffer source moves its
//!   data out, so the same decoded frame can't feed two graphs.
//! * `aresample=async=1:first_pts=0` pads gaps and the start with silence (and trims
//!   overlaps) so sample position == media time in both outputs; MediaRecorder audio
//!   has timestamp gaps, and the speech file has no timestamps of its own.
//! * The AAC sink hands out exactly the encoder's frame size (1024) — Opus decodes
//!   960-sample frames, AAC refuses anything but full frames.
//! * Built from the first decoded frame (its real format/layout, not the header's).
//!   Frames whose format changes later are dropped by the caller; buffer sources
//!   reject mid-stream audio format changes.

use ffmpeg::format::Sample;
use ffmpeg::{filter, frame, Rational};
use ffmpeg_next as ffmpeg;

pub(super) const SPEECH_RATE: u32 = 16_000;

/// What the AAC branch should produce.
pub(super) struct AacTarget {
    pub rate: u32,
    pub channels: u16,
    pub frame_size: u32,
}

/// Input format key; a frame with a different key can't enter the graph.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct InputKey {
    format: Sample,
    rate: u32,
    layout_bits: u64,
    channels: u16,
}

impl InputKey {
    fn of(f: &frame::Audio) -> Self {
        InputKey { format: f.format(), rate: f.rate(), layout_bits: f.channel_layout().bits(), channels: f.channels() }
    }
}

pub(super) struct AudioGraph {
    graph: filter::Graph,
    key: InputKey,
    has_aac: bool,
    has_speech: bool,
}

impl AudioGraph {
    pub(super) fn build(
        first: &frame::Audio,
        time_base: Rational,
        aac: Option<&AacTarget>,
        speech: bool,
    ) -> Result<Self, ffmpeg::Error> {
        let key = InputKey::of(first);
        if key.rate == 0 || key.channels == 0 || (!speech && aac.is_none()) {
            return Err(ffmpeg::Error::InvalidData);
        }
        let mut args = format!(
            "time_base={}/{}:sample_rate={}:sample_fmt={}",
            time_base.numerator(),
            time_base.denominator().max(1),
            key.rate,
            key.format.name()
        );
        // Unspecified layouts (bits == 0) are described by channel count alone.
        if key.layout_bits != 0 {
            args.push_str(&format!(":channel_layout=0x{:x}", key.layout_bits));
        } else {
            args.push_str(&format!(":channels={}", key.channels));
        }

        let mut graph = filter::Graph::new();
        let abuffer = filter::find("abuffer").ok_or(ffmpeg::Error::FilterNotFound)?;
        let sink = filter::find("abuffersink").ok_or(ffmpeg::Error::FilterNotFound)?;
        graph.add(&abuffer, "in", &args)?;

        let outputs = usize::from(aac.is_some()) + usize::from(speech);
        let mut spec = format!("[in]aresample=async=1:first_pts=0,asplit={outputs}");
        let mut branches = String::new();
        if let Some(t) = aac {
            let layout = if t.channels == 1 { "mono" } else { "stereo" };
            spec.push_str("[to_aac]");
            branches.push_str(&format!(
                ";[to_aac]aformat=sample_fmts=fltp:sample_rates={}:channel_layouts={layout}[aac]",
                t.rate
            ));
            graph.add(&sink, "aac", "")?;
        }
        if speech {
            spec.push_str("[to_speech]");
            branches.push_str(&format!(
                ";[to_speech]aformat=sample_fmts=flt:sample_rates={SPEECH_RATE}:channel_layouts=mono[speech]"
            ));
            graph.add(&sink, "speech", "")?;
        }
        spec.push_str(&branches);

        let mut parser = graph.output("in", 0)?;
        if aac.is_some() {
            parser = parser.input("aac", 0)?;
        }
        if speech {
            parser = parser.input("speech", 0)?;
        }
        parser.parse(&spec)?;
        graph.validate()?;
        if let Some(t) = aac {
            // Only valid once the graph is configured.
            graph.get("aac").ok_or(ffmpeg::Error::Bug)?.sink().set_frame_size(t.frame_size);
        }
        Ok(AudioGraph { graph, key, has_aac: aac.is_some(), has_speech: speech })
    }

    pub(super) fn accepts(&self, f: &frame::Audio) -> bool {
        InputKey::of(f) == self.key
    }

    /// Feed a frame (its data moves into the graph).
    pub(super) fn push(&mut self, f: &frame::Audio) -> Result<(), ffmpeg::Error> {
        self.graph.get("in").ok_or(ffmpeg::Error::Bug)?.source().add(f)
    }

    /// Signal end of input so the sinks release their last (short) frames.
    pub(super) fn close(&mut self) -> Result<(), ffmpeg::Error> {
        self.graph.get("in").ok_or(ffmpeg::Error::Bug)?.source().flush()
    }

    pub(super) fn aac_time_base(&mut self) -> Option<Rational> {
        if !self.has_aac {
            return None;
        }
        self.graph.get("aac").map(|mut c| c.sink().time_base())
    }

    pub(super) fn pull_aac(&mut self, out: &mut frame::Audio) -> Result<bool, ffmpeg::Error> {
        if !self.has_aac {
            return Ok(false);
        }
        self.pull("aac", out)
    }

    pub(super) fn pull_speech(&mut self, out: &mut frame::Audio) -> Result<bool, ffmpeg::Error> {
        if !self.has_speech {
            return Ok(false);
        }
        self.pull("speech", out)
    }

    fn pull(&mut self, name: &str, out: &mut frame::Audio) -> Result<bool, ffmpeg::Error> {
        match self.graph.get(name).ok_or(ffmpeg::Error::Bug)?.sink().frame(out) {
            Ok(()) => Ok(true),
            Err(ffmpeg::Error::Eof) => Ok(false),
            Err(ffmpeg::Error::Other { errno }) if errno == ffmpeg::error::EAGAIN => Ok(false),
            Err(e) => Err(e),
        }
    }
}
