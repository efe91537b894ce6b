//! Live updates over Server-Sent Events: what arrives, replay, visibility, and delivery
//! across several API processes sharing one PostgreSQL.

use std::time::Duration;

use briefly::Application;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{assert_error, run, Backends, TestApp, Tweaks, User};
use crate::matrix;
use crate::reactions::react;
use crate::sse::SseStream;

matrix!(
    watchers_see_comments_reactions_and_video_changes_live,
    reconnecting_replays_missed_events,
    events_respect_visibility
);

async fn subscribe(user: &User, video_id: &str, last_event_id: Option<&str>) -> SseStream {
    let mut request = user.get(&format!("/api/videos/{video_id}/events"));
    if let Some(id) = last_event_id {
        request = request.header("Last-Event-ID", id);
    }
    SseStream::new(request.send().await.unwrap())
}

async fn comment(user: &User, video_id: &str, body: &str) -> serde_json::Value {
    let response = user
        .request(Method::POST, &format!("/api/videos/{video_id}/comments"))
        .json(&json!({ "body": body, "timestamp_ms": 5_000 }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.unwrap()
}

async fn watchers_see_comments_reactions_and_video_changes_live(app: TestApp) {
    let owner = app.sign_up("Olivia").await;
    let viewer = app.sign_up("Victor").await;
    let video = owner.create_video("Live demo", "unlisted").await;
    let id = video["id"].as_str().unwrap();
    let mut watching = subscribe(&app.anonymous(), id, None).await;

    let posted = comment(&viewer, id, "<b>nice</b> at 0:05").await;
    let event = watching.next().await;
    assert_eq!(event.event, "comment.created");
    assert_eq!(event.data["id"], posted["id"]);
    assert_eq!(event.data["body"], "<b>nice</b> at 0:05");
    let first_id: i64 = event.id.as_deref().unwrap().parse().unwrap();

    let reaction: serde_json::Value = react(&viewer, id, "🎉", 5_000).await.json().await.unwrap();
    let event = watching.next().await;
    assert_eq!((event.event.as_str(), &event.data["emoji"]), ("reaction.created", &json!("🎉")));
    assert!(event.id.as_deref().unwrap().parse::<i64>().unwrap() > first_id, "ids increase");

    let edit = viewer
        .request(Method::PATCH, &format!("/api/comments/{}", posted["id"].as_str().unwrap()))
        .json(&json!({ "body": "edited" }))
        .send()
        .await
        .unwrap();
    assert_eq!(edit.status(), StatusCode::OK);
    let event = watching.next().await;
    assert_eq!((event.event.as_str(), &event.data["body"]), ("comment.updated", &json!("edited")));

    let renamed = owner
        .request(Method::PATCH, &format!("/api/videos/{id}"))
        .json(&json!({ "title": "Renamed" }))
        .send()
        .await
        .unwrap();
    assert_eq!(renamed.status(), StatusCode::OK);
    let event = watching.next().await;
    assert_eq!((event.event.as_str(), &event.data["title"]), ("video.updated", &json!("Renamed")));

    let path = format!("/api/reactions/{}", reaction["id"].as_str().unwrap());
    assert_eq!(viewer.request(Method::DELETE, &path).send().await.unwrap().status(), StatusCode::NO_CONTENT);
    let event = watching.next().await;
    assert_eq!((event.event.as_str(), &event.data["id"]), ("reaction.deleted", &reaction["id"]));

    let path = format!("/api/comments/{}", posted["id"].as_str().unwrap());
    assert_eq!(viewer.request(Method::DELETE, &path).send().await.unwrap().status(), StatusCode::NO_CONTENT);
    let event = watching.next().await;
    assert_eq!((event.event.as_str(), &event.data["id"]), ("comment.deleted", &posted["id"]));

    // Another video's activity does not leak into this stream.
    let elsewhere = owner.create_video("Elsewhere", "unlisted").await;
    comment(&owner, elsewhere["id"].as_str().unwrap(), "not for you").await;
    assert!(watching.next_within(Duration::from_millis(700)).await.is_none());
}

async fn reconnecting_replays_missed_events(app: TestApp) {
    let owner = app.sign_up("Olivia").await;
    let video = owner.create_video("Replay", "private").await;
    let id = video["id"].as_str().unwrap();
    let mut first = subscribe(&owner, id, None).await;
    comment(&owner, id, "one").await;
    let seen = first.next().await;
    drop(first);
    // Missed while disconnected.
    comment(&owner, id, "two").await;
    comment(&owner, id, "three").await;
    let mut again = subscribe(&owner, id, seen.id.as_deref()).await;
    assert_eq!(again.next().await.data["body"], "two");
    assert_eq!(again.next().await.data["body"], "three");
    comment(&owner, id, "four").await;
    assert_eq!(again.next().await.data["body"], "four", "then live, without duplicates");
    assert!(again.next_within(Duration::from_millis(500)).await.is_none());
}

async fn events_respect_visibility(app: TestApp) {
    let owner = app.sign_up("Olivia").await;
    let outsider = app.sign_up("Oscar").await;
    let video = owner.create_video("Secret", "private").await;
    let id = video["id"].as_str().unwrap();
    assert_error(
        outsider.get(&format!("/api/videos/{id}/events")).send().await.unwrap(),
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_error(
        app.anonymous().get(&format!("/api/videos/{id}/events")).send().await.unwrap(),
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_error(
        app.anonymous().get("/api/videos/nosuchvideo1/events").send().await.unwrap(),
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;

    // An unlisted video's watcher is cut off when it turns private.
    let public = owner.create_video("Open", "unlisted").await;
    let public_id = public["id"].as_str().unwrap();
    let mut watching = subscribe(&outsider, public_id, None).await;
    owner
        .request(Method::PATCH, &format!("/api/videos/{public_id}"))
        .json(&json!({ "visibility": "private" }))
        .send()
        .await
        .unwrap();
    comment(&owner, public_id, "members only now").await;
    let mut received = Vec::new();
    while let Some(event) = watching.next_within(Duration::from_millis(800)).await {
        received.push(event.event);
    }
    assert!(!received.contains(&"comment.created".to_string()), "{received:?}");
}

/// Two API processes share one PostgreSQL: a comment posted through one reaches a
/// watcher connected to the other (LISTEN/NOTIFY). SQLite is single-process by design.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_cross_api_processes_on_postgres() {
    run(Backends::PostgresS3, Tweaks::default(), |app: TestApp| async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let second = Application::build(app.config.clone(), listener).await.unwrap().without_worker();
        let second_base = format!("http://{}", second.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(second.run_until(async move {
            let _ = stopped.await;
        }));

        let owner = app.sign_up("Olivia").await;
        let video = owner.create_video("Scaled out", "public").await;
        let id = video["id"].as_str().unwrap();
        let on_second = User::for_base(app.browser(), &second_base);
        let mut watching = subscribe(&on_second, id, None).await;
        let posted = comment(&owner, id, "from process one").await;
        let event = watching.next().await;
        assert_eq!((event.event.as_str(), &event.data["id"]), ("comment.created", &posted["id"]));

        let _ = stop.send(());
        let _ = tokio::time::timeout(Duration::from_secs(10), server).await;
    })
    .await;
}

matrix!(tweaks = super::without_worker; finishing_an_upload_is_announced);

fn without_worker() -> Tweaks {
    Tweaks { no_worker: true, ..Tweaks::default() }
}

/// The share page learns the moment the recording's last byte lands.
async fn finishing_an_upload_is_announced(app: TestApp) {
    let owner = app.sign_up("Olivia").await;
    let video = owner.create_video("Recording", "unlisted").await;
    let id = video["id"].as_str().unwrap();
    let mut watching = subscribe(&app.anonymous(), id, None).await;
    owner
        .upload_file(&crate::helpers::test_bytes(3000, 7), 1000, &[("video_id", id), ("filetype", "video/webm")])
        .await;
    let event = watching.next().await;
    assert_eq!(event.event, "video.updated");
    assert_eq!(event.data["status"], "uploaded");
    assert!(event.data["original_url"].is_string());
    assert!(event.data["error"].is_null() && event.data["can_manage"] == false, "no manager-only fields");
}
