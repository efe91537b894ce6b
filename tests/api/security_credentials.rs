//! Credentials under attack (issue 14, points 2 and 3): API tokens listed without their
//! secret, revoked, expiring; a session secret used as a bearer token dies with its
//! session; password change and "sign out everywhere" end sessions; sign-in limits per
//! account and per client address; a login flood leaves a real server's memory bounded
//! and `/healthz` answering.

use std::time::Duration;

use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{assert_error, prepare_config, Backends, TestApp, Tweaks};
use crate::matrix;
use crate::processes::{clean_up, BrieflyProcess};

const PASSWORD: &str = "correct horse battery";

matrix!(
    tokens_are_listed_without_secrets_and_revoked_only_by_their_owner,
    expired_tokens_stop_working,
    token_use_is_recorded_at_most_once_a_minute,
    a_session_secret_used_as_bearer_dies_with_its_logout,
    password_change_ends_every_other_session_but_keeps_tokens,
    logout_everywhere_ends_every_session_but_keeps_tokens,
);
matrix!(tweaks = super::account_limit_only; forty_wrong_passwords_for_one_account_get_429);
matrix!(tweaks = super::client_limit_only; one_client_address_is_limited_and_forwarded_for_is_ignored);
matrix!(tweaks = super::client_limit_behind_proxy; behind_a_trusted_proxy_the_forwarded_address_is_the_client);

/// The real default per account (20 failures an hour); no per-client limit in the way.
fn account_limit_only() -> Tweaks {
    Tweaks { auth_limits: Some((20, 1_000_000)), ..Tweaks::default() }
}

fn client_limit_only() -> Tweaks {
    Tweaks { auth_limits: Some((1_000_000, 5)), ..Tweaks::default() }
}

fn client_limit_behind_proxy() -> Tweaks {
    Tweaks { trust_proxy: true, ..client_limit_only() }
}

async fn create_token(user: &crate::helpers::User, body: Value) -> Value {
    let response = user.request(Method::POST, "/api/tokens").json(&body).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.unwrap()
}

async fn me_status(app: &TestApp, bearer: &str) -> StatusCode {
    Client::new().get(app.url("/api/me")).bearer_auth(bearer).send().await.unwrap().status()
}

async fn log_in(app: &TestApp, client: &Client, email: &str, password: &str) -> reqwest::Response {
    client.post(app.url("/api/auth/login")).json(&json!({ "email": email, "password": password })).send().await.unwrap()
}

/// The session secret a sign-in set as its cookie.
fn session_secret_of(response: &reqwest::Response) -> String {
    let cookie = response.headers().get("set-cookie").unwrap().to_str().unwrap();
    cookie.strip_prefix("briefly_session=").unwrap().split(';').next().unwrap().to_string()
}

async fn db_of(app: &TestApp) -> briefly::db::Db {
    briefly::db::Db::connect(app.config.database_url()).await.unwrap()
}

async fn tokens_are_listed_without_secrets_and_revoked_only_by_their_owner(app: TestApp) {
    let ada = app.sign_up("Ada").await;
    let mallory = app.sign_up("Mallory").await;
    let cli = create_token(&ada, json!({ "name": "cli" })).await;
    let ci = create_token(&ada, json!({ "name": "ci", "expires_in_days": 30 })).await;
    assert!(cli["expires_at"].is_null());
    assert!(ci["expires_at"].as_str().is_some());

    let listed = ada.get("/api/tokens").send().await.unwrap();
    assert_eq!(listed.status(), StatusCode::OK);
    let text = listed.text().await.unwrap();
    for secret in [&cli["token"], &ci["token"]] {
        assert!(!text.contains(secret.as_str().unwrap()), "the list never carries a secret: {text}");
    }
    let list: Value = serde_json::from_str(&text).unwrap();
    let tokens = list["tokens"].as_array().unwrap();
    assert_eq!(tokens.len(), 2);
    for token in tokens {
        let keys: Vec<&str> = token.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys.len(), 5, "{token}");
        for key in ["id", "name", "created_at", "last_used_at", "expires_at"] {
            assert!(keys.contains(&key), "{token}");
        }
    }
    // Another user sees none of them and cannot revoke them: 404, as for no such token.
    let theirs: Value = mallory.get_json("/api/tokens").await;
    assert_eq!(theirs["tokens"], json!([]));
    let path = format!("/api/tokens/{}", cli["id"].as_str().unwrap());
    assert_error(mallory.request(Method::DELETE, &path).send().await.unwrap(), StatusCode::NOT_FOUND, "not_found")
        .await;
    assert_eq!(me_status(&app, cli["token"].as_str().unwrap()).await, StatusCode::OK);

    // The owner revokes: the token stops working at once; the other keeps working.
    assert_eq!(ada.request(Method::DELETE, &path).send().await.unwrap().status(), StatusCode::NO_CONTENT);
    assert_eq!(me_status(&app, cli["token"].as_str().unwrap()).await, StatusCode::UNAUTHORIZED);
    assert_eq!(me_status(&app, ci["token"].as_str().unwrap()).await, StatusCode::OK);
    assert_error(ada.request(Method::DELETE, &path).send().await.unwrap(), StatusCode::NOT_FOUND, "not_found").await;
    let after: Value = ada.get_json("/api/tokens").await;
    assert_eq!(after["tokens"].as_array().unwrap().len(), 1);
    assert_eq!(after["tokens"][0]["name"], "ci");
}

async fn expired_tokens_stop_working(app: TestApp) {
    let ada = app.sign_up("Ada").await;
    for bad in [json!(0), json!(3651), json!(-1), json!("soon")] {
        let response =
            ada.request(Method::POST, "/api/tokens").json(&json!({ "name": "x", "expires_in_days": bad })).send().await;
        assert_error(response.unwrap(), StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    }
    let token = create_token(&ada, json!({ "name": "short-lived", "expires_in_days": 1 })).await;
    let secret = token["token"].as_str().unwrap();
    assert_eq!(me_status(&app, secret).await, StatusCode::OK);
    // A day later, as far as the row is concerned.
    let db = db_of(&app).await;
    sqlx::query("UPDATE api_tokens SET expires_at = $1 WHERE id = $2")
        .bind(briefly::db::now_ms() - 1)
        .bind(token["id"].as_str().unwrap())
        .execute(db.pool())
        .await
        .unwrap();
    db.close().await;
    assert_eq!(me_status(&app, secret).await, StatusCode::UNAUTHORIZED);
    // Still listed, so its owner sees why a script stopped working.
    let list: Value = ada.get_json("/api/tokens").await;
    assert_eq!(list["tokens"][0]["id"], token["id"]);
}

async fn token_use_is_recorded_at_most_once_a_minute(app: TestApp) {
    let ada = app.sign_up("Ada").await;
    let token = create_token(&ada, json!({ "name": "cli" })).await;
    let (id, secret) = (token["id"].as_str().unwrap(), token["token"].as_str().unwrap());
    let db = db_of(&app).await;
    let last_used = || async {
        sqlx::query_scalar::<_, Option<i64>>("SELECT last_used_at FROM api_tokens WHERE id = $1")
            .bind(id)
            .fetch_one(db.pool())
            .await
            .unwrap()
    };
    let set_last_used = |at: i64| {
        let db = db.clone();
        async move {
            sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                .bind(at)
                .bind(id)
                .execute(db.pool())
                .await
                .unwrap();
        }
    };
    assert_eq!(last_used().await, None);
    assert_eq!(me_status(&app, secret).await, StatusCode::OK);
    let first = last_used().await.expect("the first use is recorded");
    let list: Value = ada.get_json("/api/tokens").await;
    assert!(list["tokens"][0]["last_used_at"].as_str().is_some(), "{list}");

    // Used 30 s ago: not written again. Used 2 minutes ago: written again.
    let recent = first - 30_000;
    set_last_used(recent).await;
    assert_eq!(me_status(&app, secret).await, StatusCode::OK);
    assert_eq!(last_used().await, Some(recent), "a second write within the minute");
    let stale = first - 120_000;
    set_last_used(stale).await;
    assert_eq!(me_status(&app, secret).await, StatusCode::OK);
    assert!(last_used().await.unwrap() >= first, "a use after a minute is recorded");
    db.close().await;
}

async fn a_session_secret_used_as_bearer_dies_with_its_logout(app: TestApp) {
    let ada = app.sign_up("Ada").await;
    let api_token = create_token(&ada, json!({ "name": "cli" })).await["token"].as_str().unwrap().to_string();
    let signed_in = log_in(&app, &Client::new(), &ada.email, PASSWORD).await;
    assert_eq!(signed_in.status(), StatusCode::OK);
    let secret = session_secret_of(&signed_in);
    assert_eq!(me_status(&app, &secret).await, StatusCode::OK);

    // Signing out with the secret as a bearer token (a script, no cookie) ends that session.
    let out = Client::new().post(app.url("/api/auth/logout")).bearer_auth(&secret).send().await.unwrap();
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    assert_eq!(me_status(&app, &secret).await, StatusCode::UNAUTHORIZED, "the session secret outlived its logout");

    // An API token is not a session: logging out with it leaves it working (documented);
    // the browser session is untouched too.
    let out = Client::new().post(app.url("/api/auth/logout")).bearer_auth(&api_token).send().await.unwrap();
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    assert_eq!(me_status(&app, &api_token).await, StatusCode::OK);
    assert_eq!(ada.get("/api/me").send().await.unwrap().status(), StatusCode::OK);
}

async fn password_change_ends_every_other_session_but_keeps_tokens(app: TestApp) {
    let ada = app.sign_up("Ada").await;
    let api_token = create_token(&ada, json!({ "name": "cli" })).await["token"].as_str().unwrap().to_string();
    let other_browser = app.browser();
    assert_eq!(log_in(&app, &other_browser, &ada.email, PASSWORD).await.status(), StatusCode::OK);
    let script = session_secret_of(&log_in(&app, &Client::new(), &ada.email, PASSWORD).await);

    let change = |current: &str, new: &str| {
        ada.request(Method::POST, "/api/auth/password")
            .json(&json!({ "current_password": current, "new_password": new }))
            .send()
    };
    assert_error(
        change("not my password", "a brand new secret").await.unwrap(),
        StatusCode::FORBIDDEN,
        "wrong_password",
    )
    .await;
    assert_error(change(PASSWORD, "short").await.unwrap(), StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    // Nothing changed yet.
    assert_eq!(other_browser.get(app.url("/api/me")).send().await.unwrap().status(), StatusCode::OK);

    assert_eq!(change(PASSWORD, "a brand new secret").await.unwrap().status(), StatusCode::NO_CONTENT);
    assert_eq!(ada.get("/api/me").send().await.unwrap().status(), StatusCode::OK, "the caller stays signed in");
    assert_eq!(other_browser.get(app.url("/api/me")).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    assert_eq!(me_status(&app, &script).await, StatusCode::UNAUTHORIZED);
    assert_eq!(me_status(&app, &api_token).await, StatusCode::OK, "API tokens live until revoked");
    assert_error(
        log_in(&app, &Client::new(), &ada.email, PASSWORD).await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    assert_eq!(log_in(&app, &Client::new(), &ada.email, "a brand new secret").await.status(), StatusCode::OK);

    // Asked with an API token, there is no caller's session to keep: every session ends.
    let response = Client::new()
        .post(app.url("/api/auth/password"))
        .bearer_auth(&api_token)
        .json(&json!({ "current_password": "a brand new secret", "new_password": "yet another secret" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(ada.get("/api/me").send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    let anonymous = Client::new()
        .post(app.url("/api/auth/password"))
        .json(&json!({ "current_password": "x", "new_password": "y" }));
    assert_error(anonymous.send().await.unwrap(), StatusCode::UNAUTHORIZED, "unauthorized").await;
}

async fn logout_everywhere_ends_every_session_but_keeps_tokens(app: TestApp) {
    let ada = app.sign_up("Ada").await;
    let bob = app.sign_up("Bob").await;
    let api_token = create_token(&ada, json!({ "name": "cli" })).await["token"].as_str().unwrap().to_string();
    let other_browser = app.browser();
    assert_eq!(log_in(&app, &other_browser, &ada.email, PASSWORD).await.status(), StatusCode::OK);
    let script = session_secret_of(&log_in(&app, &Client::new(), &ada.email, PASSWORD).await);

    let out = ada.request(Method::POST, "/api/auth/logout-everywhere").send().await.unwrap();
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    assert!(out.headers().get("set-cookie").unwrap().to_str().unwrap().contains("Max-Age=0"));
    for client in [&ada.client, &other_browser] {
        assert_eq!(client.get(app.url("/api/me")).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    }
    assert_eq!(me_status(&app, &script).await, StatusCode::UNAUTHORIZED);
    assert_eq!(me_status(&app, &api_token).await, StatusCode::OK, "tokens are listed and revoked separately");
    assert_eq!(bob.get("/api/me").send().await.unwrap().status(), StatusCode::OK, "only Ada's sessions ended");
    let anonymous = app.anonymous().request(Method::POST, "/api/auth/logout-everywhere").send().await.unwrap();
    assert_error(anonymous, StatusCode::UNAUTHORIZED, "unauthorized").await;
}

/// Assert a 429 with a `Retry-After` of whole seconds and the JSON error body.
async fn assert_rate_limited(response: reqwest::Response) {
    let retry_after: u64 = response
        .headers()
        .get("retry-after")
        .expect("429 carries Retry-After")
        .to_str()
        .unwrap()
        .parse()
        .expect("Retry-After is whole seconds");
    assert!(retry_after >= 1);
    assert_error(response, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
}

async fn forty_wrong_passwords_for_one_account_get_429(app: TestApp) {
    let ada = app.sign_up("Ada").await;
    let bob = app.sign_up("Bob").await;
    let guesser = Client::new();
    let mut first_429 = None;
    for attempt in 1..=40 {
        let response = log_in(&app, &guesser, &ada.email, &format!("guess number {attempt}")).await;
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            first_429 = Some(attempt);
            assert_rate_limited(response).await;
            break;
        }
        assert_error(response, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    }
    assert_eq!(first_429, Some(21), "20 failures an hour, then 429");
    // While limited, even the right password is refused (a guesser learns nothing), in any
    // spelling of the email; the owner's sessions keep working, and other accounts sign in.
    assert_rate_limited(log_in(&app, &guesser, &ada.email.to_uppercase(), PASSWORD).await).await;
    assert_eq!(ada.get("/api/me").send().await.unwrap().status(), StatusCode::OK);
    assert_eq!(log_in(&app, &Client::new(), &bob.email, PASSWORD).await.status(), StatusCode::OK);
    // Successes cost nothing: Bob signs in more than 20 times.
    for _ in 0..21 {
        assert_eq!(log_in(&app, &Client::new(), &bob.email, PASSWORD).await.status(), StatusCode::OK);
    }
    // A stolen session cannot guess the password through the change endpoint either.
    let mut changes = Vec::new();
    for attempt in 0..21 {
        let response = bob
            .request(Method::POST, "/api/auth/password")
            .json(&json!({ "current_password": format!("guess {attempt}"), "new_password": "whatever it is" }))
            .send()
            .await
            .unwrap();
        changes.push(response.status());
    }
    assert_eq!(changes[..20], [StatusCode::FORBIDDEN; 20]);
    assert_eq!(changes[20], StatusCode::TOO_MANY_REQUESTS);
}

async fn one_client_address_is_limited_and_forwarded_for_is_ignored(app: TestApp) {
    // The limit is 5 a minute from one address, whichever accounts are named (sign-ups too).
    let client = Client::new();
    for n in 0..5 {
        let response = log_in(&app, &client, &format!("nobody{n}@example.com"), "whatever1234").await;
        assert_error(response, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    }
    assert_rate_limited(log_in(&app, &client, "nobody9@example.com", "whatever1234").await).await;
    let signup = client
        .post(app.url("/api/auth/signup"))
        .json(&json!({ "email": "fresh@example.com", "password": PASSWORD, "name": "Fresh" }))
        .send()
        .await
        .unwrap();
    assert_rate_limited(signup).await;
    // Without a trusted proxy, X-Forwarded-For is the client's own claim: ignored.
    let spoofed = client
        .post(app.url("/api/auth/login"))
        .header("X-Forwarded-For", "203.0.113.9")
        .json(&json!({ "email": "nobody@example.com", "password": "whatever1234" }))
        .send()
        .await
        .unwrap();
    assert_rate_limited(spoofed).await;
}

async fn behind_a_trusted_proxy_the_forwarded_address_is_the_client(app: TestApp) {
    let client = Client::new();
    let from = |address: &'static str, n: usize| {
        client
            .post(app.url("/api/auth/login"))
            // The proxy appends the address it saw; the first entry is the client's claim.
            .header("X-Forwarded-For", format!("198.51.100.1, {address}"))
            .json(&json!({ "email": format!("nobody{n}@example.com"), "password": "whatever1234" }))
            .send()
    };
    for n in 0..5 {
        assert_eq!(from("203.0.113.1", n).await.unwrap().status(), StatusCode::UNAUTHORIZED);
    }
    assert_rate_limited(from("203.0.113.1", 5).await.unwrap()).await;
    assert_eq!(from("203.0.113.2", 6).await.unwrap().status(), StatusCode::UNAUTHORIZED, "another client");
}

/// Peak resident memory (`VmHWM`) of a process, in KiB.
fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).expect("VmHWM in /proc/<pid>/status");
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// The bound the flood must stay under. argon2id holds ~19 MiB per running hash; on bare
/// `spawn_blocking` 500 concurrent logins ran ~500 hashes at once (measured: 6.3 GiB peak).
/// The pool runs as many as there are cores, each in memory it reuses (measured: ~100 MiB
/// peak, ~80 MiB before the flood, on 2 cores); spreading hashes over short-lived threads
/// (367-482 MiB) fails this too.
const FLOOD_RSS_BOUND_MIB: u64 = 192;
const FLOOD: usize = 500;

async fn a_login_flood_keeps_server_memory_bounded_and_healthz_answering(backends: Backends) {
    let (config, _data, pg_database) = prepare_config(backends, &Tweaks::default()).await;
    // No sign-in limits in the way: every request reaches the hashing pool.
    let env = [
        ("BRIEFLY_LOGIN_FAILURES_PER_ACCOUNT_PER_HOUR", "1000000".to_string()),
        ("BRIEFLY_AUTH_ATTEMPTS_PER_CLIENT_PER_MINUTE", "1000000".to_string()),
    ];
    let server = BrieflyProcess::start(&config, &["serve", "--no-worker"], &env).await;
    let base = server.base.clone();
    let client = Client::builder().timeout(Duration::from_secs(120)).build().unwrap();
    let signup = client
        .post(format!("{base}/api/auth/signup"))
        .json(&json!({ "email": "flood@example.com", "password": PASSWORD, "name": "Flood" }))
        .send()
        .await
        .unwrap();
    assert_eq!(signup.status(), StatusCode::CREATED);
    let before_kib = peak_rss_kib(server.pid());

    let stop = tokio_util::sync::CancellationToken::new();
    let probe = tokio::spawn({
        let (base, stop) = (base.clone(), stop.clone());
        async move {
            let prober = Client::builder().timeout(Duration::from_secs(5)).build().unwrap();
            let mut answered = 0usize;
            // Bounded: the flood ends well within 600 probes' time (at most ~10 minutes).
            for _ in 0..600 {
                if stop.is_cancelled() {
                    break;
                }
                let response = prober.get(format!("{base}/healthz")).send().await;
                assert!(
                    response.as_ref().is_ok_and(|r| r.status() == StatusCode::OK),
                    "/healthz did not answer within 5 s during the flood: {response:?}"
                );
                answered += 1;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            answered
        }
    });
    let logins = (0..FLOOD).map(|n| {
        let (client, base) = (client.clone(), base.clone());
        // Half right, half wrong: both cost a hash.
        let password = if n % 2 == 0 { PASSWORD.to_string() } else { format!("wrong {n}") };
        tokio::spawn(async move {
            let response = client
                .post(format!("{base}/api/auth/login"))
                .json(&json!({ "email": "flood@example.com", "password": password }))
                .send()
                .await
                .expect("the server answers every login");
            let status = response.status();
            let retry_after = response.headers().contains_key("retry-after");
            let body: Value = response.json().await.unwrap_or(Value::Null);
            (status, retry_after, body["error"]["code"].as_str().map(str::to_string))
        })
    });
    let outcomes = futures::future::join_all(logins).await;
    stop.cancel();
    let probes = probe.await.expect("every /healthz probe answered");
    let peak_kib = peak_rss_kib(server.pid());

    let (mut ok, mut wrong, mut busy) = (0, 0, 0);
    for outcome in outcomes {
        match outcome.unwrap() {
            (StatusCode::OK, ..) => ok += 1,
            (StatusCode::UNAUTHORIZED, _, code) => {
                assert_eq!(code.as_deref(), Some("invalid_credentials"));
                wrong += 1;
            }
            (StatusCode::SERVICE_UNAVAILABLE, retry_after, code) => {
                assert!(retry_after, "503 carries Retry-After");
                assert_eq!(code.as_deref(), Some("overloaded"));
                busy += 1;
            }
            other => panic!("unexpected answer to a login: {other:?}"),
        }
    }
    println!(
        "login flood ({backends:?}): {FLOOD} concurrent logins -> {ok} signed in, {wrong} wrong password, {busy} \
         refused busy (503); server peak RSS {} MiB (before the flood {} MiB; bound {FLOOD_RSS_BOUND_MIB} MiB); \
         /healthz answered {probes} probes",
        peak_kib / 1024,
        before_kib / 1024
    );
    assert!(ok > 0 && wrong > 0, "some logins were served");
    assert!(busy > 0, "a full hashing queue refuses at once instead of parking everything");
    assert!(probes >= 1, "/healthz was probed during the flood");
    assert!(peak_kib / 1024 < FLOOD_RSS_BOUND_MIB, "peak RSS {} MiB", peak_kib / 1024);

    drop(server);
    clean_up(&config, pg_database).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_flood_sqlite_disk() {
    a_login_flood_keeps_server_memory_bounded_and_healthz_answering(Backends::SqliteDisk).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_flood_postgres_s3() {
    a_login_flood_keeps_server_memory_bounded_and_healthz_answering(Backends::PostgresS3).await;
}
