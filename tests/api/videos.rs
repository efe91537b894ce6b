//! Video CRUD, listing and pagination.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{assert_error, test_bytes, TestApp};
use crate::matrix;

matrix!(create_get_update_delete, listing_is_newest_first_with_cursor_pages, delete_removes_media_from_storage);

async fn create_get_update_delete(app: TestApp) {
    let ada = app.sign_up("Ada").await;
    let video = ada.create_video("Monday update", "unlisted").await;
    let id = video["id"].as_str().unwrap();
    assert_eq!(video["title"], "Monday update");
    assert_eq!(video["visibility"], "unlisted");
    assert_eq!(video["status"], "waiting_upload");
    assert_eq!(video["workspace_id"], ada.workspace_id.as_str());
    assert_eq!(video["share_path"], format!("/v/{id}"));

    let default_private = ada.create_video("Defaults", "private").await;
    assert_eq!(default_private["visibility"], "private");
    let no_visibility: Value = ada
        .request(Method::POST, "/api/videos")
        .json(&json!({ "title": "no visibility given" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(no_visibility["visibility"], "private", "private is the safe default");

    let fetched: Value = ada.get(&format!("/api/videos/{id}")).send().await.unwrap().json().await.unwrap();
    assert_eq!(fetched["id"], id);
    assert_eq!(fetched["can_manage"], true);

    let renamed = ada
        .request(Method::PATCH, &format!("/api/videos/{id}"))
        .json(&json!({ "title": "  Tuesday update  ", "visibility": "public" }))
        .send()
        .await
        .unwrap();
    assert_eq!(renamed.status(), StatusCode::OK);
    let renamed: Value = renamed.json().await.unwrap();
    assert_eq!(renamed["title"], "Tuesday update");
    assert_eq!(renamed["visibility"], "public");

    let deleted = ada.request(Method::DELETE, &format!("/api/videos/{id}")).send().await.unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_error(ada.get(&format!("/api/videos/{id}")).send().await.unwrap(), StatusCode::NOT_FOUND, "not_found").await;
    assert_error(
        ada.request(Method::DELETE, &format!("/api/videos/{id}")).send().await.unwrap(),
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

async fn listing_is_newest_first_with_cursor_pages(app: TestApp) {
    let ada = app.sign_up("Ada").await;
    let bob = app.sign_up("Bob").await;
    let mut created = Vec::new();
    for n in 0..5 {
        let video = ada.create_video(&format!("video {n}"), "private").await;
        created.push((video["created_at"].as_str().unwrap().to_string(), video["id"].as_str().unwrap().to_string()));
    }
    let bobs_public = bob.create_video("Bob's public", "public").await;
    let _bobs_unlisted = bob.create_video("Bob's unlisted", "unlisted").await;
    let _bobs_private = bob.create_video("Bob's private", "private").await;

    // Ada pages through: her 5 videos and Bob's public one, newest first, 2 at a time.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    for _page in 0..10 {
        let path = match &cursor {
            Some(c) => format!("/api/videos?limit=2&cursor={c}"),
            None => "/api/videos?limit=2".to_string(),
        };
        let page: Value = ada.get(&path).send().await.unwrap().json().await.unwrap();
        let videos = page["videos"].as_array().unwrap();
        assert!(videos.len() <= 2);
        seen.extend(videos.iter().map(|v| v["id"].as_str().unwrap().to_string()));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    // Newest first; videos created in the same millisecond are ordered by id, descending.
    created.push((
        bobs_public["created_at"].as_str().unwrap().to_string(),
        bobs_public["id"].as_str().unwrap().to_string(),
    ));
    created.sort();
    let expected: Vec<String> = created.iter().rev().map(|(_, id)| id.clone()).collect();
    assert_eq!(seen, expected, "newest first, each exactly once, unlisted/private of others never listed");

    // Anonymous visitors see public videos only.
    let anon: Value = app.anonymous().get("/api/videos").send().await.unwrap().json().await.unwrap();
    let anon_ids: Vec<&str> = anon["videos"].as_array().unwrap().iter().map(|v| v["id"].as_str().unwrap()).collect();
    assert_eq!(anon_ids, vec![bobs_public["id"].as_str().unwrap()]);

    // Filter by workspace.
    let mine: Value =
        ada.get(&format!("/api/videos?workspace_id={}", ada.workspace_id)).send().await.unwrap().json().await.unwrap();
    assert_eq!(mine["videos"].as_array().unwrap().len(), 5);
}

async fn delete_removes_media_from_storage(app: TestApp) {
    let ada = app.sign_up("Ada").await;
    let data = test_bytes(300_000, 7);
    let video_id = ada.upload_file(&data, 100_000, &[("filename", "clip.webm")]).await;
    let key = format!("videos/{video_id}/original");
    assert_eq!(app.store.size(&key).await.unwrap(), data.len() as u64);
    let deleted = ada.request(Method::DELETE, &format!("/api/videos/{video_id}")).send().await.unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert!(matches!(app.store.size(&key).await, Err(briefly::store::StoreError::NotFound)), "media is gone too");
}
