//! What transcription reads its audio from: a finished file or one still being written.
//!
//! Its own file so that `transcribe.rs` (which runs the workers) and `window_queue.rs`
//! (which hands them windows read from the source) both import it from here, instead of
//! the queue importing it back from the transcriber that imports the queue.

use std::io::Read;

/// Raw little-endian f32 PCM, 16 kHz mono, possibly still being written.
pub trait PcmSource: Read {
    /// How errors name this audio.
    fn describe(&self) -> String;
    /// True while more samples may still arrive (reads then wait for them).
    fn is_growing(&self) -> bool {
        false
    }
    /// Bytes left to read, once that is known (never while growing).
    fn remaining_bytes(&self) -> Option<u64>;
}
