//! Quiet stretches, from the 16 kHz mono audio speech recognition reads: the RMS level of
//! every 20-ms window against a threshold in dBFS.

use std::path::Path;
use std::time::Instant;

use super::super::error::{MediaError, ResultExt};
use super::super::speech_audio::extract_speech_audio;

const RATE: usize = 16_000;
const WINDOW: usize = RATE / 50;

pub(super) fn detect(
    input: &Path,
    threshold_db: f32,
    min_ms: i64,
    deadline: Option<Instant>,
) -> Result<Vec<(i64, i64)>, MediaError> {
    let dir = tempfile::tempdir().internal("creating a scratch folder")?;
    let pcm = dir.path().join("speech.f32");
    match extract_speech_audio(input, &pcm, deadline) {
        Ok(_) => {}
        // No audio: nothing is silent in a way worth cutting.
        Err(err) if err.is_user_error() => return Ok(Vec::new()),
        Err(err) => return Err(err),
    }
    let bytes = std::fs::read(&pcm).internal("reading the speech audio")?;
    let samples: Vec<f32> = bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
    Ok(quiet_stretches(&samples, threshold_db, min_ms))
}

/// Runs of windows below `threshold_db` lasting at least `min_ms`, in ms.
fn quiet_stretches(samples: &[f32], threshold_db: f32, min_ms: i64) -> Vec<(i64, i64)> {
    let limit = 10f32.powf(threshold_db / 20.0);
    let window_ms = (WINDOW * 1000 / RATE) as i64;
    let mut found = Vec::new();
    let mut run_start: Option<i64> = None;
    let windows = samples.chunks(WINDOW);
    let count = windows.len() as i64;
    for (i, window) in windows.enumerate() {
        let rms = (window.iter().map(|s| s * s).sum::<f32>() / window.len() as f32).sqrt();
        let at = i as i64 * window_ms;
        match (rms < limit, run_start) {
            (true, None) => run_start = Some(at),
            (false, Some(start)) => {
                if at - start >= min_ms {
                    found.push((start, at));
                }
                run_start = None;
            }
            _ => {}
        }
    }
    if let Some(start) = run_start {
        let end = ((samples.len() * 1000) / RATE) as i64;
        if end - start >= min_ms && count > 0 {
            found.push((start, end));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiet_runs_long_enough_are_found() {
        let tone = |n: usize| (0..n).map(|i| (i as f32 * 0.1).sin() * 0.5).collect::<Vec<f32>>();
        let mut samples = tone(RATE);
        samples.extend(vec![0.001; RATE * 3 / 2]);
        samples.extend(tone(RATE / 2));
        samples.extend(vec![0.0; RATE / 2]);
        samples.extend(tone(RATE));
        assert_eq!(quiet_stretches(&samples, -35.0, 1000), vec![(1000, 2500)]);
        assert_eq!(quiet_stretches(&samples, -35.0, 400).len(), 2);
    }
}
