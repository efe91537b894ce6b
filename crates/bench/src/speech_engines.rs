//! The two speech engines as the benchmarks run them, each from loading the model to the
//! last word: Briefly's whisper.cpp (in this process, as the worker runs it) and
//! faster-whisper (CTranslate2, int8, beam 5, word timestamps) in a Python process.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{ensure, Context};

/// One transcription by one engine.
pub struct EngineRun {
    /// Wall time of model load + transcription.
    pub seconds: f64,
    /// Wall time of the model load alone.
    pub load_seconds: f64,
    pub text: String,
}

/// faster-whisper, run by `crates/bench/faster_whisper_run.py`.
pub struct Reference {
    pub python: PathBuf,
    /// The CTranslate2 model directory.
    pub model: PathBuf,
    pub threads: usize,
}

impl Reference {
    /// faster-whisper on the 16 kHz `wav`, told the spoken `language` (a Whisper code).
    pub fn transcribe(&self, wav: &Path, language: &str) -> anyhow::Result<EngineRun> {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("faster_whisper_run.py");
        let output = Command::new(&self.python)
            .arg(script)
            .arg(wav)
            .arg(&self.model)
            .arg(self.threads.to_string())
            .arg(language)
            .output()
            .context("running faster-whisper")?;
        ensure!(output.status.success(), "faster-whisper failed: {}", String::from_utf8_lossy(&output.stderr));
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).context("faster-whisper's report")?;
        ensure!(report["words"].as_u64().unwrap_or(0) > 0, "faster-whisper recognised nothing: {report}");
        let seconds = report["seconds"].as_f64().context("faster-whisper's report has no seconds")?;
        let load_seconds = report["load_seconds"].as_f64().context("faster-whisper's report has no load_seconds")?;
        Ok(EngineRun { seconds, load_seconds, text: report["text"].as_str().unwrap_or_default().to_string() })
    }
}

/// Briefly's transcription of the 16 kHz f32 `pcm` with the ggml `model`, told the spoken
/// `language` (English-only models ignore it).
pub fn transcribe_briefly(model: &Path, pcm: &Path, threads: usize, language: &str) -> anyhow::Result<EngineRun> {
    let started = Instant::now();
    let model = briefly::speech::SpeechModel::load(model)?;
    let load_seconds = started.elapsed().as_secs_f64();
    let options =
        briefly::speech::TranscribeOptions { threads, language: Some(language.to_string()), ..Default::default() };
    let transcript = briefly::speech::transcribe_pcm_file(&model, pcm, &options)?;
    ensure!(!transcript.segments.is_empty(), "no speech recognised");
    let seconds = started.elapsed().as_secs_f64();
    let text = transcript.segments.iter().map(|s| s.text.as_str()).collect::<Vec<_>>().join(" ");
    Ok(EngineRun { seconds, load_seconds, text })
}
