//! `process`: one demux/decode pass from an upload to the player's assets.
//!
//! Policy:
//! * Streaming only: packets are read, decoded and written one at a time; what is
//!   held is bounded by codec delay, the muxer's interleave window, one poster
//!   candidate and one storyboard sheet — never the file or all its frames.
//! * The deadline is checked before every packet.
//! * Copy-mode problems show up when the MP4 header is written, before any media
//!   is read; then the outputs are rebuilt with everything re-encoded.
//! * A file that stops with a read error, or whose packets reach well short of the
//!   duration its (exact) header declares, is rejected as truncated rather than
//!   published half-finished.
//! * On any error, the files this call created in `out_dir` are removed.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

use ffmpeg_next::format::context::Input;

use super::audio::AudioBranch;
use super::branch::DecodeBranch;
use super::error::{MediaError, ResultExt};
use super::mux::Muxer;
use super::plan::{make_plan, Plan};
use super::poster::THUMBNAIL_FILE;
use super::probe::{next_packet, open_input, open_input_stream};
use super::speech_feed::EndGuard;
use super::video::{VideoBranch, POSTER_FILE};
use super::{ProcessOptions, ProcessOutput};

const MP4_FILE: &str = "video.mp4";
const SPEECH_FILE: &str = "audio-16k-mono.f32";
/// Truncation check: reject when less than this share of the declared duration was
/// read, and the shortfall is at least `TRUNCATION_MIN_GAP_MS`.
const TRUNCATION_RATIO: f64 = 0.9;
const TRUNCATION_MIN_GAP_MS: i64 = 1_000;
/// Decode errors always tolerated per stream (beyond this, errors must not outnumber frames).
const MAX_TOLERATED_ERRORS: u64 = 10;

/// Where `run` reads the upload from.
pub(super) enum InputSource<'a> {
    File(&'a Path),
    /// A recording still arriving: reads block until more bytes come, `Ok(0)` is its end.
    Stream(Box<dyn Read + Send>),
}

pub(super) fn run(source: InputSource<'_>, out_dir: &Path, opts: &ProcessOptions) -> Result<ProcessOutput, MediaError> {
    // Readers of the speech audio learn how this pass ended, whichever way it does.
    let speech_end = EndGuard(opts.speech_feed.clone());
    check_deadline(opts.deadline)?;
    let mut input = match source {
        InputSource::File(path) => open_input(path)?,
        InputSource::Stream(reader) => open_input_stream(reader)?,
    };
    let plan = make_plan(&input, opts)?;
    std::fs::create_dir_all(out_dir).internal("creating output directory")?;
    let cleanup = Cleanup { dir: out_dir.to_path_buf(), armed: true };

    let (plan, mut mux, mut video, mut audio) = match setup(&input, &plan, out_dir, opts) {
        Ok((m, v, a)) => (plan, m, v, a),
        Err(e) if plan.copies_anything() => {
            tracing::warn!(error = %e, "stream copy rejected by the MP4 muxer; re-encoding instead");
            let plan = plan.without_copies();
            let (m, v, a) = setup(&input, &plan, out_dir, opts)?;
            (plan, m, v, a)
        }
        Err(e) => return Err(e),
    };

    let read_error = loop {
        check_deadline(opts.deadline)?;
        let pkt = match next_packet(&mut input) {
            Ok(Some(pkt)) => pkt,
            Ok(None) => break None,
            Err(e) => break Some(e),
        };
        let index = pkt.stream();
        if let Some(v) = video.as_mut().filter(|v| v.index == index) {
            v.on_packet(pkt, &mut mux)?;
        } else if let Some(a) = audio.as_mut().filter(|a| a.index == index) {
            a.on_packet(pkt, &mut mux)?;
        }
    };

    if let Some(v) = video.as_mut() {
        v.flush(&mut mux)?;
    }
    if let Some(a) = audio.as_mut() {
        a.flush(&mut mux)?;
    }
    check_deadline(opts.deadline)?;

    let video_end = video.as_ref().and_then(|v| v.end_ms());
    let audio_end = audio.as_ref().and_then(|a| a.end_ms());
    let duration_ms = video_end.max(audio_end).unwrap_or(0);
    tracing::debug!(
        duration_ms,
        video_frames = video.as_ref().map_or(0, |v| v.frames),
        video_errors = video.as_ref().map_or(0, |v| v.decode_errors),
        audio_frames = audio.as_ref().map_or(0, |a| a.frames),
        audio_errors = audio.as_ref().map_or(0, |a| a.decode_errors),
        read_error = read_error.as_ref().map(|e| e.to_string()),
        "input fully read"
    );
    validate(&plan, video.as_ref(), audio.as_ref(), read_error, duration_ms)?;
    // The speech audio is whole (flushed with the audio branch): speech recognition may
    // take its last windows while the MP4 is finished, which rewrites the whole file to
    // put its index first (seconds for a long recording, the rest of a live one's stop).
    speech_end.complete();

    mux.finish()?;
    let (stills, storyboard) = match video {
        Some(v) => v.finish_stills(duration_ms)?,
        None => (None, None),
    };
    let (poster_jpeg, thumbnail_jpeg) = stills.unzip();
    let audio_16k_mono = audio.as_ref().and_then(|a| a.speech_file());
    if audio_16k_mono.is_none() {
        let _ = std::fs::remove_file(out_dir.join(SPEECH_FILE));
    }
    cleanup.disarm();
    Ok(ProcessOutput {
        mp4: out_dir.join(MP4_FILE),
        remuxed_video: plan.video.as_ref().is_some_and(|v| v.copy),
        poster_jpeg,
        thumbnail_jpeg,
        storyboard,
        audio_16k_mono,
        duration_ms,
    })
}

type Outputs = (Muxer, Option<VideoBranch>, Option<AudioBranch>);

/// Create the MP4 and both branches, and write the header.
fn setup(input: &Input, plan: &Plan, out_dir: &Path, opts: &ProcessOptions) -> Result<Outputs, MediaError> {
    let mut mux = Muxer::create(&out_dir.join(MP4_FILE))?;
    let video = plan
        .video
        .as_ref()
        .map(|vp| VideoBranch::new(input, vp, plan.origin_us, out_dir, opts, plan.header_duration_ms, &mut mux))
        .transpose()?;
    let audio = plan
        .audio
        .as_ref()
        .map(|ap| {
            let speech_path = out_dir.join(SPEECH_FILE);
            AudioBranch::new(input, ap, plan.origin_us, &speech_path, opts.speech_feed.clone(), &mut mux)
        })
        .transpose()?;
    mux.start()?;
    Ok((mux, video, audio))
}

/// Decide whether what we read is a usable, complete recording.
fn validate(
    plan: &Plan,
    video: Option<&VideoBranch>,
    audio: Option<&AudioBranch>,
    read_error: Option<ffmpeg_next::Error>,
    duration_ms: i64,
) -> Result<(), MediaError> {
    let secs = duration_ms as f64 / 1000.0;
    if let Some(e) = read_error {
        return Err(MediaError::invalid_because(
            format!("the file is truncated or damaged (reading stopped after {secs:.1} s)"),
            e,
        ));
    }
    let video_frames = video.map_or(0, |v| v.frames);
    let audio_frames = audio.map_or(0, |a| a.frames);
    if video_frames == 0 && audio_frames == 0 {
        return Err(MediaError::invalid("no audio or video could be decoded from the file"));
    }
    if let Some(v) = video {
        // A few bad packets (e.g. a recorder starting before a keyframe) are normal;
        // more failures than pictures means the stream is mostly garbage.
        if v.frames == 0 || (v.decode_errors > MAX_TOLERATED_ERRORS && v.decode_errors > v.frames) {
            return Err(MediaError::invalid(format!(
                "the video stream could not be decoded ({} packets, {} pictures, {} errors)",
                v.packets, v.frames, v.decode_errors
            )));
        }
    }
    if let Some(a) = audio {
        // A declared but empty audio track (silent recorder) is fine; undecodable audio isn't.
        if (a.packets > 0 && a.frames == 0) || (a.decode_errors > MAX_TOLERATED_ERRORS && a.decode_errors > a.frames) {
            return Err(MediaError::invalid(format!(
                "the audio stream could not be decoded ({} errors)",
                a.decode_errors
            )));
        }
    }
    if let Some(declared) = plan.header_duration_ms.filter(|_| plan.header_duration_is_exact()) {
        if (duration_ms as f64) < declared as f64 * TRUNCATION_RATIO && declared - duration_ms >= TRUNCATION_MIN_GAP_MS
        {
            return Err(MediaError::invalid(format!(
                "the file is truncated: it declares {:.1} s but contains {secs:.1} s",
                declared as f64 / 1000.0
            )));
        }
    }
    Ok(())
}

fn check_deadline(deadline: Option<Instant>) -> Result<(), MediaError> {
    match deadline {
        Some(d) if Instant::now() >= d => Err(MediaError::DeadlineExceeded),
        _ => Ok(()),
    }
}

/// Removes this call's outputs unless disarmed (on success).
struct Cleanup {
    dir: PathBuf,
    armed: bool,
}

impl Cleanup {
    fn disarm(mut self) {
        self.armed = false;
    }
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        if !self.armed {
            return;
        }
        for name in [MP4_FILE, POSTER_FILE, THUMBNAIL_FILE, SPEECH_FILE] {
            let _ = std::fs::remove_file(self.dir.join(name));
        }
        if let Ok(entries) = std::fs::read_dir(&self.dir) {
            for entry in entries.flatten() {
                let name = entry.file_name();
                let name = name.to_string_lossy();
                if name.starts_with("storyboard-") && name.ends_with(".jpg") {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
        }
    }
}
