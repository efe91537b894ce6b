//! The processing benchmark's transcription-only part: whisper.cpp (Briefly) and
//! faster-whisper on the same long English speech track (one paragraph spoken again
//! and again), alternating run by run so both see the same machine, with the median
//! real-time factor of each and their ratio. Model load is included on both sides.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::fixtures::{self, run, SpeechTrack};
use crate::speech_engines::{transcribe_briefly, Reference};
use crate::transcribe::median;
use crate::word_errors::word_error_rate_cut;

/// The same audio as a 16 kHz WAV (for faster-whisper) and raw f32 (for Briefly).
pub struct SpeechAudio {
    pub wav: PathBuf,
    pub pcm: PathBuf,
    /// See [`SpeechTrack::whole_paragraphs`]: what a transcript is scored against.
    pub whole_paragraphs: usize,
}

impl SpeechAudio {
    /// Extract 16 kHz mono audio from `track` with the ffmpeg CLI, as a user of the
    /// reference would.
    pub fn from_track(track: &SpeechTrack, dir: &Path) -> anyhow::Result<SpeechAudio> {
        let (wav, pcm) = (dir.join("speech-16k.wav"), dir.join("speech-16k.f32"));
        let ffmpeg = || {
            let mut command = Command::new("ffmpeg");
            command.args(["-hide_banner", "-loglevel", "error", "-y", "-i"]).arg(&track.path);
            command
        };
        run(ffmpeg().args(["-vn", "-ac", "1", "-ar", "16000"]).arg(&wav))?;
        run(ffmpeg().args(["-vn", "-f", "f32le", "-ac", "1", "-ar", "16000"]).arg(&pcm))?;
        Ok(SpeechAudio { wav, pcm, whole_paragraphs: track.whole_paragraphs })
    }
}

pub struct Comparison {
    ours: Vec<f64>,
    theirs: Vec<f64>,
    /// Word error rate of each run's transcript: faster-whisper's differ between runs
    /// on the same file, so all are shown.
    our_errors: Vec<Option<f64>>,
    their_errors: Vec<Option<f64>>,
}

/// `runs` alternating runs of each engine on the same English audio.
pub fn compare(model: &Path, audio: &SpeechAudio, reference: &Reference, runs: usize) -> anyhow::Result<Comparison> {
    let mut comparison =
        Comparison { ours: Vec::new(), theirs: Vec::new(), our_errors: Vec::new(), their_errors: Vec::new() };
    let score = |text: &str| word_error_rate_cut(fixtures::PARAGRAPH, audio.whole_paragraphs, text);
    for _ in 0..runs {
        let ours = transcribe_briefly(model, &audio.pcm, reference.threads, "en")?;
        comparison.ours.push(ours.seconds);
        comparison.our_errors.push(score(&ours.text));
        let theirs = reference.transcribe(&audio.wav, "en")?;
        comparison.theirs.push(theirs.seconds);
        comparison.their_errors.push(score(&theirs.text));
    }
    Ok(comparison)
}

impl Comparison {
    pub fn print(&self, model: &Path, audio_secs: f64, threads: usize) {
        let model_name = model.file_name().unwrap_or_default().to_string_lossy();
        let rtfs = |runs: &[f64]| runs.iter().map(|s| format!("{:.3}", s / audio_secs)).collect::<Vec<_>>().join(" ");
        let (ours, theirs) = (median(&self.ours) / audio_secs, median(&self.theirs) / audio_secs);
        println!();
        println!("transcription real-time factor on the same {audio_secs:.0} s of audio, {threads} threads:");
        println!("  briefly (whisper.cpp, {model_name}): median {ours:.3}  (runs: {})", rtfs(&self.ours));
        println!("  faster-whisper (CTranslate2, tiny.en int8): median {theirs:.3}  (runs: {})", rtfs(&self.theirs));
        println!("  ratio {:.2}  [target <= 1.30]", ours / theirs);
        let percents = |runs: &[Option<f64>]| {
            runs.iter()
                .map(|e| e.map_or("-".to_string(), |e| format!("{:.1} %", e * 100.0)))
                .collect::<Vec<_>>()
                .join(" ")
        };
        println!("  word error rate against the spoken text, per run:");
        println!("    briefly {}; faster-whisper {}", percents(&self.our_errors), percents(&self.their_errors));
    }
}
