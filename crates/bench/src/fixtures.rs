//! Benchmark inputs made with espeak-ng, sox and the ffmpeg CLI (only to make inputs and
//! to run the reference side; Briefly's own pipeline never shells out).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{ensure, Context};

use crate::passages::Passage;

pub const PARAGRAPH: &str = "Good morning team. Here is my weekly update on the platform work. \
    We finished the database upgrade on Tuesday, and the new search index is live. \
    After a long discussion we decided to delay the migration until next quarter, \
    because the billing service still depends on the old schema. \
    Please review the design document before Friday and leave your comments. \
    Next week I will focus on the upload pipeline and the recorder.";

pub fn run(command: &mut Command) -> anyhow::Result<()> {
    let output = command.output().with_context(|| format!("starting {command:?}"))?;
    ensure!(output.status.success(), "{command:?} failed: {}", String::from_utf8_lossy(&output.stderr));
    Ok(())
}

/// The speech track: [`PARAGRAPH`] spoken again and again, cut at an exact length.
pub struct SpeechTrack {
    /// 48 kHz mono WAV.
    pub path: PathBuf,
    /// How many times the paragraph is spoken whole before the cut.
    pub whole_paragraphs: usize,
}

/// `minutes` of speech (the paragraph, repeated) as a 48 kHz mono WAV.
pub fn speech_track(dir: &Path, minutes: u32) -> anyhow::Result<SpeechTrack> {
    let once = dir.join("paragraph.wav");
    run(Command::new("espeak-ng").args(["-s", "160", "-w"]).arg(&once).arg(PARAGRAPH))?;
    let padded = dir.join("paragraph-padded.wav");
    // -R: the same dither every time (see `spoken_passage`).
    run(Command::new("sox")
        .arg("-R")
        .arg(&once)
        .args(["-r", "48000", "-c", "1"])
        .arg(&padded)
        .args(["pad", "0.5", "1.5"]))?;
    let target = dir.join("speech.wav");
    let seconds = (minutes * 60).to_string();
    // Loop the paragraph and cut at the exact length.
    run(Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-y", "-stream_loop", "-1", "-i"])
        .arg(&padded)
        .args(["-t", &seconds, "-ac", "1", "-ar", "48000"])
        .arg(&target))?;
    let output = Command::new("sox").args(["--i", "-D"]).arg(&padded).output().context("sox --i")?;
    let paragraph_secs: f64 = String::from_utf8_lossy(&output.stdout).trim().parse().context("sox duration")?;
    ensure!(paragraph_secs > 1.0, "the paragraph is only {paragraph_secs} s long");
    let whole_paragraphs = (f64::from(minutes * 60) / paragraph_secs).floor() as usize;
    Ok(SpeechTrack { path: target, whole_paragraphs })
}

/// A passage spoken once, as 16 kHz mono: a WAV (for faster-whisper) and the same
/// samples as raw f32 (for Briefly).
pub struct SpokenPassage {
    pub passage: &'static Passage,
    pub wav: PathBuf,
    pub pcm: PathBuf,
    pub seconds: f64,
}

/// `passage` spoken by its espeak-ng voice, with half a second of silence before and a
/// second after (as a recording would have), resampled to 16 kHz mono.
pub fn spoken_passage(dir: &Path, passage: &'static Passage) -> anyhow::Result<SpokenPassage> {
    let language = passage.language;
    let raw = dir.join(format!("passage-{language}-espeak.wav"));
    run(Command::new("espeak-ng").args(["-v", passage.voice, "-s", "160", "-w"]).arg(&raw).arg(passage.text))?;
    let wav = dir.join(format!("passage-{language}-16k.wav"));
    // 3 dB of headroom: espeak-ng speaks at full scale, and resampling would clip.
    // -R: sox dithers with a random seed by default, and the models' word errors move
    // by several points with that noise (French: 41 % or 46 %); seeded, every run and
    // every invocation gets the same samples.
    run(Command::new("sox")
        .arg("-R")
        .arg(&raw)
        .args(["-r", "16000", "-c", "1", "-b", "16"])
        .arg(&wav)
        .args(["gain", "-n", "-3", "pad", "0.5", "1"]))?;
    // From the 16 kHz WAV, so both engines get the very same samples.
    let pcm = dir.join(format!("passage-{language}-16k.f32"));
    run(Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-y", "-i"])
        .arg(&wav)
        .args(["-f", "f32le", "-ac", "1", "-ar", "16000"])
        .arg(&pcm))?;
    let samples = std::fs::metadata(&pcm)?.len() / 4;
    let seconds = samples as f64 / 16000.0;
    ensure!(seconds > 5.0, "the {language} passage is only {seconds:.1} s long");
    Ok(SpokenPassage { passage, wav, pcm, seconds })
}

/// A screen-recording-like clip (moving test pattern) with the speech track, `minutes`
/// long. Kept in `dir` under a name that says how it was made, and reused by a later run
/// with the same `--work-dir` (a long 1080p clip takes longer to make than to process).
pub fn recording(
    dir: &Path,
    speech: &Path,
    minutes: u32,
    height: u32,
    fps: u32,
    h264: bool,
) -> anyhow::Result<PathBuf> {
    let width = height * 16 / 9;
    let (kind, extension, codecs): (&str, &str, &[&str]) = if h264 {
        ("h264", "mp4", &["-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac"])
    } else {
        (
            "vp8",
            "webm",
            &["-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "1500k", "-c:a", "libopus"],
        )
    };
    let name = format!("recording-{kind}-{minutes}min-{height}p{fps}");
    let target = dir.join(format!("{name}.{extension}"));
    if target.exists() {
        return Ok(target);
    }
    // Made under another name and renamed, so an interrupted run leaves nothing reusable.
    let partial = dir.join(format!("{name}.partial.{extension}"));
    run(Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i"])
        .arg(format!("testsrc2=size={width}x{height}:rate={fps}"))
        .arg("-i")
        .arg(speech)
        .arg("-shortest")
        .args(codecs)
        .arg(&partial))?;
    std::fs::rename(&partial, &target)?;
    Ok(target)
}
