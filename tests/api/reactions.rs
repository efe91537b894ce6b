//! Emoji reactions on the timeline: validation, counts, removal, limits.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{assert_error, set_duration, TestApp, User};
use crate::matrix;

matrix!(reactions_land_on_the_timeline_with_counts, only_real_single_emoji_are_accepted);
matrix!(tweaks = crate::comments::strict_limits; reactions_are_rate_limited);

pub async fn react(user: &User, video_id: &str, emoji: &str, timestamp_ms: i64) -> reqwest::Response {
    user.request(Method::POST, &format!("/api/videos/{video_id}/reactions"))
        .json(&json!({ "emoji": emoji, "timestamp_ms": timestamp_ms }))
        .send()
        .await
        .unwrap()
}

async fn reactions_land_on_the_timeline_with_counts(app: TestApp) {
    let owner = app.sign_up("Olivia").await;
    let viewer = app.sign_up("Victor").await;
    let video = owner.create_video("Demo", "unlisted").await;
    let id = video["id"].as_str().unwrap();
    set_duration(&app, id, 30_000).await;

    let created = react(&viewer, id, "👍🏽", 7_000).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let thumbs: Value = created.json().await.unwrap();
    assert_eq!(thumbs["emoji"], "👍🏽");
    assert_eq!(thumbs["user"], json!({ "id": viewer.id, "name": "Victor" }));
    for (user, emoji, at) in [(&owner, "🎉", 2_000), (&viewer, "🎉", 29_000), (&owner, "❤", 15_000)] {
        assert_eq!(react(user, id, emoji, at).await.status(), StatusCode::CREATED);
    }

    let list: Value =
        app.anonymous().get(&format!("/api/videos/{id}/reactions")).send().await.unwrap().json().await.unwrap();
    let at: Vec<i64> =
        list["reactions"].as_array().unwrap().iter().map(|r| r["timestamp_ms"].as_i64().unwrap()).collect();
    assert_eq!(at, [2_000, 7_000, 15_000, 29_000], "timeline order");
    assert_eq!(list["counts"], json!({ "🎉": 2, "👍🏽": 1, "❤️": 1 }), "unqualified ❤ counts as ❤️");

    let page: Value =
        owner.get(&format!("/api/videos/{id}/reactions?limit=3")).send().await.unwrap().json().await.unwrap();
    assert_eq!(page["reactions"].as_array().unwrap().len(), 3);
    let cursor = page["next_cursor"].as_str().expect("a second page");
    let rest: Value = owner
        .get(&format!("/api/videos/{id}/reactions?limit=3&cursor={cursor}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(rest["reactions"][0]["timestamp_ms"], 29_000);
    assert!(rest["next_cursor"].is_null());

    // Only your own reaction can be removed.
    let path = format!("/api/reactions/{}", thumbs["id"].as_str().unwrap());
    assert_error(owner.request(Method::DELETE, &path).send().await.unwrap(), StatusCode::FORBIDDEN, "forbidden").await;
    assert_error(
        app.anonymous().request(Method::DELETE, &path).send().await.unwrap(),
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    assert_eq!(viewer.request(Method::DELETE, &path).send().await.unwrap().status(), StatusCode::NO_CONTENT);
    assert_error(viewer.request(Method::DELETE, &path).send().await.unwrap(), StatusCode::NOT_FOUND, "not_found").await;
    let after: Value = owner.get(&format!("/api/videos/{id}/reactions")).send().await.unwrap().json().await.unwrap();
    assert_eq!(after["counts"], json!({ "🎉": 2, "❤️": 1 }));
}

async fn only_real_single_emoji_are_accepted(app: TestApp) {
    let owner = app.sign_up("Olivia").await;
    let video = owner.create_video("Demo", "private").await;
    let id = video["id"].as_str().unwrap();
    set_duration(&app, id, 10_000).await;
    for good in ["👍", "👋🏿", "🇺🇦", "👩‍👩‍👧‍👦", "🏳️‍🌈", "🧑🏽‍🚀", "😂"]
    {
        assert_eq!(react(&owner, id, good, 1).await.status(), StatusCode::CREATED, "{good}");
    }
    for bad in ["", "x", "ok", "👍👍", "👍 ", " 👍", ":thumbsup:", "<b>👍</b>", "🇺", "\u{200d}", "1", "©x"]
    {
        assert_error(react(&owner, id, bad, 1).await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    }
    for bad_time in [-1, 10_001, i64::MAX] {
        assert_error(react(&owner, id, "👍", bad_time).await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
            .await;
    }
    let missing_time = owner
        .request(Method::POST, &format!("/api/videos/{id}/reactions"))
        .json(&json!({ "emoji": "👍" }))
        .send()
        .await
        .unwrap();
    assert_error(missing_time, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_error(react(&owner, "nosuchvideo1", "👍", 0).await, StatusCode::NOT_FOUND, "not_found").await;
    assert_error(
        app.anonymous().request(Method::DELETE, "/api/reactions/abc").send().await.unwrap(),
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    assert_error(
        owner.request(Method::DELETE, "/api/reactions/nosuchreaction").send().await.unwrap(),
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

async fn reactions_are_rate_limited(app: TestApp) {
    let owner = app.sign_up("Olivia").await;
    let video = owner.create_video("Demo", "public").await;
    let id = video["id"].as_str().unwrap();
    let mut statuses = Vec::new();
    for n in 0..10 {
        statuses.push(react(&owner, id, "👍", n).await.status());
    }
    assert_eq!(statuses[0], StatusCode::CREATED);
    assert!(statuses.contains(&StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");
    let limited = react(&owner, id, "👍", 0).await;
    assert!(limited.headers().contains_key("retry-after"));
    assert_error(limited, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
}
