//! Briefly: self-hosted async video updates.
//!
//! The binary is a thin shell over this library so that tests can build the whole
//! application on an already-bound `127.0.0.1:0` listener.

pub mod api;
pub mod app;
pub mod auth;
pub mod cli;
pub mod collab;
pub mod config;

pub mod db;
pub mod domain;
pub mod edits;
pub mod events;
pub mod jobs;
pub mod media;
pub mod processing;
pub mod search;
pub mod speech;
pub mod store;
pub mod telemetry;
pub mod transcripts;
pub mod uploads;
pub mod videos;
pub mod web;
pub mod webhooks;
pub mod workspaces;

pub use app::Application;
pub use config::Config;
