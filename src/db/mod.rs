//! Persistence behind one `Db` handle.
//!
//! The URL scheme picks the backend at startup (`sqlite:` or `postgres://`). Queries are
//! runtime-checked and written once in the dialect both engines accept (`$1` placeholders,
//! `RETURNING`, `ON CONFLICT`, BIGINT millisecond timestamps); the few places where the
//! engines really differ branch on [`Backend`]. Each backend keeps its own migrations folder.

mod comments;
mod edits;
mod events;
mod faults;
mod invites;
mod jobs;
mod live;
mod notifications;
mod reactions;
mod search;
mod storage;
mod transcripts;
mod uploads;
mod users;
mod videos;
mod views;
mod webhooks;
mod workspaces;

use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Context;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

pub use comments::{CommentCursor, CommentRow, NewComment};
pub use edits::EditRow;
pub use events::{EventRow, NewEvent, EVENTS_CHANNEL};
pub use faults::fault_of;
pub use invites::{Accepted, InviteRow, InviteTarget, MemberRow, NewInvite, Removal};
pub use jobs::{JobRecord, JOBS_CHANNEL};
pub use live::LiveSessionRow;
pub use notifications::{Notifications, Signal};
pub use reactions::{NewReaction, ReactionRow};
pub use search::{SearchRow, SearchScope, SegmentInput};
pub use transcripts::{CorrectionRow, TranscriptLock};
pub use uploads::{ChunkCommit, ChunkRow, LiveCopyRow, UploadRow};
pub use users::{ApiTokenRow, SessionUser, TokenUser, UserRow};
pub use videos::{ChangeGuard, VideoChange, VideoListQuery, VideoRow};
pub use views::NamedViewRow;
pub use webhooks::{AttemptRecord, DeliveryRow, WebhookRow};
pub use workspaces::{MemberRole, WorkspaceRow};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    /// SQLite allows one writer at a time and makes the others sleep and retry (with
    /// growing sleeps), which turns a burst of writes into long tail latencies. Hot write
    /// paths take turns here instead, first come first served, without sleeping.
    write_turns: Option<std::sync::Arc<tokio::sync::Mutex<()>>>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db").field("backend", &self.backend).finish_non_exhaustive()
    }
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

impl Db {
    /// Connect to the database named by `url`, creating a SQLite file (and its folder) if needed.
    pub async fn connect(url: &str) -> anyhow::Result<Db> {
        sqlx::any::install_default_drivers();
        let backend = backend_for(url)?;
        let url = match backend {
            Backend::Sqlite => prepare_sqlite_url(url)?,
            Backend::Postgres => url.to_string(),
        };
        let options = AnyConnectOptions::from_str(&url).context("parsing DATABASE_URL")?;
        let pool = AnyPoolOptions::new()
            .max_connections(match backend {
                Backend::Sqlite => 8,
                Backend::Postgres => 16,
            })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers proceed during writes; busy_timeout queues writers
                        // instead of failing them; NORMAL sync in WAL mode survives process
                        // crashes (what tus acknowledgements promise), if not power loss.
                        // Reads through a shared memory map instead of copying every page
                        // into each connection's small (2 MiB) cache: full-text queries
                        // that touch many rows stop paying a read() per page.
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 10000; \
                             PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; \
                             PRAGMA mmap_size = 1073741824;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .context("connecting to the database")?;
        let write_turns = (backend == Backend::Sqlite).then(|| std::sync::Arc::new(tokio::sync::Mutex::new(())));
        Ok(Db { pool, backend, write_turns })
    }

    pub async fn migrate(&self) -> anyhow::Result<()> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&self.pool).await.context("applying migrations")?;
        Ok(())
    }

    /// Wait for this process's turn to write (SQLite only; PostgreSQL needs no queue).
    pub(crate) async fn write_turn(&self) -> Option<tokio::sync::OwnedMutexGuard<()>> {
        match &self.write_turns {
            Some(turns) => Some(turns.clone().lock_owned().await),
            None => None,
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub async fn ping(&self) -> anyhow::Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

pub fn backend_for(url: &str) -> anyhow::Result<Backend> {
    if url.starts_with("sqlite:") {
        Ok(Backend::Sqlite)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Backend::Postgres)
    } else {
        anyhow::bail!("DATABASE_URL must start with sqlite: or postgres://")
    }
}

/// Create the parent folder and ask SQLite to create the file when it is missing.
fn prepare_sqlite_url(url: &str) -> anyhow::Result<String> {
    let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path != ":memory:" && !path.is_empty() {
        if let Some(parent) = std::path::Path::new(path).parent() {
            if !parent.as_os_str().is_empty() {
                std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
            }
        }
    }
    let query = if query.is_empty() { "mode=rwc".to_string() } else { query.to_string() };
    Ok(format!("sqlite://{path}?{query}"))
}

/// Milliseconds since the Unix epoch: the one time representation stored in both databases.
pub fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// True when `err` is a unique-constraint violation, on either backend.
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.is_unique_violation())
}
