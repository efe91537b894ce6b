//! Malformed, oversized and hostile input: the right 4xx, a JSON error, nothing lost.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{assert_error, TestApp};
use crate::matrix;

matrix!(malformed_json_bodies, validation_failures, unknown_routes_and_ids, server_survives_garbage);

async fn malformed_json_bodies(app: TestApp) {
    let ada = app.sign_up("Ada").await;
    let post = |body: &'static str, content_type: &'static str| {
        ada.request(Method::POST, "/api/videos").header("Content-Type", content_type).body(body).send()
    };
    assert_error(post("{not json", "application/json").await.unwrap(), StatusCode::BAD_REQUEST, "bad_request").await;
    assert_error(post("{}", "application/json").await.unwrap(), StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
        .await;
    assert_error(
        post(r#"{"title": 5}"#, "application/json").await.unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_error(
        post(r#"{"title":"x","surprise":1}"#, "application/json").await.unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_error(
        post(r#"{"title":"x"}"#, "text/plain").await.unwrap(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;
    let huge = json!({ "title": "x".repeat(200_000) }).to_string();
    let response = ada
        .request(Method::POST, "/api/videos")
        .header("Content-Type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_error(response, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
    let signup = app
        .browser()
        .post(app.url("/api/auth/signup"))
        .header("Content-Type", "application/json")
        .body("[]")
        .send()
        .await
        .unwrap();
    assert_error(signup, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
}

async fn validation_failures(app: TestApp) {
    let browser = app.browser();
    let signup = |email: &str, password: &str, name: &str| {
        browser
            .post(app.url("/api/auth/signup"))
            .json(&json!({ "email": email, "password": password, "name": name }))
            .send()
    };
    for (email, password, name) in [
        ("not-an-email", "long enough pw", "Ada"),
        ("ada@example.com", "short", "Ada"),
        ("ada@example.com", "long enough pw", "   "),
        ("ada@example.com", "long enough pw", &"n".repeat(500)),
    ] {
        assert_error(
            signup(email, password, name).await.unwrap(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
    }
    let ada = app.sign_up("Ada").await;
    let create = |body: serde_json::Value| ada.request(Method::POST, "/api/videos").json(&body).send();
    assert_error(create(json!({ "title": "" })).await.unwrap(), StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
        .await;
    assert_error(
        create(json!({ "title": "t".repeat(201) })).await.unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_error(
        create(json!({ "title": "ok", "visibility": "secret" })).await.unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_error(
        create(json!({ "title": "ok", "workspace_id": "someoneelses1234" })).await.unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    for query in ["limit=0", "limit=101", "limit=abc", "cursor=%%%", "cursor=bm90LWEtY3Vyc29y"] {
        let response = ada.get(&format!("/api/videos?{query}")).send().await.unwrap();
        assert_error(response, StatusCode::BAD_REQUEST, "bad_request").await;
    }
    // Nothing was created by any of that.
    let page: serde_json::Value = ada.get("/api/videos").send().await.unwrap().json().await.unwrap();
    assert!(page["videos"].as_array().unwrap().is_empty());
}

async fn unknown_routes_and_ids(app: TestApp) {
    let ada = app.sign_up("Ada").await;
    assert_error(ada.get("/api/nothing-here").send().await.unwrap(), StatusCode::NOT_FOUND, "not_found").await;
    for id in ["abcdefghijklmnop", "x", "..%2F..%2Fetc%2Fpasswd", "%00%00%00%00%00%00%00%00"] {
        assert_error(ada.get(&format!("/api/videos/{id}")).send().await.unwrap(), StatusCode::NOT_FOUND, "not_found")
            .await;
        assert_error(
            ada.get(&format!("/api/videos/{id}/original")).send().await.unwrap(),
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
    let put = ada.request(Method::PUT, "/api/videos").send().await.unwrap();
    assert_error(put, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
    assert_error(app.anonymous().get("/api/me").send().await.unwrap(), StatusCode::UNAUTHORIZED, "unauthorized").await;
    let anon_create =
        app.anonymous().request(Method::POST, "/api/videos").json(&json!({ "title": "x" })).send().await.unwrap();
    assert_error(anon_create, StatusCode::UNAUTHORIZED, "unauthorized").await;
}

async fn server_survives_garbage(app: TestApp) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = app.addr.trim_start_matches("http://").to_string();
    for garbage in [
        &b"\x00\x01\x02 NOT HTTP\r\n\r\n"[..],
        b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
        b"POST /api/videos HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    ] {
        let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
        stream.write_all(garbage).await.unwrap();
        let mut buffer = Vec::new();
        let _ = tokio::time::timeout(std::time::Duration::from_secs(5), stream.read_to_end(&mut buffer)).await;
    }
    let health = app.browser().get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK, "still serving after garbage");
}
