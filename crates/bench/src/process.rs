//! Processing: from "upload complete" to "ready with transcript" in Briefly, next to what
//! a user would otherwise run on the same file: the ffmpeg CLI (libx264 veryfast CRF 23 +
//! AAC, +faststart, a poster, 16 kHz audio) followed by faster-whisper (int8) on the same
//! tiny.en weights with the same thread count. Also the transcription real-time factor of
//! each engine on the same audio, and the worker's peak memory.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{ensure, Context};
use briefly::config::Config;

use crate::cpu_time;
use crate::fixtures::{self, run};
use crate::server::ServerProcess;
use crate::speech_engines;
use crate::track_comparison::{self, SpeechAudio};

#[derive(Debug, clap::Args)]
pub struct ProcessBench {
    /// Length of the recording.
    #[arg(long, default_value_t = 5)]
    minutes: u32,
    /// Frame height of the recording (16:9).
    #[arg(long, default_value_t = 720)]
    height: u32,
    /// Frame rate of the recording.
    #[arg(long, default_value_t = 30)]
    fps: u32,
    /// CPU threads for transcription, on both sides.
    #[arg(long, default_value_t = 2)]
    threads: usize,
    /// Runs per engine of the transcription-only comparison (alternating; median).
    #[arg(long, default_value_t = 3)]
    transcription_runs: usize,
    /// Only Briefly's side, on the VP8/Opus WebM (for long memory runs).
    #[arg(long)]
    no_reference: bool,
    #[command(flatten)]
    setup: SpeechBenchSetup,
}

/// What the speech side of this benchmark needs besides Briefly itself.
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

    pub fn reference(&self, threads: usize) -> speech_engines::Reference {
        speech_engines::Reference { python: self.python.clone(), model: self.reference_model.clone(), threads }
    }
}

pub async fn run_bench(args: ProcessBench, config: Config) -> anyhow::Result<()> {
    let model = config.whisper_model.clone().context("--whisper-model (BRIEFLY_WHISPER_MODEL) is required")?;
    let work = args.setup.work_dir()?;
    println!(
        "briefly-bench process: {} min {}p{}, {} transcription threads, model {}",
        args.minutes,
        args.height,
        args.fps,
        args.threads,
        model.display()
    );
    let speech = fixtures::speech_track(&work, args.minutes)?;
    let faster_whisper = args.setup.reference(args.threads);
    if args.no_reference {
        let input = fixtures::recording(&work, &speech.path, args.minutes, args.height, args.fps, false)?;
        let ours = briefly_side(&config, &model, &input, &work, args.threads).await?;
        println!(
            "VP8/Opus WebM: ready with transcript after {:.1} s ({:.0} CPU-s); worker peak RSS {:.0} MiB",
            ours.seconds,
            ours.cpu_seconds,
            ours.peak_rss as f64 / 1048576.0
        );
        return Ok(());
    }

    let mut rows = Vec::new();
    for (label, h264, target) in [("VP8/Opus WebM", false, 1.0), ("H.264/AAC MP4", true, 0.5)] {
        let input = fixtures::recording(&work, &speech.path, args.minutes, args.height, args.fps, h264)?;
        let ours = briefly_side(&config, &model, &input, &work, args.threads).await?;
        let reference = reference_side(&input, &work, &faster_whisper)?;
        rows.push((label, ours, reference, target));
    }
    println!();
    println!(
        "{:<15} {:>12} {:>14} {:>8} {:>8} {:>12} {:>17}",
        "input", "briefly s", "reference s", "ratio", "target", "worker RSS", "CPU-s (ours/ref)"
    );
    for (label, ours, reference, target) in &rows {
        println!(
            "{:<15} {:>12.1} {:>14.1} {:>8.2} {:>8} {:>9.0} MiB {:>8.0} / {:<6.0}",
            label,
            ours.seconds,
            reference.total_seconds,
            ours.seconds / reference.total_seconds,
            format!("<= {target}"),
            ours.peak_rss as f64 / 1048576.0,
            ours.cpu_seconds,
            reference.cpu_seconds
        );
    }
    let audio = SpeechAudio::from_track(&speech, &work)?;
    let comparison = track_comparison::compare(&model, &audio, &faster_whisper, args.transcription_runs.clamp(1, 20))?;
    comparison.print(&model, f64::from(args.minutes * 60), args.threads);
    Ok(())
}

struct Ours {
    seconds: f64,
    /// The server's CPU time from upload complete to ready (API and worker together).
    cpu_seconds: f64,
    peak_rss: u64,
}

async fn briefly_side(
    config: &Config,
    model: &Path,
    input: &Path,
    work: &Path,
    threads: usize,
) -> anyhow::Result<Ours> {
    let data_dir = work.join(format!("server-{}", briefly::domain::random_id(6)));
    std::fs::create_dir_all(&data_dir)?;
    let mut server_config = config.clone();
    server_config.whisper_model = Some(model.to_path_buf());
    server_config.whisper_threads = threads;
    let server = ServerProcess::start(&server_config, &data_dir, true).await?;
    let client = server.signed_in_client().await?;
    let (video_id, uploaded_at) = crate::upload::upload_file(&client, &server, input, 8 * 1024 * 1024).await?;
    let cpu_at_upload = cpu_time::of_process(server.pid())?;
    // Bounded: a 5-minute recording has an hour.
    for _ in 0..36_000 {
        let video: serde_json::Value =
            client.get(format!("{}/api/videos/{video_id}", server.base)).send().await?.json().await?;
        let status = video["status"].as_str().unwrap_or_default();
        ensure!(status != "failed", "processing failed: {video}");
        if status == "ready" && video["transcript_status"] == "ready" {
            let seconds = uploaded_at.elapsed().as_secs_f64();
            let cpu_seconds = cpu_time::of_process(server.pid())? - cpu_at_upload;
            let peak_rss = server.peak_rss_bytes()?;
            drop(server);
            let _ = std::fs::remove_dir_all(&data_dir);
            return Ok(Ours { seconds, cpu_seconds, peak_rss });
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("processing did not finish within an hour")
}

struct Reference {
    total_seconds: f64,
    /// CPU time of the ffmpeg and faster-whisper processes.
    cpu_seconds: f64,
}

fn reference_side(input: &Path, work: &Path, faster_whisper: &speech_engines::Reference) -> anyhow::Result<Reference> {
    let out = work.join("reference");
    std::fs::create_dir_all(&out)?;
    let ffmpeg = || {
        let mut command = Command::new("ffmpeg");
        command.args(["-hide_banner", "-loglevel", "error", "-y"]);
        command
    };
    let started = Instant::now();
    let cpu_before = cpu_time::of_finished_children()?;
    run(ffmpeg()
        .arg("-i")
        .arg(input)
        .args(["-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-c:a", "aac", "-movflags", "+faststart"])
        .arg(out.join("media.mp4")))?;
    run(ffmpeg().args(["-ss", "5", "-i"]).arg(input).args(["-frames:v", "1"]).arg(out.join("poster.jpg")))?;
    run(ffmpeg().arg("-i").arg(input).args(["-vn", "-ac", "1", "-ar", "16000"]).arg(out.join("audio.wav")))?;
    faster_whisper.transcribe(&out.join("audio.wav"), "en")?;
    let total_seconds = started.elapsed().as_secs_f64();
    Ok(Reference { total_seconds, cpu_seconds: cpu_time::of_finished_children()? - cpu_before })
}
