//! The worker end to end: real FFmpeg libraries and the real tiny.en Whisper model turn
//! uploads into playable MP4s, posters, storyboards, captions and searchable transcripts.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;

use crate::fixtures::{self, fixture, LEAD_IN_MS};
use crate::helpers::{run, Backends, TestApp, Tweaks, User};

fn with_model() -> Tweaks {
    Tweaks { whisper_model: Some(fixtures::whisper_model()), ..Default::default() }
}

crate::matrix!(
    tweaks = super::with_model;
    webm_recording_becomes_playable_and_searchable, h264_input_is_remuxed, audio_only_and_video_only, bad_media_fails_and_the_worker_moves_on,
    recorder_webm_gets_a_seekable_copy);

async fn upload_fixture(user: &User, name: &str, filetype: &str) -> String {
    let data = std::fs::read(fixture(name)).unwrap();
    user.upload_file(&data, 256 * 1024, &[("filename", name), ("filetype", filetype)]).await
}

/// Poll (bounded) until processing and transcription have both settled.
pub async fn settled(user: &User, video_id: &str) -> Value {
    for _ in 0..600 {
        let video: Value = user.get(&format!("/api/videos/{video_id}")).send().await.unwrap().json().await.unwrap();
        let status = video["status"].as_str().unwrap();
        let transcript = video["transcript_status"].as_str().unwrap();
        let done = status == "failed" || (status == "ready" && !["pending", "processing"].contains(&transcript));
        if done {
            return video;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("video {video_id} did not finish processing within 120 s");
}

pub async fn bytes(user: &User, path: &str) -> (String, Vec<u8>) {
    let response = user.get(path).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "GET {path}");
    let content_type = response.headers()["content-type"].to_str().unwrap().to_string();
    (content_type, response.bytes().await.unwrap().to_vec())
}

async fn webm_recording_becomes_playable_and_searchable(app: TestApp) {
    let ada = app.sign_up("Ada").await;
    let bob = app.sign_up("Bob").await;
    let id = upload_fixture(&ada, "speech.webm", "video/webm").await;
    let video = settled(&ada, &id).await;
    assert_eq!(video["status"], "ready", "{video}");
    assert_eq!(video["transcript_status"], "ready", "{video}");
    let expected_secs = fixtures::duration_secs(&fixture("speech.webm"));
    let duration_ms = video["duration_ms"].as_i64().unwrap() as f64;
    assert!(
        (duration_ms / 1000.0 - expected_secs).abs() / expected_secs < 0.05,
        "duration {duration_ms} vs {expected_secs}s"
    );

    // Playback MP4: H.264 + AAC, moov before mdat, right length.
    let (content_type, mp4) = bytes(&ada, &format!("/api/videos/{id}/media.mp4")).await;
    assert_eq!(content_type, "video/mp4");
    let boxes = fixtures::mp4_top_level_boxes(&mp4);
    let moov = boxes.iter().position(|b| b == "moov").expect("moov box");
    let mdat = boxes.iter().position(|b| b == "mdat").expect("mdat box");
    assert!(moov < mdat, "faststart: {boxes:?}");
    let local = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(local.path(), &mp4).unwrap();
    assert_eq!(fixtures::stream_codecs(local.path()), vec!["h264", "aac"]);
    assert!((fixtures::duration_secs(local.path()) - expected_secs).abs() / expected_secs < 0.05);
    let ranged = ada.get(&format!("/api/videos/{id}/media.mp4")).header("Range", "bytes=0-99").send().await.unwrap();
    assert_eq!(ranged.status(), StatusCode::PARTIAL_CONTENT);

    // Poster and storyboard.
    let (content_type, poster) = bytes(&ada, &format!("/api/videos/{id}/poster.jpg")).await;
    assert_eq!(content_type, "image/jpeg");
    assert_eq!(&poster[..2], &[0xFF, 0xD8], "a JPEG");
    // The listing thumbnail: the poster frame, 320 px wide, linked from the video.
    assert_eq!(video["thumbnail_url"], format!("/api/videos/{id}/thumbnail.jpg?edit=0"), "{video}");
    let (content_type, thumbnail) = bytes(&ada, &format!("/api/videos/{id}/thumbnail.jpg")).await;
    assert_eq!(content_type, "image/jpeg");
    let (width, height) = fixtures::jpeg_dimensions(&thumbnail).expect("a JPEG with a frame header");
    let (poster_width, poster_height) = fixtures::jpeg_dimensions(&poster).unwrap();
    assert_eq!(width, 320, "thumbnail width");
    let aspect = |w: u16, h: u16| f64::from(w) / f64::from(h);
    assert!((aspect(width, height) - aspect(poster_width, poster_height)).abs() < 0.05, "same shape as the poster");
    let (_, storyboard) = bytes(&ada, &format!("/api/videos/{id}/storyboard.vtt")).await;
    let storyboard = String::from_utf8(storyboard).unwrap();
    assert!(storyboard.starts_with("WEBVTT"), "{storyboard}");
    let sprite = storyboard.lines().find(|l| l.contains("#xywh=")).expect("a thumbnail cue");
    // Cues name their sprites relative to the storyboard itself, so stored files never
    // carry a route.
    let sprite_path = sprite.split('#').next().unwrap();
    assert!(!sprite_path.starts_with('/'), "relative cue: {sprite_path}");
    let sprite_path = format!("/api/videos/{id}/{sprite_path}");
    let (content_type, sprite) = bytes(&ada, &sprite_path).await;
    assert_eq!(content_type, "image/jpeg");
    assert_eq!(&sprite[..2], &[0xFF, 0xD8]);

    // Transcript: the content words, with timings after the lead-in silence.
    let (_, transcript) = bytes(&ada, &format!("/api/videos/{id}/transcript")).await;
    let transcript: Value = serde_json::from_slice(&transcript).unwrap();
    assert_eq!(transcript["language"], "en");
    let words: Vec<&Value> =
        transcript["segments"].as_array().unwrap().iter().flat_map(|s| s["words"].as_array().unwrap()).collect();
    let text: String = words.iter().map(|w| w["text"].as_str().unwrap().to_lowercase()).collect::<Vec<_>>().join(" ");
    let found = ["team", "decided", "delay", "migration", "quarter"].iter().filter(|w| text.contains(*w)).count();
    assert!(found >= 4, "most content words recognised: {text}");
    let migration = words.iter().find(|w| w["text"].as_str().unwrap().to_lowercase().contains("migration"));
    if let Some(word) = migration {
        let start = word["start_ms"].as_i64().unwrap();
        assert!(start > LEAD_IN_MS && start < LEAD_IN_MS + 5_000, "'migration' at {start} ms");
    }
    let (content_type, vtt) = bytes(&ada, &format!("/api/videos/{id}/captions.vtt")).await;
    assert!(content_type.starts_with("text/vtt"));
    let vtt = String::from_utf8(vtt).unwrap();
    assert!(vtt.starts_with("WEBVTT") && vtt.contains(" --> "), "{vtt}");
    let (_, srt) = bytes(&ada, &format!("/api/videos/{id}/captions.srt")).await;
    let srt = String::from_utf8(srt).unwrap();
    assert!(srt.starts_with("1\n") && srt.contains(" --> ") && srt.contains(','), "{srt}");

    // Search finds the moment it was said; nobody else can find this private video.
    let hits: Value = ada.get("/api/search?q=migration").send().await.unwrap().json().await.unwrap();
    let hit =
        hits["hits"].as_array().unwrap().iter().find(|h| h["video_id"] == id.as_str()).expect("found by a spoken word");
    assert_eq!(hit["kind"], "transcript");
    let start = hit["start_ms"].as_i64().unwrap();
    assert!(start < LEAD_IN_MS + 5_000, "segment starts near the word: {start}");
    let bobs: Value = bob.get("/api/search?q=migration").send().await.unwrap().json().await.unwrap();
    assert!(bobs["hits"].as_array().unwrap().is_empty(), "{bobs}");
    assert_eq!(bob.get(&format!("/api/videos/{id}/transcript")).send().await.unwrap().status(), StatusCode::NOT_FOUND);

    // Live viewers were told each step; replaying the stream from the start shows them.
    let stream = ada.get(&format!("/api/videos/{id}/events")).header("Last-Event-ID", "0").send().await.unwrap();
    let mut stream = crate::sse::SseStream::new(stream);
    let mut steps = Vec::new();
    while let Some(event) = stream.next_within(Duration::from_secs(2)).await {
        assert_eq!(event.event, "video.updated");
        steps.push((
            event.data["status"].as_str().unwrap().to_string(),
            event.data["transcript_status"].as_str().unwrap().to_string(),
        ));
    }
    for step in [("processing", "processing"), ("ready", "processing"), ("ready", "ready")] {
        assert!(steps.contains(&(step.0.to_string(), step.1.to_string())), "{step:?} announced: {steps:?}");
    }
}

async fn h264_input_is_remuxed(app: TestApp) {
    let ada = app.sign_up("Ada").await;
    let id = upload_fixture(&ada, "speech.mp4", "video/mp4").await;
    let video = settled(&ada, &id).await;
    assert_eq!(video["status"], "ready", "{video}");
    let (_, mp4) = bytes(&ada, &format!("/api/videos/{id}/media.mp4")).await;
    let local = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(local.path(), &mp4).unwrap();
    assert_eq!(fixtures::stream_codecs(local.path()), vec!["h264", "aac"]);
}

async fn audio_only_and_video_only(app: TestApp) {
    let ada = app.sign_up("Ada").await;
    let audio = upload_fixture(&ada, "speech-audio-only.webm", "audio/webm").await;
    let silent = upload_fixture(&ada, "video-only.webm", "video/webm").await;
    let audio_video = settled(&ada, &audio).await;
    assert_eq!(audio_video["status"], "ready", "{audio_video}");
    assert_eq!(audio_video["transcript_status"], "ready");
    let (_, mp4) = bytes(&ada, &format!("/api/videos/{audio}/media.mp4")).await;
    let local = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(local.path(), &mp4).unwrap();
    assert_eq!(fixtures::stream_codecs(local.path()), vec!["aac"]);
    let hits: Value = ada.get("/api/search?q=quarter").send().await.unwrap().json().await.unwrap();
    assert!(hits["hits"].as_array().unwrap().iter().any(|h| h["video_id"] == audio.as_str()), "{hits}");

    let silent_video = settled(&ada, &silent).await;
    assert_eq!(silent_video["status"], "ready", "{silent_video}");
    let (_, mp4) = bytes(&ada, &format!("/api/videos/{silent}/media.mp4")).await;
    std::fs::write(local.path(), &mp4).unwrap();
    assert_eq!(fixtures::stream_codecs(local.path()), vec!["h264"]);
    let (_, transcript) = bytes(&ada, &format!("/api/videos/{silent}/transcript")).await;
    let transcript: Value = serde_json::from_slice(&transcript).unwrap();
    assert!(transcript["segments"].as_array().unwrap().is_empty());
}

async fn bad_media_fails_and_the_worker_moves_on(app: TestApp) {
    let ada = app.sign_up("Ada").await;
    let mut bad = Vec::new();
    for name in ["empty.webm", "not-media.webm", "truncated.webm"] {
        bad.push((name, upload_fixture(&ada, name, "video/webm").await));
    }
    let good = upload_fixture(&ada, "speech.mp4", "video/mp4").await;
    for (name, id) in &bad {
        let video = settled(&ada, id).await;
        if *name == "truncated.webm" && video["status"] == "ready" {
            // A truncated WebM may still hold playable frames; then it must really play.
            let (_, mp4) = bytes(&ada, &format!("/api/videos/{id}/media.mp4")).await;
            assert!(fixtures::mp4_top_level_boxes(&mp4).contains(&"moov".to_string()));
            continue;
        }
        assert_eq!(video["status"], "failed", "{name}: {video}");
        let error = video["error"].as_str().unwrap_or_default();
        assert!(!error.is_empty(), "{name} failed with a reason");
        // The reason is for the owner; the original stays watchable.
        assert_eq!(ada.get(&format!("/api/videos/{id}/original")).send().await.unwrap().status(), StatusCode::OK);
    }
    assert_eq!(settled(&ada, &good).await["status"], "ready", "the next good video still processes");
}

async fn recorder_webm_gets_a_seekable_copy(app: TestApp) {
    let ada = app.sign_up("Ada").await;
    // Firefox-style VP8 and Chrome's H.264 (which WebM proper cannot hold: Matroska it is).
    for (name, filetype, codecs) in [
        ("recorder.webm", "video/webm", ["vp8", "opus"]),
        ("recorder-h264.webm", "video/webm;codecs=h264,opus", ["h264", "opus"]),
    ] {
        let recorded = fixture(name);
        assert_eq!(fixtures::header_duration_secs(&recorded), None, "{name} is like MediaRecorder output");
        let id = upload_fixture(&ada, name, filetype).await;
        let video = settled(&ada, &id).await;
        assert_eq!(video["status"], "ready", "{video}");
        let seekable_url = video["seekable_url"].as_str().unwrap_or_else(|| panic!("a seekable copy of {name}"));
        let (content_type, webm) = bytes(&ada, seekable_url).await;
        assert_eq!(content_type, "video/webm");
        let local = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(local.path(), &webm).unwrap();
        let expected = fixtures::packet_end_secs(&recorded);
        let declared = fixtures::header_duration_secs(local.path()).expect("the copy declares its duration");
        assert!((declared - expected).abs() / expected < 0.05, "{name}: {declared} s vs {expected} s");
        assert_eq!(fixtures::stream_codecs(local.path()), codecs, "copied, not re-encoded");
        // The playback MP4 has the right length too, though the upload declared none.
        let duration_ms = video["duration_ms"].as_i64().unwrap() as f64;
        assert!((duration_ms / 1000.0 - expected).abs() / expected < 0.05, "{name}: {duration_ms} ms");
    }
    // Uploads that are not WebM get no seekable copy (they do not need one).
    let mp4 = upload_fixture(&ada, "speech.mp4", "video/mp4").await;
    assert!(settled(&ada, &mp4).await["seekable_url"].is_null());
}

/// Without a model, transcription is disabled and everything else still works.
async fn no_model_disables_transcription(app: TestApp) {
    let ada = app.sign_up("Ada").await;
    let id = upload_fixture(&ada, "speech.mp4", "video/mp4").await;
    let video = settled(&ada, &id).await;
    assert_eq!(video["status"], "ready");
    assert_eq!(video["transcript_status"], "disabled");
    assert_eq!(
        ada.get(&format!("/api/videos/{id}/captions.vtt")).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_model_sqlite_disk() {
    run(Backends::SqliteDisk, Tweaks::default(), no_model_disables_transcription).await;
}
