//! `render_edit` against fixtures made with the ffmpeg CLI, checked by decoding.

use std::path::Path;

use super::super::test_support::ffmpeg_cli;
use super::*;

/// Grey 160x90 frame shown at `at_ms`, decoded by the ffmpeg CLI.
fn frame_at(file: &Path, at_ms: i64) -> Vec<u8> {
    let out = std::process::Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-ss", &format!("{:.3}", at_ms as f64 / 1000.0), "-i"])
        .arg(file)
        .args(["-frames:v", "1", "-vf", "scale=160:90", "-pix_fmt", "gray", "-f", "rawvideo", "pipe:1"])
        .output()
        .unwrap();
    assert_eq!(out.stdout.len(), 160 * 90, "{}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

fn psnr(a: &[u8], b: &[u8]) -> f64 {
    let mse = a.iter().zip(b).map(|(x, y)| (f64::from(*x) - f64::from(*y)).powi(2)).sum::<f64>() / a.len() as f64;
    if mse == 0.0 {
        f64::INFINITY
    } else {
        10.0 * (65025.0 / mse).log10()
    }
}

#[test]
fn cuts_keep_the_right_frames_and_length() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("source.mp4");
    ffmpeg_cli(&[
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=640x360:rate=30:duration=10",
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=440:sample_rate=48000:duration=10",
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        source.to_str().unwrap(),
    ]);
    let keep = [(0, 3000), (5000, 10_000)];
    let out = render_edit(&source, &keep, &dir.path().join("out"), &RenderOptions::default()).unwrap();
    assert_eq!(out.duration_ms, 8000);
    let probe = super::super::probe(&out.mp4).unwrap();
    let measured = probe.duration_ms.unwrap_or_default();
    assert!((measured - 8000).abs() <= 40, "rendered {measured} ms");
    for (edited, original) in [(1000, 1000), (2900, 2900), (3100, 5100), (7000, 9000)] {
        let ours = frame_at(&out.mp4, edited);
        let right = psnr(&ours, &frame_at(&source, original));
        let wrong = psnr(&ours, &frame_at(&source, original + 500));
        assert!(right >= 30.0 && right > wrong + 3.0, "at {edited}: {right:.1} dB vs {wrong:.1} dB");
    }
}

#[test]
fn joins_fade_instead_of_clicking() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("tone.m4a");
    ffmpeg_cli(&[
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=440:sample_rate=48000:duration=4",
        "-c:a",
        "aac",
        source.to_str().unwrap(),
    ]);
    let out =
        render_edit(&source, &[(0, 1003), (2000, 4000)], &dir.path().join("out"), &RenderOptions::default()).unwrap();
    let pcm = dir.path().join("out.f32");
    ffmpeg_cli(&["-i", out.mp4.to_str().unwrap(), "-f", "f32le", "-ac", "1", "-ar", "48000", pcm.to_str().unwrap()]);
    let bytes = std::fs::read(&pcm).unwrap();
    let samples: Vec<f32> = bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
    // A 440-Hz tone at sine's default amplitude moves at most ~0.008 per sample; a hard
    // cut mid-wave jumps much further.
    let join = 1003 * 48;
    let biggest = samples[join - 480..join + 480].windows(2).map(|w| (w[1] - w[0]).abs()).fold(0.0, f32::max);
    assert!(biggest < 0.03, "largest step at the join {biggest}");
    let quiet = samples[join - 24..join + 24].iter().map(|s| s.abs()).fold(0.0, f32::max);
    assert!(quiet < 0.1, "the join is faded: {quiet}");
    assert!((samples.len() as i64 - 3003 * 48).abs() < 48 * 30, "{} samples", samples.len());
}

#[test]
fn posters_come_from_a_moment_or_an_image_and_garbage_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("v.mp4");
    ffmpeg_cli(&[
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=640x360:rate=30:duration=3",
        "-c:v",
        "libx264",
        "-pix_fmt",
        "yuv420p",
        source.to_str().unwrap(),
    ]);
    let (poster, thumbnail) = poster_at(&source, 1500, &dir.path().join("a")).unwrap();
    assert!(std::fs::read(&poster).unwrap().starts_with(&[0xff, 0xd8]) && thumbnail.exists());
    let png = dir.path().join("i.png");
    ffmpeg_cli(&["-f", "lavfi", "-i", "color=c=blue:s=200x100", "-frames:v", "1", png.to_str().unwrap()]);
    assert!(poster_from_image(&png, &dir.path().join("b")).is_ok());
    let junk = dir.path().join("junk");
    std::fs::write(&junk, b"<svg>not a png</svg>").unwrap();
    assert!(poster_from_image(&junk, &dir.path().join("c")).unwrap_err().is_user_error());
}

/// Frames of `file`'s video stream, as the ffmpeg CLI decodes them (errors fail the test).
fn decoded_frame_count(file: &Path) -> u64 {
    let out = std::process::Command::new("ffprobe")
        .args(["-v", "error", "-select_streams", "v:0", "-count_frames", "-show_entries", "stream=nb_read_frames"])
        .args(["-of", "csv=p=0"])
        .arg(file)
        .output()
        .unwrap();
    assert!(out.stderr.is_empty(), "decoding errors: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
}

/// A 12 s source with a keyframe every second, cut three times between keyframes: the
/// whole GOPs are copied, only the 60 frames of the three split GOPs are encoded again,
/// and every frame around each cut is the source's.
fn smart_cut_case(encoder_args: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("source.mp4");
    let mut args = vec![
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=640x360:rate=30:duration=12",
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=440:sample_rate=48000:duration=12",
        "-c:v",
        "libx264",
        "-g",
        "30",
        "-pix_fmt",
        "yuv420p",
    ];
    args.extend_from_slice(encoder_args);
    args.extend_from_slice(&["-c:a", "aac", source.to_str().unwrap()]);
    ffmpeg_cli(&args);
    let keep = [(0, 2500), (4200, 7000), (8300, 12_000)];
    let out = render_edit(&source, &keep, &dir.path().join("out"), &RenderOptions::default()).unwrap();
    assert_eq!(out.duration_ms, 9000);
    // GOPs 0, 1, 5, 6, 9, 10, 11 are copied; 2 (2.0-2.5 s), 4 (4.2-5 s), 8 (8.3-9 s) are split.
    assert_eq!(out.copied_packets, 7 * 30, "{out:?}");
    assert!((55..=65).contains(&out.reencoded_frames), "{out:?}");
    let measured = super::super::probe(&out.mp4).unwrap().duration_ms.unwrap_or_default();
    assert!((measured - 9000).abs() <= 40, "rendered {measured} ms");
    assert_eq!(decoded_frame_count(&out.mp4), 270);
    for (edited, original) in
        [(1000, 1000), (2400, 2400), (2600, 4300), (3500, 5200), (5200, 6900), (5400, 8400), (7000, 10_000)]
    {
        let ours = frame_at(&out.mp4, edited);
        let right = psnr(&ours, &frame_at(&source, original));
        let wrong = psnr(&ours, &frame_at(&source, original + 300));
        assert!(right >= 30.0 && right > wrong + 3.0, "at {edited}: {right:.1} dB vs {wrong:.1} dB");
    }
}

#[test]
fn smart_cut_copies_whole_gops_with_b_frames() {
    smart_cut_case(&["-preset", "veryfast"]);
}

#[test]
fn smart_cut_copies_whole_gops_of_baseline_video() {
    // What browsers record: constrained baseline, no B-frames.
    smart_cut_case(&["-preset", "veryfast", "-profile:v", "baseline"]);
}
