//! Accounts: sign-up, login, logout, sessions and API tokens.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{assert_error, TestApp};
use crate::matrix;

matrix!(signup_creates_user_with_personal_workspace, login_logout_cycle, api_tokens_work_like_cookies);

async fn signup_creates_user_with_personal_workspace(app: TestApp) {
    let ada = app.sign_up("Ada").await;
    let me: Value = ada.get("/api/me").send().await.unwrap().json().await.unwrap();
    assert_eq!(me["id"], ada.id.as_str());
    assert_eq!(me["email"], ada.email.as_str());
    assert_eq!(me["name"], "Ada");
    let workspaces = me["workspaces"].as_array().unwrap();
    assert_eq!(workspaces.len(), 1);
    assert_eq!(workspaces[0]["role"], "owner");
    assert_eq!(workspaces[0]["personal"], true);
    assert!(me.get("password_hash").is_none(), "no password material leaks: {me}");

    // The same email (in any case) cannot sign up twice.
    let again = app
        .browser()
        .post(app.url("/api/auth/signup"))
        .json(&json!({ "email": ada.email.to_uppercase(), "password": "another password", "name": "Imposter" }))
        .send()
        .await
        .unwrap();
    assert_error(again, StatusCode::CONFLICT, "conflict").await;
}

async fn login_logout_cycle(app: TestApp) {
    let ada = app.sign_up("Ada").await;
    let browser = app.browser();
    let wrong = browser
        .post(app.url("/api/auth/login"))
        .json(&json!({ "email": ada.email, "password": "not the password" }))
        .send()
        .await
        .unwrap();
    assert_error(wrong, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    let unknown = browser
        .post(app.url("/api/auth/login"))
        .json(&json!({ "email": "nobody@example.com", "password": "whatever123" }))
        .send()
        .await
        .unwrap();
    assert_error(unknown, StatusCode::UNAUTHORIZED, "invalid_credentials").await;

    let ok = browser
        .post(app.url("/api/auth/login"))
        .json(&json!({ "email": ada.email, "password": "correct horse battery" }))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    let cookie = ok.headers().get("set-cookie").unwrap().to_str().unwrap().to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    assert_eq!(browser.get(app.url("/api/me")).send().await.unwrap().status(), StatusCode::OK);

    let out = browser.post(app.url("/api/auth/logout")).send().await.unwrap();
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    assert_error(browser.get(app.url("/api/me")).send().await.unwrap(), StatusCode::UNAUTHORIZED, "unauthorized").await;
    // The other browser's session is unaffected.
    assert_eq!(ada.get("/api/me").send().await.unwrap().status(), StatusCode::OK);
}

async fn api_tokens_work_like_cookies(app: TestApp) {
    let ada = app.sign_up("Ada").await;
    let created = ada.request(Method::POST, "/api/tokens").json(&json!({ "name": "cli" })).send().await.unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let body: Value = created.json().await.unwrap();
    let token = body["token"].as_str().unwrap().to_string();
    assert!(token.starts_with("bfy_"));

    let bearer = reqwest::Client::new();
    let me: Value = bearer.get(app.url("/api/me")).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["id"], ada.id.as_str());
    // A token can do what a cookie can: create a video and upload to it.
    let video = bearer
        .post(app.url("/api/videos"))
        .bearer_auth(&token)
        .json(&json!({ "title": "from the CLI" }))
        .send()
        .await
        .unwrap();
    assert_eq!(video.status(), StatusCode::CREATED);

    let bad = bearer.get(app.url("/api/me")).bearer_auth("bfy_not-a-real-token").send().await.unwrap();
    assert_error(bad, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let malformed = bearer.get(app.url("/api/me")).header("Authorization", "Basic abc").send().await.unwrap();
    assert_error(malformed, StatusCode::UNAUTHORIZED, "unauthorized").await;
    assert_error(
        ada.request(Method::POST, "/api/tokens").json(&json!({ "name": "" })).send().await.unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
}
