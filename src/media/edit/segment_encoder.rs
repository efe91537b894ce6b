//! libx264 for the frames of the GOPs a cut splits. One encoder per run of re-encoded
//! frames, so each run starts with an IDR frame and is flushed before the copied GOP
//! after it. Its parameter sets carry ids the source doesn't use (see `avc_config`),
//! its packets are rewritten into the source's NAL length size, and without B-frames
//! each packet's decode time is its presentation time minus the source's reorder lead.

use ffmpeg::format::Pixel;
use ffmpeg::frame::Video;
use ffmpeg::{codec, encoder, picture, Dictionary, Packet, Rational};
use ffmpeg_next as ffmpeg;

use super::super::error::{MediaError, ResultExt};
use super::super::mux::Muxer;
use super::avc_config::{to_length_prefixed, AvcConfig};

#[derive(Debug, Clone)]
pub(super) struct SegmentFormat {
    pub width: u32,
    pub height: u32,
    pub time_base: Rational,
    pub frame_rate: Option<Rational>,
    pub frame_duration: i64,
    /// x264's `sps-id`: one the source's parameter sets don't use.
    pub parameter_set_id: u32,
    /// x264 profile matching the source's, so the track stays in one profile.
    pub profile: &'static str,
    pub length_size: u8,
    pub reorder_delay: i64,
}

impl SegmentFormat {
    /// The x264 profile for a source SPS `profile_idc`.
    pub fn profile_for(profile_idc: u8) -> &'static str {
        match profile_idc {
            66 => "baseline",
            77 => "main",
            _ => "high",
        }
    }
}

pub(super) struct SegmentEncoder {
    enc: encoder::Video,
    format: SegmentFormat,
    out_stream: usize,
    last_pts: Option<i64>,
    pub encoded: u64,
}

impl SegmentEncoder {
    pub fn open(format: &SegmentFormat, out_stream: usize) -> Result<SegmentEncoder, MediaError> {
        let codec = encoder::find_by_name("libx264")
            .ok_or_else(|| MediaError::internal("libx264 encoder not available in this FFmpeg build"))?;
        let mut enc = codec::Context::new_with_codec(codec).encoder().video().internal("allocating H.264 encoder")?;
        enc.set_width(format.width);
        enc.set_height(format.height);
        enc.set_format(Pixel::YUV420P);
        enc.set_time_base(format.time_base);
        enc.set_frame_rate(format.frame_rate);
        // Parameter sets in extradata (for the merged avcC), not repeated in the packets.
        enc.set_flags(codec::Flags::GLOBAL_HEADER);
        let mut opts = Dictionary::new();
        opts.set("preset", "veryfast");
        // A second generation next to untouched frames: a little more quality than the
        // first transcode's crf 23, so the join doesn't show.
        opts.set("crf", "18");
        opts.set("profile", format.profile);
        opts.set("x264-params", &format!("bframes=0:sps-id={}", format.parameter_set_id));
        opts.set("threads", "auto");
        let enc = enc.open_with(opts).internal("opening libx264 for a cut")?;
        Ok(SegmentEncoder { enc, format: format.clone(), out_stream, last_pts: None, encoded: 0 })
    }

    /// The parameter sets this encoder writes.
    pub fn config(&self) -> Result<AvcConfig, MediaError> {
        let extradata = super::super::extradata::of_encoder(&self.enc);
        AvcConfig::from_extradata(&extradata).ok_or_else(|| MediaError::internal("libx264 wrote no parameter sets"))
    }

    /// Encode one frame whose pts is already on the output timeline.
    pub fn encode(&mut self, frame: &mut Video, mux: &mut Muxer) -> Result<(), MediaError> {
        let mut pts = frame.pts().unwrap_or_else(|| self.last_pts.map_or(0, |p| p + self.format.frame_duration));
        if let Some(last) = self.last_pts.filter(|last| pts <= *last) {
            pts = last + 1;
        }
        self.last_pts = Some(pts);
        frame.set_pts(Some(pts));
        // A decoder's picture type (I/P/B) would be taken as a forced frame type.
        frame.set_kind(picture::Type::None);
        self.enc.send_frame(frame).internal("sending frame to libx264")?;
        self.encoded += 1;
        self.drain(mux)
    }

    /// Flush the delayed frames: the run is over.
    pub fn finish(mut self, mux: &mut Muxer) -> Result<u64, MediaError> {
        self.enc.send_eof().internal("flushing libx264")?;
        self.drain(mux)?;
        Ok(self.encoded)
    }

    fn drain(&mut self, mux: &mut Muxer) -> Result<(), MediaError> {
        loop {
            let mut pkt = Packet::empty();
            match self.enc.receive_packet(&mut pkt) {
                Ok(()) => {
                    let data = pkt.data().unwrap_or_default();
                    let samples = to_length_prefixed(data, self.format.length_size)
                        .ok_or_else(|| MediaError::internal("an encoded frame does not fit the NAL length size"))?;
                    let mut out = Packet::copy(&samples);
                    let pts = pkt.pts().unwrap_or_default();
                    out.set_pts(Some(pts));
                    out.set_dts(Some(pts - self.format.reorder_delay));
                    out.set_duration(if pkt.duration() > 0 { pkt.duration() } else { self.format.frame_duration });
                    out.set_flags(pkt.flags());
                    mux.write(self.out_stream, out, self.format.time_base)?;
                }
                Err(ffmpeg::Error::Eof) => return Ok(()),
                Err(ffmpeg::Error::Other { errno }) if errno == ffmpeg::error::EAGAIN => return Ok(()),
                Err(e) => return Err(MediaError::internal(format!("libx264: {e}"))),
            }
        }
    }
}
