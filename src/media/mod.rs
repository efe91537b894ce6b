//! In-process media pipeline (FFmpeg via `ffmpeg-next`; never shells out).
//!
//! * [`probe`] says what an upload contains.
//! * [`process`] turns an upload into what the player needs, in one streaming
//!   demux/decode pass: a fast-start H.264/AAC MP4, a poster JPEG, storyboard
//!   sprite sheets (render them with [`storyboard_vtt`]), and 16 kHz mono f32 PCM
//!   for speech recognition, which can read it while the pass still runs
//!   ([`SpeechFeed`]).
//!
//! Policies that apply throughout:
//! * Blocking and CPU-heavy: call from `spawn_blocking` or a worker thread. Bound
//!   the work with [`ProcessOptions::deadline`].
//! * Errors are classified ([`MediaError`]): the uploader's fault vs ours. A panic
//!   inside the FFmpeg bindings is caught here and reported as internal. (Native
//!   crashes inside libav* cannot be caught in-process.)
//! * Uploads are opened only by the demuxers in `demuxers.rs`, through the `file`
//!   protocol alone: no playlists, manifests or scripts that make FFmpeg read elsewhere.
//! * FFmpeg's own logging is turned down to errors (it writes to stderr directly).
//! * Rotation metadata is applied: outputs are upright, and `probe` reports it.
//! * Output file names inside `out_dir` are fixed (`video.mp4`, `poster.jpg`,
//!   `storyboard-N.jpg`, `audio-16k-mono.f32`); give each job its own directory.

mod audio;
mod audio_graph;
mod branch;
mod canvas;
mod demuxers;
mod edit;
mod error;
mod extradata;
mod jpeg;
mod mux;
mod pipeline;
mod plan;
mod poster;
mod probe;
mod rotation;
mod scale;
mod seekable;
mod speech_audio;
mod speech_feed;
mod storyboard;
mod timeline;
mod video;
mod video_encode;
mod vtt;

#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Once};
use std::time::Instant;

use serde::Serialize;

pub use edit::{detect_silences, poster_at, poster_from_image, render_edit, RenderOptions, RenderOutput};
pub use error::MediaError;
pub use probe::{probe, AudioStreamInfo, ProbeInfo, VideoStreamInfo};
pub use seekable::{is_webm_family, remux_seekable, SeekableCopy};
pub use speech_audio::extract_speech_audio;
pub use speech_feed::{FeedReader, SpeechFeed};
pub use storyboard::{Storyboard, Tile};
pub use vtt::storyboard_vtt;

/// Knobs for [`process`]. `Default` gives the production settings.
#[derive(Debug, Clone)]
pub struct ProcessOptions {
    /// Output video is at most this tall (and `max_height * 16 / 9` wide).
    pub max_height: u32,
    /// Media time between storyboard tiles; 0 picks one giving <= 100 tiles.
    pub storyboard_interval_ms: u64,
    /// Width of one storyboard tile in pixels (height follows the aspect ratio).
    pub storyboard_tile_width: u32,
    /// Tiles per row in a sprite sheet (each sheet holds at least 100 tiles).
    pub storyboard_columns: u32,
    /// Abort with [`MediaError::DeadlineExceeded`] once this instant has passed.
    pub deadline: Option<Instant>,
    /// Lets speech recognition read the 16 kHz audio while this pass still writes it.
    pub speech_feed: Option<Arc<SpeechFeed>>,
}

impl Default for ProcessOptions {
    fn default() -> Self {
        ProcessOptions {
            max_height: 1080,
            storyboard_interval_ms: 0,
            storyboard_tile_width: 160,
            storyboard_columns: 10,
            deadline: None,
            speech_feed: None,
        }
    }
}

/// Everything [`process`] wrote into `out_dir`.
#[derive(Debug, Clone, Serialize)]
pub struct ProcessOutput {
    /// Fast-start MP4, H.264 and/or AAC.
    pub mp4: PathBuf,
    /// True when the H.264 video was copied rather than re-encoded.
    pub remuxed_video: bool,
    /// Present when the input has video.
    pub poster_jpeg: Option<PathBuf>,
    /// The poster 320 px wide, for listings; present with the poster.
    pub thumbnail_jpeg: Option<PathBuf>,
    /// Present when the input has video.
    pub storyboard: Option<Storyboard>,
    /// Raw f32 little-endian PCM, 16 kHz mono; present when the input has audio.
    pub audio_16k_mono: Option<PathBuf>,
    /// Measured from the packets actually read, not the container header.
    pub duration_ms: i64,
}

/// Convert `input` into the player's assets inside `out_dir` (created if missing).
pub fn process(input: &Path, out_dir: &Path, opts: &ProcessOptions) -> Result<ProcessOutput, MediaError> {
    init();
    guard(|| pipeline::run(pipeline::InputSource::File(input), out_dir, opts))
}

/// [`process`] for an upload that is still arriving: `reader` blocks until more bytes
/// are there and returns `Ok(0)` at the upload's end (an error aborts the pass, and is
/// reported as a truncated file). The outputs are the same as `process` gives for the
/// finished file, and the speech feed grows as the recording does.
pub fn process_stream(
    reader: impl std::io::Read + Send + 'static,
    out_dir: &Path,
    opts: &ProcessOptions,
) -> Result<ProcessOutput, MediaError> {
    init();
    guard(|| pipeline::run(pipeline::InputSource::Stream(Box::new(reader)), out_dir, opts))
}

/// One-time FFmpeg setup.
fn init() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        if let Err(e) = ffmpeg_next::init() {
            tracing::error!(error = %e, "FFmpeg initialisation failed");
        }
        ffmpeg_next::util::log::set_level(ffmpeg_next::util::log::Level::Error);
    });
}

/// Run `f`, turning a panic into `MediaError::Internal` so one bad upload can't
/// take down the server thread.
fn guard<T>(f: impl FnOnce() -> Result<T, MediaError>) -> Result<T, MediaError> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|panic| {
        let msg = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        Err(MediaError::internal(format!("panic in media pipeline: {msg}")))
    })
}
