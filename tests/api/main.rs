//! One integration-test binary. Every test runs against a real server on 127.0.0.1:0,
//! once on SQLite + local disk and once on PostgreSQL + an S3-compatible server, each
//! with its own fresh database and storage prefix, cleaned up afterwards.

mod fixtures;
mod helpers;
mod sse;

mod auth;
mod authorization;
mod bad_input;
mod blas_kernels;
mod collab_authorization;
mod comments;
mod corrections;
mod edit_inputs;
mod edits;
mod events;
mod faults;
mod jobs;
mod languages;
mod layers;
mod live;
mod live_uploads;
mod media;
mod notifications;
mod openapi;
mod processes;
mod processing;
mod reactions;
mod search;
mod security_credentials;
mod security_edges;
mod security_limits;
mod store_contract;
mod tus;
mod tus_crash;
mod videos;
mod views;
mod web;
mod webhooks;
mod worker_crash;
mod workspaces;
