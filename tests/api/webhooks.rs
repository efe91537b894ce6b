//! Outgoing webhooks against real receivers on 127.0.0.1: signed `video.ready` after
//! processing, retries with every attempt recorded, final failure, the private-address
//! guard at registration and at delivery, who may manage hooks, hostile input, and
//! deliveries going out at once while the media queue is busy.

mod receiver;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use briefly::db::{now_ms, Db, DeliveryRow, Notifications, Signal, WebhookRow, JOBS_CHANNEL};
use briefly::events::EventHub;
use briefly::jobs::{spawn_workers, Job, JobQueue, Queue, WorkerOptions};
use reqwest::{Method, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use self::receiver::{signature_is_valid, Receiver};
use crate::fixtures::fixture;
use crate::helpers::{assert_error, Backends, TestApp, Tweaks, User};
use crate::matrix;
use crate::workspaces::{create_workspace, join};

fn receivers_allowed() -> Tweaks {
    Tweaks { webhook_allow_private_targets: true, ..Default::default() }
}

/// The test runs its own fast-retrying workers instead of the app's (5 s backoff, 2 s polls).
fn receivers_allowed_fast_workers() -> Tweaks {
    Tweaks { webhook_allow_private_targets: true, no_worker: true, ..Default::default() }
}

fn private_refused_fast_workers() -> Tweaks {
    Tweaks { no_worker: true, ..Default::default() }
}

matrix!(tweaks = super::receivers_allowed; video_ready_is_delivered_signed, only_owners_manage_webhooks, bad_input_is_rejected);
matrix!(tweaks = super::receivers_allowed_fast_workers; comments_and_reactions_are_delivered);
matrix!(
    tweaks = super::receivers_allowed_fast_workers;
    failed_attempts_are_retried_then_delivered,
    deliveries_that_keep_failing_end_failed,
    old_deliveries_are_forgotten
);
matrix!(tweaks = super::private_refused_fast_workers; private_targets_are_refused);
matrix!(tweaks = super::receivers_allowed_fast_workers; deliveries_do_not_wait_for_media);

/// Workers like the app's (same job kinds, both queues), but polling every 50 ms with a
/// 20 ms backoff.
struct FastWorkers {
    db: Db,
    queue: JobQueue,
    stop: CancellationToken,
}

impl FastWorkers {
    async fn start(app: &TestApp) -> FastWorkers {
        let db = Db::connect(app.config.database_url()).await.unwrap();
        let queue = JobQueue::new(db.clone());
        let events = EventHub::new(db.clone());
        let videos = briefly::videos::Videos::new(db.clone(), app.store.clone(), events, None);
        let registry =
            briefly::app::job_registry(&app.config, db.clone(), app.store.clone(), videos, queue.clone()).unwrap();
        let registry = Arc::new(registry);
        let options = WorkerOptions {
            concurrency: 2,
            lease: Duration::from_secs(15),
            poll_interval: Duration::from_millis(50),
            base_backoff: Duration::from_millis(20),
        };
        let stop = CancellationToken::new();
        for target in [Queue::MEDIA, Queue::DELIVERIES] {
            spawn_workers(queue.clone(), registry.clone(), target, options.clone(), stop.clone());
        }
        FastWorkers { db, queue, stop }
    }

    /// What the comment and reaction handlers do when something happens.
    async fn announce(&self, workspace_id: &str, event: &str, data: Value) {
        briefly::webhooks::enqueue_deliveries(&self.db, &self.queue, workspace_id, event, data).await.unwrap();
    }
}

impl Drop for FastWorkers {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

fn hooks_path(workspace_id: &str) -> String {
    format!("/api/workspaces/{workspace_id}/webhooks")
}

async fn register(owner: &User, url: &str, events: &[&str]) -> Value {
    register_in(owner, &owner.workspace_id, url, events).await
}

async fn register_in(owner: &User, workspace_id: &str, url: &str, events: &[&str]) -> Value {
    let response = owner
        .request(Method::POST, &hooks_path(workspace_id))
        .json(&json!({ "url": url, "events": events }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.unwrap()
}

async fn deliveries(owner: &User, hook_id: &str) -> Vec<Value> {
    let path = format!("{}/{hook_id}/deliveries", hooks_path(&owner.workspace_id));
    let response = owner.get(&path).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    body["deliveries"].as_array().unwrap().clone()
}

/// Poll (bounded) until the hook's deliveries satisfy `done`.
async fn deliveries_until(owner: &User, hook_id: &str, limit: Duration, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    let started = std::time::Instant::now();
    loop {
        let found = deliveries(owner, hook_id).await;
        if done(&found) {
            return found;
        }
        assert!(started.elapsed() < limit, "deliveries did not settle within {limit:?}: {found:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn unix_now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64
}

async fn video_ready_is_delivered_signed(app: TestApp) {
    let receiver = Receiver::start(vec![]).await;
    let ada = app.sign_up("Ada").await;
    let hook = register(&ada, &receiver.url("/ready"), &["video.ready"]).await;
    let comments_only = register(&ada, &receiver.url("/comments"), &["comment.created"]).await;
    let secret = hook["secret"].as_str().unwrap();
    assert!(secret.starts_with("whsec_") && secret.len() >= 40, "{secret}");
    assert_ne!(secret, comments_only["secret"].as_str().unwrap());
    assert_eq!(hook["events"], json!(["video.ready"]));

    let clip = std::fs::read(fixture("video-only.webm")).unwrap();
    let video_id = ada.upload_file(&clip, 256 * 1024, &[("filename", "clip.webm"), ("filetype", "video/webm")]).await;
    let hook_id = hook["id"].as_str().unwrap();
    let settled =
        deliveries_until(&ada, hook_id, Duration::from_secs(120), |d| d.len() == 1 && d[0]["status"] != "pending")
            .await;
    let delivery = &settled[0];
    assert_eq!(delivery["status"], "delivered", "{delivery}");
    assert_eq!(delivery["event"], "video.ready");
    assert_eq!(delivery["attempts"], 1);
    assert_eq!(delivery["response_status"], 200);
    assert_eq!(delivery["error"], Value::Null);
    assert!(delivery["delivered_at"].is_string());

    let requests = receiver.requests();
    assert_eq!(requests.len(), 1, "only the video.ready hook hears about a ready video");
    let request = &requests[0];
    assert_eq!(request.path, "/ready");
    assert_eq!(request.header("content-type"), "application/json");
    assert_eq!(request.header("briefly-event"), "video.ready");
    assert_eq!(request.header("briefly-delivery"), delivery["id"].as_str().unwrap());
    let timestamp: i64 = request.header("briefly-timestamp").parse().unwrap();
    assert!((unix_now() - timestamp).abs() < 300, "timestamp {timestamp} is not now");
    assert!(signature_is_valid(secret, request), "signature does not verify");
    assert!(!signature_is_valid(comments_only["secret"].as_str().unwrap(), request), "another secret must not verify");
    let mut tampered = request.clone();
    tampered.body = String::from_utf8(tampered.body).unwrap().replace("ready", "reedy").into_bytes();
    assert!(!signature_is_valid(secret, &tampered), "a changed body must not verify");

    let body = request.json();
    assert_eq!(body["id"], delivery["id"]);
    assert_eq!(body["event"], "video.ready");
    assert_eq!(body["workspace_id"], ada.workspace_id.as_str());
    assert_eq!(body["created_at"], delivery["created_at"]);
    assert_eq!(body["data"]["id"], video_id.as_str());
    assert_eq!(body["data"]["status"], "ready");
    assert!(body["data"]["media_url"].is_string(), "{body}");
    assert!(body["data"].get("error").is_none_or(Value::is_null), "manager-only fields stay out: {body}");
    assert!(deliveries(&ada, comments_only["id"].as_str().unwrap()).await.is_empty());
}

async fn failed_attempts_are_retried_then_delivered(app: TestApp) {
    // The first attempt gets a 500; the second is held until the test has seen the first
    // attempt recorded, then answered 200.
    let receiver = Receiver::start_holding(vec![500, 200], Some(1)).await;
    let ada = app.sign_up("Ada").await;
    let hook = register(&ada, &receiver.url("/hook"), &["comment.created"]).await;
    let hook_id = hook["id"].as_str().unwrap();
    let workers = FastWorkers::start(&app).await;
    workers.announce(&ada.workspace_id, "comment.created", json!({ "id": "c1", "body": "Looks good" })).await;

    let first =
        deliveries_until(&ada, hook_id, Duration::from_secs(30), |d| d.len() == 1 && d[0]["attempts"] == 1).await;
    assert_eq!(first[0]["status"], "pending", "{first:?}");
    assert_eq!(first[0]["response_status"], 500);
    assert!(first[0]["error"].as_str().unwrap().contains("500"), "{first:?}");
    assert_eq!(first[0]["delivered_at"], Value::Null);

    receiver.release();
    let done =
        deliveries_until(&ada, hook_id, Duration::from_secs(30), |d| d.len() == 1 && d[0]["status"] != "pending").await;
    assert_eq!(done[0]["status"], "delivered", "{done:?}");
    assert_eq!(done[0]["attempts"], 2);
    assert_eq!(done[0]["response_status"], 200);
    assert_eq!(done[0]["error"], Value::Null);

    let requests = receiver.requests();
    assert_eq!(requests.len(), 2);
    // A retry repeats the delivery: same id and same bytes, each attempt signed.
    assert_eq!(requests[0].header("briefly-delivery"), requests[1].header("briefly-delivery"));
    assert_eq!(requests[0].body, requests[1].body);
    let secret = hook["secret"].as_str().unwrap();
    assert!(requests.iter().all(|r| signature_is_valid(secret, r)));
    assert_eq!(requests[1].json()["data"]["body"], "Looks good");
}

async fn deliveries_that_keep_failing_end_failed(app: TestApp) {
    let receiver = Receiver::start(vec![503; 20]).await;
    let closed_port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let ada = app.sign_up("Ada").await;
    let answering = register(&ada, &receiver.url("/hook"), &["reaction.created"]).await;
    let unreachable = register(&ada, &format!("http://127.0.0.1:{closed_port}/hook"), &["reaction.created"]).await;
    let workers = FastWorkers::start(&app).await;
    workers.announce(&ada.workspace_id, "reaction.created", json!({ "emoji": "👍" })).await;

    let given_up = |d: &[Value]| d.len() == 1 && d[0]["status"] != "pending";
    let failed = deliveries_until(&ada, answering["id"].as_str().unwrap(), Duration::from_secs(60), given_up).await;
    assert_eq!(failed[0]["status"], "failed", "{failed:?}");
    assert_eq!(failed[0]["attempts"], 8);
    assert_eq!(failed[0]["response_status"], 503);
    let error = failed[0]["error"].as_str().unwrap();
    assert!(error.contains("gave up after 8 attempts") && error.contains("503"), "{error}");
    assert_eq!(receiver.requests().len(), 8);

    let failed = deliveries_until(&ada, unreachable["id"].as_str().unwrap(), Duration::from_secs(60), given_up).await;
    assert_eq!(failed[0]["status"], "failed", "{failed:?}");
    assert_eq!(failed[0]["attempts"], 8);
    assert_eq!(failed[0]["response_status"], Value::Null);
    let error = failed[0]["error"].as_str().unwrap().to_lowercase();
    assert!(error.contains("connect"), "a network error says what went wrong: {error}");
}

async fn old_deliveries_are_forgotten(app: TestApp) {
    let ada = app.sign_up("Ada").await;
    let hook = register(&ada, "http://127.0.0.1:9/hook", &["video.ready"]).await;
    let hook_id = hook["id"].as_str().unwrap();
    let db = Db::connect(app.config.database_url()).await.unwrap();
    let long_ago = now_ms() - briefly::webhooks::DELIVERY_RETENTION_MS - 60_000;
    for (id, status) in [("oldDelivered1", "delivered"), ("oldFailed0001", "failed"), ("oldPending001", "pending")] {
        let old = DeliveryRow {
            id: id.into(),
            webhook_id: hook_id.into(),
            event: "video.ready".into(),
            payload: "{}".into(),
            status: status.into(),
            attempts: 1,
            response_status: None,
            error: None,
            created_at: long_ago,
            delivered_at: None,
        };
        db.insert_delivery(&old).await.unwrap();
    }
    // No worker runs in this app, so the new delivery simply stays queued.
    let queue = JobQueue::new(db.clone());
    briefly::webhooks::enqueue_deliveries(&db, &queue, &ada.workspace_id, "video.ready", json!({})).await.unwrap();
    let left = deliveries(&ada, hook_id).await;
    let ids: Vec<&str> = left.iter().map(|d| d["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 2, "{left:?}");
    assert!(ids[0].len() == 20 && ids[0] != "oldPending001", "the new delivery comes first: {ids:?}");
    assert_eq!(ids[1], "oldPending001", "a pending delivery is kept whatever its age");
}

async fn private_targets_are_refused(app: TestApp) {
    let ada = app.sign_up("Ada").await;
    let receiver = Receiver::start(vec![]).await;
    for url in [
        receiver.url("/hook"),
        "http://localhost/hook".to_string(),
        "http://[::1]:8080/hook".to_string(),
        "http://10.0.0.7/hook".to_string(),
        "http://192.168.1.10/hook".to_string(),
        "http://169.254.169.254/latest/meta-data/".to_string(),
        "http://[::ffff:127.0.0.1]/hook".to_string(),
        "http://0.0.0.0:8080/".to_string(),
        "http://2130706433/".to_string(), // 127.0.0.1 as one number
    ] {
        let response = ada
            .request(Method::POST, &hooks_path(&ada.workspace_id))
            .json(&json!({ "url": url, "events": ["video.ready"] }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{url}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "validation_failed");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains("public addresses"), "{url}: {message}");
    }
    // A public address literal is fine (registration contacts nobody).
    register(&ada, "https://93.184.216.34/hook", &["video.ready"]).await;

    // A hook whose name pointed somewhere public when registered but private now (DNS
    // changed): the delivery is refused at send time, once, with the reason.
    let db = Db::connect(app.config.database_url()).await.unwrap();
    let hook = WebhookRow {
        id: briefly::domain::random_id(20),
        workspace_id: ada.workspace_id.clone(),
        url: receiver.url("/hook"),
        secret: "whsec_test".into(),
        events: r#"["video.ready"]"#.into(),
        created_by: Some(ada.id.clone()),
        created_at: now_ms(),
    };
    db.insert_webhook(&hook).await.unwrap();
    let workers = FastWorkers::start(&app).await;
    workers.announce(&ada.workspace_id, "video.ready", json!({ "id": "v1" })).await;
    let settled =
        deliveries_until(&ada, &hook.id, Duration::from_secs(30), |d| d.len() == 1 && d[0]["status"] != "pending")
            .await;
    assert_eq!(settled[0]["status"], "failed", "{settled:?}");
    assert_eq!(settled[0]["attempts"], 1, "a refused target is not retried");
    let error = settled[0]["error"].as_str().unwrap();
    assert!(error.contains("127.0.0.1") && error.contains("BRIEFLY_WEBHOOK_ALLOW_PRIVATE_TARGETS"), "{error}");
    assert!(receiver.requests().is_empty(), "nothing may reach the private address");
}

async fn only_owners_manage_webhooks(app: TestApp) {
    let receiver = Receiver::start(vec![]).await;
    let ada = app.sign_up("Ada").await;
    let bob = app.sign_up("Bob").await;
    let carol = app.sign_up("Carol").await;
    let ws = &create_workspace(&ada, "Platform team").await;
    join(&ada, &carol, ws).await;
    let hook = register_in(&ada, ws, &receiver.url("/hook"), &["video.ready", "comment.created"]).await;
    let hook_id = hook["id"].as_str().unwrap();
    let routes = |body: Value| {
        [
            (Method::POST, hooks_path(ws), Some(body)),
            (Method::GET, hooks_path(ws), None),
            (Method::GET, format!("{}/{hook_id}/deliveries", hooks_path(ws)), None),
            (Method::DELETE, format!("{}/{hook_id}", hooks_path(ws)), None),
        ]
    };
    // Even an invalid body: who is asking is settled before what they sent.
    let bad_body = json!({ "url": "ftp://nope", "events": [] });
    for (caller, status, code) in [
        (&app.anonymous(), StatusCode::UNAUTHORIZED, "unauthorized"),
        (&bob, StatusCode::NOT_FOUND, "not_found"),
        (&carol, StatusCode::FORBIDDEN, "forbidden"),
    ] {
        for (method, path, body) in routes(bad_body.clone()) {
            let mut request = caller.request(method.clone(), &path);
            if let Some(body) = body {
                request = request.json(&body);
            }
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), status, "{method} {path} as {}", caller.email);
            assert_error(response, status, code).await;
        }
    }

    // Another workspace's owner cannot reach the hook through their own workspace.
    let foreign = format!("{}/{hook_id}", hooks_path(&bob.workspace_id));
    assert_error(bob.get(&format!("{foreign}/deliveries")).send().await.unwrap(), StatusCode::NOT_FOUND, "not_found")
        .await;
    assert_error(bob.request(Method::DELETE, &foreign).send().await.unwrap(), StatusCode::NOT_FOUND, "not_found").await;
    for path in ["/api/workspaces/NoSuchWorkspace1234/webhooks", "/api/workspaces/..%2F..%2Fetc/webhooks"] {
        assert_error(ada.get(path).send().await.unwrap(), StatusCode::NOT_FOUND, "not_found").await;
    }

    // The owner: the list never shows secrets; delete is final.
    let listed: Value = ada.get(&hooks_path(ws)).send().await.unwrap().json().await.unwrap();
    assert_eq!(listed["webhooks"].as_array().unwrap().len(), 1);
    let entry = &listed["webhooks"][0];
    assert_eq!(entry["id"], hook["id"]);
    assert_eq!(entry["url"], receiver.url("/hook"));
    assert_eq!(entry["events"], json!(["video.ready", "comment.created"]));
    assert_eq!(entry["created_at"], hook["created_at"]);
    assert!(entry.get("secret").is_none(), "{entry}");
    let path = format!("{}/{hook_id}/deliveries", hooks_path(ws));
    let listed: Value = ada.get(&path).send().await.unwrap().json().await.unwrap();
    assert_eq!(listed, json!({ "deliveries": [] }));

    // A member who leaves is an outsider again.
    let left =
        carol.request(Method::DELETE, &format!("/api/workspaces/{ws}/members/{}", carol.id)).send().await.unwrap();
    assert_eq!(left.status(), StatusCode::NO_CONTENT);
    assert_error(carol.get(&hooks_path(ws)).send().await.unwrap(), StatusCode::NOT_FOUND, "not_found").await;

    let deleted = ada.request(Method::DELETE, &format!("{}/{hook_id}", hooks_path(ws))).send().await.unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let again = ada.request(Method::DELETE, &format!("{}/{hook_id}", hooks_path(ws))).send().await.unwrap();
    assert_error(again, StatusCode::NOT_FOUND, "not_found").await;
    let gone = ada.get(&format!("{}/{hook_id}/deliveries", hooks_path(ws))).send().await.unwrap();
    assert_error(gone, StatusCode::NOT_FOUND, "not_found").await;
    let listed: Value = ada.get(&hooks_path(ws)).send().await.unwrap().json().await.unwrap();
    assert_eq!(listed["webhooks"], json!([]));
}

async fn bad_input_is_rejected(app: TestApp) {
    let ada = app.sign_up("Ada").await;
    let path = hooks_path(&ada.workspace_id);
    let post = |body: Value| ada.request(Method::POST, &path).json(&body).send();
    let unprocessable = [
        json!({ "url": "ftp://127.0.0.1/hook", "events": ["video.ready"] }),
        json!({ "url": "javascript:alert(1)", "events": ["video.ready"] }),
        json!({ "url": "not a url", "events": ["video.ready"] }),
        json!({ "url": "/relative", "events": ["video.ready"] }),
        json!({ "url": "http://user:pw@127.0.0.1/hook", "events": ["video.ready"] }),
        json!({ "url": format!("http://127.0.0.1/{}", "a".repeat(2048)), "events": ["video.ready"] }),
        json!({ "url": "http://127.0.0.1/hook", "events": [] }),
        json!({ "url": "http://127.0.0.1/hook", "events": ["video.ready", "video.deleted"] }),
        json!({ "url": "http://127.0.0.1/hook", "events": ["<script>alert(1)</script>"] }),
        json!({ "url": "http://127.0.0.1/hook", "events": "video.ready" }),
        json!({ "url": "http://127.0.0.1/hook", "events": [1] }),
        json!({ "url": 42, "events": ["video.ready"] }),
        json!({ "events": ["video.ready"] }),
        json!({ "url": "http://127.0.0.1/hook" }),
        json!({ "url": "http://127.0.0.1/hook", "events": ["video.ready"], "secret": "mine" }),
    ];
    for body in unprocessable {
        assert_error(post(body.clone()).await.unwrap(), StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    }
    let malformed = ada.request(Method::POST, &path).header("content-type", "application/json").body("{\"url\":");
    assert_error(malformed.send().await.unwrap(), StatusCode::BAD_REQUEST, "bad_request").await;
    let huge = json!({ "url": format!("http://127.0.0.1/{}", "a".repeat(200_000)), "events": ["video.ready"] });
    assert_error(post(huge).await.unwrap(), StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
    let not_json = ada.request(Method::POST, &path).body("url=http://127.0.0.1/");
    assert_error(not_json.send().await.unwrap(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type").await;

    // Exactly at the length limit is fine; the cap on hooks per workspace holds.
    let longest = format!("http://127.0.0.1/{}", "a".repeat(2048 - "http://127.0.0.1/".len()));
    let first = register(&ada, &longest, &["video.ready"]).await;
    assert_eq!(first["url"], longest);
    for n in 1..briefly::webhooks::MAX_HOOKS_PER_WORKSPACE {
        register(&ada, &format!("http://127.0.0.1/hook/{n}"), &["comment.created"]).await;
    }
    let over = post(json!({ "url": "http://127.0.0.1/one-too-many", "events": ["video.ready"] })).await.unwrap();
    assert_error(over, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;

    let hook_id = first["id"].as_str().unwrap();
    for query in ["limit=0", "limit=101", "limit=ten"] {
        let response = ada.get(&format!("{path}/{hook_id}/deliveries?{query}")).send().await.unwrap();
        assert_error(response, StatusCode::BAD_REQUEST, "bad_request").await;
    }
}

/// Comments and reactions reach the hooks that asked for them, with the same JSON the
/// API returns as `data`; a hook of another workspace hears nothing.
async fn comments_and_reactions_are_delivered(app: TestApp) {
    let workers = FastWorkers::start(&app).await;
    let receiver = Receiver::start(vec![]).await;
    let owner = app.sign_up("Ada").await;
    let viewer = app.sign_up("Vic").await;
    let comments_hook = register(&owner, &receiver.url("/comments"), &["comment.created"]).await;
    let reactions_hook = register(&owner, &receiver.url("/reactions"), &["reaction.created", "video.ready"]).await;
    let elsewhere = create_workspace(&viewer, "Elsewhere").await;
    register_in(&viewer, &elsewhere, &receiver.url("/elsewhere"), &["comment.created", "reaction.created"]).await;

    let video = owner.create_video("Hooked", "unlisted").await;
    let video_id = video["id"].as_str().unwrap();
    let comment: Value = viewer
        .request(Method::POST, &format!("/api/videos/{video_id}/comments"))
        .json(&json!({ "body": "<i>ship it</i>", "timestamp_ms": 3_000 }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let reaction: Value = viewer
        .request(Method::POST, &format!("/api/videos/{video_id}/reactions"))
        .json(&json!({ "emoji": "🚀", "timestamp_ms": 3_000 }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    for (hook, event, expected) in
        [(&comments_hook, "comment.created", &comment), (&reactions_hook, "reaction.created", &reaction)]
    {
        let hook_id = hook["id"].as_str().unwrap();
        let settled = deliveries_until(&owner, hook_id, Duration::from_secs(30), |d| {
            d.len() == 1 && d[0]["status"] == "delivered"
        })
        .await;
        assert_eq!(settled[0]["event"], event);
        let request = receiver.requests().into_iter().find(|r| r.header("briefly-event") == event).expect("delivered");
        assert!(signature_is_valid(hook["secret"].as_str().unwrap(), &request));
        assert_eq!(&request.json()["data"], expected, "data is the API's own JSON");
    }
    let paths: Vec<String> = receiver.requests().into_iter().map(|r| r.path).collect();
    assert!(!paths.iter().any(|p| p == "/elsewhere"), "{paths:?}");
    assert_eq!(paths.len(), 2, "{paths:?}");
    drop(workers);
}

/// A long media job (a transcode, as far as the queue can tell): it holds its worker
/// until the test lets it go.
#[derive(Serialize, Deserialize)]
struct LongMediaJob {
    label: String,
}

#[derive(Default)]
struct Gate {
    started: AtomicBool,
    finished: AtomicBool,
    release: Notify,
}

#[async_trait::async_trait]
impl Job for LongMediaJob {
    const KIND: &'static str = "test_long_media_job";
    const QUEUE: Queue = Queue::MEDIA;
    const MAX_ATTEMPTS: i64 = 1;
    type Context = Gate;

    async fn run(&self, gate: &Gate) -> anyhow::Result<()> {
        gate.started.store(true, Ordering::SeqCst);
        // Bounded, so a failing test cannot keep a worker busy for ever.
        let _ = tokio::time::timeout(Duration::from_secs(60), gate.release.notified()).await;
        gate.finished.store(true, Ordering::SeqCst);
        Ok(())
    }
}

/// With the only media worker busy on a long job, a comment's webhook still arrives
/// within 2 s: deliveries have their own queue and workers, and an idle delivery worker is
/// woken when a delivery is queued (the workers here poll only once a minute).
async fn deliveries_do_not_wait_for_media(app: TestApp) {
    let receiver = Receiver::start(vec![]).await;
    let owner = app.sign_up("Ada").await;
    let hook = register(&owner, &receiver.url("/comments"), &["comment.created"]).await;
    let video = owner.create_video("Busy week", "private").await;
    let video_id = video["id"].as_str().unwrap();

    // SQLite runs in one process: the workers share the app's queue and its in-process
    // wake-ups. On PostgreSQL they are what a `briefly worker` process would be: their own
    // pool, woken by the API's NOTIFY through their own LISTEN connection.
    let (queue, mut heard, listener) = match app.backends {
        Backends::SqliteDisk => (app.jobs.clone(), None, None),
        Backends::PostgresS3 => {
            let queue = JobQueue::new(Db::connect(app.config.database_url()).await.unwrap());
            let mut notifications = Notifications::new(app.config.database_url());
            queue.wake_on(notifications.subscribe(JOBS_CHANNEL));
            let mut heard = notifications.subscribe(JOBS_CHANNEL);
            let listener = notifications.spawn();
            let first = tokio::time::timeout(Duration::from_secs(10), heard.recv()).await.expect("listening");
            assert_eq!(first, Some(Signal::Listening));
            (queue, Some(heard), Some(listener))
        }
    };
    let db = queue.db().clone();
    let gate = Arc::new(Gate::default());
    let mut registry = briefly::app::job_registry(
        &app.config,
        db.clone(),
        app.store.clone(),
        briefly::videos::Videos::new(db.clone(), app.store.clone(), EventHub::new(db.clone()), None),
        queue.clone(),
    )
    .unwrap();
    registry.register::<LongMediaJob>(gate.clone());
    let registry = Arc::new(registry);
    let mut config = app.config.clone();
    config.worker_concurrency = 1;
    let stop = CancellationToken::new();
    for (target, options) in briefly::app::queue_options(&config) {
        let options = WorkerOptions { poll_interval: Duration::from_secs(60), ..options };
        if target == Queue::MEDIA {
            assert_eq!(options.concurrency, 1);
        }
        spawn_workers(queue.clone(), registry.clone(), target, options, stop.clone());
    }

    let long_job = queue.enqueue(&LongMediaJob { label: "transcode".into() }).await.unwrap();
    let started = Instant::now();
    while !gate.started.load(Ordering::SeqCst) {
        assert!(started.elapsed() < Duration::from_secs(10), "the media worker never took the long job");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(db.job(&long_job).await.unwrap().unwrap().status, "running");

    let posted = Instant::now();
    let response = owner
        .request(Method::POST, &format!("/api/videos/{video_id}/comments"))
        .json(&json!({ "body": "Ship it", "timestamp_ms": 1_000 }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let comment: Value = response.json().await.unwrap();
    while receiver.requests().is_empty() {
        assert!(posted.elapsed() < Duration::from_secs(2), "no delivery within 2 s while the media queue was busy");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let waited = posted.elapsed();
    assert!(waited < Duration::from_secs(2), "{waited:?}");
    let request = receiver.requests().remove(0);
    assert_eq!(request.header("briefly-event"), "comment.created");
    assert!(signature_is_valid(hook["secret"].as_str().unwrap(), &request));
    assert_eq!(request.json()["data"]["id"], comment["id"]);
    // ... and the media job was busy all along.
    assert!(!gate.finished.load(Ordering::SeqCst), "the long media job is still running");
    assert_eq!(db.job(&long_job).await.unwrap().unwrap().status, "running");
    let hook_id = hook["id"].as_str().unwrap();
    let settled =
        deliveries_until(&owner, hook_id, Duration::from_secs(10), |d| d.len() == 1 && d[0]["status"] == "delivered")
            .await;
    assert_eq!(settled[0]["attempts"], 1);
    if let Some(heard) = heard.as_mut() {
        // The API's NOTIFY named the queue, so only delivery workers had to wake.
        let mut names = Vec::new();
        while let Ok(Some(signal)) = tokio::time::timeout(Duration::from_millis(500), heard.recv()).await {
            names.push(signal);
        }
        assert!(names.contains(&Signal::Notified("deliveries".into())), "{names:?}");
    }

    gate.release.notify_one();
    let finished = Instant::now();
    while db.job(&long_job).await.unwrap().unwrap().status != "done" {
        assert!(finished.elapsed() < Duration::from_secs(10), "the long job did not finish once released");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    stop.cancel();
    if let Some(listener) = listener {
        listener.abort();
    }
}
