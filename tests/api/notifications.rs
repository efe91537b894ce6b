//! The process's one PostgreSQL LISTEN connection: each notification reaches the
//! subscribers of its channel only, and when the connection is lost it comes back and says
//! so (the events relay then catches up, job workers look for work).

use std::time::Duration;

use briefly::db::{Db, Notifications, Signal, EVENTS_CHANNEL, JOBS_CHANNEL};
use tokio::sync::mpsc::UnboundedReceiver;

use crate::helpers::{prepare_config, Backends, Tweaks};
use crate::processes::clean_up;

async fn next(signals: &mut UnboundedReceiver<Signal>) -> Signal {
    tokio::time::timeout(Duration::from_secs(10), signals.recv())
        .await
        .expect("a signal within 10 s")
        .expect("the listener is running")
}

async fn notify(db: &Db, channel: &str, payload: &str) {
    sqlx::query("SELECT pg_notify($1, $2)").bind(channel).bind(payload).execute(db.pool()).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_listener_routes_and_reconnects() {
    let (config, _data, pg_database) = prepare_config(Backends::PostgresS3, &Tweaks::default()).await;
    let db = Db::connect(config.database_url()).await.unwrap();
    let mut notifications = Notifications::new(config.database_url());
    let mut jobs = notifications.subscribe(JOBS_CHANNEL);
    let mut events = notifications.subscribe(EVENTS_CHANNEL);
    let listener = notifications.spawn();
    assert_eq!(next(&mut jobs).await, Signal::Listening);
    assert_eq!(next(&mut events).await, Signal::Listening);

    notify(&db, JOBS_CHANNEL, "deliveries").await;
    notify(&db, EVENTS_CHANNEL, "42").await;
    assert_eq!(next(&mut jobs).await, Signal::Notified("deliveries".into()));
    assert_eq!(next(&mut events).await, Signal::Notified("42".into()));
    assert!(jobs.try_recv().is_err() && events.try_recv().is_err(), "each hears only its own channel");

    // The database drops the listening connection (a restart, a failover, a proxy).
    let (terminated,): (i64,) = sqlx::query_as(
        "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid() AND query ILIKE 'LISTEN%'",
    )
    .fetch_one(db.pool())
    .await
    .unwrap();
    assert_eq!(terminated, 1, "one LISTEN connection serves every channel");
    assert_eq!(next(&mut jobs).await, Signal::Listening, "subscribers hear that it is back");
    assert_eq!(next(&mut events).await, Signal::Listening);
    notify(&db, JOBS_CHANNEL, "media").await;
    assert_eq!(next(&mut jobs).await, Signal::Notified("media".into()));

    listener.abort();
    assert!(tokio::time::timeout(Duration::from_secs(5), jobs.recv()).await.unwrap().is_none(), "stopping ends it");
    db.close().await;
    clean_up(&config, pg_database).await;
}
