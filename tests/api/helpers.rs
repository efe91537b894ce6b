//! Test harness: spawn the application against a chosen backend pair.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use briefly::config::{S3Config, StorageConfig};
use briefly::jobs::JobQueue;
use briefly::store::Store;
use briefly::{Application, Config};
use futures::FutureExt;
use reqwest::{Client, Method, RequestBuilder, Response, StatusCode};
use serde_json::{json, Value};
use sqlx::Connection;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backends {
    SqliteDisk,
    PostgresS3,
}

/// Generate one `#[tokio::test]` per backend pair for an `async fn(TestApp)`;
/// `matrix!(tweaks = f; ...)` starts the apps with `f()`'s settings.
#[macro_export]
macro_rules! matrix {
    (tweaks = $tweaks:path; $($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite_disk() {
                    $crate::helpers::run($crate::helpers::Backends::SqliteDisk, $tweaks(), super::$name).await;
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres_s3() {
                    $crate::helpers::run($crate::helpers::Backends::PostgresS3, $tweaks(), super::$name).await;
                }
            }
        )*
    };
    ($($name:ident),* $(,)?) => {
        $crate::matrix!(tweaks = $crate::helpers::Tweaks::default; $($name),*);
    };
}

/// Knobs a test may turn before the app starts.
#[derive(Debug, Clone, Default)]
pub struct Tweaks {
    pub upload_expiry: Option<Duration>,
    pub sweep_interval: Option<Duration>,
    pub tus_max_size: Option<u64>,
    pub presign_redirect: bool,
    /// A whisper.cpp model for the in-process worker; without one transcription is disabled.
    pub whisper_model: Option<PathBuf>,
    /// Start the app without its in-process worker (`serve --no-worker`).
    pub no_worker: bool,
    /// (comments, reactions) per user per minute; tests get generous limits otherwise.
    pub write_limits: Option<(u32, u32)>,
    /// Let webhooks reach 127.0.0.1, where the tests' receivers listen.
    pub webhook_allow_private_targets: bool,
    /// (failed sign-ins per account per hour, sign-in attempts per client per minute);
    /// tests sign up many users from 127.0.0.1 and get generous limits otherwise.
    pub auth_limits: Option<(u32, u32)>,
    /// Trust `X-Forwarded-For` for the client address.
    pub trust_proxy: bool,
    /// Quotas (the defaults otherwise): bytes per user, unfinished uploads per user,
    /// checksummed PATCH body, live streams per user and per client address.
    pub user_storage_quota: Option<u64>,
    pub max_unfinished_uploads: Option<u64>,
    pub checksum_patch_max: Option<u64>,
    pub sse_per_user: Option<usize>,
    pub sse_per_address: Option<usize>,
    /// Another S3-compatible server than the suite's (one the test may stop).
    pub s3_endpoint: Option<String>,
    /// Keep the data folder here instead of a fresh temporary one (a small disk, say).
    pub data_dir: Option<PathBuf>,
    /// Live processing: recordings followed at once (default 1), and how long a silent
    /// recording is followed before its worker yields.
    pub live_concurrency: Option<usize>,
    pub live_stall_after: Option<Duration>,
}

#[derive(Clone)]
pub struct TestApp {
    pub addr: String,
    pub backends: Backends,
    pub config: Config,
    pub store: Arc<dyn Store>,
    /// The app's own job queue: jobs the API enqueues wake workers started on it in-process.
    pub jobs: JobQueue,
    inner: Arc<Inner>,
}

struct Inner {
    _data: tempfile::TempDir,
    pg_database: Option<String>,
    shutdown: std::sync::Mutex<Option<tokio::sync::oneshot::Sender<()>>>,
}

pub fn pg_admin_url() -> String {
    std::env::var("BRIEFLY_TEST_PG").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

/// S3 settings for tests: the server the test script started on loopback.
pub fn test_s3_config(prefix: &str) -> S3Config {
    let endpoint = std::env::var("BRIEFLY_TEST_S3_ENDPOINT").expect(
        "BRIEFLY_TEST_S3_ENDPOINT is not set: run the suite with scripts/test.sh, which starts an S3 server on loopback",
    );
    S3Config {
        bucket: std::env::var("BRIEFLY_TEST_S3_BUCKET").unwrap_or_else(|_| "briefly-test".into()),
        endpoint: Some(endpoint),
        region: "us-east-1".into(),
        prefix: prefix.to_string(),
        path_style: true,
        access_key_id: Some(std::env::var("BRIEFLY_TEST_S3_ACCESS_KEY").unwrap_or_else(|_| "briefly".into())),
        secret_access_key: Some(
            std::env::var("BRIEFLY_TEST_S3_SECRET_KEY").unwrap_or_else(|_| "briefly-secret".into()).into(),
        ),
        presign_redirect: false,
        presign_ttl: Duration::from_secs(300),
    }
}

pub fn unique(prefix: &str) -> String {
    format!("{prefix}{}", briefly::domain::random_id(12).to_lowercase())
}

/// Everything a fresh app needs on disk and in the database, without starting it.
pub async fn prepare_config(backends: Backends, tweaks: &Tweaks) -> (Config, tempfile::TempDir, Option<String>) {
    let data = tempfile::tempdir().expect("temp dir");
    let mut config = Config::local(tweaks.data_dir.as_deref().unwrap_or(data.path()));
    config.listen = "127.0.0.1:0".parse().unwrap();
    let mut pg_database = None;
    if backends == Backends::PostgresS3 {
        let name = unique("briefly_t_");
        let mut admin = sqlx::PgConnection::connect(&format!("{}/postgres", pg_admin_url())).await.expect("postgres");
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.expect("create database");
        config.database_url = format!("{}/{name}", pg_admin_url()).into();
        let mut s3 = test_s3_config(&format!("{}/", unique("t-")));
        s3.presign_redirect = tweaks.presign_redirect;
        if let Some(endpoint) = &tweaks.s3_endpoint {
            s3.endpoint = Some(endpoint.clone());
        }
        config.storage = StorageConfig::S3(s3);
        pg_database = Some(name);
    }
    if let Some(expiry) = tweaks.upload_expiry {
        config.upload_expiry = expiry;
    }
    if let Some(interval) = tweaks.sweep_interval {
        config.sweep_interval = interval;
    }
    if let Some(max) = tweaks.tus_max_size {
        config.tus_max_size = max;
    }
    config.whisper_model = tweaks.whisper_model.clone();
    let (comments, reactions) = tweaks.write_limits.unwrap_or((100_000, 100_000));
    config.comments_per_minute = comments;
    config.reactions_per_minute = reactions;
    config.webhook_allow_private_targets = tweaks.webhook_allow_private_targets;
    let (per_account, per_client) = tweaks.auth_limits.unwrap_or((1_000_000, 1_000_000));
    config.login_failures_per_account_per_hour = per_account;
    config.auth_attempts_per_client_per_minute = per_client;
    config.trust_proxy = tweaks.trust_proxy;
    if let Some(quota) = tweaks.user_storage_quota {
        config.user_storage_quota = quota;
    }
    if let Some(max) = tweaks.max_unfinished_uploads {
        config.max_unfinished_uploads = max;
    }
    if let Some(max) = tweaks.checksum_patch_max {
        config.checksum_patch_max = max;
    }
    if let Some(max) = tweaks.sse_per_user {
        config.sse_per_user = max;
    }
    if let Some(max) = tweaks.sse_per_address {
        config.sse_per_address = max;
    }
    if let Some(live) = tweaks.live_concurrency {
        config.live_concurrency = live;
    }
    if let Some(stall) = tweaks.live_stall_after {
        config.live_stall_after = stall;
    }
    (config, data, pg_database)
}

pub async fn drop_pg_database(name: &str) {
    if let Ok(mut admin) = sqlx::PgConnection::connect(&format!("{}/postgres", pg_admin_url())).await {
        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut admin).await;
    }
}

impl TestApp {
    pub async fn spawn(backends: Backends, tweaks: Tweaks) -> TestApp {
        let (config, data, pg_database) = prepare_config(backends, &tweaks).await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let mut app = Application::build(config.clone(), listener).await.expect("build app");
        if tweaks.no_worker {
            app = app.without_worker();
        }
        let addr = format!("http://{}", app.local_addr().unwrap());
        let store = app.state().store().clone();
        let jobs = app.state().jobs().clone();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(app.run_until(async move {
            let _ = rx.await;
        }));
        TestApp {
            addr,
            backends,
            config,
            store,
            jobs,
            inner: Arc::new(Inner { _data: data, pg_database, shutdown: std::sync::Mutex::new(Some(tx)) }),
        }
    }

    pub fn data_dir(&self) -> PathBuf {
        self.config.data_dir.clone()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.addr, path)
    }

    /// A client with its own cookie jar: one browser.
    pub fn browser(&self) -> Client {
        Client::builder().cookie_store(true).timeout(Duration::from_secs(120)).build().unwrap()
    }

    pub async fn sign_up(&self, name: &str) -> User {
        let client = self.browser();
        let email = format!("{}@example.com", unique(&name.to_lowercase()));
        let response = client
            .post(self.url("/api/auth/signup"))
            .json(&json!({ "email": email, "password": "correct horse battery", "name": name }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        let body: Value = response.json().await.unwrap();
        let me: Value = client.get(self.url("/api/me")).send().await.unwrap().json().await.unwrap();
        User {
            client,
            id: body["user"]["id"].as_str().unwrap().to_string(),
            email,
            workspace_id: me["workspaces"][0]["id"].as_str().unwrap().to_string(),
            base: self.addr.clone(),
        }
    }

    pub fn anonymous(&self) -> User {
        User {
            client: self.browser(),
            id: String::new(),
            email: String::new(),
            workspace_id: String::new(),
            base: self.addr.clone(),
        }
    }

    async fn cleanup(&self) {
        if let Some(tx) = self.inner.shutdown.lock().unwrap().take() {
            let _ = tx.send(());
        }
        if matches!(self.config.storage, StorageConfig::S3(_)) {
            let _ = self.store.delete_prefix("").await;
        }
        if let Some(name) = &self.inner.pg_database {
            drop_pg_database(name).await;
        }
    }
}

/// Run one test body, then clean up whether it passed or panicked.
pub async fn run<F, Fut>(backends: Backends, tweaks: Tweaks, test: F)
where
    F: FnOnce(TestApp) -> Fut,
    Fut: Future<Output = ()>,
{
    let app = TestApp::spawn(backends, tweaks).await;
    let outcome = AssertUnwindSafe(test(app.clone())).catch_unwind().await;
    app.cleanup().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

pub struct User {
    pub client: Client,
    pub id: String,
    pub email: String,
    pub workspace_id: String,
    base: String,
}

impl User {
    /// A user of a server the test started as a separate process.
    pub fn for_base(client: Client, base: &str) -> User {
        User { client, id: String::new(), email: String::new(), workspace_id: String::new(), base: base.to_string() }
    }

    /// Point at a restarted server; the cookie jar (the session) is kept.
    pub fn set_base(&mut self, base: &str) {
        self.base = base.to_string();
    }

    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, format!("{}{}", self.base, path))
    }

    /// PATCH a JSON body; the response as it came.
    pub async fn patch_json(&self, path: &str, body: Value) -> Response {
        self.request(Method::PATCH, path).json(&body).send().await.unwrap()
    }

    pub fn get(&self, path: &str) -> RequestBuilder {
        self.request(Method::GET, path)
    }

    pub async fn create_video(&self, title: &str, visibility: &str) -> Value {
        let response = self
            .request(Method::POST, "/api/videos")
            .json(&json!({ "title": title, "visibility": visibility }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        response.json().await.unwrap()
    }

    /// A video in a given workspace (201 asserted), as `create_video` makes one in the
    /// personal workspace.
    pub async fn create_video_in(&self, title: &str, visibility: &str, workspace_id: &str) -> Value {
        let body = json!({ "title": title, "visibility": visibility, "workspace_id": workspace_id });
        let response = self.request(Method::POST, "/api/videos").json(&body).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        response.json().await.unwrap()
    }

    /// tus: create an upload; returns its path.
    pub async fn tus_create(&self, length: Option<u64>, metadata: &[(&str, &str)]) -> Response {
        let mut request = self.request(Method::POST, "/api/uploads").header("Tus-Resumable", "1.0.0");
        request = match length {
            Some(length) => request.header("Upload-Length", length.to_string()),
            None => request.header("Upload-Defer-Length", "1"),
        };
        if !metadata.is_empty() {
            request = request.header("Upload-Metadata", tus_metadata(metadata));
        }
        request.send().await.unwrap()
    }

    pub async fn tus_patch(&self, location: &str, offset: u64, body: Vec<u8>) -> Response {
        self.request(Method::PATCH, location)
            .header("Tus-Resumable", "1.0.0")
            .header("Upload-Offset", offset.to_string())
            .header("Content-Type", "application/offset+octet-stream")
            .body(body)
            .send()
            .await
            .unwrap()
    }

    /// The PATCH that ends a deferred-length upload: `body` at `offset`, declaring `length`.
    pub async fn tus_patch_final(&self, location: &str, offset: u64, body: Vec<u8>, length: u64) -> Response {
        self.request(Method::PATCH, location)
            .header("Tus-Resumable", "1.0.0")
            .header("Upload-Offset", offset.to_string())
            .header("Upload-Length", length.to_string())
            .header("Content-Type", "application/offset+octet-stream")
            .body(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn tus_head(&self, location: &str) -> Response {
        self.request(Method::HEAD, location).header("Tus-Resumable", "1.0.0").send().await.unwrap()
    }

    /// Upload `data` in `chunk`-sized PATCHes to a new upload; returns the video id.
    pub async fn upload_file(&self, data: &[u8], chunk: usize, metadata: &[(&str, &str)]) -> String {
        let created = self.tus_create(Some(data.len() as u64), metadata).await;
        assert_eq!(created.status(), StatusCode::CREATED);
        let location = header(&created, "location");
        let video_id = header(&created, "briefly-video-id");
        let mut offset = 0;
        for piece in data.chunks(chunk.max(1)) {
            let response = self.tus_patch(&location, offset as u64, piece.to_vec()).await;
            assert_eq!(response.status(), StatusCode::NO_CONTENT, "PATCH at {offset}");
            offset += piece.len();
            assert_eq!(header(&response, "upload-offset"), offset.to_string());
        }
        video_id
    }

    /// GET `path` and parse the JSON answer, whatever its status (assert on the body).
    pub async fn get_json(&self, path: &str) -> Value {
        self.get(path).send().await.unwrap().json().await.unwrap()
    }

    pub async fn download(&self, path: &str) -> Vec<u8> {
        let response = self.get(path).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        response.bytes().await.unwrap().to_vec()
    }
}

pub fn tus_metadata(pairs: &[(&str, &str)]) -> String {
    use base64::Engine;
    pairs
        .iter()
        .map(|(k, v)| format!("{k} {}", base64::engine::general_purpose::STANDARD.encode(v)))
        .collect::<Vec<_>>()
        .join(",")
}

pub fn header(response: &Response, name: &str) -> String {
    response.headers().get(name).unwrap_or_else(|| panic!("missing header {name}")).to_str().unwrap().to_string()
}

/// Deterministic pseudo-random bytes (xorshift), so failures are reproducible.
pub fn test_bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        out.extend_from_slice(&state.to_le_bytes());
    }
    out.truncate(len);
    out
}

pub fn sha256(data: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(data))
}

/// Assert the API's error shape and code.
pub async fn assert_error(response: Response, status: StatusCode, code: &str) {
    assert_eq!(response.status(), status, "unexpected status for expected code {code}");
    let body: Value = response.json().await.expect("error bodies are JSON");
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
}

/// Give a video a known duration, as processing would (positions are checked against it).
pub async fn set_duration(app: &TestApp, video_id: &str, duration_ms: i64) {
    let db = briefly::db::Db::connect(app.config.database_url()).await.unwrap();
    // Straight to the row: the lifecycle allows this only during processing.
    sqlx::query("UPDATE videos SET has_seekable = 1, duration_ms = $2 WHERE id = $1")
        .bind(video_id)
        .bind(duration_ms)
        .execute(db.pool())
        .await
        .unwrap();
    db.close().await;
}
