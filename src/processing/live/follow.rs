//! Following a growing upload: an async task reads the acknowledged bytes as they
//! arrive and hands them to the (blocking) media pass through a bounded channel.
//!
//! Policy:
//! - The follower alone decides how the stream ends, and says why ([`FollowEnd`]). The
//!   reader sees EOF only after an explicit end of upload: a follower that stopped for
//!   any other reason (stall, termination, its task gone) is a read error, so a
//!   half-received recording is never mistaken for a whole one.
//! - No new byte for `stall_after` is a stall: the recorder's tab is gone or offline
//!   (its own retries give up within seconds). The job then yields its worker.
//! - Memory is bounded by the channel: at most `CHANNEL_DEPTH` reads of `READ_SIZE`.

use std::io::{self, Read};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::uploads::{Received, ReceivedRead};

const READ_SIZE: usize = 1 << 20;
const CHANNEL_DEPTH: usize = 8;
/// Consecutive failed reads (database or store trouble) before the follower gives up.
const MAX_READ_FAILURES: u32 = 20;

#[derive(Debug, Clone, Copy)]
pub(crate) struct FollowOptions {
    /// How often an upload with nothing new is looked at again.
    pub poll: Duration,
    /// No new byte for this long is a stall.
    pub stall_after: Duration,
}

impl Default for FollowOptions {
    fn default() -> Self {
        FollowOptions { poll: Duration::from_millis(100), stall_after: Duration::from_secs(30) }
    }
}

/// Why the followed stream ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum FollowEnd {
    /// The upload completed and every byte was handed on.
    Complete,
    /// Nothing arrived for a while; `offset` bytes had been received.
    Stalled { offset: u64 },
    /// The upload was terminated or expired, or its video deleted.
    Gone,
    /// Reading kept failing (the database or store is in trouble).
    Failed(String),
    /// The media pass stopped reading (it failed on its own).
    Cancelled,
}

enum Message {
    Bytes(Bytes),
    End,
}

/// The media pass's side: a blocking reader over what the follower sends.
pub(super) struct FollowReader {
    rx: mpsc::Receiver<io::Result<Message>>,
    current: Bytes,
    ended: bool,
}

impl Read for FollowReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.current.is_empty() {
            if self.ended {
                return Ok(0);
            }
            match self.rx.blocking_recv() {
                Some(Ok(Message::Bytes(bytes))) => self.current = bytes,
                Some(Ok(Message::End)) => self.ended = true,
                Some(Err(err)) => return Err(err),
                None => return Err(io::Error::other("the upload follower stopped")),
            }
        }
        let n = buf.len().min(self.current.len());
        buf[..n].copy_from_slice(&self.current.split_to(n));
        Ok(n)
    }
}

/// The job's side: how the follow ended, once it has.
pub(super) struct Follower {
    end: Arc<Mutex<Option<FollowEnd>>>,
    stop: CancellationToken,
    task: tokio::task::JoinHandle<()>,
}

impl Follower {
    /// Stop following (if it still is) and say how it ended.
    pub(super) async fn finish(self) -> FollowEnd {
        self.stop.cancel();
        let _ = self.task.await;
        let end = self.end.lock().unwrap_or_else(|p| p.into_inner()).take();
        end.unwrap_or(FollowEnd::Cancelled)
    }
}

/// Start following upload `upload_id` from byte 0.
pub(super) fn follow(received: Received, upload_id: String, options: FollowOptions) -> (FollowReader, Follower) {
    let (tx, rx) = mpsc::channel(CHANNEL_DEPTH);
    let end = Arc::new(Mutex::new(None));
    let stop = CancellationToken::new();
    let task = tokio::spawn(run(received, upload_id, options, tx, end.clone(), stop.clone()));
    (FollowReader { rx, current: Bytes::new(), ended: false }, Follower { end, stop, task })
}

async fn run(
    received: Received,
    upload_id: String,
    options: FollowOptions,
    tx: mpsc::Sender<io::Result<Message>>,
    end: Arc<Mutex<Option<FollowEnd>>>,
    stop: CancellationToken,
) {
    let outcome = read_until_end(&received, &upload_id, options, &tx, &stop).await;
    let message = match &outcome {
        FollowEnd::Complete => Ok(Message::End),
        FollowEnd::Stalled { offset } => Err(io::Error::other(format!("the upload stalled after {offset} bytes"))),
        FollowEnd::Gone => Err(io::Error::other("the upload was terminated")),
        FollowEnd::Failed(why) => Err(io::Error::other(format!("the upload could not be read: {why}"))),
        FollowEnd::Cancelled => Err(io::Error::other("following was cancelled")),
    };
    *end.lock().unwrap_or_else(|p| p.into_inner()) = Some(outcome);
    // The reader may be gone already (the media pass ended): nothing to tell it then.
    let _ = tx.send(message).await;
}

async fn read_until_end(
    received: &Received,
    upload_id: &str,
    options: FollowOptions,
    tx: &mpsc::Sender<io::Result<Message>>,
    stop: &CancellationToken,
) -> FollowEnd {
    let mut offset = 0u64;
    let mut last_progress = Instant::now();
    let mut failures = 0;
    loop {
        if stop.is_cancelled() {
            return FollowEnd::Cancelled;
        }
        let read = tokio::select! {
            read = received.read_at(upload_id, offset, READ_SIZE) => read,
            _ = stop.cancelled() => return FollowEnd::Cancelled,
        };
        match read {
            Ok(ReceivedRead::Bytes(bytes)) => {
                failures = 0;
                offset += bytes.len() as u64;
                tokio::select! {
                    sent = tx.send(Ok(Message::Bytes(bytes))) => if sent.is_err() { return FollowEnd::Cancelled },
                    _ = stop.cancelled() => return FollowEnd::Cancelled,
                }
                // After the send: time a lagging media pass took to take the bytes is
                // not the uploader's silence.
                last_progress = Instant::now();
                continue;
            }
            Ok(ReceivedRead::End) => return FollowEnd::Complete,
            Ok(ReceivedRead::Gone) => return FollowEnd::Gone,
            Ok(ReceivedRead::Pending) => {
                failures = 0;
                if last_progress.elapsed() >= options.stall_after {
                    return FollowEnd::Stalled { offset };
                }
            }
            Err(err) => {
                failures += 1;
                tracing::warn!(upload.id = %upload_id, error = %err, failures, "reading a live upload failed");
                if failures >= MAX_READ_FAILURES {
                    return FollowEnd::Failed(err.to_string());
                }
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(options.poll) => {}
            _ = stop.cancelled() => return FollowEnd::Cancelled,
        }
    }
}
