//! Transcripts in the speaker's language: detection with the multilingual model, search
//! with and without accents, a manager's language choice and the workspace default, the
//! English translation track, and bad language input.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::fixtures::{self, plain_words, spoken_recording, Spoken, FRENCH, GERMAN, RUSSIAN, SPANISH};
use crate::helpers::{assert_error, TestApp, Tweaks, User};
use crate::processing::{bytes, settled};
use crate::workspaces::{create_workspace, join};

fn with_multilingual_model() -> Tweaks {
    Tweaks { whisper_model: Some(fixtures::multilingual_model()), ..Default::default() }
}

crate::matrix!(
    tweaks = super::with_multilingual_model;
    spanish_is_detected_and_found_with_or_without_accents,
    german_is_detected_and_found_with_or_without_accents,
    french_is_detected_and_found_with_or_without_accents,
    russian_is_detected_and_found_in_cyrillic,
    the_workspace_default_applies_and_a_language_change_retranscribes);
crate::matrix!(language_input_is_checked);

async fn spanish_is_detected_and_found_with_or_without_accents(app: TestApp) {
    detected_and_found(app, &SPANISH).await
}
async fn german_is_detected_and_found_with_or_without_accents(app: TestApp) {
    detected_and_found(app, &GERMAN).await
}
async fn french_is_detected_and_found_with_or_without_accents(app: TestApp) {
    detected_and_found(app, &FRENCH).await
}
async fn russian_is_detected_and_found_in_cyrillic(app: TestApp) {
    detected_and_found(app, &RUSSIAN).await
}

/// A video's id, once `spoken` is uploaded into it.
async fn upload_spoken(user: &User, video: &Value, spoken: &Spoken) -> String {
    let id = video["id"].as_str().unwrap().to_string();
    let data = std::fs::read(spoken_recording(spoken)).unwrap();
    let metadata = [("video_id", id.as_str()), ("filename", "update.mkv"), ("filetype", "audio/x-matroska")];
    user.upload_file(&data, 256 * 1024, &metadata).await;
    id
}

/// The share of `said`'s words that `heard` has, compared without case, accents or
/// punctuation.
fn words_recovered(said: &str, heard: &str) -> f64 {
    let heard = plain_words(heard);
    let said = plain_words(said);
    let found = said.iter().filter(|word| heard.contains(word)).count();
    found as f64 / said.len() as f64
}

async fn transcript_text(user: &User, id: &str) -> String {
    let transcript = user.get_json(&format!("/api/videos/{id}/transcript")).await;
    let segments = transcript["segments"].as_array().unwrap();
    segments.iter().map(|s| s["text"].as_str().unwrap()).collect::<Vec<_>>().join(" ")
}

/// The transcript search hit for `query` on video `id`, if any.
pub async fn search_hit(user: &User, query: &str, id: &str) -> Option<Value> {
    let path = format!("/api/search?q={}", urlencoding::encode(query));
    let hits = user.get_json(&path).await;
    hits["hits"]
        .as_array()
        .unwrap_or_else(|| panic!("search: {hits}"))
        .iter()
        .find(|h| h["video_id"] == id && h["kind"] == "transcript")
        .cloned()
}

async fn detected_and_found(app: TestApp, spoken: &Spoken) {
    let ada = app.sign_up("ada").await;
    let bob = app.sign_up("bob").await;
    let video = ada.create_video("Weekly update", "private").await;
    let id = upload_spoken(&ada, &video, spoken).await;
    let video = settled(&ada, &id).await;
    assert_eq!(video["transcript_status"], "ready", "{video}");
    assert_eq!(video["language"], spoken.language, "detected language: {video}");
    assert_eq!(video["language_setting"], Value::Null, "nobody chose one");

    let text = transcript_text(&ada, &id).await;
    let share = words_recovered(spoken.sentence, &text);
    assert!(share >= 0.8, "{:.0} % of the words came back: said {:?}, heard {text:?}", share * 100.0, spoken.sentence);

    // Captions say their language.
    let (_, vtt) = bytes(&ada, &format!("/api/videos/{id}/captions.vtt")).await;
    let vtt = String::from_utf8(vtt).unwrap();
    assert!(vtt.starts_with(&format!("WEBVTT\nKind: captions\nLanguage: {}\n", spoken.language)), "{vtt}");

    // The same moment by the accented and the plain spelling; nobody else finds it.
    for query in [spoken.accented, spoken.unaccented] {
        let hit = search_hit(&ada, query, &id).await.unwrap_or_else(|| panic!("{query:?} finds nothing in {text:?}"));
        let start = hit["start_ms"].as_i64().unwrap();
        assert!(start < fixtures::LEAD_IN_MS + 8_000, "{query:?} at {start} ms");
        assert!(search_hit(&bob, query, &id).await.is_none(), "a private video leaked by {query:?}");
    }
}

async fn the_workspace_default_applies_and_a_language_change_retranscribes(app: TestApp) {
    let ada = app.sign_up("ada").await;
    let workspace = create_workspace(&ada, "Madrid").await;
    let changed = ada.patch_json(&format!("/api/workspaces/{workspace}"), json!({ "default_language": "en" })).await;
    assert_eq!(changed.status(), StatusCode::OK);
    assert_eq!(changed.json::<Value>().await.unwrap()["default_language"], "en");

    // Spanish heard as English, because the workspace says so.
    let video = ada.create_video_in("Actualización", "private", &workspace).await;
    let id = upload_spoken(&ada, &video, &SPANISH).await;
    let video = settled(&ada, &id).await;
    assert_eq!(video["transcript_status"], "ready", "{video}");
    assert_eq!(video["language"], "en", "the workspace default decides: {video}");

    // The manager asks for detection: transcribed again, now in Spanish.
    let changed = ada.patch_json(&format!("/api/videos/{id}"), json!({ "language": "auto" })).await;
    assert_eq!(changed.status(), StatusCode::OK);
    let changed: Value = changed.json().await.unwrap();
    assert_eq!(changed["language_setting"], "auto");
    assert_eq!(changed["transcript_status"], "processing", "{changed}");
    let video = settled(&ada, &id).await;
    assert_eq!(video["transcript_status"], "ready", "{video}");
    assert_eq!(video["language"], "es", "{video}");
    assert!(search_hit(&ada, SPANISH.unaccented, &id).await.is_some(), "{}", transcript_text(&ada, &id).await);

    // An English translation as a second caption track.
    assert_eq!(video["translation_url"], Value::Null);
    let changed = ada.patch_json(&format!("/api/videos/{id}"), json!({ "translate": true })).await;
    assert_eq!(changed.status(), StatusCode::OK);
    assert_eq!(changed.json::<Value>().await.unwrap()["translate"], true);
    let url = translation_url(&ada, &id).await;
    let (content_type, vtt) = bytes(&ada, &url).await;
    assert!(content_type.starts_with("text/vtt"), "{content_type}");
    let vtt = String::from_utf8(vtt).unwrap();
    assert!(vtt.starts_with("WEBVTT\nKind: captions\nLanguage: en\n") && vtt.contains(" --> "), "{vtt}");
    // The captions in the spoken language are still there, and still Spanish.
    let (_, captions) = bytes(&ada, &format!("/api/videos/{id}/captions.vtt")).await;
    assert!(String::from_utf8(captions).unwrap().contains("Language: es\n"));

    // Turning it off takes the track away.
    let changed = ada.patch_json(&format!("/api/videos/{id}"), json!({ "translate": false })).await;
    let changed: Value = changed.json().await.unwrap();
    assert_eq!(changed["translation_url"], Value::Null, "{changed}");
}

/// Poll (bounded) until the video's translation track exists.
pub async fn translation_url(user: &User, id: &str) -> String {
    for _ in 0..600 {
        let video = user.get_json(&format!("/api/videos/{id}")).await;
        if let Some(url) = video["translation_url"].as_str() {
            return url.to_string();
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("no translation of {id} within 120 s");
}

async fn language_input_is_checked(app: TestApp) {
    let ada = app.sign_up("ada").await;
    let bob = app.sign_up("bob").await;

    let languages = app.anonymous().get_json("/api/languages").await;
    let languages = languages["languages"].as_array().unwrap();
    assert_eq!(languages.len(), 100);
    assert!(languages.iter().any(|l| l["code"] == "de" && l["name"] == "german"), "{languages:?}");

    let video = ada.create_video("Update", "private").await;
    let id = video["id"].as_str().unwrap();
    assert_eq!(video["language"], Value::Null);
    for bad in [json!("xx"), json!("EN"), json!("english"), json!(""), json!(5)] {
        let response = ada.patch_json(&format!("/api/videos/{id}"), json!({ "language": bad })).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "language {bad}");
    }
    let response = ada.patch_json(&format!("/api/videos/{id}"), json!({ "translate": "yes" })).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // A good choice is kept, and null goes back to the workspace's default.
    let chosen: Value =
        ada.patch_json(&format!("/api/videos/{id}"), json!({ "language": "de" })).await.json().await.unwrap();
    assert_eq!(chosen["language_setting"], "de");
    let reset: Value =
        ada.patch_json(&format!("/api/videos/{id}"), json!({ "language": null })).await.json().await.unwrap();
    assert_eq!(reset["language_setting"], Value::Null);
    // Someone else's private video does not exist for them.
    assert_error(
        bob.patch_json(&format!("/api/videos/{id}"), json!({ "language": "de" })).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;

    // Corrections need a transcript, a segment and text.
    let segment = format!("/api/videos/{id}/transcript/segments/0");
    assert_error(ada.patch_json(&segment, json!({ "text": "Hello" })).await, StatusCode::CONFLICT, "conflict").await;
    assert_error(bob.patch_json(&segment, json!({ "text": "Hello" })).await, StatusCode::NOT_FOUND, "not_found").await;
    for bad in
        [json!({ "text": "" }), json!({ "text": "   " }), json!({ "text": "x".repeat(2001) }), json!({ "text": 3 })]
    {
        assert_eq!(ada.patch_json(&segment, bad.clone()).await.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    assert_eq!(
        ada.patch_json(&format!("/api/videos/{id}/transcript/segments/first"), json!({ "text": "Hi" })).await.status(),
        StatusCode::NOT_FOUND
    );

    // A workspace's default: owners only; a member is refused, a stranger finds nothing.
    let workspace = create_workspace(&ada, "Berlin").await;
    join(&ada, &bob, &workspace).await;
    let path = format!("/api/workspaces/{workspace}");
    assert_error(bob.patch_json(&path, json!({ "default_language": "de" })).await, StatusCode::FORBIDDEN, "forbidden")
        .await;
    let carol = app.sign_up("carol").await;
    assert_error(
        carol.patch_json(&path, json!({ "default_language": "de" })).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    for bad in [json!("xx"), json!("Deutsch"), json!(1)] {
        let response = ada.patch_json(&path, json!({ "default_language": bad })).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "default_language {bad}");
    }
    let set: Value = ada.patch_json(&path, json!({ "default_language": "de" })).await.json().await.unwrap();
    assert_eq!(set["default_language"], "de");
    assert_eq!(bob.get_json(&path).await["default_language"], "de", "members see it");
}
