//! The output MP4: stream setup, fast-start header, timestamp-safe packet writes.
//!
//! Policy:
//! * `movflags=+faststart`: the muxer rewrites the file at the end so `moov` comes
//!   before `mdat` and browsers can start playback before the download finishes.
//! * Output stream time bases are read back *after* the header is written (the MP4
//!   muxer picks its own) and every packet is rescaled into them.
//! * dts is kept strictly increasing per stream after rescaling — the muxer rejects
//!   anything else, and rounding can collapse two close timestamps.
//! * Packets go through the interleaving writer; its queue is bounded by FFmpeg's
//!   `max_interleave_delta`, so memory stays flat.

use std::path::Path;

use ffmpeg::{codec, encoder, format, Dictionary, Packet, Rational};
use ffmpeg_next as ffmpeg;

use super::error::{MediaError, ResultExt};

struct OutStream {
    time_base: Rational,
    last_dts: Option<i64>,
}

pub(super) struct Muxer {
    octx: format::context::Output,
    streams: Vec<OutStream>,
    started: bool,
}

impl Muxer {
    pub(super) fn create(path: &Path) -> Result<Self, MediaError> {
        let octx = format::output_as(path, "mp4").internal("creating output MP4")?;
        Ok(Muxer { octx, streams: Vec::new(), started: false })
    }

    /// Whether encoders feeding this muxer must put codec headers in extradata.
    pub(super) fn wants_global_header(&self) -> bool {
        self.octx.format().flags().contains(format::Flags::GLOBAL_HEADER)
    }

    /// Add a stream whose packets are copied from the input unchanged.
    pub(super) fn add_copy(&mut self, input: &ffmpeg::Stream) -> Result<usize, MediaError> {
        let mut ost = self.octx.add_stream(encoder::find(codec::Id::None)).internal("adding stream")?;
        ost.set_parameters(input.parameters());
        ost.set_time_base(input.time_base());
        self.push_stream(input.time_base())
    }

    /// Add a stream whose packets are copied from the input, described by `extradata`
    /// instead of the input's (the smart cut's merged H.264 parameter sets).
    pub(super) fn add_copy_with_extradata(
        &mut self,
        input: &ffmpeg::Stream,
        extradata: &[u8],
    ) -> Result<usize, MediaError> {
        let mut params = input.parameters().clone();
        super::extradata::replace(&mut params, extradata)?;
        let mut ost = self.octx.add_stream(encoder::find(codec::Id::None)).internal("adding stream")?;
        ost.set_parameters(params);
        ost.set_time_base(input.time_base());
        self.push_stream(input.time_base())
    }

    /// Add a stream fed by an opened encoder.
    pub(super) fn add_encoded<C: AsRef<codec::Context>>(
        &mut self,
        enc: &C,
        time_base: Rational,
    ) -> Result<usize, MediaError> {
        let mut ost = self.octx.add_stream(encoder::find(codec::Id::None)).internal("adding stream")?;
        ost.set_parameters(enc);
        ost.set_time_base(time_base);
        self.push_stream(time_base)
    }

    fn push_stream(&mut self, time_base: Rational) -> Result<usize, MediaError> {
        self.streams.push(OutStream { time_base, last_dts: None });
        Ok(self.streams.len() - 1)
    }

    /// Write the header. Copy-mode incompatibilities (codec tags, missing codec
    /// config) surface here, before any input is consumed, so callers can fall back
    /// to re-encoding.
    pub(super) fn start(&mut self) -> Result<(), MediaError> {
        let mut opts = Dictionary::new();
        opts.set("movflags", "+faststart");
        self.octx.write_header_with(opts).internal("writing MP4 header")?;
        for (i, s) in self.streams.iter_mut().enumerate() {
            if let Some(st) = self.octx.stream(i) {
                s.time_base = st.time_base();
            }
        }
        self.started = true;
        Ok(())
    }

    /// Rescale `pkt` from `src_tb` into output stream `index` and queue it.
    pub(super) fn write(&mut self, index: usize, mut pkt: Packet, src_tb: Rational) -> Result<(), MediaError> {
        let Some(out) = self.streams.get_mut(index) else {
            return Err(MediaError::internal(format!("no output stream {index}")));
        };
        if !self.started {
            return Err(MediaError::internal("packet written before header"));
        }
        pkt.rescale_ts(src_tb, out.time_base);
        out.last_dts = keep_increasing(&mut pkt, out.last_dts);
        pkt.set_stream(index);
        pkt.set_position(-1);
        pkt.write_interleaved(&mut self.octx).internal("writing MP4 packet")
    }

    /// Flush interleaving queues, write the index and do the fast-start rewrite.
    pub(super) fn finish(mut self) -> Result<(), MediaError> {
        self.octx.write_trailer().internal("finalising MP4")
    }
}

/// Make `pkt`'s dts strictly greater than the stream's previous one (muxers reject
/// anything else, and rescaling or browser recordings can produce it), and keep pts >= dts.
/// Returns the dts to remember for the next packet.
pub(super) fn keep_increasing(pkt: &mut Packet, last_dts: Option<i64>) -> Option<i64> {
    if pkt.dts().is_none() {
        pkt.set_dts(pkt.pts());
    }
    if let (Some(last), Some(dts)) = (last_dts, pkt.dts()) {
        if dts <= last {
            pkt.set_dts(Some(last + 1));
        }
    }
    if let (Some(pts), Some(dts)) = (pkt.pts(), pkt.dts()) {
        if pts < dts {
            pkt.set_pts(Some(dts));
        }
    }
    pkt.dts()
}
