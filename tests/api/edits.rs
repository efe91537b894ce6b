//! Editing after recording: cutting words out by the transcript, trimming, reverting. The
//! rendered video is checked as a file (its length, its frames beside the original's)
//! and through everything that follows its timeline: transcript, search, comments.

use std::path::Path;
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::fixtures::{self, fixture};
use crate::helpers::{TestApp, Tweaks, User};
use crate::processing::{bytes, settled};

/// One frame of the fixture (25 fps).
const FRAME_MS: i64 = 40;

pub fn with_model() -> Tweaks {
    Tweaks { whisper_model: Some(fixtures::whisper_model()), ..Default::default() }
}

crate::matrix!(
    tweaks = super::with_model;
    cutting_words_moves_everything_after_them_and_revert_restores);

/// A ready, transcribed H.264/AAC video of the spoken fixture.
pub async fn spoken_video(user: &User) -> String {
    let video = user.create_video("Weekly update", "private").await;
    let id = video["id"].as_str().unwrap().to_string();
    let data = std::fs::read(fixture("speech.mp4")).unwrap();
    user.upload_file(&data, 256 * 1024, &[("video_id", id.as_str()), ("filetype", "video/mp4")]).await;
    let video = settled(user, &id).await;
    assert_eq!((video["status"].as_str(), video["transcript_status"].as_str()), (Some("ready"), Some("ready")));
    id
}

pub async fn send(user: &User, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
    let mut request = user.request(method, path);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The video once edit `version` plays.
pub async fn published(user: &User, id: &str, version: i64) -> Value {
    for _ in 0..300 {
        let video = user.get_json(&format!("/api/videos/{id}")).await;
        if video["edit_version"] == version {
            return video;
        }
        let edit = user.get_json(&format!("/api/videos/{id}/edit")).await;
        assert_ne!(edit["state"], "failed", "render failed: {edit}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("edit {version} of {id} was not published within 60 s");
}

/// Every word of the transcript with its start.
async fn words(user: &User, video: &Value) -> Vec<(String, i64)> {
    let transcript = user.get_json(video["transcript_url"].as_str().unwrap()).await;
    transcript["segments"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["words"].as_array().unwrap().clone())
        .map(|w| (fixtures::plain_words(w["text"].as_str().unwrap()).join(" "), w["start_ms"].as_i64().unwrap()))
        .collect()
}

fn word<'a>(words: &'a [(String, i64)], wanted: &str) -> Option<&'a (String, i64)> {
    words.iter().find(|(w, _)| w == wanted)
}

/// Where a search for `query` lands in the video, if it finds it.
async fn found_at(user: &User, query: &str, id: &str) -> Option<i64> {
    crate::languages::search_hit(user, query, id).await.map(|hit| hit["start_ms"].as_i64().unwrap())
}

/// The grey frame of `file` shown at `at_ms`, decoded by the ffmpeg CLI (an independent decoder).
pub fn frame_at(file: &Path, at_ms: i64) -> Vec<u8> {
    let output = std::process::Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-ss", &format!("{:.3}", at_ms as f64 / 1000.0), "-i"])
        .arg(file)
        .args(["-frames:v", "1", "-vf", "scale=160:90", "-pix_fmt", "gray", "-f", "rawvideo", "pipe:1"])
        .output()
        .unwrap();
    assert!(output.status.success() && output.stdout.len() == 160 * 90, "{}", String::from_utf8_lossy(&output.stderr));
    output.stdout
}

/// Peak signal-to-noise ratio of two grey frames (dB; identical: infinite).
pub fn psnr(a: &[u8], b: &[u8]) -> f64 {
    let mse = a.iter().zip(b).map(|(x, y)| (f64::from(*x) - f64::from(*y)).powi(2)).sum::<f64>() / a.len() as f64;
    if mse == 0.0 {
        f64::INFINITY
    } else {
        10.0 * (255.0f64 * 255.0 / mse).log10()
    }
}

async fn cutting_words_moves_everything_after_them_and_revert_restores(app: TestApp) {
    let ada = app.sign_up("ada").await;
    let id = spoken_video(&ada).await;
    let video = ada.get_json(&format!("/api/videos/{id}")).await;
    let source_ms = video["duration_ms"].as_i64().unwrap();
    let heard = words(&ada, &video).await;
    let (Some(delay), Some(migration), Some(quarter)) =
        (word(&heard, "delay"), word(&heard, "migration"), word(&heard, "quarter"))
    else {
        panic!("the fixture's words were not heard: {heard:?}")
    };
    let migration_end = {
        let transcript = ada.get_json(video["transcript_url"].as_str().unwrap()).await;
        let all: Vec<Value> = transcript["segments"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| s["words"].as_array().unwrap().clone())
            .collect();
        all.iter().find(|w| w["start_ms"] == migration.1).unwrap()["end_ms"].as_i64().unwrap()
    };
    assert!(found_at(&ada, "migration", &id).await.is_some());

    // A comment after the cut, one inside it, and a reaction after it.
    let comment = |at: i64, body: &str| {
        let body = json!({ "body": body, "timestamp_ms": at });
        let path = format!("/api/videos/{id}/comments");
        let ada = &ada;
        async move { send(ada, Method::POST, &path, Some(body)).await.1 }
    };
    let after = comment(quarter.1, "about the quarter").await;
    let inside = comment(migration.1, "about the migration").await;
    let (status, reaction) = send(
        &ada,
        Method::POST,
        &format!("/api/videos/{id}/reactions"),
        Some(json!({ "emoji": "👍", "timestamp_ms": quarter.1 })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{reaction}");

    let unedited = ada.get_json(&format!("/api/videos/{id}")).await;
    let unedited_url = unedited["media_url"].as_str().unwrap().to_string();
    let unedited_mp4 = bytes(&ada, &unedited_url).await.1;
    let edit = ada.get_json(&format!("/api/videos/{id}/edit")).await;
    assert_eq!((edit["version"].as_i64(), edit["state"].as_str()), (Some(0), Some("original")), "{edit}");
    assert_eq!(edit["keep"], json!([{ "start_ms": 0, "end_ms": source_ms }]));

    // Select "delay the migration" in the transcript and delete it.
    let selection = json!({ "start_ms": delay.1, "end_ms": migration_end });
    let (status, saved) = send(
        &ada,
        Method::POST,
        &format!("/api/videos/{id}/edit/cuts"),
        Some(json!({ "version": 0, "cuts": [selection], "snap_to_words": true })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!((saved["version"].as_i64(), saved["state"].as_str()), (Some(1), Some("rendering")), "{saved}");
    let keep = saved["keep"].as_array().unwrap();
    assert_eq!(keep.len(), 2, "{saved}");
    let (cut_start, cut_end) = (keep[0]["end_ms"].as_i64().unwrap(), keep[1]["start_ms"].as_i64().unwrap());
    let removed = cut_end - cut_start;
    assert!(cut_start <= delay.1 && cut_end >= migration_end, "the cut covers the words: {saved}");
    assert!(removed < migration_end - delay.1 + 200, "and not much more: {saved}");

    let edited = published(&ada, &id, 1).await;
    let edited_ms = edited["duration_ms"].as_i64().unwrap();
    assert_eq!(edited_ms, source_ms - removed, "{edited}");
    assert!(edited["media_url"].as_str().unwrap().contains("?v="), "a new version is a new URL: {edited}");
    assert_eq!(edited["kept_ranges"], saved["keep"]);
    // A player still on the unedited version keeps reading its bytes until it switches.
    assert_ne!(edited["media_url"].as_str(), Some(unedited_url.as_str()));
    assert!(bytes(&ada, &unedited_url).await.1 == unedited_mp4, "the previous version's URL still serves it");

    // The file: as long as the kept ranges within a frame, and showing the original's
    // frames on both sides of the cut.
    let dir = tempfile::tempdir().unwrap();
    let rendered = dir.path().join("edited.mp4");
    std::fs::write(&rendered, bytes(&ada, edited["media_url"].as_str().unwrap()).await.1).unwrap();
    let file_ms = (fixtures::duration_secs(&rendered) * 1000.0) as i64;
    assert!((file_ms - edited_ms).abs() <= FRAME_MS, "rendered {file_ms} ms, expected {edited_ms} ms");
    let source = fixture("speech.mp4");
    for (edited_at, source_at) in [(cut_start - 300, cut_start - 300), (cut_start + 300, cut_end + 300)] {
        // Cuts fall between frames: the source frame within one frame of the moment.
        let ours = frame_at(&rendered, edited_at);
        let right = [-FRAME_MS, 0, FRAME_MS]
            .into_iter()
            .map(|d| psnr(&ours, &frame_at(&source, source_at + d)))
            .fold(f64::MIN, f64::max);
        let off = psnr(&ours, &frame_at(&source, source_at + 400));
        assert!(right >= 30.0 && right > off + 3.0, "frame at {edited_at}: {right:.1} dB vs a wrong one {off:.1} dB");
    }

    // The transcript, search and comments follow the cut.
    let now = words(&ada, &edited).await;
    assert!(word(&now, "delay").is_none() && word(&now, "migration").is_none(), "{now:?}");
    let moved = word(&now, "quarter").expect("the words after the cut stay").1;
    assert!((moved - (quarter.1 - removed)).abs() <= 1, "quarter at {moved}, was {} minus {removed}", quarter.1);
    assert_eq!(found_at(&ada, "migration", &id).await, None, "cut words are not found");
    let hit = found_at(&ada, "quarter", &id).await.expect("the rest is found");
    assert!(hit <= moved, "the hit's segment starts by the moved word: {hit} vs {moved}");
    let comments = ada.get_json(&format!("/api/videos/{id}/comments")).await;
    let placed = |comment: &Value| {
        comments["comments"].as_array().unwrap().iter().find(|c| c["id"] == comment["id"]).unwrap().clone()
    };
    assert_eq!(placed(&after)["timestamp_ms"].as_i64(), Some(quarter.1 - removed));
    assert_eq!(placed(&after)["at_cut"], false);
    assert_eq!(placed(&inside)["timestamp_ms"].as_i64(), Some(cut_start), "at the cut point");
    assert_eq!(placed(&inside)["at_cut"], true);
    let reactions = ada.get_json(&format!("/api/videos/{id}/reactions")).await;
    assert_eq!(reactions["reactions"][0]["timestamp_ms"].as_i64(), Some(quarter.1 - removed));

    // A comment made on the edited video is placed again by later edits (from the
    // original moment it shows).
    let (_, late) = send(
        &ada,
        Method::POST,
        &format!("/api/videos/{id}/comments"),
        Some(json!({ "body": "late", "timestamp_ms": moved })),
    )
    .await;

    // Revert: the original plays again at once, and everything is where it was.
    let (status, reverted) = send(&ada, Method::DELETE, &format!("/api/videos/{id}/edit"), None).await;
    assert_eq!(status, StatusCode::OK, "{reverted}");
    assert_eq!((reverted["version"].as_i64(), reverted["state"].as_str()), (Some(2), Some("original")));
    let video = ada.get_json(&format!("/api/videos/{id}")).await;
    assert_eq!((video["edit_version"].as_i64(), video["duration_ms"].as_i64()), (Some(2), Some(source_ms)));
    assert_eq!(video["kept_ranges"], Value::Null);
    assert_eq!(word(&words(&ada, &video).await, "migration").map(|w| w.1), Some(migration.1));
    assert!(found_at(&ada, "migration", &id).await.is_some());
    let comments = ada.get_json(&format!("/api/videos/{id}/comments")).await;
    let placed = |comment: &Value| {
        comments["comments"].as_array().unwrap().iter().find(|c| c["id"] == comment["id"]).unwrap().clone()
    };
    assert_eq!(placed(&inside)["timestamp_ms"].as_i64(), Some(migration.1));
    assert_eq!(placed(&inside)["at_cut"], false);
    assert_eq!(placed(&late)["timestamp_ms"].as_i64(), Some(quarter.1));

    // Trim both ends: half a second from the start and from the end.
    let keep = json!([{ "start_ms": 500, "end_ms": source_ms - 500 }]);
    let (status, trimmed) =
        send(&ada, Method::PUT, &format!("/api/videos/{id}/edit"), Some(json!({ "version": 2, "keep": keep }))).await;
    assert_eq!(status, StatusCode::OK, "{trimmed}");
    let video = published(&ada, &id, 3).await;
    assert_eq!(video["duration_ms"].as_i64(), Some(source_ms - 1000));
    let rendered = dir.path().join("trimmed.mp4");
    std::fs::write(&rendered, bytes(&ada, video["media_url"].as_str().unwrap()).await.1).unwrap();
    let file_ms = (fixtures::duration_secs(&rendered) * 1000.0) as i64;
    assert!((file_ms - (source_ms - 1000)).abs() <= FRAME_MS, "trimmed file {file_ms} ms of {source_ms} - 1000");
    let first = psnr(&frame_at(&rendered, 100), &frame_at(&source, 600));
    assert!(first >= 30.0, "the trimmed video starts at 0.5 s of the original: {first:.1} dB");
    let quarter_now = word(&words(&ada, &video).await, "quarter").unwrap().1;
    assert_eq!(quarter_now, quarter.1 - 500);
    let storyboard = String::from_utf8(bytes(&ada, video["storyboard_url"].as_str().unwrap()).await.1).unwrap();
    assert!(storyboard.starts_with("WEBVTT") && storyboard.contains("storyboard/0.jpg#xywh="), "{storyboard}");
    let (_, poster) = bytes(&ada, video["poster_url"].as_str().unwrap()).await;
    assert!(fixtures::jpeg_dimensions(&poster).is_some(), "the new version has a poster");
}
