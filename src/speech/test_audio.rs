//! Test fixtures: real speech from espeak-ng converted by sox, and the real model.
//!
//! Needs `espeak-ng` and `sox` on PATH (Debian packages of the same names) and the
//! model installed by `scripts/install-model.sh` (see [`model_path`]). Missing pieces fail the test with the fix in the message:
//! a silently skipped speech test would hide a broken pipeline.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use super::{SpeechModel, SAMPLE_RATE};

/// `$BRIEFLY_TEST_WHISPER_MODEL` (set by scripts/test.sh), else where
/// scripts/install-model.sh puts tiny.en.
pub fn model_path() -> PathBuf {
    if let Some(path) = std::env::var_os("BRIEFLY_TEST_WHISPER_MODEL") {
        return PathBuf::from(path);
    }
    let dir = std::env::var_os("BRIEFLY_MODEL_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/briefly/models"));
    dir.join("ggml-tiny.en.bin")
}

/// The model, loaded once for all tests.
pub fn model() -> &'static SpeechModel {
    static MODEL: OnceLock<SpeechModel> = OnceLock::new();
    // The error already says how to install a missing model.
    MODEL.get_or_init(|| SpeechModel::load(&model_path()).unwrap_or_else(|e| panic!("{e}")))
}

/// A directory that lives for the whole test run.
pub fn scratch_dir() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().unwrap()).path()
}

fn run(cmd: &mut Command, what: &str) {
    let out = cmd.output().unwrap_or_else(|e| panic!("cannot run {what}: {e} (apt-get install -y espeak-ng sox)"));
    assert!(out.status.success(), "{what} failed: {}", String::from_utf8_lossy(&out.stderr));
}

/// `text` spoken by espeak-ng (US English), as 16 kHz mono f32 samples.
pub fn speak(text: &str) -> Vec<f32> {
    let dir = tempfile::tempdir().unwrap();
    let (wav, raw) = (dir.path().join("s.wav"), dir.path().join("s.f32"));
    run(Command::new("espeak-ng").args(["-v", "en-us", "-s", "160", "-w"]).arg(&wav).arg(text), "espeak-ng");
    run(
        Command::new("sox")
            .arg(&wav)
            .args(["-r", "16000", "-c", "1", "-e", "floating-point", "-b", "32", "-t", "raw"])
            .arg(&raw),
        "sox",
    );
    std::fs::read(&raw).unwrap().chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect()
}

pub fn silence(secs: f32) -> Vec<f32> {
    vec![0.0; (secs * SAMPLE_RATE as f32) as usize]
}

/// Milliseconds from the start of `samples` to the end of its last audible sound.
pub fn sound_end_ms(samples: &[f32]) -> i64 {
    let last = samples.iter().rposition(|s| s.abs() > 0.01).unwrap_or(0);
    (last as i64 + 1) * 1000 / SAMPLE_RATE as i64
}

/// Writes `parts` back to back as a raw f32 file named `name` in the scratch dir.
pub fn write_pcm(name: &str, parts: &[&[f32]]) -> PathBuf {
    let path = scratch_dir().join(name);
    let bytes: Vec<u8> = parts.iter().flat_map(|p| p.iter()).flat_map(|s| s.to_le_bytes()).collect();
    std::fs::write(&path, bytes).unwrap();
    path
}
