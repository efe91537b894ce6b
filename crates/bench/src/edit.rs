//! `briefly-bench edit`: rendering an edit (three cuts) of a long H.264 recording with
//! Briefly's smart cut, next to what a user would otherwise run: the ffmpeg CLI
//! encoding each kept segment (`-ss/-to`, libx264 veryfast) and joining them with the
//! concat demuxer. Both outputs' frames around every cut are compared with the source's.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{ensure, Context};
use briefly::media::{render_edit, RenderOptions};

use crate::{cpu_time, fixtures, load_average, machine};

#[derive(Debug, clap::Args)]
pub struct EditBench {
    /// Length of the recording.
    #[arg(long, default_value_t = 5)]
    minutes: u32,
    /// Frame height of the recording (16:9).
    #[arg(long, default_value_t = 720)]
    height: u32,
    /// Where the recording is made once and kept for later runs.
    #[arg(long, default_value = "target/bench-edit")]
    work_dir: PathBuf,
}

/// Three cuts that fall between keyframes, as cuts by hand do: 2.8 s, 1.5 s and 7.5 s,
/// as fractions of the recording (so any `--minutes` works).
const CUTS: [(f64, f64); 3] = [(0.2043, 0.2137), (0.5017, 0.5067), (0.7423, 0.7673)];

pub fn run(args: EditBench) -> anyhow::Result<()> {
    std::fs::create_dir_all(&args.work_dir)?;
    let work = std::fs::canonicalize(&args.work_dir)?;
    let speech = fixtures::speech_track(&work, args.minutes)?;
    let source = fixtures::recording(&work, &speech.path, args.minutes, args.height, 30, true)?;
    let total_ms = i64::from(args.minutes) * 60_000;
    let keep = kept_ranges(total_ms);
    println!("machine: {}, load average {}", machine::describe(), load_average::now());
    println!("source: {} ({} min, {}p30 H.264 + AAC), keep {keep:?}", source.display(), args.minutes, args.height);

    let reference_dir = work.join("reference");
    let _ = std::fs::remove_dir_all(&reference_dir);
    std::fs::create_dir_all(&reference_dir)?;
    let cpu_before = cpu_time::of_finished_children()?;
    let started = Instant::now();
    let reference = ffmpeg_cli_render(&source, &keep, &reference_dir)?;
    let reference_secs = started.elapsed().as_secs_f64();
    let reference_cpu = cpu_time::of_finished_children()? - cpu_before;

    let ours_dir = work.join("briefly");
    let _ = std::fs::remove_dir_all(&ours_dir);
    let cpu_before = cpu_time::of_process(std::process::id())?;
    let started = Instant::now();
    let ours = render_edit(&source, &keep, &ours_dir, &RenderOptions::default()).context("render_edit")?;
    let ours_secs = started.elapsed().as_secs_f64();
    let ours_cpu = cpu_time::of_process(std::process::id())? - cpu_before;

    println!(
        "briefly smart cut: {ours_secs:.1} s wall, {ours_cpu:.1} s CPU ({} packets copied, {} frames encoded again)",
        ours.copied_packets, ours.reencoded_frames
    );
    println!(
        "ffmpeg CLI (-ss/-to segments, libx264 veryfast, concat): {reference_secs:.1} s wall, {reference_cpu:.1} s CPU"
    );
    println!("ratio (briefly / ffmpeg CLI, wall): {:.3}x", ours_secs / reference_secs);

    for (name, output) in [("briefly", ours.mp4.as_path()), ("ffmpeg CLI", reference.as_path())] {
        let duration = probe_duration_ms(output)?;
        let worst = frames_around_cuts(&source, output, &keep)?;
        println!(
            "{name}: {duration} ms long (kept {} ms); frames around the cuts: worst {worst:.1} dB PSNR against the source",
            kept_ms(&keep)
        );
        if name == "briefly" {
            ensure!((duration - kept_ms(&keep)).abs() <= 34, "the render is {duration} ms long");
            ensure!(worst >= 30.0, "a frame around a cut does not match the source ({worst:.1} dB)");
        }
    }
    Ok(())
}

fn kept_ranges(total_ms: i64) -> Vec<(i64, i64)> {
    let mut keep = Vec::new();
    let mut from = 0;
    for (start, end) in CUTS {
        let (start, end) = ((total_ms as f64 * start) as i64, (total_ms as f64 * end) as i64);
        keep.push((from, start));
        from = end;
    }
    keep.push((from, total_ms));
    keep
}

fn kept_ms(keep: &[(i64, i64)]) -> i64 {
    keep.iter().map(|(s, e)| e - s).sum()
}

fn seconds(ms: i64) -> String {
    format!("{:.3}", ms as f64 / 1000.0)
}

/// The reference: one ffmpeg run per kept segment, then a stream-copy concat.
fn ffmpeg_cli_render(source: &Path, keep: &[(i64, i64)], dir: &Path) -> anyhow::Result<PathBuf> {
    let mut list = String::new();
    for (i, (start, end)) in keep.iter().enumerate() {
        let segment = dir.join(format!("segment-{i}.mp4"));
        fixtures::run(
            Command::new("ffmpeg")
                .args([
                    "-hide_banner",
                    "-loglevel",
                    "error",
                    "-y",
                    "-ss",
                    &seconds(*start),
                    "-to",
                    &seconds(*end),
                    "-i",
                ])
                .arg(source)
                .args(["-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac"])
                .arg(&segment),
        )?;
        list.push_str(&format!("file '{}'\n", segment.display()));
    }
    let list_path = dir.join("segments.txt");
    std::fs::write(&list_path, list)?;
    let output = dir.join("edited.mp4");
    fixtures::run(
        Command::new("ffmpeg")
            .args(["-hide_banner", "-loglevel", "error", "-y", "-f", "concat", "-safe", "0", "-i"])
            .arg(&list_path)
            .args(["-c", "copy", "-movflags", "+faststart"])
            .arg(&output),
    )?;
    Ok(output)
}

fn probe_duration_ms(file: &Path) -> anyhow::Result<i64> {
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0"])
        .arg(file)
        .output()
        .context("ffprobe")?;
    let secs: f64 = String::from_utf8_lossy(&out.stdout).trim().parse().context("ffprobe duration")?;
    Ok((secs * 1000.0).round() as i64)
}

/// The worst PSNR, over the frames 100 ms before and after every join, of `output`'s
/// frame against the source frame it should show.
fn frames_around_cuts(source: &Path, output: &Path, keep: &[(i64, i64)]) -> anyhow::Result<f64> {
    let mut worst = f64::INFINITY;
    let mut placed = 0;
    for window in keep.windows(2) {
        let (before, after) = (window[0], window[1]);
        placed += before.1 - before.0;
        for (edited, original) in [(placed - 100, before.1 - 100), (placed + 100, after.0 + 100)] {
            worst = worst.min(psnr(&gray_frame(output, edited)?, &gray_frame(source, original)?));
        }
    }
    Ok(worst)
}

/// The 160x90 grey frame shown at `at_ms`, decoded by the ffmpeg CLI.
fn gray_frame(file: &Path, at_ms: i64) -> anyhow::Result<Vec<u8>> {
    let out = Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-ss", &seconds(at_ms), "-i"])
        .arg(file)
        .args(["-frames:v", "1", "-vf", "scale=160:90", "-pix_fmt", "gray", "-f", "rawvideo", "pipe:1"])
        .output()
        .context("ffmpeg frame")?;
    ensure!(out.stdout.len() == 160 * 90, "no frame at {at_ms} ms: {}", String::from_utf8_lossy(&out.stderr));
    Ok(out.stdout)
}

fn psnr(a: &[u8], b: &[u8]) -> f64 {
    let mse = a.iter().zip(b).map(|(x, y)| (f64::from(*x) - f64::from(*y)).powi(2)).sum::<f64>() / a.len() as f64;
    if mse == 0.0 {
        f64::INFINITY
    } else {
        10.0 * (65025.0 / mse).log10()
    }
}
