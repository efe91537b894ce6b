//! Transcript corrections: a manager fixes what was heard; captions, the transcript and
//! search follow at once, who and when is recorded, and transcribing again keeps it.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::fixtures::{self, fixture};
use crate::helpers::{assert_error, TestApp, Tweaks, User};
use crate::processing::{bytes, settled};
use crate::workspaces::{create_workspace, join};

fn with_model() -> Tweaks {
    Tweaks { whisper_model: Some(fixtures::whisper_model()), ..Default::default() }
}

crate::matrix!(
    tweaks = super::with_model;
    a_correction_is_searched_captioned_and_kept);

async fn finds(user: &User, query: &str, id: &str) -> bool {
    crate::languages::search_hit(user, query, id).await.is_some()
}

/// The index of the first segment whose text has `word`, and that text.
fn segment_with(transcript: &Value, word: &str) -> (usize, String) {
    let segments = transcript["segments"].as_array().unwrap();
    segments
        .iter()
        .enumerate()
        .find_map(|(i, s)| {
            let text = s["text"].as_str().unwrap();
            text.to_lowercase().contains(word).then(|| (i, text.to_string()))
        })
        .unwrap_or_else(|| panic!("no segment says {word:?}: {transcript}"))
}

async fn a_correction_is_searched_captioned_and_kept(app: TestApp) {
    let ada = app.sign_up("ada").await;
    let workspace = create_workspace(&ada, "Team").await;
    let video = ada.create_video_in("Update", "private", &workspace).await;
    let id = video["id"].as_str().unwrap().to_string();
    let data = std::fs::read(fixture("speech-audio-only.webm")).unwrap();
    ada.upload_file(&data, 256 * 1024, &[("video_id", id.as_str()), ("filetype", "audio/webm")]).await;
    let video = settled(&ada, &id).await;
    assert_eq!(video["transcript_status"], "ready", "{video}");
    let transcript = ada.get_json(&format!("/api/videos/{id}/transcript")).await;
    let (index, heard) = segment_with(&transcript, "migration");
    assert!(transcript["segments"][index].get("edited_by").is_none(), "nobody edited it yet");

    // A workspace member can watch but not correct.
    let bob = app.sign_up("bob").await;
    join(&ada, &bob, &workspace).await;
    let segment = format!("/api/videos/{id}/transcript/segments/{index}");
    let fixed_text = "Hello team. We decided to postpone the rollout until next quarter.";
    assert_error(bob.patch_json(&segment, json!({ "text": fixed_text })).await, StatusCode::FORBIDDEN, "forbidden")
        .await;
    let past_the_end =
        format!("/api/videos/{id}/transcript/segments/{}", transcript["segments"].as_array().unwrap().len());
    assert_error(
        ada.patch_json(&past_the_end, json!({ "text": fixed_text })).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;

    let response = ada.patch_json(&segment, json!({ "text": fixed_text })).await;
    assert_eq!(response.status(), StatusCode::OK);
    let corrected: Value = response.json().await.unwrap();
    assert_eq!(corrected["text"], fixed_text);
    assert_eq!(corrected["edited_by"], ada.id.as_str());
    assert!(corrected["edited_at"].as_str().unwrap().ends_with('Z'), "{corrected}");
    assert_eq!(corrected["start_ms"], transcript["segments"][index]["start_ms"], "the segment keeps its time");

    // Everything a viewer sees follows at once: transcript, captions, search.
    let now = bob.get_json(&format!("/api/videos/{id}/transcript")).await;
    assert_eq!(now["segments"][index]["text"], fixed_text);
    let (_, vtt) = bytes(&bob, &format!("/api/videos/{id}/captions.vtt")).await;
    let vtt = String::from_utf8(vtt).unwrap();
    assert!(vtt.contains("rollout") && !vtt.contains(heard.trim()), "{vtt}");
    assert!(finds(&bob, "rollout", &id).await, "the corrected word is found");
    assert!(finds(&bob, "postpone", &id).await);
    assert!(!finds(&bob, "migration", &id).await, "the heard word is gone from search");

    // Transcribing again (the manager fixes the language) keeps the correction.
    let changed = ada.patch_json(&format!("/api/videos/{id}"), json!({ "language": "en" })).await;
    assert_eq!(changed.status(), StatusCode::OK);
    assert_eq!(changed.json::<Value>().await.unwrap()["transcript_status"], "processing");
    let video = settled(&ada, &id).await;
    assert_eq!(video["transcript_status"], "ready", "{video}");
    let again = ada.get_json(&format!("/api/videos/{id}/transcript")).await;
    let (_, kept) = segment_with(&again, "rollout");
    assert_eq!(kept, fixed_text);
    assert!(finds(&ada, "rollout", &id).await && !finds(&ada, "migration", &id).await);

    // English speech asked for an English translation: the track is the corrected transcript.
    let changed = ada.patch_json(&format!("/api/videos/{id}"), json!({ "translate": true })).await;
    assert_eq!(changed.status(), StatusCode::OK);
    let url = crate::languages::translation_url(&ada, &id).await;
    let (_, vtt) = bytes(&bob, &url).await;
    let vtt = String::from_utf8(vtt).unwrap();
    assert!(vtt.starts_with("WEBVTT\nKind: captions\nLanguage: en\n") && vtt.contains("rollout"), "{vtt}");
}
