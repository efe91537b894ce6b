//! Background jobs stored in the database.
//!
//! This layer knows no job kinds. A kind is a type implementing [`Job`] (its stored name,
//! its queue, its attempt limit, what running it needs and does); each kind is registered
//! once at startup in a [`Registry`] with its context, and [`JobQueue::enqueue`] stores
//! the kind's name, its queue and the job as JSON.
//!
//! Queues are named ([`Queue::MEDIA`], [`Queue::DELIVERIES`]) and each has its own workers,
//! so a long transcode never holds up a webhook delivery: a worker claims only its own
//! queue's jobs, and only that queue's idle workers wake when one is enqueued.
//!
//! Policy: a job is claimed with a lease (never a transaction held open while it runs), a
//! heartbeat renews the lease, and a job whose lease lapsed (its worker died, even with
//! `kill -9`) is taken over by the next claim. Failures are retried with exponential
//! backoff up to the job's `MAX_ATTEMPTS`, then the job is marked failed with a readable
//! reason. A panic inside a job is caught and recorded like any other failure. A row of a
//! kind this build does not know (queued by a newer version) is given up with that reason.
//! PostgreSQL claims with `FOR UPDATE SKIP LOCKED` and wakes workers with `NOTIFY`, the
//! payload naming the queue (the process's one LISTEN connection, `db::Notifications`,
//! relays it through [`JobQueue::wake_on`]); SQLite (one process) wakes them in-process.
//! Both also poll as a fallback.

mod job;
mod queue;
mod registry;
mod worker;

pub use job::Job;
pub use queue::{JobQueue, JobRow, Queue};
pub use registry::Registry;
pub use worker::{spawn_workers, JobOutcome, WorkerOptions};
