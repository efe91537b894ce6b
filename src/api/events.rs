//! `GET /api/videos/{id}/events`: Server-Sent Events for one video.
//!
//! The stream subscribes before it replays, so nothing falls between "what you missed"
//! (events after `Last-Event-ID`, read from the event log) and "what happens next". A
//! subscriber that falls behind the in-memory fan-out re-reads from the log instead of
//! losing events. Access is checked when the stream opens and again whenever the video
//! changes or a minute passes: someone who loses access stops receiving.

use std::collections::BTreeSet;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures::Stream;
use tokio::sync::{broadcast, mpsc};

use super::client::ClientAddr;
use super::path::ApiPath;
use super::session::Viewer;
use crate::api::error::AppResult;
use crate::app::AppState;
use crate::db::{EventRow, SessionUser};
use crate::events::{EventHub, StreamSlot};
use crate::videos::{Access, Videos, Watchable};

/// Most events replayed on reconnect; older gaps are left to a page reload.
const REPLAY_LIMIT: i64 = 500;
const RECHECK_ACCESS_EVERY: Duration = Duration::from_secs(60);
/// Ids remembered to suppress duplicates between replay and live delivery.
const RECENT_IDS: usize = 1024;

#[utoipa::path(
    get,
    operation_id = "events_stream",
    path = "/api/videos/{id}/events",
    tag = "collaboration",
    security((), ("session" = []), ("bearer" = [])),
    params(
        ("id" = String, Path, description = "Video id"),
        ("Last-Event-ID" = Option<i64>, Header, description = "Replay what came after this event id (up to 500, 24 hours). \
            Replays show comments as they read now (deleted ones never), and someone who sees the video only \
            because it is unlisted or public gets nothing from before it last stopped being private"),
    ),
    responses(
        (status = 200, description = "Server-Sent Events: `event:` is `comment.created`, `comment.updated`, \
            `comment.deleted`, `reaction.created`, `reaction.deleted` or `video.updated`; `data:` is JSON; \
            `id:` increases. A keep-alive comment every 15 s.", content_type = "text/event-stream", body = String),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 404, response = super::openapi::NotFound),
        (status = 429, response = super::openapi::TooManyOpen),
    )
)]
pub async fn stream(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    ClientAddr(address): ClientAddr,
    ApiPath(video_id): ApiPath<String>,
    headers: HeaderMap,
) -> AppResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let watchable = state.videos.watchable(&video_id, viewer.as_ref()).await?;
    // Held by the forwarding task: the place frees when the client goes away.
    let slot = state.events.open_stream(viewer.as_ref().map(|user| user.id.as_str()), address)?;
    let floor = replay_floor(&watchable);
    let fanout = state.events.subscribe();
    let last_seen = match last_event_id(&headers) {
        Some(id) => id,
        // A fresh subscriber starts from now; the page loaded everything before it.
        None => state.events.latest_id().await?,
    };
    // Nothing from before this watcher could see the video is replayed to them.
    let last_seen = last_seen.max(floor);
    let (sender, receiver) = mpsc::channel::<Event>(64);
    let follow = Follow {
        events: state.events.clone(),
        videos: state.videos.clone(),
        video_id: watchable.into_video().id,
        viewer,
        floor,
        last_sent: last_seen,
        replayed_up_to: last_seen,
        recently_sent: BTreeSet::new(),
        sender,
        _slot: slot,
    };
    tokio::spawn(follow.run(fanout));
    let events = futures::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|event| (Ok(event), receiver))
    });
    Ok(Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

/// The newest event this watcher may not be replayed: members see the whole log (they
/// saw the video all along); someone who sees it only because it is unlisted or public
/// sees nothing from before it last stopped being private.
fn replay_floor(watchable: &Watchable) -> i64 {
    match watchable.access() {
        Access::View => watchable.video().visible_since_event,
        Access::Member | Access::Manage => 0,
    }
}

fn last_event_id(headers: &HeaderMap) -> Option<i64> {
    headers.get("last-event-id")?.to_str().ok()?.trim().parse::<i64>().ok().filter(|id| *id >= 0)
}

/// One subscriber's forwarding task; it ends when the client goes away or loses access.
struct Follow {
    events: EventHub,
    videos: Videos,
    video_id: String,
    viewer: Option<SessionUser>,
    /// Events at or below this id are never sent (see [`replay_floor`]).
    floor: i64,
    /// The newest id sent (or, before anything is sent, where the client says it is).
    last_sent: i64,
    /// Everything at or below this was delivered before the stream opened.
    replayed_up_to: i64,
    recently_sent: BTreeSet<i64>,
    sender: mpsc::Sender<Event>,
    _slot: StreamSlot,
}

impl Follow {
    async fn run(mut self, mut fanout: broadcast::Receiver<Arc<EventRow>>) {
        if self.catch_up().await.is_err() {
            return;
        }
        let mut recheck = tokio::time::interval(RECHECK_ACCESS_EVERY);
        recheck.tick().await;
        loop {
            tokio::select! {
                _ = self.sender.closed() => return,
                _ = recheck.tick() => {
                    if !self.still_allowed().await {
                        return;
                    }
                }
                received = fanout.recv() => match received {
                    Ok(row) if row.video_id == self.video_id => {
                        if row.kind == "video.updated" && !self.still_allowed().await {
                            return;
                        }
                        if self.send(&row).await.is_err() {
                            return;
                        }
                    }
                    Ok(_) => {}
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        if self.catch_up().await.is_err() {
                            return;
                        }
                    }
                    Err(broadcast::error::RecvError::Closed) => return,
                },
            }
        }
    }

    /// Send what the log holds after the last event this client got.
    async fn catch_up(&mut self) -> Result<(), ()> {
        let rows =
            self.events.replay(&self.video_id, self.last_sent.max(self.floor), REPLAY_LIMIT).await.map_err(|err| {
                tracing::warn!(error = ?err, "could not read the event log");
            })?;
        for row in rows {
            self.send(&row).await?;
        }
        Ok(())
    }

    async fn send(&mut self, row: &EventRow) -> Result<(), ()> {
        // Replay and live delivery overlap, so remember what went out. Ids are not sent
        // strictly in order: on PostgreSQL they come from a sequence and commits can land
        // out of order, so an older id arriving late is still sent (once).
        if row.id <= self.replayed_up_to || row.id <= self.floor || !self.recently_sent.insert(row.id) {
            return Ok(());
        }
        if self.recently_sent.len() > RECENT_IDS {
            self.recently_sent.pop_first();
        }
        let event = Event::default().id(row.id.to_string()).event(row.kind.clone()).data(row.payload.clone());
        self.sender.send(event).await.map_err(|_| ())?;
        self.last_sent = self.last_sent.max(row.id);
        Ok(())
    }

    /// Whether the watcher may still see the video; their replay floor follows their
    /// access (a member who was removed now sees only what outsiders see).
    async fn still_allowed(&mut self) -> bool {
        match self.videos.watchable(&self.video_id, self.viewer.as_ref()).await {
            Ok(watchable) => {
                self.floor = replay_floor(&watchable);
                true
            }
            Err(_) => false,
        }
    }
}
