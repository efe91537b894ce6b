//! Live processing: a recording replayed to a real server the way the recorder streams it
//! (tus with a deferred length, one PATCH per second of media, at real time or `--speed`
//! times faster), timed from the final PATCH's answer to "ready, transcript ready, and the
//! last sentence found by search". The reference, in the same run on the same server: the
//! same file uploaded whole, processed by the after-upload path, timed from its last
//! PATCH to the same three conditions. Both sides report the server's CPU seconds per
//! minute of recording.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{ensure, Context};
use briefly::config::Config;
use serde_json::Value;

use crate::cpu_time;
use crate::fixtures::{self, run};
use crate::server::ServerProcess;
use crate::upload::header;

/// Said once, at the very end of the recording: what the search must find.
const CLOSING_SENTENCE: &str = "In closing, the quarterly offsite moves to the lighthouse hotel.";
const CLOSING_QUERY: &str = "lighthouse hotel";

#[derive(Debug, clap::Args)]
pub struct LiveBench {
    /// Lengths of the recording in minutes, each a run (e.g. 1,5,20).
    #[arg(long, value_delimiter = ',', default_values_t = [5u32])]
    minutes: Vec<u32>,
    /// `h264` (Chrome's H.264/Opus WebM) or `vp8` (Firefox's VP8/Opus WebM).
    #[arg(long, value_delimiter = ',', default_values_t = [String::from("h264")])]
    codec: Vec<String>,
    /// Replay this many times faster than real time (1 = as recorded).
    #[arg(long, default_value_t = 1.0)]
    speed: f64,
    /// Frame height of the recording (16:9).
    #[arg(long, default_value_t = 720)]
    height: u32,
    #[arg(long, default_value_t = 30)]
    fps: u32,
    /// CPU threads for transcription on the after-upload path.
    #[arg(long, default_value_t = 2)]
    threads: usize,
    #[arg(long, default_value = "bench-data")]
    work_dir: PathBuf,
}

struct Side {
    /// From the last PATCH's answer to ready + transcript + the closing words found.
    seconds: f64,
    /// Server CPU seconds from the first byte sent to that moment.
    cpu_seconds: f64,
    peak_rss: u64,
}

pub async fn run_bench(args: LiveBench, config: Config) -> anyhow::Result<()> {
    let model = config.whisper_model.clone().context("--whisper-model (BRIEFLY_WHISPER_MODEL) is required")?;
    ensure!(args.speed > 0.0 && args.speed <= 100.0, "--speed must be in (0, 100]");
    std::fs::create_dir_all(&args.work_dir)?;
    let work = std::fs::canonicalize(&args.work_dir)?;
    println!(
        "briefly-bench live: {}p{}, replay speed {}x, model {}",
        args.height,
        args.fps,
        args.speed,
        model.display()
    );
    let mut rows = Vec::new();
    for codec in &args.codec {
        ensure!(codec == "h264" || codec == "vp8", "--codec is h264 or vp8, not {codec}");
        for &minutes in &args.minutes {
            let input = recorder_recording(&work, minutes, args.height, args.fps, codec)?;
            let mut server_config = config.clone();
            server_config.whisper_model = Some(model.clone());
            server_config.whisper_threads = args.threads;
            let data_dir = work.join(format!("server-{}", briefly::domain::random_id(6)));
            std::fs::create_dir_all(&data_dir)?;
            let server = ServerProcess::start(&server_config, &data_dir, true).await?;
            let client = server.signed_in_client().await?;
            let live = live_side(&client, &server, &input, args.speed).await?;
            let reference = after_upload_side(&client, &server, &input).await?;
            drop(server);
            let _ = std::fs::remove_dir_all(&data_dir);
            println!(
                "{codec} {minutes} min: live {:.2} s after stop, after upload {:.2} s",
                live.seconds, reference.seconds
            );
            rows.push((codec.clone(), minutes, live, reference));
        }
    }
    println!();
    println!(
        "{:<6} {:>4} {:>7} {:>14} {:>16} {:>7} {:>8} {:>22} {:>10}",
        "codec",
        "min",
        "speed",
        "live s (stop)",
        "after upload s",
        "ratio",
        "target",
        "CPU-s/min live / after",
        "peak RSS"
    );
    for (codec, minutes, live, reference) in &rows {
        let target = if codec == "h264" { "<= 3 s" } else { "<= 10 s" };
        let per_minute = |side: &Side| side.cpu_seconds / f64::from(*minutes);
        println!(
            "{:<6} {:>4} {:>6}x {:>14.2} {:>16.2} {:>7.3} {:>8} {:>12.1} / {:<9.1} {:>6.0} MiB",
            codec,
            minutes,
            args.speed,
            live.seconds,
            reference.seconds,
            live.seconds / reference.seconds,
            target,
            per_minute(live),
            per_minute(reference),
            live.peak_rss.max(reference.peak_rss) as f64 / 1048576.0
        );
    }
    Ok(())
}

/// The recorder's side: a PATCH per second of media, paced; the last one carries the length.
async fn live_side(client: &reqwest::Client, server: &ServerProcess, input: &Path, speed: f64) -> anyhow::Result<Side> {
    let data = std::fs::read(input)?;
    let cuts = second_boundaries(input, data.len())?;
    let created = client
        .post(format!("{}/api/uploads", server.base))
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Defer-Length", "1")
        .header("Upload-Metadata", metadata(input))
        .send()
        .await?;
    ensure!(created.status().as_u16() == 201, "tus create failed: {}", created.status());
    let location = header(&created, "location")?;
    let location = if location.starts_with('/') { format!("{}{location}", server.base) } else { location };
    let video_id = header(&created, "briefly-video-id")?;
    let cpu_before = cpu_time::of_process(server.pid())?;
    let started = Instant::now();
    let mut offset = 0usize;
    for (i, &end) in cuts.iter().enumerate() {
        let last = i == cuts.len() - 1;
        let mut request = client
            .patch(&location)
            .header("Tus-Resumable", "1.0.0")
            .header("Upload-Offset", offset.to_string())
            .header("Content-Type", "application/offset+octet-stream");
        if last {
            request = request.header("Upload-Length", data.len().to_string());
        }
        let response = request.body(data[offset..end].to_vec()).send().await?;
        ensure!(response.status().as_u16() == 204, "PATCH at {offset}: {}", response.status());
        offset = end;
        if last {
            break;
        }
        // The recorder sends second i+1 once it has been recorded.
        let due = started + Duration::from_secs_f64((i + 1) as f64 / speed);
        tokio::time::sleep_until(due.into()).await;
    }
    let stopped = Instant::now();
    let seconds = wait_until_found(client, server, &video_id, stopped).await?;
    let cpu_seconds = cpu_time::of_process(server.pid())? - cpu_before;
    Ok(Side { seconds, cpu_seconds, peak_rss: server.peak_rss_bytes()? })
}

/// Today's path: the same file uploaded at once (8 MiB PATCHes, known length).
async fn after_upload_side(client: &reqwest::Client, server: &ServerProcess, input: &Path) -> anyhow::Result<Side> {
    let cpu_before = cpu_time::of_process(server.pid())?;
    let (video_id, uploaded_at) = crate::upload::upload_file(client, server, input, 8 * 1024 * 1024).await?;
    let seconds = wait_until_found(client, server, &video_id, uploaded_at).await?;
    let cpu_seconds = cpu_time::of_process(server.pid())? - cpu_before;
    Ok(Side { seconds, cpu_seconds, peak_rss: server.peak_rss_bytes()? })
}

/// Seconds from `since` until the video is ready with its transcript and a search for
/// the closing words lands in its last 10 s. Bounded: an hour.
async fn wait_until_found(
    client: &reqwest::Client,
    server: &ServerProcess,
    video_id: &str,
    since: Instant,
) -> anyhow::Result<f64> {
    // The duration is known once the video is ready; from then on only search is asked.
    let mut ready_duration_ms: Option<i64> = None;
    while since.elapsed() < Duration::from_secs(3600) {
        if ready_duration_ms.is_none() {
            let video: Value =
                client.get(format!("{}/api/videos/{video_id}", server.base)).send().await?.json().await?;
            ensure!(video["status"] != "failed", "processing failed: {video}");
            ensure!(video["transcript_status"] != "failed", "transcription failed: {video}");
            if video["status"] == "ready" && video["transcript_status"] == "ready" {
                ready_duration_ms = Some(video["duration_ms"].as_i64().unwrap_or(0));
            }
        }
        if let Some(duration_ms) = ready_duration_ms {
            let hits: Value = client
                .get(format!("{}/api/search", server.base))
                .query(&[("q", CLOSING_QUERY)])
                .send()
                .await?
                .json()
                .await?;
            let found = hits["hits"].as_array().into_iter().flatten().any(|hit| {
                hit["video_id"] == video_id && hit["start_ms"].as_i64().is_some_and(|at| at >= duration_ms - 10_000)
            });
            if found {
                return Ok(since.elapsed().as_secs_f64());
            }
            ensure!(since.elapsed() < Duration::from_secs(600), "ready, but the closing words are never found");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    anyhow::bail!("not ready within an hour")
}

/// Byte offsets that end each second of media: the position of the first packet of the
/// next second (ffprobe), as a recorder's timeslice ends at a cluster of that second.
fn second_boundaries(input: &Path, len: usize) -> anyhow::Result<Vec<usize>> {
    let output = Command::new("ffprobe")
        .args(["-v", "error", "-show_entries", "packet=pts_time,pos", "-of", "csv=p=0"])
        .arg(input)
        .output()
        .context("ffprobe")?;
    ensure!(output.status.success(), "ffprobe failed on {}", input.display());
    let mut cuts = Vec::new();
    let mut second = 1.0;
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let mut parts = line.split(',');
        let (Some(Ok(pts)), Some(Ok(pos))) =
            (parts.next().map(str::parse::<f64>), parts.next().map(|p| p.trim().parse::<usize>()))
        else {
            continue;
        };
        if pts >= second && pos > cuts.last().copied().unwrap_or(0) {
            cuts.push(pos);
            second = pts.floor() + 1.0;
        }
    }
    cuts.retain(|&c| c < len);
    cuts.push(len);
    Ok(cuts)
}

/// A recording as the browser's recorder writes it: streamed Matroska/WebM (no duration,
/// no cues), H.264 without B-frames or VP8 at 2.5 Mbit/s, Opus; the speech track of
/// `minutes` followed by the closing sentence. Made once per shape.
fn recorder_recording(dir: &Path, minutes: u32, height: u32, fps: u32, codec: &str) -> anyhow::Result<PathBuf> {
    let target = dir.join(format!("live-{codec}-{minutes}min-{height}p{fps}.webm"));
    if target.exists() {
        return Ok(target);
    }
    let speech = fixtures::speech_track(dir, minutes)?;
    let (spoken, closing) = (dir.join("closing-raw.wav"), dir.join("closing.wav"));
    run(Command::new("espeak-ng").args(["-s", "160", "-w"]).arg(&spoken).arg(CLOSING_SENTENCE))?;
    // -R: the same dither every time; 2 s of silence after it, as someone reaching for stop.
    run(Command::new("sox")
        .arg("-R")
        .arg(&spoken)
        .args(["-r", "48000", "-c", "1"])
        .arg(&closing)
        .args(["pad", "0.3", "2"]))?;
    let audio = dir.join(format!("live-speech-{minutes}.wav"));
    run(Command::new("sox").arg("-R").arg(&speech.path).arg(&closing).arg(&audio))?;
    let width = height * 16 / 9;
    let video: &[&str] = match codec {
        "h264" => &["-c:v", "libx264", "-preset", "veryfast", "-bf", "0", "-b:v", "2500k", "-pix_fmt", "yuv420p"],
        _ => &["-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "2500k"],
    };
    let format = if codec == "h264" { "matroska" } else { "webm" };
    let partial = dir.join(format!("live-{codec}-{minutes}min.partial"));
    let file = std::fs::File::create(&partial)?;
    let status = Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i"])
        .arg(format!("testsrc2=size={width}x{height}:rate={fps}"))
        .arg("-i")
        .arg(&audio)
        .arg("-shortest")
        .args(video)
        .args(["-c:a", "libopus", "-b:a", "64k", "-f", format, "pipe:1"])
        .stdout(file)
        .status()
        .context("ffmpeg")?;
    ensure!(status.success(), "ffmpeg could not make the recording");
    std::fs::rename(&partial, &target)?;
    Ok(target)
}

fn metadata(input: &Path) -> String {
    use base64::Engine;
    let name = input.file_name().and_then(|n| n.to_str()).unwrap_or("recording.webm");
    let encode = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    format!("filename {},filetype {}", encode(name), encode("video/webm"))
}
