//! The audio of an edit: decoded, cut at sample precision, faded out and in over a few
//! milliseconds at every join (a cut through a waveform otherwise clicks), and encoded
//! to AAC in the encoder's frame size.

use ffmpeg::format::{sample, Sample};
use ffmpeg::software::resampling;
use ffmpeg::{codec, decoder, encoder, frame, ChannelLayout, Packet, Rational};
use ffmpeg_next as ffmpeg;

use super::super::error::{MediaError, ResultExt};
use super::super::mux::Muxer;

const PLANAR_F32: Sample = Sample::F32(sample::Type::Planar);

pub(super) struct AudioCutter {
    decoder: decoder::Audio,
    encoder: encoder::Audio,
    out_stream: usize,
    time_base: Rational,
    rate: i64,
    channels: usize,
    frame_size: usize,
    /// Kept ranges in samples, with the fade length in samples.
    keep: Vec<(i64, i64)>,
    fade: i64,
    resampler: Option<resampling::Context>,
    /// Where the next decoded sample sits on the source, in samples.
    next_sample: Option<i64>,
    pending: Vec<Vec<f32>>,
    written: i64,
    decoded: frame::Audio,
}

impl AudioCutter {
    /// The cutter for the input's audio `stream`, with that stream's time base.
    pub(super) fn for_stream(
        stream: &ffmpeg::Stream,
        keep_ms: &[(i64, i64)],
        fade_ms: u32,
        mux: &mut Muxer,
    ) -> Result<(Rational, AudioCutter), MediaError> {
        let decoder = codec::context::Context::from_parameters(stream.parameters())
            .internal("reading audio parameters")?
            .decoder()
            .audio()
            .invalid("the audio cannot be decoded")?;
        Ok((stream.time_base(), AudioCutter::open(decoder, keep_ms, fade_ms, mux)?))
    }

    pub(super) fn open(
        decoder: decoder::Audio,
        keep_ms: &[(i64, i64)],
        fade_ms: u32,
        mux: &mut Muxer,
    ) -> Result<AudioCutter, MediaError> {
        let rate = i64::from(decoder.rate().max(1));
        let channels = usize::from(decoder.channels().clamp(1, 2));
        let codec = encoder::find(codec::Id::AAC).ok_or_else(|| MediaError::internal("AAC encoder not available"))?;
        let mut enc = codec::Context::new_with_codec(codec).encoder().audio().internal("allocating AAC encoder")?;
        let layout = if channels == 1 { ChannelLayout::MONO } else { ChannelLayout::STEREO };
        let time_base = Rational(1, rate as i32);
        enc.set_rate(rate as i32);
        enc.set_channel_layout(layout);
        enc.set_channels(channels as i32);
        enc.set_format(PLANAR_F32);
        enc.set_bit_rate(if channels == 1 { 96_000 } else { 128_000 });
        enc.set_time_base(time_base);
        if mux.wants_global_header() {
            enc.set_flags(codec::Flags::GLOBAL_HEADER);
        }
        let encoder = enc.open().internal("opening AAC encoder")?;
        let frame_size = (encoder.frame_size() as usize).max(1);
        let out_stream = mux.add_encoded(&encoder, time_base)?;
        Ok(AudioCutter {
            decoder,
            encoder,
            out_stream,
            time_base,
            rate,
            channels,
            frame_size,
            keep: keep_ms.iter().map(|(s, e)| (s * rate / 1000, e * rate / 1000)).collect(),
            fade: (i64::from(fade_ms) * rate / 1000).max(1),
            resampler: None,
            next_sample: None,
            pending: vec![Vec::new(); channels],
            written: 0,
            decoded: frame::Audio::empty(),
        })
    }

    pub(super) fn on_packet(&mut self, pkt: &Packet, tb: Rational, mux: &mut Muxer) -> Result<(), MediaError> {
        // A packet the decoder refuses is skipped, as in processing: one bad frame is silence.
        if self.decoder.send_packet(pkt).is_ok() {
            self.drain(tb, mux)?;
        }
        Ok(())
    }

    pub(super) fn finish(&mut self, mux: &mut Muxer) -> Result<(), MediaError> {
        let _ = self.decoder.send_eof();
        self.drain(self.time_base, mux)?;
        // The last, short frame.
        if !self.pending[0].is_empty() {
            let n = self.pending[0].len();
            self.encode(n, mux)?;
        }
        self.encoder.send_eof().internal("flushing AAC encoder")?;
        self.receive(mux)
    }

    fn drain(&mut self, tb: Rational, mux: &mut Muxer) -> Result<(), MediaError> {
        while self.decoder.receive_frame(&mut self.decoded).is_ok() {
            let start = match (self.decoded.timestamp().or(self.decoded.pts()), self.next_sample) {
                (_, Some(next)) => next,
                (Some(pts), None) => pts * i64::from(tb.numerator()) * self.rate / i64::from(tb.denominator().max(1)),
                (None, None) => 0,
            };
            let planes = self.planes()?;
            let n = planes.first().map_or(0, Vec::len) as i64;
            self.next_sample = Some(start + n);
            for i in 0..n {
                let at = start + i;
                let Some(gain) = self.gain(at) else { continue };
                for (ch, plane) in planes.iter().enumerate().take(self.channels) {
                    self.pending[ch].push(plane[i as usize] * gain);
                }
                if self.channels == 2 && planes.len() == 1 {
                    let last = *self.pending[0].last().unwrap_or(&0.0);
                    self.pending[1].push(last);
                }
            }
            while self.pending[0].len() >= self.frame_size {
                self.encode(self.frame_size, mux)?;
            }
        }
        Ok(())
    }

    /// The decoded frame as planar f32 channels (converted when the decoder gives another format).
    fn planes(&mut self) -> Result<Vec<Vec<f32>>, MediaError> {
        let converted;
        let source: &frame::Audio = if self.decoded.format() == PLANAR_F32 {
            &self.decoded
        } else {
            let resampler = match &mut self.resampler {
                Some(r) => r,
                None => self.resampler.insert(
                    resampling::Context::get(
                        self.decoded.format(),
                        self.decoded.channel_layout(),
                        self.decoded.rate(),
                        PLANAR_F32,
                        self.decoded.channel_layout(),
                        self.decoded.rate(),
                    )
                    .internal("converting audio samples")?,
                ),
            };
            let mut out = frame::Audio::empty();
            resampler.run(&self.decoded, &mut out).internal("converting audio samples")?;
            converted = out;
            &converted
        };
        let n = source.samples();
        Ok((0..source.planes()).map(|p| source.plane::<f32>(p)[..n].to_vec()).collect())
    }

    /// How loud source sample `at` is in the output, or `None` when it is cut. Fades
    /// happen only at joins, not at the very start or end of the recording.
    fn gain(&self, at: i64) -> Option<f32> {
        let (index, &(start, end)) = self.keep.iter().enumerate().find(|(_, (s, e))| *s <= at && at < *e)?;
        let mut gain = 1.0f32;
        if index > 0 {
            gain = gain.min((at - start) as f32 / self.fade as f32);
        }
        if index + 1 < self.keep.len() {
            gain = gain.min((end - 1 - at) as f32 / self.fade as f32);
        }
        Some(gain.clamp(0.0, 1.0))
    }

    fn encode(&mut self, n: usize, mux: &mut Muxer) -> Result<(), MediaError> {
        let layout = if self.channels == 1 { ChannelLayout::MONO } else { ChannelLayout::STEREO };
        let mut out = frame::Audio::new(PLANAR_F32, n, layout);
        out.set_rate(self.rate as u32);
        for ch in 0..self.channels {
            let samples: Vec<f32> = self.pending[ch].drain(..n).collect();
            out.plane_mut::<f32>(ch)[..n].copy_from_slice(&samples);
        }
        out.set_pts(Some(self.written));
        self.written += n as i64;
        self.encoder.send_frame(&out).internal("sending audio to the AAC encoder")?;
        self.receive(mux)
    }

    fn receive(&mut self, mux: &mut Muxer) -> Result<(), MediaError> {
        loop {
            let mut pkt = Packet::empty();
            match self.encoder.receive_packet(&mut pkt) {
                Ok(()) => mux.write(self.out_stream, pkt, self.time_base)?,
                Err(ffmpeg::Error::Eof) => return Ok(()),
                Err(ffmpeg::Error::Other { errno }) if errno == ffmpeg::error::EAGAIN => return Ok(()),
                Err(e) => return Err(e).internal("receiving packet from AAC encoder"),
            }
        }
    }
}
