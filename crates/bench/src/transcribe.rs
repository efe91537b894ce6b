//! Transcription alone: whisper.cpp (Briefly) and faster-whisper (int8) on the same audio,
//! alternating run by run so both see the same machine, with the median real-time factor
//! of each and their ratio. Model load is included on both sides.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{ensure, Context};
use briefly::config::Config;

use crate::fixtures::{self, run, SpeechTrack};
use crate::word_errors::word_error_rate;

#[derive(Debug, clap::Args)]
pub struct TranscribeBench {
    /// Length of the speech track.
    #[arg(long, default_value_t = 5)]
    minutes: u32,
    /// CPU threads, on both sides.
    #[arg(long, default_value_t = 2)]
    threads: usize,
    /// Runs per engine (alternating); the median is reported.
    #[arg(long, default_value_t = 3)]
    runs: usize,
    #[command(flatten)]
    setup: SpeechBenchSetup,
}

/// What both speech benchmarks need besides Briefly itself.
#[derive(Debug, clap::Args)]
pub struct SpeechBenchSetup {
    /// Python with faster-whisper installed (scripts/bench-process.sh prepares one).
    #[arg(long)]
    pub python: PathBuf,
    /// The same tiny.en weights in CTranslate2 form, for faster-whisper.
    #[arg(long)]
    pub reference_model: PathBuf,
    #[arg(long, default_value = "bench-data")]
    pub work_dir: PathBuf,
}

impl SpeechBenchSetup {
    /// The work folder (created), as an absolute path.
    pub fn work_dir(&self) -> anyhow::Result<PathBuf> {
        std::fs::create_dir_all(&self.work_dir)?;
        Ok(std::fs::canonicalize(&self.work_dir)?)
    }

    pub fn reference(&self, threads: usize) -> Reference {
        Reference { python: self.python.clone(), model: self.reference_model.clone(), threads }
    }
}

pub async fn run_bench(args: TranscribeBench, config: Config) -> anyhow::Result<()> {
    let model = config.whisper_model.clone().context("--whisper-model (BRIEFLY_WHISPER_MODEL) is required")?;
    let work = args.setup.work_dir()?;
    let speech = fixtures::speech_track(&work, args.minutes)?;
    let audio = SpeechAudio::from_track(&speech, &work)?;
    let reference = args.setup.reference(args.threads);
    let comparison = compare(&model, &audio, &reference, args.runs.clamp(1, 20))?;
    comparison.print(&model, f64::from(args.minutes * 60), args.threads);
    Ok(())
}

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

pub struct Reference {
    pub python: PathBuf,
    pub model: PathBuf,
    pub threads: usize,
}

impl Reference {
    /// faster-whisper on `wav`: seconds for model load + transcription, and the text.
    pub fn transcribe(&self, wav: &Path) -> anyhow::Result<(f64, String)> {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("faster_whisper_run.py");
        let output = Command::new(&self.python)
            .arg(script)
            .arg(wav)
            .arg(&self.model)
            .arg(self.threads.to_string())
            .output()
            .context("running faster-whisper")?;
        ensure!(output.status.success(), "faster-whisper failed: {}", String::from_utf8_lossy(&output.stderr));
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).context("faster-whisper's report")?;
        ensure!(report["words"].as_u64().unwrap_or(0) > 0, "faster-whisper recognised nothing: {report}");
        let seconds = report["seconds"].as_f64().context("faster-whisper's report has no seconds")?;
        Ok((seconds, report["text"].as_str().unwrap_or_default().to_string()))
    }
}

/// Briefly's transcription alone (model load included, as on the reference side): the
/// seconds it took and the text.
pub fn transcribe_only(model: &Path, pcm: &Path, threads: usize) -> anyhow::Result<(f64, String)> {
    let started = Instant::now();
    let model = briefly::speech::SpeechModel::load(model)?;
    let options = briefly::speech::TranscribeOptions { threads, ..Default::default() };
    let transcript = briefly::speech::transcribe_pcm_file(&model, pcm, &options)?;
    ensure!(!transcript.segments.is_empty(), "no speech recognised");
    let seconds = started.elapsed().as_secs_f64();
    let text = transcript.segments.iter().map(|s| s.text.as_str()).collect::<Vec<_>>().join(" ");
    Ok((seconds, text))
}

pub struct Comparison {
    ours: Vec<f64>,
    theirs: Vec<f64>,
    /// Word error rate of each run's transcript: faster-whisper's differ between runs
    /// on the same file, so all are shown.
    our_errors: Vec<Option<f64>>,
    their_errors: Vec<Option<f64>>,
}

/// `runs` alternating runs of each engine on the same audio.
pub fn compare(model: &Path, audio: &SpeechAudio, reference: &Reference, runs: usize) -> anyhow::Result<Comparison> {
    let mut comparison =
        Comparison { ours: Vec::new(), theirs: Vec::new(), our_errors: Vec::new(), their_errors: Vec::new() };
    let score = |text: &str| word_error_rate(fixtures::PARAGRAPH, audio.whole_paragraphs, text);
    for _ in 0..runs {
        let (seconds, text) = transcribe_only(model, &audio.pcm, reference.threads)?;
        comparison.ours.push(seconds);
        comparison.our_errors.push(score(&text));
        let (seconds, text) = reference.transcribe(&audio.wav)?;
        comparison.theirs.push(seconds);
        comparison.their_errors.push(score(&text));
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

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted[sorted.len() / 2]
}
