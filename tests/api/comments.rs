//! Timestamped comments: threads, order, paging, editing, deleting, hostile input.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{assert_error, set_duration, TestApp, Tweaks, User};
use crate::matrix;

matrix!(
    comments_thread_in_timeline_order,
    comments_page_with_a_cursor,
    editing_and_deleting_comments,
    hostile_comment_input_is_refused_or_kept_verbatim
);
matrix!(tweaks = super::strict_limits; comments_are_rate_limited);

pub fn strict_limits() -> Tweaks {
    Tweaks { write_limits: Some((4, 4)), ..Tweaks::default() }
}

pub async fn comment(user: &User, video_id: &str, body: Value) -> reqwest::Response {
    user.request(Method::POST, &format!("/api/videos/{video_id}/comments")).json(&body).send().await.unwrap()
}

async fn posted(user: &User, video_id: &str, body: Value) -> Value {
    let response = comment(user, video_id, body).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.unwrap()
}

async fn list(user: &User, path: &str) -> Value {
    let response = user.get(path).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.json().await.unwrap()
}

async fn comments_thread_in_timeline_order(app: TestApp) {
    let owner = app.sign_up("Olivia").await;
    let viewer = app.sign_up("Victor").await;
    let video = owner.create_video("Monday update", "unlisted").await;
    let id = video["id"].as_str().unwrap();
    set_duration(&app, id, 60_000).await;

    let late = posted(&viewer, id, json!({ "body": "at 0:42", "timestamp_ms": 42_000 })).await;
    let general = posted(&viewer, id, json!({ "body": "great update overall" })).await;
    let early = posted(&owner, id, json!({ "body": "at 0:05", "timestamp_ms": 5_000 })).await;
    assert_eq!(early["author"], json!({ "id": owner.id, "name": "Olivia" }));
    assert_eq!(early["timestamp_ms"], 5_000);
    assert!(early["parent_id"].is_null() && early["edited_at"].is_null());
    assert!(early["created_at"].as_str().unwrap().ends_with('Z'));
    let reply = posted(&owner, id, json!({ "body": "thanks!", "parent_id": late["id"], "timestamp_ms": 42_500 })).await;
    assert_eq!(reply["parent_id"], late["id"]);

    let page = list(&viewer, &format!("/api/videos/{id}/comments")).await;
    let order: Vec<&str> = page["comments"].as_array().unwrap().iter().map(|c| c["body"].as_str().unwrap()).collect();
    assert_eq!(order, ["at 0:05", "at 0:42", "great update overall"], "timestamped first, general last");
    assert_eq!(page["comments"][1]["replies"][0]["id"], reply["id"]);
    assert_eq!(page["comments"][0]["replies"], json!([]));
    assert!(page["next_cursor"].is_null());
    assert_eq!(general["timestamp_ms"], Value::Null);

    // Anonymous viewers of an unlisted video read comments but cannot write them.
    let anonymous = app.anonymous();
    assert_eq!(list(&anonymous, &format!("/api/videos/{id}/comments")).await["comments"].as_array().unwrap().len(), 3);
    assert_error(comment(&anonymous, id, json!({ "body": "hi" })).await, StatusCode::UNAUTHORIZED, "unauthorized")
        .await;
}

async fn comments_page_with_a_cursor(app: TestApp) {
    let owner = app.sign_up("Olivia").await;
    let video = owner.create_video("Long discussion", "private").await;
    let id = video["id"].as_str().unwrap();
    // Several comments share a timestamp, so paging must break ties consistently.
    for n in 0..23 {
        let parent =
            posted(&owner, id, json!({ "body": format!("comment {n}"), "timestamp_ms": (n / 3) * 1000 })).await;
        // Every comment that ends or follows a page boundary has a reply.
        if n % 5 == 4 || n % 5 == 0 {
            posted(&owner, id, json!({ "body": format!("reply to {n}"), "parent_id": parent["id"] })).await;
        }
    }
    let mut seen = Vec::new();
    let mut replies_seen: Vec<Value> = Vec::new();
    let mut path = format!("/api/videos/{id}/comments?limit=5");
    for _ in 0..10 {
        let page = list(&owner, &path).await;
        let comments = page["comments"].as_array().unwrap();
        assert!(comments.len() <= 5);
        seen.extend(
            comments.iter().map(|c| (c["timestamp_ms"].as_i64().unwrap(), c["body"].as_str().unwrap().to_string())),
        );
        for comment in comments {
            for reply in comment["replies"].as_array().unwrap() {
                assert_eq!(reply["parent_id"], comment["id"], "replies sit under their own parent");
                let number = comment["body"].as_str().unwrap().trim_start_matches("comment ");
                assert_eq!(reply["body"], format!("reply to {number}"));
                replies_seen.push(reply["id"].clone());
            }
        }
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/videos/{id}/comments?limit=5&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), 23, "every comment exactly once");
    let replies = replies_seen.len();
    replies_seen.dedup();
    assert_eq!((replies, replies_seen.len()), (9, 9), "every reply exactly once, on its parent's page");
    let mut sorted = seen.clone();
    sorted.sort_by_key(|(ms, _)| *ms);
    assert_eq!(seen.iter().map(|s| s.0).collect::<Vec<_>>(), sorted.iter().map(|s| s.0).collect::<Vec<_>>());
    let mut bodies: Vec<_> = seen.iter().map(|s| s.1.clone()).collect();
    bodies.sort();
    bodies.dedup();
    assert_eq!(bodies.len(), 23);

    assert_error(
        owner.get(&format!("/api/videos/{id}/comments?cursor=%%%")).send().await.unwrap(),
        StatusCode::BAD_REQUEST,
        "bad_request",
    )
    .await;
    assert_error(
        owner.get(&format!("/api/videos/{id}/comments?limit=0")).send().await.unwrap(),
        StatusCode::BAD_REQUEST,
        "bad_request",
    )
    .await;
}

async fn editing_and_deleting_comments(app: TestApp) {
    let owner = app.sign_up("Olivia").await;
    let author = app.sign_up("Ana").await;
    let other = app.sign_up("Oscar").await;
    let video = owner.create_video("Demo", "public").await;
    let id = video["id"].as_str().unwrap();
    let parent = posted(&author, id, json!({ "body": "first", "timestamp_ms": 1000 })).await;
    let parent_id = parent["id"].as_str().unwrap();
    let reply = posted(&other, id, json!({ "body": "a reply", "parent_id": parent_id })).await;

    // Only the author edits.
    let path = format!("/api/comments/{parent_id}");
    let edit = |user: &User, body: &str| user.request(Method::PATCH, &path).json(&json!({ "body": body })).send();
    assert_error(edit(&other, "hijack").await.unwrap(), StatusCode::FORBIDDEN, "forbidden").await;
    assert_error(edit(&owner, "hijack").await.unwrap(), StatusCode::FORBIDDEN, "forbidden").await;
    let edited: Value = edit(&author, "first (edited)").await.unwrap().json().await.unwrap();
    assert_eq!(edited["body"], "first (edited)");
    assert!(edited["edited_at"].is_string());

    // Someone else cannot delete; the parent with a reply stays as a placeholder.
    let delete = |user: &User, path: String| user.request(Method::DELETE, &path).send();
    assert_error(delete(&other, path.clone()).await.unwrap(), StatusCode::FORBIDDEN, "forbidden").await;
    assert_eq!(delete(&author, path.clone()).await.unwrap().status(), StatusCode::NO_CONTENT);
    let page = list(&owner, &format!("/api/videos/{id}/comments")).await;
    let placeholder = &page["comments"][0];
    assert_eq!(placeholder["deleted"], true);
    assert_eq!(placeholder["body"], "");
    assert_eq!(placeholder["replies"][0]["id"], reply["id"]);
    assert_error(edit(&author, "back").await.unwrap(), StatusCode::CONFLICT, "conflict").await;

    // The video's owner moderates; removing the last reply removes the placeholder too.
    let reply_path = format!("/api/comments/{}", reply["id"].as_str().unwrap());
    assert_eq!(delete(&owner, reply_path.clone()).await.unwrap().status(), StatusCode::NO_CONTENT);
    assert_eq!(list(&owner, &format!("/api/videos/{id}/comments")).await["comments"], json!([]));
    assert_error(delete(&owner, reply_path).await.unwrap(), StatusCode::NOT_FOUND, "not_found").await;
    assert_error(
        delete(&owner, "/api/comments/nosuchcomment1".into()).await.unwrap(),
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

async fn hostile_comment_input_is_refused_or_kept_verbatim(app: TestApp) {
    let owner = app.sign_up("Olivia").await;
    let video = owner.create_video("Demo", "private").await;
    let id = video["id"].as_str().unwrap();
    set_duration(&app, id, 10_000).await;
    let other_video = owner.create_video("Other", "private").await;
    let other_id = other_video["id"].as_str().unwrap();

    let markup = "<script>alert('x')</script> & <img src=x onerror=alert(1)> \"quoted\"\n  ";
    let kept = posted(&owner, id, json!({ "body": markup, "timestamp_ms": 10_000 })).await;
    assert_eq!(kept["body"], markup, "stored and returned exactly as written");
    let emoji_heavy = "🎉".repeat(10_000);
    assert_eq!(comment(&owner, id, json!({ "body": emoji_heavy })).await.status(), StatusCode::CREATED);

    for (body, why) in [
        (json!({ "body": "x".repeat(10_001) }), "too long"),
        (json!({ "body": "   " }), "blank"),
        (json!({ "body": "bell\u{7}" }), "control character"),
        (json!({ "body": "hi", "timestamp_ms": -1 }), "negative timestamp"),
        (json!({ "body": "hi", "timestamp_ms": 10_001 }), "past the end"),
        (json!({ "body": "hi", "parent_id": "nosuchparent1" }), "unknown parent"),
        (json!({ "body": "hi", "parent_id": "../../etc" }), "malformed parent"),
        (json!({ "body": 42 }), "wrong type"),
        (json!({ "body": "hi", "timestamp_ms": "soon" }), "timestamp not a number"),
        (json!({ "body": "hi", "colour": "red" }), "unknown field"),
    ] {
        let response = comment(&owner, id, body).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{why}");
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["error"]["code"], "validation_failed", "{why}: {error}");
    }

    // Replies must stay within one video and one level.
    let elsewhere = posted(&owner, other_id, json!({ "body": "elsewhere" })).await;
    let cross = comment(&owner, id, json!({ "body": "hi", "parent_id": elsewhere["id"] })).await;
    assert_error(cross, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let reply = posted(&owner, id, json!({ "body": "reply", "parent_id": kept["id"] })).await;
    let nested = comment(&owner, id, json!({ "body": "deeper", "parent_id": reply["id"] })).await;
    assert_error(nested, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;

    // Not JSON, broken JSON, huge JSON, unknown video.
    let raw = owner.request(Method::POST, &format!("/api/videos/{id}/comments"));
    assert_error(
        raw.body("body=hi").send().await.unwrap(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;
    let broken = owner
        .request(Method::POST, &format!("/api/videos/{id}/comments"))
        .header("content-type", "application/json")
        .body("{\"body\": ")
        .send()
        .await
        .unwrap();
    assert_error(broken, StatusCode::BAD_REQUEST, "bad_request").await;
    let huge = comment(&owner, id, json!({ "body": "x".repeat(300_000) })).await;
    assert_error(huge, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
    assert_error(comment(&owner, "nosuchvideo1", json!({ "body": "hi" })).await, StatusCode::NOT_FOUND, "not_found")
        .await;

    // The server is still fine.
    assert_eq!(owner.get("/healthz").send().await.unwrap().status(), StatusCode::OK);
}

async fn comments_are_rate_limited(app: TestApp) {
    let owner = app.sign_up("Olivia").await;
    let other = app.sign_up("Oscar").await;
    let video = owner.create_video("Demo", "public").await;
    let id = video["id"].as_str().unwrap();
    let mut limited = None;
    for n in 0..10 {
        let response = comment(&owner, id, json!({ "body": format!("spam {n}") })).await;
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(response);
            break;
        }
        assert_eq!(response.status(), StatusCode::CREATED);
    }
    let limited = limited.expect("a burst of 10 comments with a limit of 4 per minute is refused");
    let retry_after: u64 = limited.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    assert_error(limited, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    // The limit is per user.
    assert_eq!(comment(&other, id, json!({ "body": "my turn" })).await.status(), StatusCode::CREATED);
}
