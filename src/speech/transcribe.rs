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
//!   beam search got right. `threads` workers, each a whisper.cpp state on one
//!   thread, share out the windows (see [`transcribe_pcm`]); one by default.
//! - Language: "en" for English-only models. Multilingual models use the one asked for
//!   ([`TranscribeOptions::language`]), or detect it on the first window that yields
//!   text and keep it for the rest, so a video does not flip language mid-way; "und"
//!   (undetermined) when there was nothing to hear. With `translate`, Whisper's translate
//!   task writes English whatever was spoken (multilingual models only).
//! - The audio may still be growing (read while the decode pass writes it, see
//!   [`PcmSource`]): then a window waits for its samples, and whisper.cpp gets one
//!   thread, leaving the other cores to the transcode; once the source is complete,
//!   the job's full thread count.
//! - The deadline (and the caller's cancel flag) is checked between windows and,
//!   inside whisper.cpp, by its abort
//!   callback, which whisper.cpp polls after every encoder pass and decoder step (so
//!   it reacts within about one encoder pass: under a second for tiny on one thread).
//!   Passing it is [`SpeechError::DeadlineExceeded`] and no partial result.

use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use whisper_rs::{FullParams, SamplingStrategy, WhisperState};

use super::error::SpeechError;
use super::model::SpeechModel;
use super::pcm::{Window, LEAD_IN_MS, SAMPLE_RATE};
use super::pcm_source::PcmSource;
use super::segments::collect_segments;
use super::transcript::{Segment, Transcript};
use super::window_queue::{Take, WindowQueue};

const LEAD_IN_SAMPLES: usize = (SAMPLE_RATE as i64 * LEAD_IN_MS / 1000) as usize;
/// whisper.cpp ignores inputs under 100 ms; pad short windows well past that.
const MIN_INPUT_SAMPLES: usize = SAMPLE_RATE as usize * 3 / 2;
/// Silence after every window. whisper.cpp 1.8 aborts the whole process
/// (`WHISPER_ASSERT filter_width < a->ne[2]` in its DTW median filter) when a decode
/// pass that emits a segment covers under 160 ms, which happens when a pass starts
/// 110-150 ms before the end of the input: seen with a window cut at a quiet point.
/// With 2 s of digital silence after the real audio, such a pass could only start
/// deep in the silence, after whisper placed a segment end there, and would then have
/// to emit text from 0.1 s of zeros. Segments past the window end are dropped or
/// clamped by `collect_segments`, so the padding never reaches a transcript.
const TRAIL_OUT_SAMPLES: usize = SAMPLE_RATE as usize * 2;

#[derive(Debug, Clone)]
pub struct TranscribeOptions {
    /// whisper.cpp threads for this job (1..=16).
    pub threads: usize,
    /// 1 = greedy decoding; 2..=8 = beam search of that width.
    pub beam_size: usize,
    /// Longest stretch of audio held and decoded at once (10..=300 s). Short windows
    /// suit a live recording (less is left to do when it stops), long ones a file
    /// (fewer seams).
    pub window_secs: u32,
    /// Give up (with an error) once this instant has passed.
    pub deadline: Option<Instant>,
    /// Give up (with an error) once this is set, e.g. when the media turned out bad.
    pub cancel: Option<Arc<AtomicBool>>,
    /// The spoken language (a Whisper code); `None` detects it. Ignored by English-only
    /// models, which only ever hear English.
    pub language: Option<String>,
    /// Write an English translation instead of a transcript (multilingual models).
    pub translate: bool,
}

impl Default for TranscribeOptions {
    fn default() -> Self {
        // 120 s windows: few seams, ~8 MB of samples per window.
        TranscribeOptions {
            threads: 1,
            beam_size: 5,
            window_secs: 120,
            deadline: None,
            cancel: None,
            language: None,
            translate: false,
        }
    }
}

/// A finished PCM file.
struct PcmFile {
    file: File,
    name: String,
    len: u64,
    pos: u64,
}

impl Read for PcmFile {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.file.read(buf)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl PcmSource for PcmFile {
    fn describe(&self) -> String {
        self.name.clone()
    }

    fn remaining_bytes(&self) -> Option<u64> {
        Some(self.len.saturating_sub(self.pos))
    }
}

impl TranscribeOptions {
    fn should_stop(&self) -> bool {
        self.deadline.is_some_and(|d| Instant::now() >= d) || self.cancelled()
    }

    fn cancelled(&self) -> bool {
        self.cancel.as_ref().is_some_and(|c| c.load(Ordering::Relaxed))
    }

    fn stop_error(&self, transcribed_ms: i64) -> SpeechError {
        if self.cancelled() {
            SpeechError::Cancelled { transcribed_ms }
        } else {
            SpeechError::DeadlineExceeded { transcribed_ms }
        }
    }

    fn validate(&self) -> Result<(), SpeechError> {
        let bad = |m: String| Err(SpeechError::InvalidOptions(m));
        if !(1..=16).contains(&self.threads) {
            return bad(format!("threads = {} (allowed 1..=16)", self.threads));
        }
        // whisper.cpp runs at most 8 decoders (WHISPER_MAX_DECODERS).
        if !(1..=8).contains(&self.beam_size) {
            return bad(format!("beam_size = {} (allowed 1..=8)", self.beam_size));
        }
        if !(10..=300).contains(&self.window_secs) {
            return bad(format!("window_secs = {} (allowed 10..=300)", self.window_secs));
        }
        if let Some(language) = &self.language {
            if whisper_rs::get_lang_id(language).is_none() {
                return bad(format!("language = {language:?} is not one whisper.cpp knows"));
            }
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
    let name = pcm_f32_16k_mono.display().to_string();
    let file = File::open(pcm_f32_16k_mono)
        .map_err(|source| SpeechError::AudioUnreadable { source_name: name.clone(), source })?;
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    transcribe_pcm(model, PcmFile { file, name, len, pos: 0 }, opts)
}

/// Transcribes PCM from `source`, which may still be growing (see [`PcmSource`]).
/// Blocking and CPU-heavy: call it from a worker thread, not an async task.
///
/// `opts.threads` workers each run their own whisper.cpp state on one thread, taking
/// windows in turn (windows are independent: no text is carried between them). That
/// scales better than several threads inside one whisper.cpp state, whose threads meet
/// at a barrier for every small decoder step. A multilingual model detecting the
/// language uses one worker with `opts.threads` threads instead, since the language
/// found in the first window with speech is kept for the rest.
pub fn transcribe_pcm<S: PcmSource + Send>(
    model: &SpeechModel,
    source: S,
    opts: &TranscribeOptions,
) -> Result<Transcript, SpeechError> {
    opts.validate()?;
    let name = source.describe();
    if opts.translate && !model.is_multilingual() {
        return Err(SpeechError::InvalidOptions("an English-only model cannot translate".into()));
    }
    let known_language = match (model.is_multilingual(), &opts.language) {
        (false, _) => Some("en".to_string()),
        (true, language) => language.clone(),
    };
    let workers = if known_language.is_none() { 1 } else { opts.threads };
    let queue = Mutex::new(WindowQueue::new(source, opts.window_secs as usize * SAMPLE_RATE as usize, workers));
    let shared = Shared {
        model,
        opts,
        name,
        queue,
        language: Mutex::new(known_language),
        results: Mutex::new(Vec::new()),
        failed: AtomicBool::new(false),
        single_worker: workers == 1,
    };
    let started = Instant::now();
    let outcomes: Vec<Result<(), SpeechError>> = std::thread::scope(|scope| {
        let shared = &shared;
        let handles: Vec<_> = (0..workers).map(|id| scope.spawn(move || shared.work(id))).collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| Err(SpeechError::InvalidOptions("a transcription worker panicked".into())))
            })
            .collect()
    });
    // The first real failure wins over the "stopped because another failed" ones.
    if let Some(err) = outcomes.into_iter().filter_map(Result::err).next() {
        return Err(err);
    }
    let mut windows = shared.results.into_inner().unwrap_or_else(|p| p.into_inner());
    windows.sort_by_key(|w| w.index);
    let done_ms = windows.last().map_or(0, |w| w.end_ms);
    let segments: Vec<Segment> = windows.into_iter().flat_map(|w| w.segments).collect();
    tracing::info!(
        audio_ms = done_ms,
        elapsed_ms = started.elapsed().as_millis() as u64,
        segments = segments.len(),
        workers,
        "transcription finished"
    );
    let language = shared.language.into_inner().unwrap_or_else(|p| p.into_inner());
    let language = if opts.translate { Some("en".to_string()) } else { language };
    Ok(Transcript { language: language.unwrap_or_else(|| "und".to_string()), segments })
}

/// One window's segments, to be put back in order.
struct WindowResult {
    index: usize,
    end_ms: i64,
    segments: Vec<Segment>,
}

struct Shared<'a, S> {
    model: &'a SpeechModel,
    opts: &'a TranscribeOptions,
    name: String,
    queue: Mutex<WindowQueue<S>>,
    language: Mutex<Option<String>>,
    results: Mutex<Vec<WindowResult>>,
    /// Set by the first worker that fails, so the others stop.
    failed: AtomicBool,
    single_worker: bool,
}

impl<S: PcmSource> Shared<'_, S> {
    fn work(&self, id: usize) -> Result<(), SpeechError> {
        let result = self.work_inner(id);
        if result.is_err() {
            self.failed.store(true, Ordering::Relaxed);
        }
        result
    }

    fn work_inner(&self, id: usize) -> Result<(), SpeechError> {
        let mut state = None;
        loop {
            if self.failed.load(Ordering::Relaxed) {
                return Ok(());
            }
            let (taken, growing) = {
                let mut queue = self.queue.lock().unwrap_or_else(|p| p.into_inner());
                let taken = queue
                    .take(id)
                    .map_err(|source| SpeechError::AudioUnreadable { source_name: self.name.clone(), source })?;
                (taken, queue.is_growing())
            };
            let (index, window) = match taken {
                Take::Done => return Ok(()),
                Take::Wait => {
                    if self.opts.should_stop() {
                        return Err(self.opts.stop_error(0));
                    }
                    std::thread::sleep(Duration::from_millis(100));
                    continue;
                }
                Take::Window(index, window) => (index, window),
            };
            if self.opts.should_stop() {
                return Err(self.opts.stop_error(window.start_ms()));
            }
            let mut segments = Vec::new();
            if window.is_silent() {
                tracing::debug!(start_ms = window.start_ms(), "silent window skipped");
            } else {
                let state = match &mut state {
                    Some(state) => state,
                    None => state.insert(
                        self.model
                            .context()
                            .create_state()
                            .map_err(SpeechError::whisper("creating a decoder state"))?,
                    ),
                };
                // Alone, the worker may use every thread, unless the source is growing:
                // then the decode pass is busy on the other cores.
                let threads = if self.single_worker && !growing { self.opts.threads } else { 1 };
                let window_started = Instant::now();
                let language = self.language.lock().unwrap_or_else(|p| p.into_inner()).clone();
                run_whisper(state, &window, self.opts, threads, language.as_deref().unwrap_or("auto"))?;
                collect_segments(self.model, state, &window, &mut segments);
                if language.is_none() && !segments.is_empty() {
                    let id = state.full_lang_id_from_state();
                    let mut detected = self.language.lock().unwrap_or_else(|p| p.into_inner());
                    *detected = detected.take().or_else(|| whisper_rs::get_lang_str(id).map(str::to_string));
                }
                tracing::debug!(
                    worker = id,
                    start_ms = window.start_ms(),
                    end_ms = window.end_ms(),
                    segments = segments.len(),
                    elapsed_ms = window_started.elapsed().as_millis() as u64,
                    threads,
                    "window transcribed"
                );
            }
            let result = WindowResult { index, end_ms: window.end_ms(), segments };
            self.results.lock().unwrap_or_else(|p| p.into_inner()).push(result);
        }
    }
}

fn run_whisper(
    state: &mut WhisperState,
    window: &Window,
    opts: &TranscribeOptions,
    threads: usize,
    language: &str,
) -> Result<(), SpeechError> {
    let mut input = vec![0.0f32; LEAD_IN_SAMPLES];
    input.extend_from_slice(&window.samples);
    input.resize((input.len() + TRAIL_OUT_SAMPLES).max(MIN_INPUT_SAMPLES), 0.0);
    let params = full_params(opts, threads, language);
    state.full(params, &input).map_err(|source| {
        // An abort from our deadline surfaces as a generic encode/decode failure.
        if opts.should_stop() {
            opts.stop_error(window.start_ms())
        } else {
            SpeechError::Whisper { during: "transcribing", source }
        }
    })
}

fn full_params<'a>(opts: &TranscribeOptions, threads: usize, language: &'a str) -> FullParams<'a, 'a> {
    let strategy = if opts.beam_size > 1 {
        SamplingStrategy::BeamSearch { beam_size: opts.beam_size as i32, patience: -1.0 }
    } else {
        SamplingStrategy::Greedy { best_of: 1 }
    };
    let mut p = FullParams::new(strategy);
    p.set_n_threads(threads as i32);
    p.set_language(Some(language));
    p.set_translate(opts.translate);
    p.set_no_context(true);
    p.set_token_timestamps(true);
    // Non-speech tokens are how "[BLANK_AUDIO]" or "(music)" get written.
    p.set_suppress_nst(true);
    p.set_print_progress(false);
    p.set_print_realtime(false);
    p.set_print_timestamps(false);
    p.set_print_special(false);
    if opts.deadline.is_some() || opts.cancel.is_some() {
        // whisper-rs 0.16's set_abort_callback_safe calls its trampoline with the
        // closure's own type but stores a `Box<dyn FnMut>`; passing a boxed closure
        // makes the two types the same. A bare closure here is undefined behaviour.
        let (deadline, cancel) = (opts.deadline, opts.cancel.clone());
        let abort: Box<dyn FnMut() -> bool> = Box::new(move || {
            deadline.is_some_and(|d| Instant::now() >= d) || cancel.as_ref().is_some_and(|c| c.load(Ordering::Relaxed))
        });
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
        assert!(matches!(with(|o| o.window_secs = 9), Err(SpeechError::InvalidOptions(_))));
        assert!(with(|o| o.window_secs = 10).is_ok());
        assert!(matches!(with(|o| o.language = Some("xx".into())), Err(SpeechError::InvalidOptions(_))));
        assert!(with(|o| o.language = Some("es".into())).is_ok());
    }

    #[test]
    fn every_language_briefly_offers_is_one_whisper_cpp_knows() {
        for code in crate::domain::WHISPER_LANGUAGES {
            assert!(whisper_rs::get_lang_id(code).is_some(), "{code}");
        }
    }
}
