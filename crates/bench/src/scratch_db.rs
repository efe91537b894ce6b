//! Throwaway databases for benchmarks: a fresh SQLite file or a fresh PostgreSQL database,
//! migrated, and removed again afterwards.

use std::path::{Path, PathBuf};

use anyhow::Context;
use briefly::db::Backend;
use sqlx::{Connection, Executor};

pub struct ScratchDb {
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    SqliteFile(PathBuf),
    PostgresDatabase { admin_url: String, name: String },
}

impl ScratchDb {
    /// A fresh database of `backend` (SQLite under `work_dir`; PostgreSQL next to the
    /// database `postgres_admin_url` names, which must allow CREATE DATABASE).
    pub async fn create(backend: Backend, work_dir: &Path, postgres_admin_url: &str) -> anyhow::Result<ScratchDb> {
        let name = format!("briefly_bench_{}", briefly::domain::random_id(8).to_lowercase());
        match backend {
            Backend::Sqlite => {
                let path = work_dir.join(format!("{name}.db"));
                Ok(ScratchDb { url: format!("sqlite:{}", path.display()), cleanup: Cleanup::SqliteFile(path) })
            }
            Backend::Postgres => {
                let mut admin = sqlx::PgConnection::connect(postgres_admin_url)
                    .await
                    .with_context(|| "connecting to PostgreSQL (--postgres-admin-url)".to_string())?;
                admin.execute(format!("CREATE DATABASE {name}").as_str()).await?;
                admin.close().await?;
                let mut url = reqwest::Url::parse(postgres_admin_url).context("parsing --postgres-admin-url")?;
                url.set_path(&format!("/{name}"));
                Ok(ScratchDb {
                    url: url.to_string(),
                    cleanup: Cleanup::PostgresDatabase { admin_url: postgres_admin_url.to_string(), name },
                })
            }
        }
    }

    /// Remove the database (every connection to it must be closed or is cut).
    pub async fn remove(self) -> anyhow::Result<()> {
        match self.cleanup {
            Cleanup::SqliteFile(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut file = path.clone().into_os_string();
                    file.push(suffix);
                    let _ = tokio::fs::remove_file(PathBuf::from(file)).await;
                }
            }
            Cleanup::PostgresDatabase { admin_url, name } => {
                let mut admin = sqlx::PgConnection::connect(&admin_url).await?;
                admin.execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str()).await?;
                admin.close().await?;
            }
        }
        Ok(())
    }
}

pub fn backend_named(name: &str) -> anyhow::Result<Backend> {
    match name {
        "sqlite" => Ok(Backend::Sqlite),
        "postgres" | "postgresql" => Ok(Backend::Postgres),
        other => anyhow::bail!("unknown database {other:?} (sqlite or postgres)"),
    }
}

pub fn backend_label(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "SQLite",
        Backend::Postgres => "PostgreSQL",
    }
}
