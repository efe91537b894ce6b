//! Live updates for the people watching a video.
//!
//! Every event is first appended to the `video_events` table (its row id is the SSE id, so
//! a reconnecting client can replay what it missed), then fanned out to this process's
//! subscribers. SQLite runs in one process, so an in-process broadcast is enough there.
//! On PostgreSQL the append also `NOTIFY`s; each `serve` process LISTENs (on the one
//! connection it shares with job wake-ups), loads the row and broadcasts it, so an event
//! raised by any API or worker process reaches every subscriber of every process.

mod kinds;
mod listener;
mod streams;

use std::sync::Arc;

use serde::Serialize;
use tokio::sync::broadcast;
use tokio::sync::mpsc::UnboundedReceiver;

use crate::db::{Backend, Db, EventRow, NewEvent, Signal};

pub use kinds::EventKind;
pub use streams::{StreamLimitError, StreamLimits, StreamSlot};

/// How many events a slow subscriber may fall behind before it re-reads from the table.
const FANOUT_CAPACITY: usize = 1024;

#[derive(Clone)]
pub struct EventHub {
    db: Db,
    fanout: broadcast::Sender<Arc<EventRow>>,
    streams: streams::StreamSlots,
}

impl EventHub {
    pub fn new(db: Db) -> EventHub {
        let (fanout, _) = broadcast::channel(FANOUT_CAPACITY);
        EventHub { db, fanout, streams: streams::StreamSlots::default() }
    }

    /// Bound the live streams one account and one client address may hold open.
    pub fn with_stream_limits(mut self, limits: StreamLimits) -> EventHub {
        self.streams = streams::StreamSlots::new(limits);
        self
    }

    /// A place for one more live stream, held until the returned slot is dropped.
    pub fn open_stream(
        &self,
        user_id: Option<&str>,
        address: std::net::IpAddr,
    ) -> Result<StreamSlot, StreamLimitError> {
        self.streams.acquire(user_id, address)
    }

    /// Record `data` as a `kind` event of `video_id` and tell everyone watching.
    pub async fn publish(&self, video_id: &str, kind: EventKind, data: &impl Serialize) -> anyhow::Result<()> {
        let row = self.db.append_event(&Self::event(video_id, kind, data)?).await?;
        self.fan_out(row);
        Ok(())
    }

    /// An event to be recorded by the caller, in the same transaction as its change; hand
    /// the stored row to [`fan_out`](Self::fan_out) after the commit.
    pub fn event<'a>(video_id: &'a str, kind: EventKind, data: &impl Serialize) -> anyhow::Result<NewEvent<'a>> {
        let payload = serde_json::to_string(data)?;
        // Comments and reactions carry their own id: what a later edit or deletion scrubs by.
        let subject_id = match kind.has_subject() {
            true => serde_json::from_str::<serde_json::Value>(&payload)?
                .get("id")
                .and_then(|id| id.as_str())
                .map(str::to_string),
            false => None,
        };
        Ok(NewEvent { video_id, kind: kind.as_str(), payload, subject_id })
    }

    /// Deliver a committed event to this process's watchers. On PostgreSQL the LISTEN
    /// relay does that for every process (this one included), so nothing happens here.
    pub fn fan_out(&self, row: EventRow) {
        if self.db.backend() == Backend::Sqlite {
            // No receivers is fine: nobody is watching right now.
            let _ = self.fanout.send(Arc::new(row));
        }
    }

    /// Like [`publish`](Self::publish), for callers whose own work already succeeded: a
    /// failed live update is logged, never turned into a failed request.
    pub async fn publish_or_log(&self, video_id: &str, kind: EventKind, data: &impl Serialize) {
        if let Err(err) = self.publish(video_id, kind, data).await {
            tracing::warn!(error = ?err, video_id, kind = kind.as_str(), "could not publish a live update");
        }
    }

    /// The newest event id overall: where "now" is for a fresh subscriber.
    pub async fn latest_id(&self) -> anyhow::Result<i64> {
        Ok(self.db.latest_event_id().await?)
    }

    /// A video's events after `after_id`, oldest first: what a reconnecting client missed.
    /// The caller passes the floor its watcher may see (see `VideoRow::visible_since_event`).
    pub async fn replay(&self, video_id: &str, after_id: i64, limit: i64) -> anyhow::Result<Vec<EventRow>> {
        Ok(self.db.events_after(video_id, after_id, limit).await?)
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<EventRow>> {
        self.fanout.subscribe()
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// On PostgreSQL, relay every process's events (our own included) to local
    /// subscribers, from the `briefly_events` notifications of the process's LISTEN
    /// connection (`db::Notifications`).
    pub fn relay_from(&self, signals: UnboundedReceiver<Signal>) -> tokio::task::JoinHandle<()> {
        tokio::spawn(listener::relay_forever(self.db.clone(), signals, self.fanout.clone()))
    }
}

/// How long events stay replayable for reconnecting clients.
const RETENTION: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

/// Trim the event log now and then; live updates only need a short replay window.
pub fn spawn_pruner(db: Db) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(600));
        loop {
            every.tick().await;
            let cutoff = crate::db::now_ms() - RETENTION.as_millis() as i64;
            if let Err(err) = db.prune_events(cutoff).await {
                tracing::warn!(error = ?err, "could not prune the event log");
            }
        }
    })
}
