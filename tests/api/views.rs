//! Views and "seen by".

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{assert_error, set_duration, TestApp, User};
use crate::matrix;
use crate::workspaces::{create_workspace, join};

matrix!(seen_by_lists_viewers_with_their_furthest_position);

async fn view(user: &User, video_id: &str, body: Value) -> reqwest::Response {
    user.request(Method::POST, &format!("/api/videos/{video_id}/views")).json(&body).send().await.unwrap()
}

async fn seen_by_lists_viewers_with_their_furthest_position(app: TestApp) {
    let owner = app.sign_up("Olivia").await;
    let teammate = app.sign_up("Tess").await;
    let outsider = app.sign_up("Oscar").await;
    // A shared workspace: personal ones take no invites.
    let team = create_workspace(&owner, "Weekly team").await;
    join(&owner, &teammate, &team).await;
    let video = owner.create_video_in("Weekly", "unlisted", &team).await;
    let id = video["id"].as_str().unwrap();
    set_duration(&app, id, 40_000).await;

    for (user, at) in
        [(&teammate, 10_000), (&teammate, 30_000), (&teammate, 5_000), (&outsider, 99_000), (&owner, 40_000)]
    {
        let response = view(user, id, json!({ "watched_ms": at })).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert!(response.json::<Value>().await.unwrap()["viewer_id"].is_null(), "signed-in viewers need no id");
    }
    // Anonymous viewers get an id to send back, so repeat visits count once.
    let anonymous = app.anonymous();
    let first: Value = view(&anonymous, id, json!({ "watched_ms": 1_000 })).await.json().await.unwrap();
    let viewer_id = first["viewer_id"].as_str().unwrap().to_string();
    let again = view(&anonymous, id, json!({ "watched_ms": 2_000, "viewer_id": viewer_id })).await;
    assert_eq!(again.status(), StatusCode::OK);

    let seen: Value = teammate.get_json(&format!("/api/videos/{id}/viewers")).await;
    assert_eq!(seen["view_count"], 3, "teammate, outsider, one anonymous; the creator is not counted: {seen}");
    assert_eq!(seen["anonymous_count"], 1);
    let mut viewers: Vec<(String, i64, i64)> = seen["viewers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["user"]["name"].as_str().unwrap().to_string(),
                v["watched_ms"].as_i64().unwrap(),
                v["completion_percent"].as_i64().unwrap(),
            )
        })
        .collect();
    viewers.sort();
    assert_eq!(viewers, [("Oscar".to_string(), 40_000, 100), ("Tess".to_string(), 30_000, 75)]);

    // The library shows the same count, with live comments.
    owner
        .request(Method::POST, &format!("/api/videos/{id}/comments"))
        .json(&json!({ "body": "hi" }))
        .send()
        .await
        .unwrap();
    let library: Value = owner.get_json("/api/videos").await;
    let card = library["videos"].as_array().unwrap().iter().find(|v| v["id"] == id).unwrap();
    assert_eq!((card["view_count"].as_i64(), card["comment_count"].as_i64()), (Some(3), Some(1)), "{card}");

    // Only workspace members see who watched.
    assert_error(
        outsider.get(&format!("/api/videos/{id}/viewers")).send().await.unwrap(),
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    assert_error(
        anonymous.get(&format!("/api/videos/{id}/viewers")).send().await.unwrap(),
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    for bad in [
        json!({ "watched_ms": -5 }),
        json!({ "watched_ms": 1, "viewer_id": "short" }),
        json!({ "watched_ms": 1, "viewer_id": "<script>alert(1)</script>" }),
        json!({}),
    ] {
        assert_error(view(&anonymous, id, bad).await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    }
    let private = owner.create_video("Private", "private").await;
    let private_id = private["id"].as_str().unwrap();
    assert_error(view(&outsider, private_id, json!({ "watched_ms": 1 })).await, StatusCode::NOT_FOUND, "not_found")
        .await;
    assert_error(
        outsider.get(&format!("/api/videos/{private_id}/viewers")).send().await.unwrap(),
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}
