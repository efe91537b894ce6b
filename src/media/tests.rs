//! End-to-end tests against the real FFmpeg libraries, on fixtures generated at
//! test time with the `ffmpeg` CLI.

use std::path::Path;
use std::time::{Duration, Instant};

use super::test_support::*;
use super::*;

fn within(actual: i64, expected: i64, pct: f64) -> bool {
    (actual - expected).abs() as f64 <= expected as f64 * pct / 100.0
}

fn is_jpeg(path: &Path) -> bool {
    std::fs::read(path).map(|b| b.starts_with(&[0xFF, 0xD8])).unwrap_or(false)
}

fn assert_faststart(mp4: &Path) {
    let boxes = top_level_boxes(mp4);
    let moov = boxes.iter().position(|b| b == "moov").expect("moov box");
    let mdat = boxes.iter().position(|b| b == "mdat").expect("mdat box");
    assert!(moov < mdat, "moov must precede mdat: {boxes:?}");
}

#[test]
fn recorder_webm_becomes_faststart_h264_aac_with_all_assets() {
    let dir = tempfile::tempdir().unwrap();
    let input = recorder_webm(dir.path(), "rec.webm", 640, 360, 10.0);

    // Like MediaRecorder output, the header has no duration; probe measures it.
    let info = probe(&input).unwrap();
    assert_eq!(info.video.as_ref().unwrap().codec, "vp8");
    assert_eq!(info.audio.as_ref().unwrap().codec, "opus");
    assert!(within(info.duration_ms.unwrap(), 10_000, 5.0), "{info:?}");

    let out_dir = dir.path().join("out");
    let out = process(&input, &out_dir, &ProcessOptions::default()).unwrap();
    assert!(!out.remuxed_video);
    assert!(within(out.duration_ms, 10_000, 5.0), "duration {}", out.duration_ms);

    let mp4 = probe(&out.mp4).unwrap();
    let v = mp4.video.as_ref().unwrap();
    assert_eq!((v.codec.as_str(), v.width, v.height), ("h264", 640, 360));
    assert_eq!(mp4.audio.as_ref().unwrap().codec, "aac");
    assert!(within(mp4.duration_ms.unwrap(), 10_000, 5.0), "{mp4:?}");
    assert_faststart(&out.mp4);

    let speech = std::fs::metadata(out.audio_16k_mono.as_ref().unwrap()).unwrap().len() as i64;
    assert!(within(speech, 10 * 16_000 * 4, 2.0), "speech bytes {speech}");

    let poster = out.poster_jpeg.as_ref().unwrap();
    assert!(is_jpeg(poster));
    // (Not `probe`d: uploads are never opened as images. The luma check decodes it.)
    let (w, h, mean, sd) = first_frame_luma(poster);
    assert_eq!((w, h), (640, 360));
    assert!(mean > 40.0 && sd > 20.0, "poster looks blank: mean {mean} sd {sd}");

    let board = out.storyboard.as_ref().unwrap();
    assert_eq!(board.tiles.len(), 10, "1 s tiles for an unknown-length 10 s video");
    assert!(board.sprites.iter().all(|p| is_jpeg(p)));
    assert_eq!((board.tiles[0].w, board.tiles[0].h), (160, 90));
    let vtt = storyboard_vtt(board, |i| format!("/s/{i}.jpg"));
    assert!(vtt.starts_with("WEBVTT\n"));
    let cues: Vec<&str> = vtt.lines().filter(|l| l.contains(" --> ")).collect();
    assert_eq!(cues.len(), board.tiles.len());
    assert_eq!(cues[0], "00:00:00.000 --> 00:00:01.000");
    assert!(vtt.contains("/s/0.jpg#xywh=160,0,160,90"), "{vtt}");
    assert_eq!(vtt.lines().filter(|l| l.contains("#xywh=")).count(), board.tiles.len());

    // Serialises for the job record.
    let json = serde_json::to_value(&out).unwrap();
    assert_eq!(json["remuxed_video"], false);
}

#[test]
fn h264_aac_mp4_is_remuxed_not_reencoded() {
    let dir = tempfile::tempdir().unwrap();
    let input = h264_aac_mp4(dir.path(), "in.mp4", 640, 360, 4.0, &[]);
    let out = process(&input, &dir.path().join("out"), &ProcessOptions::default()).unwrap();
    assert!(out.remuxed_video);
    assert!(within(out.duration_ms, 4_000, 5.0), "duration {}", out.duration_ms);
    let mp4 = probe(&out.mp4).unwrap();
    assert_eq!(mp4.video.unwrap().codec, "h264");
    assert_eq!(mp4.audio.unwrap().codec, "aac");
    assert_faststart(&out.mp4);
    assert!(out.poster_jpeg.is_some() && out.audio_16k_mono.is_some());
}

#[test]
fn audio_only_inputs_give_aac_mp4_and_speech_audio() {
    let dir = tempfile::tempdir().unwrap();
    let tone = sine(6.0);
    let opus = dir.path().join("voice.webm");
    ffmpeg_cli_piped(&["-f", "lavfi", "-i", &tone, "-c:a", "libopus", "-f", "webm"], &opus);
    let wav = dir.path().join("voice.wav");
    ffmpeg_cli(&["-f", "lavfi", "-i", &tone, "-ac", "2", wav.to_str().unwrap()]);
    let mp3 = dir.path().join("voice.mp3");
    ffmpeg_cli(&["-f", "lavfi", "-i", &tone, "-c:a", "libmp3lame", mp3.to_str().unwrap()]);
    // Cover art is an `attached_pic` video stream; it must not make this a video.
    let cover = dir.path().join("cover.png");
    ffmpeg_cli(&["-f", "lavfi", "-i", "testsrc=size=64x64:duration=1", "-frames:v", "1", cover.to_str().unwrap()]);
    let with_art = dir.path().join("album.mp3");
    ffmpeg_cli(&[
        "-i",
        mp3.to_str().unwrap(),
        "-i",
        cover.to_str().unwrap(),
        "-map",
        "0",
        "-map",
        "1",
        "-c",
        "copy",
        "-disposition:v",
        "attached_pic",
        "-id3v2_version",
        "3",
        with_art.to_str().unwrap(),
    ]);
    assert!(probe(&with_art).unwrap().video.is_none());

    for input in [opus, wav, mp3, with_art] {
        let out = process(&input, &dir.path().join("out"), &ProcessOptions::default())
            .unwrap_or_else(|e| panic!("{}: {e}", input.display()));
        assert!(within(out.duration_ms, 6_000, 5.0), "{}: {}", input.display(), out.duration_ms);
        let mp4 = probe(&out.mp4).unwrap();
        assert!(mp4.video.is_none());
        assert_eq!(mp4.audio.unwrap().codec, "aac");
        assert!(out.poster_jpeg.is_none() && out.storyboard.is_none());
        let bytes = std::fs::metadata(out.audio_16k_mono.unwrap()).unwrap().len() as i64;
        let expected = out.duration_ms * 16 * 4; // 16 samples per ms, 4 bytes each
        assert!(within(bytes, expected, 2.0), "{}: {bytes} vs {expected}", input.display());
        assert!(within(bytes, 6 * 16_000 * 4, 5.0), "{}: {bytes}", input.display());
    }
}

#[test]
fn video_only_input_has_no_audio_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("silent.webm");
    let src = testsrc(320, 240, 3.0);
    let mut args = vec!["-f", "lavfi", "-i", src.as_str()];
    args.extend(["-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-f", "webm"]);
    ffmpeg_cli_piped(&args, &input);

    let out_dir = dir.path().join("out");
    let out = process(&input, &out_dir, &ProcessOptions::default()).unwrap();
    assert!(out.audio_16k_mono.is_none());
    assert!(!out_dir.join("audio-16k-mono.f32").exists());
    let mp4 = probe(&out.mp4).unwrap();
    assert!(mp4.audio.is_none());
    assert_eq!(mp4.video.unwrap().width, 320);
    assert!(within(out.duration_ms, 3_000, 5.0), "{}", out.duration_ms);
    assert!(out.poster_jpeg.is_some());
}

#[test]
fn poster_skips_a_black_opening() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("fade.webm");
    let (black, colour) = ("color=black:size=640x360:rate=30:duration=2".to_string(), testsrc(640, 360, 4.0));
    let mut args = vec!["-f", "lavfi", "-i", black.as_str(), "-f", "lavfi", "-i", colour.as_str()];
    args.extend(["-filter_complex", "[0][1]concat=n=2:v=1:a=0"]);
    args.extend(["-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "1M"]);
    args.push(input.to_str().unwrap());
    ffmpeg_cli(&args);

    let out = process(&input, &dir.path().join("out"), &ProcessOptions::default()).unwrap();
    let poster = out.poster_jpeg.unwrap();
    assert!(is_jpeg(&poster));
    let (_, _, mean, sd) = first_frame_luma(&poster);
    assert!(mean > 40.0 && sd > 20.0, "poster is black: mean {mean} sd {sd}");
    // The storyboard still starts at the (black) beginning.
    let board = out.storyboard.unwrap();
    assert_eq!(board.tiles[0].start_ms, 0);
}

#[test]
fn large_vp8_is_scaled_to_1080p_with_even_dimensions() {
    let dir = tempfile::tempdir().unwrap();
    let input = seekable_webm(dir.path(), "big.webm", 2560, 1440, 1.0);
    let out = process(&input, &dir.path().join("out"), &ProcessOptions::default()).unwrap();
    let v = probe(&out.mp4).unwrap().video.unwrap();
    assert_eq!((v.codec.as_str(), v.width, v.height), ("h264", 1920, 1080));

    // An odd target keeps aspect and is rounded to even numbers.
    let opts = ProcessOptions { max_height: 501, ..ProcessOptions::default() };
    let out = process(&input, &dir.path().join("out2"), &opts).unwrap();
    let v = probe(&out.mp4).unwrap().video.unwrap();
    assert_eq!((v.width % 2, v.height % 2), (0, 0));
    assert!(v.height <= 501 && (v.width as f64 / v.height as f64 - 16.0 / 9.0).abs() < 0.02, "{v:?}");
}

#[test]
fn rotation_is_reported_and_applied() {
    let dir = tempfile::tempdir().unwrap();
    let plain = h264_aac_mp4(dir.path(), "plain.mp4", 640, 360, 2.0, &[]);
    // The 5.1 CLI only writes a display matrix when stream-copying; this one is
    // what ffprobe prints as "rotation of 90.00 degrees" (counter-clockwise), i.e.
    // the picture must be turned 270 degrees clockwise to be upright.
    let phone = dir.path().join("phone.mp4");
    ffmpeg_cli(&["-i", plain.to_str().unwrap(), "-c", "copy", "-metadata:s:v:0", "rotate=90", phone.to_str().unwrap()]);
    assert_eq!(probe(&phone).unwrap().video.unwrap().rotation_degrees, 270);

    let out = process(&phone, &dir.path().join("out"), &ProcessOptions::default()).unwrap();
    assert!(!out.remuxed_video, "rotated video is re-encoded upright");
    let v = probe(&out.mp4).unwrap().video.unwrap();
    assert_eq!((v.width, v.height, v.rotation_degrees), (360, 640, 0));
    let poster = out.poster_jpeg.unwrap();
    assert_eq!(first_frame_luma(&poster).0, 360);

    // Same orientation as the ffmpeg CLI's own autorotation.
    let reference = dir.path().join("reference.jpg");
    ffmpeg_cli(&["-i", phone.to_str().unwrap(), "-frames:v", "1", reference.to_str().unwrap()]);
    assert_eq!(first_frame_luma(&reference).0, 360);
    let (ours, theirs) = (luma_grid(&poster, 4), luma_grid(&reference, 4));
    let flipped: Vec<f64> = theirs.iter().rev().copied().collect();
    let dist = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| (x - y).abs()).sum::<f64>();
    assert!(dist(&ours, &theirs) < dist(&ours, &flipped) / 2.0, "{ours:?} vs {theirs:?}");
}

#[test]
fn bad_inputs_are_user_errors_and_leave_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let empty = d.join("empty.webm");
    std::fs::write(&empty, b"").unwrap();
    let text = d.join("notes.webm");
    std::fs::write(&text, "This is not a video, just some text.\n".repeat(200)).unwrap();
    // Wider than 8K in an accepted container: refused by the size check, not the demuxer.
    let huge = d.join("huge.mkv");
    let huge_arg = huge.to_str().unwrap();
    ffmpeg_cli(&["-f", "lavfi", "-i", "color=c=black:s=9000x16:d=0.1", "-c:v", "ffv1", huge_arg]);
    let full = seekable_webm(d, "full.webm", 640, 360, 10.0);
    let bytes = std::fs::read(&full).unwrap();
    let truncated = d.join("truncated.webm");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let missing = d.join("missing.webm");

    let size_refusal = probe(&huge).expect_err("a 9000-pixel-wide video is refused").to_string();
    assert!(size_refusal.contains("8K"), "{size_refusal}");
    for input in [&empty, &text, &huge, &truncated, &missing] {
        let out_dir = d.join("out");
        let err = process(input, &out_dir, &ProcessOptions::default()).expect_err(&input.display().to_string());
        assert!(err.is_user_error(), "{}: {err}", input.display());
        let leftovers: Vec<_> =
            std::fs::read_dir(&out_dir).map(|r| r.flatten().map(|e| e.file_name()).collect()).unwrap_or_default();
        assert!(leftovers.is_empty(), "{}: left {leftovers:?}", input.display());
        if input != &truncated {
            assert!(probe(input).is_err(), "{}", input.display());
        }
    }
}

/// HLS, DASH and concat files name other inputs; opened with every demuxer, FFmpeg reads
/// them (a local video here, a URL elsewhere) into the upload. Only media demuxers, and
/// only the `file` protocol, may open an upload.
#[test]
fn manifests_and_scripts_are_refused_but_media_opens() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let secret = h264_aac_mp4(d, "server-side.mp4", 160, 120, 1.0, &[]);
    let hls = format!(
        "#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:1.0,\nfile:{}\n#EXT-X-ENDLIST\n",
        secret.display()
    );
    let dash = format!(
        "<?xml version=\"1.0\"?><MPD xmlns=\"urn:mpeg:dash:schema:mpd:2011\" \
         profiles=\"urn:mpeg:dash:profile:isoff-on-demand:2011\" type=\"static\" mediaPresentationDuration=\"PT1S\">\
         <Period><AdaptationSet mimeType=\"video/mp4\"><Representation id=\"1\" bandwidth=\"1000\">\
         <BaseURL>file:{}</BaseURL></Representation></AdaptationSet></Period></MPD>",
        secret.display()
    );
    let concat = "ffconcat version 1.0\nfile 'server-side.mp4'\n".to_string();
    let poster = d.join("poster.jpg");
    ffmpeg_cli(&["-f", "lavfi", "-i", "testsrc=size=64x64:duration=1", "-frames:v", "1", poster.to_str().unwrap()]);
    let mut refused = vec![poster];
    for (name, text) in [("list.m3u8", &hls), ("original", &hls), ("manifest.mpd", &dash), ("script.ffconcat", &concat)]
    {
        let path = d.join(name);
        std::fs::write(&path, text).unwrap();
        refused.push(path);
    }
    // Without the whitelist the playlist really does pull the local file in.
    super::init();
    let unguarded = ffmpeg_next::format::input(&refused[1]).expect("FFmpeg follows the playlist");
    assert_eq!(unguarded.format().name(), "hls");
    drop(unguarded);

    for input in &refused {
        let err = probe(input).expect_err(&input.display().to_string());
        assert!(err.is_user_error(), "{}: {err}", input.display());
        assert_eq!(err.user_reason(), "the file is not a recognised video or audio format", "{}", input.display());
        let out_dir = d.join("out");
        assert!(process(input, &out_dir, &ProcessOptions::default()).unwrap_err().is_user_error());
        assert!(remux_seekable(input, &d.join("copy.webm"), None).is_err(), "{}", input.display());
    }
    // What people record and upload still opens.
    let wav = d.join("voice.wav");
    ffmpeg_cli(&["-f", "lavfi", "-i", &sine(1.0), wav.to_str().unwrap()]);
    let ogg = d.join("voice.ogg");
    ffmpeg_cli(&["-f", "lavfi", "-i", &sine(1.0), "-c:a", "libopus", ogg.to_str().unwrap()]);
    let flac = d.join("voice.flac");
    ffmpeg_cli(&["-f", "lavfi", "-i", &sine(1.0), flac.to_str().unwrap()]);
    let mov = d.join("phone.mov");
    ffmpeg_cli(&["-i", secret.to_str().unwrap(), "-c", "copy", mov.to_str().unwrap()]);
    let webm = recorder_webm(d, "rec.webm", 160, 120, 1.0);
    for (input, container) in [
        (&secret, "mov,mp4,m4a,3gp,3g2,mj2"),
        (&mov, "mov,mp4,m4a,3gp,3g2,mj2"),
        (&webm, "matroska,webm"),
        (&wav, "wav"),
        (&ogg, "ogg"),
        (&flac, "flac"),
    ] {
        assert_eq!(probe(input).unwrap().container, container, "{}", input.display());
    }
}

#[test]
fn deadline_aborts_processing() {
    let dir = tempfile::tempdir().unwrap();
    // ~30 s of media takes well over a second to process; the deadline hits mid-way.
    let input = recorder_webm(dir.path(), "rec.webm", 640, 360, 30.0);
    let out_dir = dir.path().join("out");
    let budget = Duration::from_millis(150);
    let started = Instant::now();
    let opts = ProcessOptions { deadline: Some(started + budget), ..ProcessOptions::default() };
    let err = process(&input, &out_dir, &opts).unwrap_err();
    assert!(matches!(err, MediaError::DeadlineExceeded), "{err}");
    assert!(
        // Generous: the abort must come mid-way, not after the whole job, on a slow machine too.
        started.elapsed() >= budget && started.elapsed() < budget + Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
    assert!(!out_dir.join("video.mp4").exists());
    // A deadline already passed fails before any work.
    let opts = ProcessOptions { deadline: Some(Instant::now()), ..ProcessOptions::default() };
    assert!(matches!(process(&input, &out_dir, &opts), Err(MediaError::DeadlineExceeded)));
}

#[test]
fn panics_become_internal_errors() {
    let err = guard::<()>(|| panic!("boom")).unwrap_err();
    assert!(!err.is_user_error());
    assert!(err.to_string().contains("boom"), "{err}");
}

/// `cargo test --release -- --ignored --nocapture five_minute` : wall time and peak RSS.
#[test]
#[ignore = "benchmark: generates and processes a 5-minute 720p recording"]
fn five_minute_720p_benchmark() {
    let dir = tempfile::tempdir().unwrap();
    let t = Instant::now();
    // MEDIA_BENCH_INPUT reuses an existing recording (fixture generation is slow).
    let input = match std::env::var_os("MEDIA_BENCH_INPUT") {
        Some(path) => std::path::PathBuf::from(path),
        None => recorder_webm(dir.path(), "long.webm", 1280, 720, 300.0),
    };
    let size = std::fs::metadata(&input).unwrap().len();
    eprintln!("fixture: {:.1} MB in {:.1} s", size as f64 / 1e6, t.elapsed().as_secs_f64());

    let t = Instant::now();
    let out = process(&input, &dir.path().join("out"), &ProcessOptions::default()).unwrap();
    let wall = t.elapsed();
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let hwm = status.lines().find(|l| l.starts_with("VmHWM")).unwrap_or("VmHWM: ?").to_string();
    eprintln!(
        "process: {:.1} s wall for {:.1} s of media ({:.1}x realtime); {hwm}; tiles {}; mp4 {:.1} MB",
        wall.as_secs_f64(),
        out.duration_ms as f64 / 1000.0,
        out.duration_ms as f64 / 1000.0 / wall.as_secs_f64(),
        out.storyboard.map_or(0, |s| s.tiles.len()),
        std::fs::metadata(&out.mp4).unwrap().len() as f64 / 1e6
    );
}

/// A recording read as it arrives (slices of 64 KB, each after a pause) gives what the
/// finished file gives: the same duration, copy decision, streams, and the speech audio
/// byte for byte (resuming a live transcript after a takeover relies on that).
#[test]
fn a_trickled_recording_processes_like_the_finished_file() {
    let dir = tempfile::tempdir().unwrap();
    for (input, copies) in [
        (recorder_webm(dir.path(), "vp8.webm", 320, 240, 6.0), false),
        (recorder_h264_webm(dir.path(), "h264.webm", 320, 240, 6.0), true),
    ] {
        let name = input.file_name().unwrap().to_string_lossy().to_string();
        let whole = process(&input, &dir.path().join(format!("{name}-file")), &ProcessOptions::default()).unwrap();
        let reader = Trickle::new(&input, 64 * 1024, Duration::from_millis(2));
        let live =
            process_stream(reader, &dir.path().join(format!("{name}-live")), &ProcessOptions::default()).unwrap();
        assert_eq!(live.remuxed_video, copies, "{name}");
        assert_eq!((live.duration_ms, live.remuxed_video), (whole.duration_ms, whole.remuxed_video), "{name}");
        let (a, b) = (probe(&whole.mp4).unwrap(), probe(&live.mp4).unwrap());
        assert_eq!((a.video, a.audio, a.duration_ms), (b.video, b.audio, b.duration_ms), "{name}");
        assert_faststart(&live.mp4);
        assert!(live.poster_jpeg.is_some() && live.storyboard.is_some(), "{name}");
        let speech = |o: &ProcessOutput| std::fs::read(o.audio_16k_mono.as_ref().unwrap()).unwrap();
        assert!(speech(&live) == speech(&whole), "{name}: the speech audio differs");
    }
}

/// A reader that fails mid-way (the upload was terminated) ends the pass with an error
/// and leaves no outputs behind.
#[test]
fn a_stream_that_fails_midway_leaves_nothing() {
    struct FailsAfter(Trickle, usize);
    impl std::io::Read for FailsAfter {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.1 == 0 {
                return Err(std::io::Error::other("upload terminated"));
            }
            self.1 -= 1;
            self.0.read(buf)
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let input = recorder_webm(dir.path(), "rec.webm", 320, 240, 6.0);
    let out_dir = dir.path().join("out");
    let reader = FailsAfter(Trickle::new(&input, 32 * 1024, Duration::ZERO), 6);
    let err = process_stream(reader, &out_dir, &ProcessOptions::default()).unwrap_err();
    assert!(matches!(err, MediaError::InvalidInput { .. }), "{err:?}");
    let left: Vec<_> =
        std::fs::read_dir(&out_dir).map(|d| d.flatten().map(|e| e.file_name()).collect()).unwrap_or_default();
    assert!(left.is_empty(), "{left:?}");
}
