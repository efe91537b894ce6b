//! The authorization matrix: owner / other user / anonymous x private / unlisted / public
//! x every video endpoint. Private videos never reveal that they exist (404, not 403).

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{header, test_bytes, tus_metadata, TestApp, User};
use crate::matrix;

matrix!(video_endpoints_respect_visibility, uploads_belong_to_their_creator);

#[derive(Clone, Copy, Debug)]
enum Who {
    Owner,
    Other,
    Anonymous,
}

fn expected(who: Who, visibility: &str, action: &str) -> StatusCode {
    // Anonymous writes are refused before any lookup: 401 for every id, which reveals nothing.
    if matches!(who, Who::Anonymous) && matches!(action, "update" | "delete" | "upload") {
        return StatusCode::UNAUTHORIZED;
    }
    let can_see = matches!(who, Who::Owner) || visibility != "private";
    if !can_see {
        return StatusCode::NOT_FOUND;
    }
    match (who, action) {
        (Who::Owner, "get" | "original" | "update") => StatusCode::OK,
        (Who::Owner, "upload") => StatusCode::CREATED,
        (Who::Owner, "delete") => StatusCode::NO_CONTENT,
        (Who::Owner, other) => panic!("unknown action {other}"),
        (_, "get" | "original") => StatusCode::OK,
        (Who::Anonymous, _) => StatusCode::UNAUTHORIZED,
        (Who::Other, _) => StatusCode::FORBIDDEN,
    }
}

async fn attempt(user: &User, action: &str, video_id: &str) -> StatusCode {
    let path = format!("/api/videos/{video_id}");
    let response = match action {
        "get" => user.get(&path).send().await.unwrap(),
        "original" => user.get(&format!("{path}/original")).send().await.unwrap(),
        "update" => user.request(Method::PATCH, &path).json(&json!({ "title": "hijacked" })).send().await.unwrap(),
        "delete" => user.request(Method::DELETE, &path).send().await.unwrap(),
        "upload" => user
            .request(Method::POST, "/api/uploads")
            .header("Tus-Resumable", "1.0.0")
            .header("Upload-Length", "10")
            .header("Upload-Metadata", tus_metadata(&[("video_id", video_id)]))
            .send()
            .await
            .unwrap(),
        other => panic!("unknown action {other}"),
    };
    let status = response.status();
    if !status.is_success() {
        let body: serde_json::Value = response.json().await.expect("errors are JSON");
        assert!(body["error"]["code"].is_string(), "{body}");
    }
    status
}

async fn video_endpoints_respect_visibility(app: TestApp) {
    let owner = app.sign_up("Owner").await;
    let other = app.sign_up("Other").await;
    let anonymous = app.anonymous();
    let data = test_bytes(1000, 3);
    for visibility in ["private", "unlisted", "public"] {
        for action in ["get", "original", "update", "upload", "delete"] {
            for (who, user) in [(Who::Other, &other), (Who::Anonymous, &anonymous), (Who::Owner, &owner)] {
                // A fresh uploaded video per cell, so deletes and uploads do not interfere.
                let video_id = owner.upload_file(&data, 1000, &[("filename", "v.webm")]).await;
                let set = owner
                    .request(Method::PATCH, &format!("/api/videos/{video_id}"))
                    .json(&json!({ "visibility": visibility }))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(set.status(), StatusCode::OK);
                let target = if action == "upload" {
                    // Uploading needs a video still waiting for media.
                    owner.create_video("empty", visibility).await["id"].as_str().unwrap().to_string()
                } else {
                    video_id.clone()
                };
                let got = attempt(user, action, &target).await;
                assert_eq!(got, expected(who, visibility, action), "{who:?} {action} on {visibility} video");
                // Nothing anyone else did changed the owner's video.
                if !matches!(who, Who::Owner) && action != "upload" {
                    let still = owner.get(&format!("/api/videos/{video_id}")).send().await.unwrap();
                    assert_eq!(still.status(), StatusCode::OK);
                    let still: serde_json::Value = still.json().await.unwrap();
                    assert_ne!(still["title"], "hijacked");
                }
            }
        }
    }
}

async fn uploads_belong_to_their_creator(app: TestApp) {
    let owner = app.sign_up("Owner").await;
    let other = app.sign_up("Other").await;
    let created = owner.tus_create(Some(100), &[("filename", "a.webm")]).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let location = header(&created, "location");
    // Someone else's upload does not exist for them, whatever they try.
    assert_eq!(other.tus_head(&location).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(other.tus_patch(&location, 0, vec![1; 10]).await.status(), StatusCode::NOT_FOUND);
    let terminate = other.request(Method::DELETE, &location).header("Tus-Resumable", "1.0.0").send().await.unwrap();
    assert_eq!(terminate.status(), StatusCode::NOT_FOUND);
    // Anonymous callers must sign in.
    let anon = app.anonymous();
    assert_eq!(anon.tus_patch(&location, 0, vec![1; 10]).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(anon.tus_create(Some(10), &[]).await.status(), StatusCode::UNAUTHORIZED);
    // The owner's upload is untouched.
    let head = owner.tus_head(&location).await;
    assert_eq!(head.status(), StatusCode::OK);
    assert_eq!(header(&head, "upload-offset"), "0");
}
