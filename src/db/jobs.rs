//! Job rows. Claiming is one UPDATE over a sub-select, so it is atomic on both engines;
//! PostgreSQL adds `FOR UPDATE SKIP LOCKED` so concurrent workers never queue behind
//! each other's row locks. Every job belongs to a named queue and is claimed only by
//! that queue's workers.

use super::{Backend, Db};

/// The channel idle workers listen on; the payload is the queue that got a job.
pub const JOBS_CHANNEL: &str = "briefly_jobs";

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct JobRecord {
    pub id: String,
    pub kind: String,
    pub queue: String,
    pub payload: String,
    pub status: String,
    pub attempts: i64,
    pub max_attempts: i64,
    pub run_at: i64,
    pub lease_owner: Option<String>,
    pub lease_until: Option<i64>,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

const JOB_COLUMNS: &str = "id, kind, queue, payload, status, attempts, max_attempts, run_at, lease_owner, \
    lease_until, last_error, created_at, updated_at";

impl Db {
    pub async fn insert_job(&self, job: &JobRecord) -> Result<(), sqlx::Error> {
        sqlx::query(&format!(
            "INSERT INTO jobs ({JOB_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
        ))
        .bind(&job.id)
        .bind(&job.kind)
        .bind(&job.queue)
        .bind(&job.payload)
        .bind(&job.status)
        .bind(job.attempts)
        .bind(job.max_attempts)
        .bind(job.run_at)
        .bind(&job.lease_owner)
        .bind(job.lease_until)
        .bind(&job.last_error)
        .bind(job.created_at)
        .bind(job.updated_at)
        .execute(&self.pool)
        .await?;
        if self.backend == Backend::Postgres {
            // Wake the queue's idle workers in every process; they poll anyway if this is missed.
            sqlx::query("SELECT pg_notify($1, $2)").bind(JOBS_CHANNEL).bind(&job.queue).execute(&self.pool).await?;
        }
        Ok(())
    }

    /// Claim the next runnable job of `queue`: queued and due, or running with a lapsed lease.
    pub async fn claim_job(
        &self,
        queue: &str,
        owner: &str,
        now: i64,
        lease_until: i64,
    ) -> Result<Option<JobRecord>, sqlx::Error> {
        let lock = match self.backend {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        sqlx::query_as(&format!(
            "UPDATE jobs SET status = 'running', lease_owner = $1, lease_until = $2, attempts = attempts + 1, \
             updated_at = $3 WHERE id = (SELECT id FROM jobs WHERE queue = $4 AND ((status = 'queued' AND \
             run_at <= $3) OR (status = 'running' AND lease_until < $3)) ORDER BY run_at, id LIMIT 1 {lock}) \
             RETURNING {JOB_COLUMNS}"
        ))
        .bind(owner)
        .bind(lease_until)
        .bind(now)
        .bind(queue)
        .fetch_optional(&self.pool)
        .await
    }

    /// Extend a lease we still hold. False when it was taken over.
    pub async fn renew_job_lease(&self, id: &str, owner: &str, until: i64) -> Result<bool, sqlx::Error> {
        let done =
            sqlx::query("UPDATE jobs SET lease_until = $3 WHERE id = $1 AND lease_owner = $2 AND status = 'running'")
                .bind(id)
                .bind(owner)
                .bind(until)
                .execute(&self.pool)
                .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Settle a job we hold: `done`, `failed`, or back to `queued` at `run_at`.
    pub async fn settle_job(
        &self,
        id: &str,
        owner: &str,
        status: &str,
        run_at: i64,
        error: Option<&str>,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE jobs SET status = $3, run_at = $4, last_error = COALESCE($5, last_error), lease_owner = NULL, \
             lease_until = NULL, updated_at = $6 WHERE id = $1 AND lease_owner = $2 AND status = 'running'",
        )
        .bind(id)
        .bind(owner)
        .bind(status)
        .bind(run_at)
        .bind(error)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn job(&self, id: &str) -> Result<Option<JobRecord>, sqlx::Error> {
        sqlx::query_as(&format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
    }
}
