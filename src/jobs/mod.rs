//! Background jobs stored in the database.
//!
//! Policy: a job is claimed with a lease (never a transaction held open while it runs), a
//! heartbeat renews the lease, and a job whose lease lapsed (its worker died, even with
//! `kill -9`) is taken over by the next claim. Failures are retried with exponential
//! backoff up to the job's `max_attempts`, then the job is marked failed with a readable
//! reason. A panic inside a job is caught and recorded like any other failure.
//! PostgreSQL claims with `FOR UPDATE SKIP LOCKED` and wakes workers with `NOTIFY` (the
//! process's one LISTEN connection, `db::Notifications`, relays it through
//! [`JobQueue::wake_on`]); SQLite (one process) wakes them in-process. Both also poll as a
//! fallback.

mod kinds;
mod queue;
mod worker;

pub use kinds::Job;
pub use queue::{ClaimedJob, JobQueue, JobRow};
pub use worker::{spawn_workers, JobHandler, JobOutcome, WorkerOptions};
