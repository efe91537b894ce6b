//! PostgreSQL `LISTEN` relay: NOTIFY payloads are event ids; the rows are loaded once per
//! process and broadcast to local subscribers.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::broadcast;

use crate::db::{Db, EventRow, EVENTS_CHANNEL};

/// How many missed events are recovered after the listening connection comes back.
const CATCH_UP_LIMIT: i64 = 1000;

pub async fn relay_forever(db: Db, database_url: String, fanout: broadcast::Sender<Arc<EventRow>>) {
    let mut newest_seen = db.latest_event_id().await.unwrap_or(0);
    let mut backoff = Duration::from_millis(200);
    loop {
        match relay(&db, &database_url, &fanout, &mut newest_seen).await {
            Ok(()) => {}
            Err(err) => tracing::warn!(error = ?err, "event listener lost its connection; reconnecting"),
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(5));
    }
}

async fn relay(
    db: &Db,
    database_url: &str,
    fanout: &broadcast::Sender<Arc<EventRow>>,
    newest_seen: &mut i64,
) -> anyhow::Result<()> {
    let mut listener = sqlx::postgres::PgListener::connect(database_url).await?;
    listener.listen(EVENTS_CHANNEL).await?;
    // Events committed while we were not listening would otherwise be lost to live viewers.
    for row in db.events_since(*newest_seen, CATCH_UP_LIMIT).await? {
        *newest_seen = (*newest_seen).max(row.id);
        let _ = fanout.send(Arc::new(row));
    }
    loop {
        let notification = listener.recv().await?;
        let Ok(id) = notification.payload().parse::<i64>() else {
            continue;
        };
        if fanout.receiver_count() == 0 {
            // Nobody watches through this process: no need to read the row. Remember the
            // id so a reconnect does not replay what nobody was waiting for.
            *newest_seen = (*newest_seen).max(id);
            continue;
        }
        if let Some(row) = db.event(id).await? {
            *newest_seen = (*newest_seen).max(row.id);
            let _ = fanout.send(Arc::new(row));
        }
    }
}
