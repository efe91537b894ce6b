//! PostgreSQL `LISTEN`: one connection per process for everything that waits on a
//! `NOTIFY` (live events, job wake-ups), reconnecting with backoff when it is lost.
//!
//! Subscribers get a channel of [`Signal`]s: every notification of their `LISTEN` channel,
//! and [`Signal::Listening`] each time the connection (re)starts listening, since anything
//! sent while it was down is gone and must be recovered another way (the events relay reads
//! what it missed from its table; job workers simply look for work). SQLite needs none of
//! this: it runs in one process and wakes its subscribers in-process.

use std::time::Duration;

use sqlx::postgres::PgListener;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};

const FIRST_RETRY: Duration = Duration::from_millis(200);
const LAST_RETRY: Duration = Duration::from_secs(5);

/// What a subscriber hears.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signal {
    /// Listening (again): notifications sent before this may have been missed.
    Listening,
    /// A `NOTIFY` on the subscriber's channel, with its payload.
    Notified(String),
}

/// The subscribers of one process's `LISTEN` connection, before it starts.
pub struct Notifications {
    database_url: String,
    subscribers: Vec<(&'static str, UnboundedSender<Signal>)>,
}

impl Notifications {
    pub fn new(database_url: impl Into<String>) -> Notifications {
        Notifications { database_url: database_url.into(), subscribers: Vec::new() }
    }

    /// Hear `channel`. The receiver ends when the listener stops.
    pub fn subscribe(&mut self, channel: &'static str) -> UnboundedReceiver<Signal> {
        let (sender, receiver) = unbounded_channel();
        self.subscribers.push((channel, sender));
        receiver
    }

    /// Listen until the task is aborted (which also ends every subscriber's receiver).
    pub fn spawn(self) -> tokio::task::JoinHandle<()> {
        tokio::spawn(self.listen_forever())
    }

    async fn listen_forever(self) {
        let mut retry = FIRST_RETRY;
        loop {
            if let Err(err) = self.listen(&mut retry).await {
                tracing::warn!(error = %err, retry_in = ?retry, "lost the LISTEN connection; workers poll and live events wait until it is back");
            }
            tokio::time::sleep(retry).await;
            retry = (retry * 2).min(LAST_RETRY);
        }
    }

    /// One connection's life. `retry` starts over once listening works again.
    async fn listen(&self, retry: &mut Duration) -> anyhow::Result<()> {
        let mut listener = PgListener::connect(&self.database_url).await?;
        let mut channels: Vec<&str> = self.subscribers.iter().map(|(channel, _)| *channel).collect();
        channels.sort_unstable();
        channels.dedup();
        listener.listen_all(channels).await?;
        *retry = FIRST_RETRY;
        loop {
            self.tell_all(Signal::Listening);
            // `None`: the connection dropped and was re-established (listening to the same
            // channels), so whatever was sent in between is lost.
            while let Some(notification) = listener.try_recv().await? {
                for (channel, subscriber) in &self.subscribers {
                    if *channel == notification.channel() {
                        // A subscriber that went away is no reason to stop the others.
                        let _ = subscriber.send(Signal::Notified(notification.payload().to_string()));
                    }
                }
            }
            tracing::info!("the LISTEN connection was re-established");
        }
    }

    fn tell_all(&self, signal: Signal) {
        for (_, subscriber) in &self.subscribers {
            let _ = subscriber.send(signal.clone());
        }
    }
}
