//! The speech audio alone: 16 kHz mono f32 PCM from a file's first audio stream, for a
//! transcript made again (a new language, a translation) from media already processed.
//!
//! Policy: the same samples the full pass writes (the same filter graph, so the same
//! resampler), but no video is decoded and nothing else is written; it runs in a small
//! fraction of the full pass's time. Timestamps are taken as they come: the input is
//! Briefly's own MP4, whose audio has no gaps.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::Instant;

use ffmpeg::{frame, media, Packet};
use ffmpeg_next as ffmpeg;

use super::audio_graph::AudioGraph;
use super::demuxers;
use super::error::{MediaError, ResultExt};

/// Decode `input`'s audio into `pcm_out` (raw little-endian f32, 16 kHz mono); returns the
/// number of samples written. No audio stream is invalid input.
pub fn extract_speech_audio(input: &Path, pcm_out: &Path, deadline: Option<Instant>) -> Result<u64, MediaError> {
    super::init();
    super::guard(|| extract(input, pcm_out, deadline))
}

fn extract(input: &Path, pcm_out: &Path, deadline: Option<Instant>) -> Result<u64, MediaError> {
    let mut ictx = demuxers::open(input).map_err(|e| MediaError::invalid_because("the media cannot be read", e))?;
    let stream =
        ictx.streams().best(media::Type::Audio).ok_or_else(|| MediaError::invalid("the media has no audio"))?;
    let index = stream.index();
    let time_base = stream.time_base();
    let context = ffmpeg::codec::context::Context::from_parameters(stream.parameters())
        .internal("reading the audio stream's parameters")?;
    let mut decoder =
        context.decoder().audio().map_err(|e| MediaError::invalid_because("the audio cannot be decoded", e))?;
    let mut out = BufWriter::new(File::create(pcm_out).internal("creating the speech audio file")?);
    let mut pass = Pass { graph: None, decoded: frame::Audio::empty(), filtered: frame::Audio::empty(), samples: 0 };
    for (packet_stream, packet) in ictx.packets() {
        if packet_stream.index() != index {
            continue;
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            return Err(MediaError::DeadlineExceeded);
        }
        pass.decode(&mut decoder, Some(&packet), time_base, &mut out)?;
    }
    pass.decode(&mut decoder, None, time_base, &mut out)?;
    if let Some(graph) = pass.graph.as_mut() {
        graph.close().internal("closing the speech filter graph")?;
        pass.drain(&mut out)?;
    }
    out.flush().internal("writing the speech audio file")?;
    Ok(pass.samples)
}

struct Pass {
    graph: Option<AudioGraph>,
    decoded: frame::Audio,
    filtered: frame::Audio,
    samples: u64,
}

impl Pass {
    /// Send `packet` (or the end of the stream) and turn every frame it gives into samples.
    fn decode(
        &mut self,
        decoder: &mut ffmpeg::decoder::Audio,
        packet: Option<&Packet>,
        time_base: ffmpeg::Rational,
        out: &mut impl Write,
    ) -> Result<(), MediaError> {
        let sent = match packet {
            Some(packet) => decoder.send_packet(packet),
            None => decoder.send_eof(),
        };
        if let Err(err) = sent {
            // One damaged packet loses a few milliseconds, not the transcript.
            tracing::debug!(error = %err, "audio packet skipped");
            return Ok(());
        }
        while decoder.receive_frame(&mut self.decoded).is_ok() {
            if self.decoded.samples() == 0 || self.decoded.rate() == 0 {
                continue;
            }
            if self.graph.is_none() {
                let graph =
                    AudioGraph::build(&self.decoded, time_base, None, true).internal("building speech filter graph")?;
                self.graph = Some(graph);
            }
            let Some(graph) = self.graph.as_mut() else { continue };
            if !graph.accepts(&self.decoded) {
                continue; // The format changed mid-stream: as in the full pass, dropped.
            }
            graph.push(&self.decoded).internal("feeding speech filter graph")?;
            self.drain(out)?;
        }
        Ok(())
    }

    fn drain(&mut self, out: &mut impl Write) -> Result<(), MediaError> {
        let Some(graph) = self.graph.as_mut() else { return Ok(()) };
        while graph.pull_speech(&mut self.filtered).internal("reading speech filter output")? {
            let samples = self.filtered.samples();
            let data = self.filtered.data(0);
            let data = &data[..(samples * 4).min(data.len())];
            for sample in data.chunks_exact(4) {
                let value = f32::from_ne_bytes([sample[0], sample[1], sample[2], sample[3]]);
                out.write_all(&value.to_le_bytes()).internal("writing the speech audio file")?;
            }
            self.samples += (data.len() / 4) as u64;
        }
        Ok(())
    }
}
