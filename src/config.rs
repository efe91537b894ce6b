//! Configuration, lowest to highest precedence:
//! built-in defaults < `briefly.toml` < environment (`BRIEFLY_*`, `DATABASE_URL`, `AWS_*`) < flags.
//!
//! Clap already merges flags over environment variables, so this module only has to lay
//! the optional TOML file underneath whatever clap produced.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

/// Fully resolved settings for one process.
#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    /// Hidden from `Debug`: a PostgreSQL URL may carry a password.
    pub database_url: SecretString,
    pub storage: StorageConfig,
    /// Largest upload the tus endpoint accepts, in bytes (advertised as `Tus-Max-Size`).
    pub tus_max_size: u64,
    /// How long an unfinished upload may sit idle before it is deleted.
    pub upload_expiry: Duration,
    /// How often the sweeper looks for expired uploads.
    pub sweep_interval: Duration,
    /// Mark session cookies `Secure` (turn on behind HTTPS).
    pub secure_cookies: bool,
    /// Media jobs (video processing) one worker process runs at the same time.
    pub worker_concurrency: usize,
    /// Webhook deliveries one worker process sends at the same time (their own queue, so
    /// they never wait behind processing).
    pub delivery_concurrency: usize,
    /// Recordings one worker process processes while they are still being recorded (their
    /// own queue: one follows a recording for as long as it lasts). 0 turns live
    /// processing off; recordings past the limit are processed after upload instead.
    pub live_concurrency: usize,
    /// A recording that sends nothing for this long gives its live worker back.
    pub live_stall_after: Duration,
    /// whisper.cpp (ggml) model; without one, transcription is disabled.
    pub whisper_model: Option<PathBuf>,
    /// CPU threads per transcription.
    pub whisper_threads: usize,
    /// How long a claimed job stays leased without a heartbeat (a dead worker's job is
    /// taken over after this).
    pub job_lease: Duration,
    /// Per-user limits on writes that land on other people's videos (a quarter of the
    /// minute's allowance may come as one burst).
    pub comments_per_minute: u32,
    pub reactions_per_minute: u32,
    /// Let webhooks target private, loopback and link-local addresses (off: public only).
    pub webhook_allow_private_targets: bool,
    /// Failed sign-ins (and password changes, and sign-ups of a taken email) per account:
    /// this many at once, refilled evenly over an hour.
    pub login_failures_per_account_per_hour: u32,
    /// Sign-in, sign-up and password-change attempts per client address (IPv6: per /64):
    /// this many at once, refilled evenly over a minute.
    pub auth_attempts_per_client_per_minute: u32,
    /// Take the client address from the last `X-Forwarded-For` entry (set it only behind a
    /// reverse proxy that appends it; otherwise anyone can claim any address).
    pub trust_proxy: bool,
    /// argon2id hashes run at once (~19 MiB each while running); default: the CPU count.
    pub password_hash_concurrency: usize,
    /// Hashes that may wait for a free slot; beyond that sign-ins get 503 at once.
    pub password_hash_queue: usize,
    /// Quotas: bytes one user may keep (originals + derived media + unfinished uploads).
    pub user_storage_quota: u64,
    /// Unfinished uploads one user may have at once.
    pub max_unfinished_uploads: u64,
    /// Largest checksummed PATCH body (spooled to `data_dir/tmp` before it is verified).
    pub checksum_patch_max: u64,
    /// Live event streams one account, and one client address, may hold open at once.
    pub sse_per_user: usize,
    pub sse_per_address: usize,
}

#[derive(Debug, Clone)]
pub enum StorageConfig {
    Local { root: PathBuf },
    S3(S3Config),
}

#[derive(Clone)]
pub struct S3Config {
    pub bucket: String,
    pub endpoint: Option<String>,
    pub region: String,
    /// Key prefix inside the bucket, so several deployments (or tests) can share one bucket.
    pub prefix: String,
    pub path_style: bool,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<SecretString>,
    /// Serve media by redirecting to a presigned URL instead of proxying the bytes.
    pub presign_redirect: bool,
    pub presign_ttl: Duration,
}

impl std::fmt::Debug for S3Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Config")
            .field("bucket", &self.bucket)
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("prefix", &self.prefix)
            .field("path_style", &self.path_style)
            .field("access_key_id", &self.access_key_id.as_ref().map(|_| "[set]"))
            .field("secret_access_key", &self.secret_access_key.as_ref().map(|_| "[redacted]"))
            .field("presign_redirect", &self.presign_redirect)
            .finish()
    }
}

/// Values as they arrive from flags/environment; `None` means "not given there".
#[derive(Debug, Default, Clone, clap::Args)]
pub struct Overrides {
    /// Address to listen on.
    #[arg(long, env = "BRIEFLY_LISTEN", global = true)]
    pub listen: Option<SocketAddr>,
    /// Directory for the SQLite database and local media.
    #[arg(long, env = "BRIEFLY_DATA_DIR", global = true)]
    pub data_dir: Option<PathBuf>,
    /// `sqlite:...` or `postgres://...`; the scheme picks the backend.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,
    /// Store media in this S3 bucket instead of on local disk.
    #[arg(long, env = "BRIEFLY_S3_BUCKET", global = true)]
    pub s3_bucket: Option<String>,
    #[arg(long, env = "BRIEFLY_S3_ENDPOINT", global = true)]
    pub s3_endpoint: Option<String>,
    #[arg(long, env = "BRIEFLY_S3_REGION", global = true)]
    pub s3_region: Option<String>,
    #[arg(long, env = "BRIEFLY_S3_PREFIX", global = true)]
    pub s3_prefix: Option<String>,
    /// Path-style addressing (needed by most S3-compatible servers).
    #[arg(long, env = "BRIEFLY_S3_PATH_STYLE", global = true)]
    pub s3_path_style: Option<bool>,
    /// Redirect media requests to short-lived presigned URLs.
    #[arg(long, env = "BRIEFLY_S3_PRESIGN_REDIRECT", global = true)]
    pub s3_presign_redirect: Option<bool>,
    #[arg(long, env = "AWS_ACCESS_KEY_ID", global = true, hide_env_values = true)]
    pub aws_access_key_id: Option<String>,
    #[arg(long, env = "AWS_SECRET_ACCESS_KEY", global = true, hide_env_values = true)]
    pub aws_secret_access_key: Option<String>,
    /// Largest accepted upload in bytes.
    #[arg(long, env = "BRIEFLY_TUS_MAX_SIZE", global = true)]
    pub tus_max_size: Option<u64>,
    /// Seconds an unfinished upload may stay idle before it is removed.
    #[arg(long, env = "BRIEFLY_UPLOAD_EXPIRY_SECS", global = true)]
    pub upload_expiry_secs: Option<u64>,
    /// Seconds between sweeps for expired uploads.
    #[arg(long, env = "BRIEFLY_SWEEP_INTERVAL_SECS", global = true)]
    pub sweep_interval_secs: Option<u64>,
    #[arg(long, env = "BRIEFLY_SECURE_COOKIES", global = true)]
    pub secure_cookies: Option<bool>,
    /// Media jobs (video processing) a worker process runs at once.
    #[arg(long, env = "BRIEFLY_WORKER_CONCURRENCY", global = true)]
    pub worker_concurrency: Option<usize>,
    /// Webhook deliveries a worker process sends at once.
    #[arg(long, env = "BRIEFLY_DELIVERY_CONCURRENCY", global = true)]
    pub delivery_concurrency: Option<usize>,
    /// Recordings a worker process follows live while they are recorded (0: off).
    #[arg(long, env = "BRIEFLY_LIVE_CONCURRENCY", global = true)]
    pub live_concurrency: Option<usize>,
    /// Path of a whisper.cpp (ggml) speech model; unset disables transcription.
    #[arg(long, env = "BRIEFLY_WHISPER_MODEL", global = true)]
    pub whisper_model: Option<PathBuf>,
    /// CPU threads per transcription (1 is steadiest on small machines).
    #[arg(long, env = "BRIEFLY_WHISPER_THREADS", global = true)]
    pub whisper_threads: Option<usize>,
    /// Seconds a job's lease lasts without a heartbeat.
    #[arg(long, env = "BRIEFLY_JOB_LEASE_SECS", global = true)]
    pub job_lease_secs: Option<u64>,
    /// Comments one user may post per minute.
    #[arg(long, env = "BRIEFLY_COMMENTS_PER_MINUTE", global = true)]
    pub comments_per_minute: Option<u32>,
    /// Reactions one user may add per minute.
    #[arg(long, env = "BRIEFLY_REACTIONS_PER_MINUTE", global = true)]
    pub reactions_per_minute: Option<u32>,
    /// Allow webhook URLs that resolve to private, loopback or link-local addresses.
    #[arg(long, env = "BRIEFLY_WEBHOOK_ALLOW_PRIVATE_TARGETS", global = true)]
    pub webhook_allow_private_targets: Option<bool>,
    /// Failed sign-ins per account per hour (all may come at once).
    #[arg(long, env = "BRIEFLY_LOGIN_FAILURES_PER_ACCOUNT_PER_HOUR", global = true)]
    pub login_failures_per_account_per_hour: Option<u32>,
    /// Sign-in and sign-up attempts per client address per minute.
    #[arg(long, env = "BRIEFLY_AUTH_ATTEMPTS_PER_CLIENT_PER_MINUTE", global = true)]
    pub auth_attempts_per_client_per_minute: Option<u32>,
    /// Trust the last `X-Forwarded-For` entry as the client address (behind a reverse proxy).
    #[arg(long, env = "BRIEFLY_TRUST_PROXY", global = true)]
    pub trust_proxy: Option<bool>,
    /// Password hashes computed at once (default: the number of CPUs).
    #[arg(long, env = "BRIEFLY_PASSWORD_HASH_CONCURRENCY", global = true)]
    pub password_hash_concurrency: Option<usize>,
    /// Password hashes that may wait their turn before sign-ins are refused with 503.
    #[arg(long, env = "BRIEFLY_PASSWORD_HASH_QUEUE", global = true)]
    pub password_hash_queue: Option<usize>,
    /// Bytes one user may keep: originals, derived media and unfinished uploads.
    #[arg(long, env = "BRIEFLY_USER_STORAGE_QUOTA", global = true)]
    pub user_storage_quota: Option<u64>,
    /// Unfinished uploads one user may have at once.
    #[arg(long, env = "BRIEFLY_MAX_UNFINISHED_UPLOADS", global = true)]
    pub max_unfinished_uploads: Option<u64>,
    /// Largest body of a PATCH that carries Upload-Checksum, in bytes.
    #[arg(long, env = "BRIEFLY_CHECKSUM_PATCH_MAX", global = true)]
    pub checksum_patch_max: Option<u64>,
    /// Live event streams one account may hold open.
    #[arg(long, env = "BRIEFLY_SSE_PER_USER", global = true)]
    pub sse_per_user: Option<usize>,
    /// Live event streams one client address may hold open.
    #[arg(long, env = "BRIEFLY_SSE_PER_ADDRESS", global = true)]
    pub sse_per_address: Option<usize>,
}

/// The optional `briefly.toml`: same names as the flags, snake_case.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    listen: Option<SocketAddr>,
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    s3_bucket: Option<String>,
    s3_endpoint: Option<String>,
    s3_region: Option<String>,
    s3_prefix: Option<String>,
    s3_path_style: Option<bool>,
    s3_presign_redirect: Option<bool>,
    tus_max_size: Option<u64>,
    upload_expiry_secs: Option<u64>,
    sweep_interval_secs: Option<u64>,
    secure_cookies: Option<bool>,
    worker_concurrency: Option<usize>,
    delivery_concurrency: Option<usize>,
    live_concurrency: Option<usize>,
    whisper_model: Option<PathBuf>,
    whisper_threads: Option<usize>,
    job_lease_secs: Option<u64>,
    comments_per_minute: Option<u32>,
    reactions_per_minute: Option<u32>,
    webhook_allow_private_targets: Option<bool>,
    login_failures_per_account_per_hour: Option<u32>,
    auth_attempts_per_client_per_minute: Option<u32>,
    trust_proxy: Option<bool>,
    password_hash_concurrency: Option<usize>,
    password_hash_queue: Option<usize>,
    user_storage_quota: Option<u64>,
    max_unfinished_uploads: Option<u64>,
    checksum_patch_max: Option<u64>,
    sse_per_user: Option<usize>,
    sse_per_address: Option<usize>,
}

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
pub const DEFAULT_TUS_MAX_SIZE: u64 = 16 * 1024 * 1024 * 1024;
const DEFAULT_UPLOAD_EXPIRY_SECS: u64 = 24 * 3600;
const DEFAULT_SWEEP_INTERVAL_SECS: u64 = 300;
/// Deliveries are I/O-bound: an attempt mostly waits (up to 10 s) on someone else's server
/// and costs next to no CPU or memory, so a few at once keep one slow receiver from holding
/// up the others without flooding anyone.
const DEFAULT_DELIVERY_CONCURRENCY: usize = 4;
/// Enough for someone who mistypes a few times, then a guess every 3 minutes.
const DEFAULT_LOGIN_FAILURES_PER_ACCOUNT_PER_HOUR: u32 = 20;
/// An office behind one address signs in freely; a script gets one try every 3 s.
const DEFAULT_AUTH_ATTEMPTS_PER_CLIENT_PER_MINUTE: u32 = 20;
/// Waiting hashes cost a parked request each (no hashing memory); 64 waiting on two cores
/// is about two seconds of hashing.
const DEFAULT_PASSWORD_HASH_QUEUE: usize = 64;
/// 100 GiB per user: several long recordings' originals and their derived copies.
pub const DEFAULT_USER_STORAGE_QUOTA: u64 = 100 * 1024 * 1024 * 1024;
/// Enough for a few recordings at once plus the odd abandoned one.
pub const DEFAULT_MAX_UNFINISHED_UPLOADS: u64 = 10;
/// tus clients send checksummed pieces of a few MiB; 64 MiB leaves room and bounds the spool.
pub const DEFAULT_CHECKSUM_PATCH_MAX: u64 = 64 * 1024 * 1024;
/// A person with a handful of tabs and devices open.
pub const DEFAULT_SSE_PER_USER: usize = 16;
/// Several people behind one NAT, each with a few tabs.
pub const DEFAULT_SSE_PER_ADDRESS: usize = 64;

impl Config {
    /// Resolve settings from an optional TOML file plus flags/environment.
    pub fn load(config_file: Option<&Path>, overrides: &Overrides) -> anyhow::Result<Config> {
        let file = match config_file {
            Some(path) => read_file_settings(path, true)?,
            None => read_file_settings(Path::new("briefly.toml"), false)?,
        };
        Ok(Self::resolve(file, overrides.clone()))
    }

    fn resolve(file: FileSettings, o: Overrides) -> Config {
        let data_dir = o.data_dir.or(file.data_dir).unwrap_or_else(|| PathBuf::from("data"));
        let database_url = o
            .database_url
            .or(file.database_url)
            .unwrap_or_else(|| format!("sqlite:{}", data_dir.join("briefly.db").display()));
        let storage = match o.s3_bucket.or(file.s3_bucket) {
            Some(bucket) => StorageConfig::S3(S3Config {
                bucket,
                endpoint: o.s3_endpoint.or(file.s3_endpoint),
                region: o.s3_region.or(file.s3_region).unwrap_or_else(|| "us-east-1".into()),
                prefix: normalize_prefix(o.s3_prefix.or(file.s3_prefix).unwrap_or_default()),
                path_style: o.s3_path_style.or(file.s3_path_style).unwrap_or(true),
                access_key_id: o.aws_access_key_id,
                secret_access_key: o.aws_secret_access_key.map(SecretString::from),
                presign_redirect: o.s3_presign_redirect.or(file.s3_presign_redirect).unwrap_or(false),
                presign_ttl: Duration::from_secs(300),
            }),
            None => StorageConfig::Local { root: data_dir.join("media") },
        };
        Config {
            listen: o.listen.or(file.listen).unwrap_or_else(|| DEFAULT_LISTEN.parse().expect("valid default address")),
            data_dir,
            database_url: SecretString::from(database_url),
            storage,
            tus_max_size: o.tus_max_size.or(file.tus_max_size).unwrap_or(DEFAULT_TUS_MAX_SIZE),
            upload_expiry: Duration::from_secs(
                o.upload_expiry_secs.or(file.upload_expiry_secs).unwrap_or(DEFAULT_UPLOAD_EXPIRY_SECS),
            ),
            sweep_interval: Duration::from_secs(
                o.sweep_interval_secs.or(file.sweep_interval_secs).unwrap_or(DEFAULT_SWEEP_INTERVAL_SECS).max(1),
            ),
            secure_cookies: o.secure_cookies.or(file.secure_cookies).unwrap_or(false),
            worker_concurrency: o.worker_concurrency.or(file.worker_concurrency).unwrap_or(1).clamp(1, 64),
            delivery_concurrency: o
                .delivery_concurrency
                .or(file.delivery_concurrency)
                .unwrap_or(DEFAULT_DELIVERY_CONCURRENCY)
                .clamp(1, 64),
            live_concurrency: o.live_concurrency.or(file.live_concurrency).unwrap_or(1).min(16),
            live_stall_after: Duration::from_secs(30),
            whisper_model: o.whisper_model.or(file.whisper_model),
            whisper_threads: o.whisper_threads.or(file.whisper_threads).unwrap_or(1).clamp(1, 64),
            job_lease: Duration::from_secs(o.job_lease_secs.or(file.job_lease_secs).unwrap_or(30).clamp(2, 3600)),
            comments_per_minute: o.comments_per_minute.or(file.comments_per_minute).unwrap_or(30).clamp(1, 1_000_000),
            reactions_per_minute: o
                .reactions_per_minute
                .or(file.reactions_per_minute)
                .unwrap_or(120)
                .clamp(1, 1_000_000),
            webhook_allow_private_targets: o
                .webhook_allow_private_targets
                .or(file.webhook_allow_private_targets)
                .unwrap_or(false),
            login_failures_per_account_per_hour: o
                .login_failures_per_account_per_hour
                .or(file.login_failures_per_account_per_hour)
                .unwrap_or(DEFAULT_LOGIN_FAILURES_PER_ACCOUNT_PER_HOUR)
                .clamp(1, 1_000_000),
            auth_attempts_per_client_per_minute: o
                .auth_attempts_per_client_per_minute
                .or(file.auth_attempts_per_client_per_minute)
                .unwrap_or(DEFAULT_AUTH_ATTEMPTS_PER_CLIENT_PER_MINUTE)
                .clamp(1, 1_000_000),
            trust_proxy: o.trust_proxy.or(file.trust_proxy).unwrap_or(false),
            password_hash_concurrency: o
                .password_hash_concurrency
                .or(file.password_hash_concurrency)
                .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
                .clamp(1, 256),
            password_hash_queue: o
                .password_hash_queue
                .or(file.password_hash_queue)
                .unwrap_or(DEFAULT_PASSWORD_HASH_QUEUE)
                .min(100_000),
            user_storage_quota: o.user_storage_quota.or(file.user_storage_quota).unwrap_or(DEFAULT_USER_STORAGE_QUOTA),
            max_unfinished_uploads: o
                .max_unfinished_uploads
                .or(file.max_unfinished_uploads)
                .unwrap_or(DEFAULT_MAX_UNFINISHED_UPLOADS)
                .max(1),
            checksum_patch_max: o
                .checksum_patch_max
                .or(file.checksum_patch_max)
                .unwrap_or(DEFAULT_CHECKSUM_PATCH_MAX)
                .max(1),
            sse_per_user: o.sse_per_user.or(file.sse_per_user).unwrap_or(DEFAULT_SSE_PER_USER).max(1),
            sse_per_address: o.sse_per_address.or(file.sse_per_address).unwrap_or(DEFAULT_SSE_PER_ADDRESS).max(1),
        }
    }

    /// Zero-config defaults rooted at `data_dir` (used by tests and benches).
    pub fn local(data_dir: &Path) -> Config {
        let overrides = Overrides { data_dir: Some(data_dir.to_path_buf()), ..Default::default() };
        Self::resolve(FileSettings::default(), overrides)
    }

    pub fn database_url(&self) -> &str {
        self.database_url.expose_secret()
    }
}

fn read_file_settings(path: &Path, required: bool) -> anyhow::Result<FileSettings> {
    match std::fs::read_to_string(path) {
        Ok(text) => toml::from_str(&text).with_context(|| format!("parsing {}", path.display())),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound && !required => Ok(FileSettings::default()),
        Err(err) => Err(err).with_context(|| format!("reading {}", path.display())),
    }
}

fn normalize_prefix(prefix: String) -> String {
    let trimmed = prefix.trim_matches('/');
    if trimmed.is_empty() {
        String::new()
    } else {
        format!("{trimmed}/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_beat_file_and_file_beats_defaults() {
        let file: FileSettings =
            toml::from_str("listen = \"127.0.0.1:9000\"\ndata_dir = \"/srv/briefly\"\ntus_max_size = 42").unwrap();
        let overrides = Overrides { listen: Some("127.0.0.1:7000".parse().unwrap()), ..Default::default() };
        let config = Config::resolve(file, overrides);
        assert_eq!(config.listen.port(), 7000);
        assert_eq!(config.data_dir, PathBuf::from("/srv/briefly"));
        assert_eq!(config.tus_max_size, 42);
        assert_eq!(config.database_url(), "sqlite:/srv/briefly/briefly.db");
        assert!(matches!(config.storage, StorageConfig::Local { ref root } if root == Path::new("/srv/briefly/media")));
    }

    #[test]
    fn secrets_stay_out_of_debug_output() {
        let overrides = Overrides {
            database_url: Some("postgres://u:hunter2@db/briefly".into()),
            s3_bucket: Some("media".into()),
            aws_access_key_id: Some("AKIAEXAMPLE".into()),
            aws_secret_access_key: Some("supersecretkey".into()),
            ..Default::default()
        };
        let rendered = format!("{:?}", Config::resolve(FileSettings::default(), overrides));
        assert!(!rendered.contains("hunter2"), "{rendered}");
        assert!(!rendered.contains("supersecretkey"), "{rendered}");
        assert!(!rendered.contains("AKIAEXAMPLE"), "{rendered}");
        assert!(rendered.contains("media"));
    }

    #[test]
    fn private_webhook_targets_are_off_unless_allowed() {
        assert!(!Config::resolve(FileSettings::default(), Overrides::default()).webhook_allow_private_targets);
        let file: FileSettings = toml::from_str("webhook_allow_private_targets = true").unwrap();
        assert!(Config::resolve(file, Overrides::default()).webhook_allow_private_targets);
    }

    #[test]
    fn each_queue_has_its_own_concurrency() {
        let defaults = Config::resolve(FileSettings::default(), Overrides::default());
        assert_eq!((defaults.worker_concurrency, defaults.delivery_concurrency), (1, 4));
        let file: FileSettings = toml::from_str("worker_concurrency = 2\ndelivery_concurrency = 8").unwrap();
        let overrides = Overrides { delivery_concurrency: Some(16), ..Default::default() };
        let config = Config::resolve(file, overrides);
        assert_eq!((config.worker_concurrency, config.delivery_concurrency), (2, 16));
    }

    #[test]
    fn sign_in_guards_have_defaults_and_bounds() {
        let defaults = Config::resolve(FileSettings::default(), Overrides::default());
        assert_eq!(defaults.login_failures_per_account_per_hour, 20);
        assert_eq!(defaults.auth_attempts_per_client_per_minute, 20);
        assert!(!defaults.trust_proxy);
        assert!(defaults.password_hash_concurrency >= 1);
        let file: FileSettings = toml::from_str("trust_proxy = true\npassword_hash_concurrency = 0").unwrap();
        let overrides = Overrides { login_failures_per_account_per_hour: Some(0), ..Default::default() };
        let config = Config::resolve(file, overrides);
        assert!(config.trust_proxy);
        assert_eq!((config.login_failures_per_account_per_hour, config.password_hash_concurrency), (1, 1));
    }

    #[test]
    fn quotas_have_defaults_and_can_be_set() {
        let defaults = Config::resolve(FileSettings::default(), Overrides::default());
        assert_eq!(defaults.user_storage_quota, DEFAULT_USER_STORAGE_QUOTA);
        assert_eq!(defaults.max_unfinished_uploads, 10);
        assert_eq!(defaults.checksum_patch_max, 64 * 1024 * 1024);
        assert_eq!((defaults.sse_per_user, defaults.sse_per_address), (16, 64));
        let file: FileSettings = toml::from_str("user_storage_quota = 1000\nsse_per_address = 0").unwrap();
        let overrides = Overrides { sse_per_user: Some(2), ..Default::default() };
        let config = Config::resolve(file, overrides);
        assert_eq!(config.user_storage_quota, 1000);
        assert_eq!((config.sse_per_user, config.sse_per_address), (2, 1), "a limit of 0 would refuse everyone");
    }

    #[test]
    fn unknown_keys_in_the_file_are_rejected() {
        assert!(toml::from_str::<FileSettings>("lisen = \"x\"").is_err());
    }
}
