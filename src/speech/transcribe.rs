//! Transcribes a PCM file window by window into one [`Transcript`].
//!
//! Policy:
//! - Input is headerless little-endian f32, 16 kHz mono (see `pcm.rs`), read in windows
//!   of `window_secs` cut at quiet points, so memory stays bounded (about two windows
//!   of samples plus whisper.cpp's state) whatever the file's length. Inside a window
//!   whisper.cpp walks its own 30 s chunks, seeking by its timestamp tokens.
//! - Each window gets 0.5 s of silence in front: tiny models often drop or mishear
//!   speech that starts on the very first sample. Times are shifted back afterwards
//!   and clamped into the window's real audio, so segments are in order and never
//!   overlap, across windows too.
//! - Windows of digital silence are skipped. What whisper.cpp returns for a window is
//!   turned into segments and words by `segments.rs`.
//! - Beam search (beam 5) by default: greedy decoding misheard short phrases that
//!   beam search got right. One thread per job by default: on a small shared box
//!   that is steadier than several threads per job.
//! - Language: "en" for English-only models. Multilingual models detect it on the
//!   first window that yields text and keep it for the rest, so a video does not flip
//!   language mid-way; "und" (undetermined) when there was nothing to hear.
//! - The deadline is checked between windows and, inside whisper.cpp, by its abort
//!   callback, which whisper.cpp polls after every encoder pass and decoder step (so
//!   it reacts within about one encoder pass: under a second for tiny on one thread).
//!   Passing it is [`SpeechError::DeadlineExceeded`] and no partial result.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;
use std::time::Instant;

use whisper_rs::{FullParams, SamplingStrategy, WhisperState};

use super::error::SpeechError;
use super::model::SpeechModel;
use super::pcm::{PcmWindows, Window, SAMPLE_RATE};
use super::segments::collect_segments;
use super::transcript::{Segment, Transcript};

/// Silence put before every window.
pub(crate) const LEAD_IN_MS: i64 = 500;
const LEAD_IN_SAMPLES: usize = (SAMPLE_RATE as i64 * LEAD_IN_MS / 1000) as usize;
/// whisper.cpp ignores inputs under 100 ms; pad short windows well past that.
const MIN_INPUT_SAMPLES: usize = SAMPLE_RATE as usize * 3 / 2;

#[derive(Debug, Clone)]
pub struct TranscribeOptions {
    /// whisper.cpp threads for this job (1..=16).
    pub threads: usize,
    /// 1 = greedy decoding; 2..=8 = beam search of that width.
    pub beam_size: usize,
    /// Longest stretch of audio held and decoded at once (30..=300 s).
    pub window_secs: u32,
    /// Give up (with an error) once this instant has passed.
    pub deadline: Option<Instant>,
}

impl Default for TranscribeOptions {
    fn default() -> Self {
        // 120 s windows: few seams, ~8 MB of samples per window.
        TranscribeOptions { threads: 1, beam_size: 5, window_secs: 120, deadline: None }
    }
}

impl TranscribeOptions {
    fn validate(&self) -> Result<(), SpeechError> {
        let bad = |m: String| Err(SpeechError::InvalidOptions(m));
        if !(1..=16).contains(&self.threads) {
            return bad(format!("threads = {} (allowed 1..=16)", self.threads));
        }
        // whisper.cpp runs at most 8 decoders (WHISPER_MAX_DECODERS).
        if !(1..=8).contains(&self.beam_size) {
            return bad(format!("beam_size = {} (allowed 1..=8)", self.beam_size));
        }
        if !(30..=300).contains(&self.window_secs) {
            return bad(format!("window_secs = {} (allowed 30..=300)", self.window_secs));
        }
        Ok(())
    }
}

/// Transcribes `pcm_f32_16k_mono` (raw little-endian f32 samples, 16 kHz, mono).
/// Blocking and CPU-heavy: call it from a worker thread, not an async task.
pub fn transcribe_pcm_file(
    model: &SpeechModel,
    pcm_f32_16k_mono: &Path,
    opts: &TranscribeOptions,
) -> Result<Transcript, SpeechError> {
    opts.validate()?;
    let path = pcm_f32_16k_mono;
    let audio_err = |source| SpeechError::AudioUnreadable { path: path.to_owned(), source };
    let file = File::open(path).map_err(audio_err)?;
    let window = opts.window_secs as usize * SAMPLE_RATE as usize;
    let search = (window / 4).min(10 * SAMPLE_RATE as usize);

    let mut state = model.context().create_state().map_err(SpeechError::whisper("creating a decoder state"))?;
    let mut language: Option<String> = (!model.is_multilingual()).then(|| "en".to_string());
    let mut segments: Vec<Segment> = Vec::new();
    let mut done_ms = 0i64;
    let started = Instant::now();

    for window in PcmWindows::new(BufReader::new(file), window, search) {
        let window = window.map_err(audio_err)?;
        if opts.deadline.is_some_and(|d| Instant::now() >= d) {
            return Err(SpeechError::DeadlineExceeded { transcribed_ms: done_ms });
        }
        if window.is_silent() {
            tracing::debug!(start_ms = window.start_ms(), "silent window skipped");
        } else {
            let window_started = Instant::now();
            let lang = language.as_deref().unwrap_or("auto");
            run_whisper(&mut state, &window, opts, lang, done_ms)?;
            let before = segments.len();
            collect_segments(model, &state, &window, &mut segments);
            if language.is_none() && segments.len() > before {
                let id = state.full_lang_id_from_state();
                language = whisper_rs::get_lang_str(id).map(str::to_string);
            }
            tracing::debug!(
                start_ms = window.start_ms(),
                end_ms = window.end_ms(),
                segments = segments.len() - before,
                elapsed_ms = window_started.elapsed().as_millis() as u64,
                "window transcribed"
            );
        }
        done_ms = window.end_ms();
    }

    tracing::info!(
        audio_ms = done_ms,
        elapsed_ms = started.elapsed().as_millis() as u64,
        segments = segments.len(),
        "transcription finished"
    );
    Ok(Transcript { language: language.unwrap_or_else(|| "und".to_string()), segments })
}

fn run_whisper(
    state: &mut WhisperState,
    window: &Window,
    opts: &TranscribeOptions,
    language: &str,
    done_ms: i64,
) -> Result<(), SpeechError> {
    let mut input = vec![0.0f32; LEAD_IN_SAMPLES];
    input.extend_from_slice(&window.samples);
    if input.len() < MIN_INPUT_SAMPLES {
        input.resize(MIN_INPUT_SAMPLES, 0.0);
    }
    let params = full_params(opts, language);
    state.full(params, &input).map_err(|source| {
        // An abort from our deadline surfaces as a generic encode/decode failure.
        if opts.deadline.is_some_and(|d| Instant::now() >= d) {
            SpeechError::DeadlineExceeded { transcribed_ms: done_ms }
        } else {
            SpeechError::Whisper { during: "transcribing", source }
        }
    })
}

fn full_params<'a>(opts: &TranscribeOptions, language: &'a str) -> FullParams<'a, 'a> {
    let strategy = if opts.beam_size > 1 {
        SamplingStrategy::BeamSearch { beam_size: opts.beam_size as i32, patience: -1.0 }
    } else {
        SamplingStrategy::Greedy { best_of: 1 }
    };
    let mut p = FullParams::new(strategy);
    p.set_n_threads(opts.threads as i32);
    p.set_language(Some(language));
    p.set_translate(false);
    p.set_no_context(true);
    p.set_token_timestamps(true);
    // Non-speech tokens are how "[BLANK_AUDIO]" or "(music)" get written.
    p.set_suppress_nst(true);
    p.set_print_progress(false);
    p.set_print_realtime(false);
    p.set_print_timestamps(false);
    p.set_print_special(false);
    if let Some(deadline) = opts.deadline {
        // whisper-rs 0.16's set_abort_callback_safe calls its trampoline with the
        // closure's own type but stores a `Box<dyn FnMut>`; passing a boxed closure
        // makes the two types the same. A bare closure here is undefined behaviour.
        let abort: Box<dyn FnMut() -> bool> = Box::new(move || Instant::now() >= deadline);
        p.set_abort_callback_safe::<_, Box<dyn FnMut() -> bool>>(abort);
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_are_validated() {
        assert!(TranscribeOptions::default().validate().is_ok());
        let with = |f: fn(&mut TranscribeOptions)| {
            let mut o = TranscribeOptions::default();
            f(&mut o);
            o.validate()
        };
        assert!(matches!(with(|o| o.threads = 0), Err(SpeechError::InvalidOptions(_))));
        assert!(matches!(with(|o| o.beam_size = 9), Err(SpeechError::InvalidOptions(_))));
        assert!(matches!(with(|o| o.window_secs = 10), Err(SpeechError::InvalidOptions(_))));
    }
}
