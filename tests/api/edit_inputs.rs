//! Editing's bad input, its permissions, proposed cuts (silences with known places) and
//! the poster (a moment, or an uploaded image).

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::edits::{send, spoken_video};
use crate::fixtures::{self, LEAD_IN_MS};
use crate::helpers::{assert_error, TestApp, User};
use crate::processing::bytes;
use crate::workspaces::{create_workspace, join};

crate::matrix!(
    tweaks = crate::edits::with_model;
    bad_edits_are_refused_and_only_managers_edit,
    silences_are_proposed_where_they_are_and_posters_are_chosen);

async fn bad_edits_are_refused_and_only_managers_edit(app: TestApp) {
    let ada = app.sign_up("ada").await;
    let id = spoken_video(&ada).await;
    let source_ms = ada.get_json(&format!("/api/videos/{id}")).await["duration_ms"].as_i64().unwrap();
    let path = format!("/api/videos/{id}/edit");
    let put = |body: Value| {
        let (ada, path) = (&ada, path.clone());
        async move { ada.request(Method::PUT, &path).json(&body).send().await.unwrap() }
    };
    let range = |start_ms: i64, end_ms: i64| json!({ "start_ms": start_ms, "end_ms": end_ms });
    for keep in [
        json!([]),                                  // removes everything
        json!([range(0, 2000), range(1000, 3000)]), // overlapping
        json!([range(2000, 3000), range(0, 1000)]), // unordered
        json!([range(1000, 1000)]),                 // empty
        json!([range(0, source_ms + 1)]),           // past the end
        json!([range(-5, 1000)]),                   // before the start
    ] {
        assert_error(
            put(json!({ "version": 0, "keep": keep })).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
    }
    assert_error(put(json!({ "version": 0 })).await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let cuts = format!("/api/videos/{id}/edit/cuts");
    let everything = json!({ "version": 0, "cuts": [range(0, source_ms)] });
    assert_error(
        ada.request(Method::POST, &cuts).json(&everything).send().await.unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;

    // Two editors: the second save, made from the same version, is refused.
    let first = put(json!({ "version": 0, "keep": [range(0, source_ms - 1000)] })).await;
    assert_eq!(first.status(), StatusCode::OK);
    assert_error(
        put(json!({ "version": 0, "keep": [range(1000, source_ms)] })).await,
        StatusCode::CONFLICT,
        "stale_edit",
    )
    .await;
    let edit = ada.get_json(&path).await;
    assert_eq!(edit["version"], 1);
    assert_eq!(edit["keep"], json!([range(0, source_ms - 1000)]), "the first save stands");

    // Members watch but do not edit; others do not learn the video exists.
    let bob = app.sign_up("bob").await;
    let eve = app.sign_up("eve").await;
    assert_error(bob.get(&path).send().await.unwrap(), StatusCode::NOT_FOUND, "not_found").await;
    let workspace = create_workspace(&ada, "Team").await;
    let shared = ada.create_video_in("Shared", "private", &workspace).await;
    join(&ada, &bob, &workspace).await;
    let shared_path = format!("/api/videos/{}/edit", shared["id"].as_str().unwrap());
    assert_error(bob.get(&shared_path).send().await.unwrap(), StatusCode::FORBIDDEN, "forbidden").await;
    assert_error(eve.request(Method::DELETE, &shared_path).send().await.unwrap(), StatusCode::NOT_FOUND, "not_found")
        .await;
    // A video with nothing uploaded has nothing to edit yet.
    let empty = json!({ "version": 0, "keep": [range(0, 1000)] });
    assert_error(
        ada.request(Method::PUT, &shared_path).json(&empty).send().await.unwrap(),
        StatusCode::CONFLICT,
        "conflict",
    )
    .await;
}

/// Poll until the video's poster URL differs from `before`.
async fn poster_changed(user: &User, id: &str, before: &Value) -> Value {
    for _ in 0..300 {
        let video = user.get_json(&format!("/api/videos/{id}")).await;
        if video["poster_url"] != *before {
            return video;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("the poster of {id} did not change within 60 s");
}

async fn silences_are_proposed_where_they_are_and_posters_are_chosen(app: TestApp) {
    let ada = app.sign_up("ada").await;
    let id = spoken_video(&ada).await;
    let video = ada.get_json(&format!("/api/videos/{id}")).await;
    let source_ms = video["duration_ms"].as_i64().unwrap();

    // The fixture: LEAD_IN_MS of silence, speech, one second of silence. 300 ms of each
    // silence stays by default (150 ms on each side).
    let (status, proposals) = send(&ada, Method::GET, &format!("/api/videos/{id}/edit/proposals"), None).await;
    assert_eq!(status, StatusCode::OK, "{proposals}");
    let silences = proposals["silences"].as_array().unwrap();
    assert!(!silences.is_empty(), "{proposals}");
    let first = (silences[0]["start_ms"].as_i64().unwrap(), silences[0]["end_ms"].as_i64().unwrap());
    assert!((first.0 - 150).abs() <= 60 && (first.1 - (LEAD_IN_MS - 150)).abs() <= 150, "lead-in silence: {first:?}");
    let last = silences.last().unwrap();
    let last = (last["start_ms"].as_i64().unwrap(), last["end_ms"].as_i64().unwrap());
    // The trailing second (and espeak-ng's own short tail) after the speech, less the pause kept.
    assert!(last.0 > first.1 + 2500 && last.1 - last.0 >= 650 && last.1 <= source_ms, "trailing silence: {last:?}");
    assert!(proposals["fillers"].as_array().unwrap().is_empty(), "espeak-ng says no um: {proposals}");
    // A minimum between the two silences' lengths (each proposal is its silence less the
    // 300 ms kept) leaves only the longer lead-in.
    assert!(first.1 - first.0 > last.1 - last.0 + 100, "lead-in {first:?} vs trailing {last:?}");
    let between = (first.1 - first.0 + last.1 - last.0) / 2 + 300;
    let longer = format!("/api/videos/{id}/edit/proposals?min_silence_ms={between}");
    let (_, fewer) = send(&ada, Method::GET, &longer, None).await;
    assert_eq!(fewer["silences"].as_array().unwrap().len(), 1, "{fewer}");
    assert_eq!(fewer["silences"][0], silences[0], "{fewer}");
    for bad in ["threshold_db=0", "min_silence_ms=50", "keep_pause_ms=-1", "keep_pause_ms=2000"] {
        let path = format!("/api/videos/{id}/edit/proposals?{bad}");
        assert_error(ada.get(&path).send().await.unwrap(), StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    }
    assert_error(
        ada.get(&format!("/api/videos/{id}/edit/proposals?threshold_db=loud")).send().await.unwrap(),
        StatusCode::BAD_REQUEST,
        "bad_request",
    )
    .await;

    // The proposals are cuts: removing both silences shortens the video by their length.
    let cuts = json!({ "version": 0, "cuts": [silences[0], silences[silences.len() - 1]] });
    let (status, saved) = send(&ada, Method::POST, &format!("/api/videos/{id}/edit/cuts"), Some(cuts)).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let removed = (first.1 - first.0) + (last.1 - last.0);
    assert_eq!(saved["duration_ms"].as_i64(), Some(source_ms - removed), "{saved}");
    let edited = crate::edits::published(&ada, &id, 1).await;

    // A poster from a moment: made by a job, then the URL changes.
    let poster = format!("/api/videos/{id}/poster");
    let before = edited["poster_url"].clone();
    let (status, queued) = send(&ada, Method::PUT, &poster, Some(json!({ "timestamp_ms": 2000 }))).await;
    assert_eq!((status, queued["status"].as_str()), (StatusCode::ACCEPTED, Some("queued")));
    let video = poster_changed(&ada, &id, &before).await;
    let (content_type, jpeg) = bytes(&ada, video["poster_url"].as_str().unwrap()).await;
    assert_eq!(content_type, "image/jpeg");
    assert_eq!(fixtures::jpeg_dimensions(&jpeg), Some((640, 360)));
    let after_cut = json!({ "timestamp_ms": source_ms });
    assert_error(
        ada.request(Method::PUT, &poster).json(&after_cut).send().await.unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;

    // An uploaded image: decoded and made our own JPEG at once.
    let png = {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("poster.png");
        let status = std::process::Command::new("ffmpeg")
            .args([
                "-hide_banner",
                "-loglevel",
                "error",
                "-f",
                "lavfi",
                "-i",
                "color=c=red:s=320x240",
                "-frames:v",
                "1",
            ])
            .arg(&file)
            .status()
            .unwrap();
        assert!(status.success());
        std::fs::read(file).unwrap()
    };
    let upload = |content_type: &str, body: Vec<u8>| {
        ada.request(Method::PUT, &poster).header("content-type", content_type).body(body).send()
    };
    let response = upload("image/png", png.clone()).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let video: Value = response.json().await.unwrap();
    let (_, jpeg) = bytes(&ada, video["poster_url"].as_str().unwrap()).await;
    assert_eq!(fixtures::jpeg_dimensions(&jpeg), Some((320, 240)));
    let thumbnail = bytes(&ada, video["thumbnail_url"].as_str().unwrap()).await.1;
    assert_eq!(fixtures::jpeg_dimensions(&thumbnail).map(|d| d.0), Some(320));
    assert_error(
        upload("image/png", b"not a picture at all".repeat(10)).await.unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_error(
        upload("image/gif", png.clone()).await.unwrap(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;
    assert_error(
        upload("image/jpeg", vec![0xff; 6 * 1024 * 1024]).await.unwrap(),
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
    )
    .await;
    // Someone else's video: not found, whatever the body.
    let eve = app.sign_up("eve").await;
    let response =
        eve.request(Method::PUT, &poster).header("content-type", "image/png").body(png).send().await.unwrap();
    assert_error(response, StatusCode::NOT_FOUND, "not_found").await;
}
