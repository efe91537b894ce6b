//! End-to-end tests with the real model and real (synthesised) speech.
//! Unit tests of the pure parts live next to the code they test.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use super::test_audio::{model, model_path, scratch_dir, silence, sound_end_ms, speak, write_pcm};
use super::*;

const SENTENCE_1: &str = "Hello team. We decided to delay the migration until next quarter.";
const SENTENCE_2: &str = "The budget review is scheduled for Thursday morning.";
const SENTENCE_3: &str = "Please send your questions before the meeting ends.";

fn opts() -> TranscribeOptions {
    TranscribeOptions::default()
}

/// How many of `words` occur in `text`, case-insensitively.
fn found(text: &str, words: &[&str]) -> usize {
    let text = text.to_lowercase();
    words.iter().filter(|w| text.contains(*w)).count()
}

fn assert_consistent(t: &Transcript) {
    let mut last_end = 0;
    for s in &t.segments {
        assert!(s.start_ms >= last_end && s.start_ms <= s.end_ms, "segment order: {s:?}");
        last_end = s.end_ms;
        let mut word_end = s.start_ms;
        for w in &s.words {
            assert!(w.start_ms >= word_end && w.start_ms <= w.end_ms && w.end_ms <= s.end_ms, "{w:?} in {s:?}");
            word_end = w.end_ms;
        }
    }
}

/// 70 s: sentence 1 at 2 s, sentence 2 at 27 s, sentence 3 at 52 s, silence between.
fn seventy_seconds() -> &'static std::path::Path {
    static PATH: OnceLock<std::path::PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let mut audio = Vec::new();
        for (at_secs, text) in [(2.0, SENTENCE_1), (27.0, SENTENCE_2), (52.0, SENTENCE_3)] {
            audio.resize((at_secs * SAMPLE_RATE as f32) as usize, 0.0);
            audio.extend(speak(text));
        }
        audio.resize(70 * SAMPLE_RATE as usize, 0.0);
        write_pcm("seventy.f32", &[&audio])
    })
}

#[test]
fn model_is_english_only_and_shareable() {
    fn shareable<T: Send + Sync>() {}
    shareable::<SpeechModel>();
    assert!(!model().is_multilingual());
}

/// Transcription's speed rests on ggml's tinyBLAS, switched on in `.cargo/config.toml`;
/// a whisper-rs-sys build cached from before that would silently lose it. (OpenBLAS is
/// a Cargo feature, which cargo does track.)
#[test]
fn whisper_cpp_is_built_with_tinyblas() {
    let info = super::model::whisper_build_info();
    assert!(info.contains("LLAMAFILE = 1"), "tinyBLAS missing (cargo clean -p whisper-rs-sys): {info}");
}

#[test]
fn bad_model_files_are_errors_not_aborts() {
    let missing = scratch_dir().join("no-such-model.bin");
    assert!(matches!(SpeechModel::load(&missing), Err(SpeechError::ModelNotFound { .. })));

    let garbage = scratch_dir().join("garbage.bin");
    std::fs::write(&garbage, b"<html>not found</html>").unwrap();
    assert!(matches!(SpeechModel::load(&garbage), Err(SpeechError::InvalidModel { .. })));

    // The real model cut short: right magic and header, tensor data missing.
    let real = std::fs::read(model_path()).unwrap();
    let truncated = scratch_dir().join("truncated.bin");
    std::fs::write(&truncated, &real[..real.len() / 2]).unwrap();
    let err = SpeechModel::load(&truncated).unwrap_err();
    assert!(matches!(err, SpeechError::InvalidModel { .. }), "{err}");

    // Right layout, but an ftype that would make ggml abort().
    let mut bad_ftype = real.clone();
    bad_ftype[44..48].copy_from_slice(&5i32.to_le_bytes());
    let bad = scratch_dir().join("bad-ftype.bin");
    std::fs::write(&bad, bad_ftype).unwrap();
    let err = SpeechModel::load(&bad).unwrap_err();
    assert!(err.to_string().contains("ftype"), "{err}");

    assert!(SpeechModel::load(scratch_dir()).is_err(), "a directory is not a model");
}

#[test]
fn transcribes_a_sentence_with_word_timings() {
    let path = write_pcm("sentence.f32", &[&silence(1.0), &speak(SENTENCE_1), &silence(1.0)]);
    let t = transcribe_pcm_file(model(), &path, &opts()).unwrap();
    assert_eq!(t.language, "en");
    let text = t.text();
    let hits = found(&text, &["hello", "team", "decided", "delay", "migration", "quarter"]);
    assert!(hits >= 4, "only {hits}/6 content words in {text:?}");
    assert!(t.words().count() >= 8, "{t:?}");
    assert_consistent(&t);

    let vtt = to_webvtt(&t);
    assert!(vtt.starts_with("WEBVTT\nKind: captions\nLanguage: en\n\n00:00:0"), "{vtt}");
    assert!(to_srt(&t).starts_with("1\n00:00:0"));
}

#[test]
fn word_times_follow_the_audio() {
    // "migration" is spoken right after the prefix; 5 s of silence come first.
    let prefix_ms = sound_end_ms(&speak("Hello team. We decided to delay the"));
    let path = write_pcm("late.f32", &[&silence(5.0), &speak(SENTENCE_1), &silence(1.0)]);
    let t = transcribe_pcm_file(model(), &path, &opts()).unwrap();
    assert_consistent(&t);
    let word = t
        .words()
        .find(|w| w.text.to_lowercase().starts_with("migration"))
        .unwrap_or_else(|| panic!("no 'migration' in {:?}", t.text()));
    let expected = 5000 + prefix_ms;
    assert!(word.start_ms > 5000, "{word:?}");
    // Measured: within tens of ms. 750 ms still catches a shift by a whole word, e.g. if a
    // whisper.cpp upgrade changed what its DTW token time means (see segments.rs).
    assert!((word.start_ms - expected).abs() <= 750, "{word:?}, expected about {expected} ms");
    assert!(t.segments[0].start_ms >= 4500, "{:?}", t.segments[0]);
}

#[test]
fn long_audio_is_transcribed_in_windows() {
    // One worker, then two workers sharing the windows: the same sentences at the same times.
    for threads in [1, 2] {
        let o = TranscribeOptions { window_secs: 30, threads, ..opts() };
        let t = transcribe_pcm_file(model(), seventy_seconds(), &o).unwrap();
        check_seventy_seconds(&t);
    }
}

fn check_seventy_seconds(t: &Transcript) {
    assert_consistent(t);
    let text = t.text();
    // First segment start of each sentence, found by its content words.
    let starts: Vec<i64> = [
        &["delay", "migration", "quarter"][..],
        &["budget", "review", "thursday", "morning"],
        &["questions", "meeting", "send"],
    ]
    .iter()
    .map(|keys| {
        t.segments
            .iter()
            .find(|s| found(&s.text, keys) >= 2)
            .unwrap_or_else(|| panic!("sentence with {keys:?} missing from {text:?}"))
            .start_ms
    })
    .collect();
    assert!(starts[0] >= 1500 && starts[0] < starts[1] && starts[1] < starts[2], "{starts:?} in {:#?}", t.segments);
    assert!(starts[1] >= 26_000 && starts[2] >= 51_000, "{starts:?} vs 27 s / 52 s");
}

#[test]
fn deadlines_stop_the_work() {
    let past = TranscribeOptions { deadline: Some(Instant::now()), ..opts() };
    let err = transcribe_pcm_file(model(), seventy_seconds(), &past).unwrap_err();
    assert!(matches!(err, SpeechError::DeadlineExceeded { transcribed_ms: 0 }), "{err}");

    // One 300 s window, deadline after it was read: only whisper.cpp's abort callback
    // can turn this into an error, since without it whisper_full would finish and
    // return Ok. whisper.cpp polls the callback after each encoder pass and decoder
    // step, so the time bound is loose: it only catches a callback that never fires.
    let started = Instant::now();
    let soon = TranscribeOptions { window_secs: 300, deadline: Some(started + Duration::from_millis(500)), ..opts() };
    let err = transcribe_pcm_file(model(), seventy_seconds(), &soon).unwrap_err();
    assert!(matches!(err, SpeechError::DeadlineExceeded { transcribed_ms: 0 }), "{err}");
    assert!(started.elapsed() < Duration::from_secs(30), "abort took {:?}", started.elapsed());
}

#[test]
fn silence_and_empty_audio_give_empty_transcripts() {
    for (name, audio) in [("silent.f32", silence(40.0)), ("empty.f32", Vec::new())] {
        let path = write_pcm(name, &[&audio]);
        let t = transcribe_pcm_file(model(), &path, &opts()).unwrap();
        assert_eq!((t.language.as_str(), t.segments.len()), ("en", 0), "{name}");
        assert_eq!(to_webvtt(&t), "WEBVTT\nKind: captions\nLanguage: en\n");
    }
    let missing = scratch_dir().join("missing.f32");
    let err = transcribe_pcm_file(model(), &missing, &opts()).unwrap_err();
    assert!(matches!(err, SpeechError::AudioUnreadable { .. }), "{err}");
}

#[test]
fn one_model_serves_concurrent_jobs() {
    let path = write_pcm("concurrent.f32", &[&silence(0.5), &speak(SENTENCE_2), &silence(0.5)]);
    let results: Vec<Transcript> = std::thread::scope(|s| {
        let jobs: Vec<_> = (0..2).map(|_| s.spawn(|| transcribe_pcm_file(model(), &path, &opts()).unwrap())).collect();
        jobs.into_iter().map(|j| j.join().unwrap()).collect()
    });
    assert_eq!(results[0], results[1], "each job has its own whisper.cpp state");
    assert!(found(&results[0].text(), &["budget", "review", "thursday", "morning"]) >= 3, "{:?}", results[0].text());
}

/// Hands out a file a little at a time, as the decode pass does, growing until read.
struct Trickle {
    bytes: std::io::Cursor<Vec<u8>>,
}

impl std::io::Read for Trickle {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        std::thread::sleep(Duration::from_millis(1));
        let n = buf.len().min(SAMPLE_RATE as usize * 4); // at most a second per read
        self.bytes.read(&mut buf[..n])
    }
}

impl PcmSource for Trickle {
    fn describe(&self) -> String {
        "trickle".into()
    }

    fn is_growing(&self) -> bool {
        (self.bytes.position() as usize) < self.bytes.get_ref().len()
    }

    fn remaining_bytes(&self) -> Option<u64> {
        (!self.is_growing()).then_some(0)
    }
}

#[test]
fn a_growing_source_gives_the_same_transcript_as_the_finished_file() {
    let o = TranscribeOptions { window_secs: 30, ..opts() };
    let whole = transcribe_pcm_file(model(), seventy_seconds(), &o).unwrap();
    // One thread either way (the default), so whisper.cpp's results are identical.
    let source = Trickle { bytes: std::io::Cursor::new(std::fs::read(seventy_seconds()).unwrap()) };
    let grown = transcribe_pcm(model(), source, &o).unwrap();
    assert_eq!(grown, whole);
    assert!(found(&grown.text(), &["migration", "budget", "thursday", "questions"]) >= 3, "{:?}", grown.text());
}

#[test]
fn cancelling_stops_the_work() {
    let cancel = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let o = TranscribeOptions { cancel: Some(cancel), ..opts() };
    let err = transcribe_pcm_file(model(), seventy_seconds(), &o).unwrap_err();
    assert!(matches!(err, SpeechError::Cancelled { transcribed_ms: 0 }), "{err}");
}

/// The whisper.cpp abort `TRAIL_OUT_SAMPLES` guards against came from a window whose
/// real audio ended a few hundred ms after speech. Nothing reproduces it on demand (it
/// depends on where whisper puts its segment ends), so this walks the end of the input
/// across 12 offsets, 0 to 440 ms after the last sound, each a whole transcription:
/// every one must finish, keep its words, and stay inside the real audio.
#[test]
fn windows_ending_just_after_speech_transcribe_whole() {
    let speech = speak(SENTENCE_2);
    for step in 0..12 {
        let tail = step as f32 * 0.04;
        let path = write_pcm(&format!("tail-{step}.f32"), &[&silence(0.3), &speech, &silence(tail)]);
        let real_end_ms = ((0.3 + tail) * 1000.0) as i64 + speech.len() as i64 * 1000 / SAMPLE_RATE as i64;
        let t = transcribe_pcm_file(model(), &path, &opts()).unwrap();
        assert_consistent(&t);
        let hits = found(&t.text(), &["budget", "review", "scheduled", "thursday", "morning"]);
        assert!(hits >= 3, "tail {tail}s: only {hits}/5 words in {:?}", t.text());
        let last = t.segments.last().expect("a segment");
        assert!(last.end_ms <= real_end_ms, "tail {tail}s: {last:?} ends past {real_end_ms} ms");
    }
}
