//! What the video and audio branches of the decode pass do alike with each demuxed
//! packet of their stream: repair its timestamps, decode it, take the frames that are
//! ready, and (when the stream is copied rather than re-encoded) write it to the MP4.
//!
//! Policy: an empty packet is skipped (the decoder would read it as end-of-stream). A
//! packet the decoder rejects is counted and logged at debug level, and still copied:
//! the pipeline decides afterwards whether too little survived.

use ffmpeg::{decoder, Packet};
use ffmpeg_next as ffmpeg;

use super::error::MediaError;
use super::mux::Muxer;
use super::timeline::StreamClock;

/// The parts of a branch that packet intake touches, borrowed together.
pub(super) struct Intake<'a> {
    pub(super) clock: &'a mut StreamClock,
    pub(super) decoder: &'a mut decoder::Opened,
    pub(super) copy_stream: Option<usize>,
    pub(super) packets: &'a mut u64,
    pub(super) decode_errors: &'a mut u64,
}

pub(super) trait DecodeBranch {
    /// Names the stream in log lines: "video" or "audio".
    const KIND: &'static str;

    fn intake(&mut self) -> Intake<'_>;

    /// Hand on every frame the decoder has ready.
    fn drain_frames(&mut self, mux: &mut Muxer) -> Result<(), MediaError>;

    fn on_packet(&mut self, mut pkt: Packet, mux: &mut Muxer) -> Result<(), MediaError> {
        if pkt.size() == 0 {
            return Ok(()); // an empty packet would read as end-of-stream to the decoder
        }
        let intake = self.intake();
        *intake.packets += 1;
        intake.clock.fix_packet(&mut pkt);
        if let Err(e) = intake.decoder.send_packet(&pkt) {
            *intake.decode_errors += 1;
            tracing::debug!(error = %e, "{} packet rejected by decoder", Self::KIND);
        }
        self.drain_frames(mux)?;
        let intake = self.intake();
        if let Some(out) = intake.copy_stream {
            mux.write(out, pkt, intake.clock.time_base())?;
        }
        Ok(())
    }
}
