//! Issue 14, what a hostile user or a flood could do: live-event replay showing what a
//! watcher may no longer (or never could) see, invites that outlive their purpose, two
//! owners removing each other, and uploads or streams without bounds.

use std::time::Duration;

use base64::Engine;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use sha2::Digest;

use crate::helpers::{assert_error, header, sha256, test_bytes, TestApp, Tweaks, User};
use crate::matrix;
use crate::sse::{SseEvent, SseStream};
use crate::workspaces::{create_workspace, invite};

matrix!(
    replay_shows_outsiders_only_what_they_may_see_now,
    personal_workspaces_take_no_invites,
    invites_admit_as_many_people_as_they_allow,
    two_owners_removing_each_other_leave_an_owner,
);
matrix!(tweaks = super::small_storage; the_storage_quota_refuses_more_and_keeps_what_is_stored);
matrix!(tweaks = super::few_unfinished_uploads; unfinished_uploads_per_user_are_limited);
matrix!(tweaks = super::small_checksum_bodies; checksummed_patch_bodies_are_bounded);
matrix!(tweaks = super::few_streams; live_streams_are_limited_per_user_and_per_address);

fn small_storage() -> Tweaks {
    Tweaks { user_storage_quota: Some(100_000), ..Tweaks::default() }
}

fn few_unfinished_uploads() -> Tweaks {
    Tweaks { max_unfinished_uploads: Some(2), ..Tweaks::default() }
}

fn small_checksum_bodies() -> Tweaks {
    Tweaks { checksum_patch_max: Some(64 * 1024), ..Tweaks::default() }
}

fn few_streams() -> Tweaks {
    Tweaks { sse_per_user: Some(2), sse_per_address: Some(3), ..Tweaks::default() }
}

async fn post_comment(user: &User, video_id: &str, body: Value) -> Value {
    let response =
        user.request(Method::POST, &format!("/api/videos/{video_id}/comments")).json(&body).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.unwrap()
}

async fn edit_video(owner: &User, video_id: &str, body: Value) {
    let response = owner.request(Method::PATCH, &format!("/api/videos/{video_id}")).json(&body).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

/// Everything a `Last-Event-ID: 0` reconnect replays (bounded: it ends when the stream
/// stays quiet for a moment, or after 200 events).
async fn replay_from_zero(user: &User, video_id: &str) -> Vec<SseEvent> {
    let response =
        user.get(&format!("/api/videos/{video_id}/events")).header("Last-Event-ID", "0").send().await.unwrap();
    let mut stream = SseStream::new(response);
    let mut events = Vec::new();
    while events.len() < 200 {
        match stream.next_within(Duration::from_millis(1500)).await {
            Some(event) => events.push(event),
            None => break,
        }
    }
    events
}

fn mentions(events: &[SseEvent], text: &str) -> bool {
    events.iter().any(|event| event.data.to_string().contains(text))
}

async fn replay_shows_outsiders_only_what_they_may_see_now(app: TestApp) {
    let owner = app.sign_up("Olivia").await;
    let viewer = app.sign_up("Victor").await;
    let video = owner.create_video("Secret plans", "private").await;
    let id = video["id"].as_str().unwrap();
    // While private: a remark for the team and an earlier title.
    post_comment(&owner, id, json!({ "body": "private remark" })).await;
    edit_video(&owner, id, json!({ "title": "Still private title" })).await;
    edit_video(&owner, id, json!({ "title": "Launch", "visibility": "unlisted" })).await;

    // Once unlisted: one comment taken back, one edited, one blanked under its reply.
    let regret = post_comment(&viewer, id, json!({ "body": "my password is hunter2" })).await;
    let path = format!("/api/comments/{}", regret["id"].as_str().unwrap());
    assert_eq!(viewer.request(Method::DELETE, &path).send().await.unwrap().status(), StatusCode::NO_CONTENT);
    let draft = post_comment(&viewer, id, json!({ "body": "first draft" })).await;
    let path = format!("/api/comments/{}", draft["id"].as_str().unwrap());
    let edited = viewer.request(Method::PATCH, &path).json(&json!({ "body": "final text" })).send().await.unwrap();
    assert_eq!(edited.status(), StatusCode::OK);
    let thread = post_comment(&viewer, id, json!({ "body": "thread opener to blank" })).await;
    post_comment(&owner, id, json!({ "body": "a reply", "parent_id": thread["id"] })).await;
    let path = format!("/api/comments/{}", thread["id"].as_str().unwrap());
    assert_eq!(viewer.request(Method::DELETE, &path).send().await.unwrap().status(), StatusCode::NO_CONTENT);

    let outsider = replay_from_zero(&app.anonymous(), id).await;
    for gone in
        ["hunter2", "first draft", "thread opener to blank", "private remark", "Still private title", "Secret plans"]
    {
        assert!(!mentions(&outsider, gone), "an anonymous replay shows {gone:?}: {outsider:?}");
    }
    assert!(mentions(&outsider, "final text"), "the edited comment replays as it reads now");
    assert!(mentions(&outsider, "a reply"));
    assert!(outsider.iter().any(|e| e.event == "video.updated" && e.data["title"] == "Launch"));
    assert!(outsider.iter().any(|e| e.event == "comment.deleted" && e.data["id"] == regret["id"]));
    let signed_in_outsider = replay_from_zero(&app.sign_up("Oscar").await, id).await;
    assert!(!mentions(&signed_in_outsider, "private remark") && !mentions(&signed_in_outsider, "hunter2"));

    // The owner saw the private period: it replays for them, but deleted and old text
    // is gone for everyone.
    let manager = replay_from_zero(&owner, id).await;
    assert!(mentions(&manager, "private remark") && mentions(&manager, "Still private title"), "{manager:?}");
    assert!(mentions(&manager, "final text"));
    assert!(!mentions(&manager, "hunter2") && !mentions(&manager, "first draft"), "{manager:?}");
}

async fn personal_workspaces_take_no_invites(app: TestApp) {
    let victim = app.sign_up("Vera").await;
    let response = invite(&victim, &victim.workspace_id, json!({ "role": "owner" })).await;
    assert_error(response, StatusCode::CONFLICT, "conflict").await;
    let open: Value = victim
        .get(&format!("/api/workspaces/{}/invites", victim.workspace_id))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(open["invites"], json!([]));
    // A shared workspace still takes them.
    let shared = create_workspace(&victim, "Team").await;
    assert_eq!(invite(&victim, &shared, json!({})).await.status(), StatusCode::CREATED);
}

async fn accept(user: &User, token: &str) -> reqwest::Response {
    user.request(Method::POST, &format!("/api/invites/{token}/accept")).send().await.unwrap()
}

async fn invites_admit_as_many_people_as_they_allow(app: TestApp) {
    let owner = app.sign_up("Olivia").await;
    let workspace = create_workspace(&owner, "Design").await;
    let people = [app.sign_up("Ann").await, app.sign_up("Ben").await, app.sign_up("Cat").await];

    let single: Value = invite(&owner, &workspace, json!({})).await.json().await.unwrap();
    assert_eq!(single["max_uses"], 1);
    let token = single["token"].as_str().unwrap();
    assert_eq!(accept(&people[0], token).await.status(), StatusCode::OK);
    assert_eq!(accept(&people[0], token).await.status(), StatusCode::OK, "accepting twice is harmless");
    assert_error(accept(&people[1], token).await, StatusCode::GONE, "gone").await;
    assert_eq!(
        people[1].get(&format!("/api/workspaces/{workspace}")).send().await.unwrap().status(),
        StatusCode::NOT_FOUND,
        "a used-up link lets nobody in"
    );

    let double: Value = invite(&owner, &workspace, json!({ "max_uses": 2 })).await.json().await.unwrap();
    let token = double["token"].as_str().unwrap();
    assert_eq!(accept(&people[1], token).await.status(), StatusCode::OK);
    let open: Value =
        owner.get(&format!("/api/workspaces/{workspace}/invites")).send().await.unwrap().json().await.unwrap();
    let listed = open["invites"].as_array().unwrap();
    assert_eq!(listed.len(), 1, "the used-up invite is no longer open: {open}");
    assert_eq!((listed[0]["uses"].clone(), listed[0]["max_uses"].clone()), (json!(1), json!(2)));
    assert_eq!(accept(&people[2], token).await.status(), StatusCode::OK);
    assert_error(accept(&app.sign_up("Dan").await, token).await, StatusCode::GONE, "gone").await;

    for bad in [0, -1, 1001] {
        let response = invite(&owner, &workspace, json!({ "max_uses": bad })).await;
        assert_error(response, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    }
}

/// Two owners remove each other at the same moment, many times over: the check and the
/// removal are one transaction, so one of them always stays.
async fn two_owners_removing_each_other_leave_an_owner(app: TestApp) {
    let first = app.sign_up("Fay").await;
    let second = app.sign_up("Sid").await;
    for round in 0..12 {
        let workspace = create_workspace(&first, &format!("Round {round}")).await;
        let created: Value = invite(&first, &workspace, json!({ "role": "owner" })).await.json().await.unwrap();
        assert_eq!(accept(&second, created["token"].as_str().unwrap()).await.status(), StatusCode::OK);
        let remove = |by: &User, whom: &str| {
            by.request(Method::DELETE, &format!("/api/workspaces/{workspace}/members/{whom}")).send()
        };
        let (a, b) = tokio::join!(remove(&first, &second.id), remove(&second, &first.id));
        let statuses = [a.unwrap().status(), b.unwrap().status()];
        let mut owners = 0;
        for user in [&first, &second] {
            let response = user.get(&format!("/api/workspaces/{workspace}/members")).send().await.unwrap();
            if response.status() == StatusCode::OK {
                let members: Value = response.json().await.unwrap();
                owners = members["members"].as_array().unwrap().iter().filter(|m| m["role"] == "owner").count();
            }
        }
        assert_eq!(owners, 1, "round {round}: {statuses:?} left {owners} owners");
        assert_eq!(statuses.iter().filter(|s| **s == StatusCode::NO_CONTENT).count(), 1, "round {round}: {statuses:?}");
    }
}

async fn the_storage_quota_refuses_more_and_keeps_what_is_stored(app: TestApp) {
    let ada = app.sign_up("Ada").await;
    let kept = test_bytes(60_000, 3);
    let video_id = ada.upload_file(&kept, 30_000, &[("filename", "kept.webm")]).await;

    // 60 000 stored + 50 000 declared > 100 000.
    assert_error(ada.tus_create(Some(50_000), &[]).await, StatusCode::PAYLOAD_TOO_LARGE, "storage_quota_exceeded")
        .await;
    // A deferred upload grows into the quota and is stopped at it.
    let created = ada.tus_create(None, &[]).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let location = header(&created, "location");
    assert_eq!(ada.tus_patch(&location, 0, test_bytes(30_000, 4)).await.status(), StatusCode::NO_CONTENT);
    let over = ada.tus_patch(&location, 30_000, test_bytes(20_000, 5)).await;
    assert_error(over, StatusCode::PAYLOAD_TOO_LARGE, "storage_quota_exceeded").await;
    let declare = ada
        .request(Method::PATCH, &location)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Offset", "30000")
        .header("Upload-Length", "45000")
        .header("Content-Type", "application/offset+octet-stream")
        .send()
        .await
        .unwrap();
    assert_error(declare, StatusCode::PAYLOAD_TOO_LARGE, "storage_quota_exceeded").await;

    // Nothing acknowledged was lost: the upload resumes where it was, within the quota.
    assert_eq!(header(&ada.tus_head(&location).await, "upload-offset"), "30000");
    assert_eq!(ada.tus_patch(&location, 30_000, test_bytes(5_000, 6)).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(header(&ada.tus_head(&location).await, "upload-offset"), "35000");
    assert_eq!(sha256(&ada.download(&format!("/api/videos/{video_id}/original")).await), sha256(&kept));
    // The quota is per user.
    let other = app.sign_up("Bea").await;
    assert_eq!(other.tus_create(Some(90_000), &[]).await.status(), StatusCode::CREATED);
}

async fn unfinished_uploads_per_user_are_limited(app: TestApp) {
    let ada = app.sign_up("Ada").await;
    let first = ada.tus_create(None, &[]).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    assert_eq!(ada.tus_create(Some(1000), &[]).await.status(), StatusCode::CREATED);
    let refused = ada.tus_create(None, &[]).await;
    assert!(refused.headers().contains_key("retry-after"));
    assert_error(refused, StatusCode::TOO_MANY_REQUESTS, "unfinished_upload_limit").await;
    // Finishing or abandoning one frees a place; other people are not affected.
    assert_eq!(app.sign_up("Bea").await.tus_create(None, &[]).await.status(), StatusCode::CREATED);
    let location = header(&first, "location");
    let gone = ada.request(Method::DELETE, &location).header("Tus-Resumable", "1.0.0").send().await.unwrap();
    assert_eq!(gone.status(), StatusCode::NO_CONTENT);
    assert_eq!(ada.tus_create(None, &[]).await.status(), StatusCode::CREATED);
}

fn checksum(body: &[u8]) -> String {
    format!("sha256 {}", base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(body)))
}

async fn checksummed_patch_bodies_are_bounded(app: TestApp) {
    let ada = app.sign_up("Ada").await;
    let data = test_bytes(300_000, 9);
    let created = ada.tus_create(Some(data.len() as u64), &[]).await;
    let location = header(&created, "location");
    let video_id = header(&created, "briefly-video-id");
    let patch = |offset: usize, body: reqwest::Body, sum: String| {
        ada.request(Method::PATCH, &location)
            .header("Tus-Resumable", "1.0.0")
            .header("Upload-Offset", offset.to_string())
            .header("Upload-Checksum", sum)
            .header("Content-Type", "application/offset+octet-stream")
            .body(body)
            .send()
    };
    // Declared too large: refused before a byte is spooled.
    let big = &data[..100_000];
    let response = patch(0, big.to_vec().into(), checksum(big)).await.unwrap();
    assert_error(response, StatusCode::PAYLOAD_TOO_LARGE, "checksum_body_too_large").await;
    // Sent without a length (chunked): cut off once the spool reaches the bound.
    let pieces: Vec<Result<Vec<u8>, std::io::Error>> = big.chunks(16 * 1024).map(|c| Ok(c.to_vec())).collect();
    let chunked = reqwest::Body::wrap_stream(futures::stream::iter(pieces));
    let response = patch(0, chunked, checksum(big)).await.unwrap();
    assert_error(response, StatusCode::PAYLOAD_TOO_LARGE, "checksum_body_too_large").await;
    assert_eq!(header(&ada.tus_head(&location).await, "upload-offset"), "0");

    // Within the bound, checksummed pieces go through; unchecked ones are not spooled.
    let small = &data[..60_000];
    assert_eq!(patch(0, small.to_vec().into(), checksum(small)).await.unwrap().status(), StatusCode::NO_CONTENT);
    assert_eq!(ada.tus_patch(&location, 60_000, data[60_000..].to_vec()).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(sha256(&ada.download(&format!("/api/videos/{video_id}/original")).await), sha256(&data));
}

async fn open_stream(user: &User, video_id: &str) -> reqwest::Response {
    user.get(&format!("/api/videos/{video_id}/events")).send().await.unwrap()
}

async fn live_streams_are_limited_per_user_and_per_address(app: TestApp) {
    let owner = app.sign_up("Olivia").await;
    let video = owner.create_video("Popular", "public").await;
    let id = video["id"].as_str().unwrap();
    let first = SseStream::new(open_stream(&owner, id).await);
    let _second = SseStream::new(open_stream(&owner, id).await);
    let refused = open_stream(&owner, id).await;
    assert!(refused.headers().contains_key("retry-after"));
    assert_error(refused, StatusCode::TOO_MANY_REQUESTS, "stream_limit_per_user").await;

    // Every test client is 127.0.0.1: two streams of Olivia's and one anonymous fill it.
    let _third = SseStream::new(open_stream(&app.anonymous(), id).await);
    assert_error(open_stream(&app.anonymous(), id).await, StatusCode::TOO_MANY_REQUESTS, "stream_limit_per_address")
        .await;
    assert_error(
        open_stream(&app.sign_up("Oscar").await, id).await,
        StatusCode::TOO_MANY_REQUESTS,
        "stream_limit_per_address",
    )
    .await;

    // A closed stream gives its place back once the server notices (at the latest with
    // the next keep-alive, 15 s).
    drop(first);
    let mut reopened = None;
    for _ in 0..40 {
        let response = open_stream(&owner, id).await;
        if response.status() == StatusCode::OK {
            reopened = Some(response);
            break;
        }
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert!(reopened.is_some(), "the place of a closed stream came back within 20 s");
}
