//! PostgreSQL relay: NOTIFY payloads are event ids; the rows are loaded once per process
//! and broadcast to local subscribers. The process's one LISTEN connection
//! (`db::Notifications`) hands over the notifications of `briefly_events`.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::broadcast;
use tokio::sync::mpsc::UnboundedReceiver;

use crate::db::{Db, EventRow, Signal};

/// How many missed events are recovered after the listening connection comes back.
const CATCH_UP_LIMIT: i64 = 1000;
/// How soon a relay that could not read the database tries to catch up again.
const RETRY: Duration = Duration::from_secs(1);

pub async fn relay_forever(db: Db, mut signals: UnboundedReceiver<Signal>, fanout: broadcast::Sender<Arc<EventRow>>) {
    let mut newest_seen = db.latest_event_id().await.unwrap_or(0);
    let mut behind = false;
    loop {
        let signal = if behind {
            // Nothing may arrive to trigger the catch-up: try again soon regardless.
            tokio::select! {
                signal = signals.recv() => signal,
                _ = tokio::time::sleep(RETRY) => Some(Signal::Listening),
            }
        } else {
            signals.recv().await
        };
        let relayed = match signal {
            None => return, // The listener stopped.
            // Events committed while we were not listening would otherwise be lost to live
            // viewers; after a failed read, catching up covers the event that was missed.
            Some(Signal::Listening) => catch_up(&db, &fanout, &mut newest_seen).await,
            Some(Signal::Notified(_)) if behind => catch_up(&db, &fanout, &mut newest_seen).await,
            Some(Signal::Notified(payload)) => relay(&db, &fanout, &payload, &mut newest_seen).await,
        };
        behind = match relayed {
            Ok(()) => false,
            Err(err) => {
                tracing::warn!(error = ?err, "event relay could not read the event log; catching up shortly");
                true
            }
        };
    }
}

async fn catch_up(db: &Db, fanout: &broadcast::Sender<Arc<EventRow>>, newest_seen: &mut i64) -> anyhow::Result<()> {
    for row in db.events_since(*newest_seen, CATCH_UP_LIMIT).await? {
        *newest_seen = (*newest_seen).max(row.id);
        let _ = fanout.send(Arc::new(row));
    }
    Ok(())
}

async fn relay(
    db: &Db,
    fanout: &broadcast::Sender<Arc<EventRow>>,
    payload: &str,
    newest_seen: &mut i64,
) -> anyhow::Result<()> {
    let Ok(id) = payload.parse::<i64>() else {
        return Ok(());
    };
    if fanout.receiver_count() == 0 {
        // Nobody watches through this process: no need to read the row. Remember the
        // id so a reconnect does not replay what nobody was waiting for.
        *newest_seen = (*newest_seen).max(id);
        return Ok(());
    }
    if let Some(row) = db.event(id).await? {
        *newest_seen = (*newest_seen).max(row.id);
        let _ = fanout.send(Arc::new(row));
    }
    Ok(())
}
