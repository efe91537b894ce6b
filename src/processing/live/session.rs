//! Who processes a recording: the live job following it, or the after-upload job.
//!
//! ```text
//! pending ──live job starts──▶ following ──done──▶ done
//!    │                           │  ▲
//!    │                 stalled ──┘  └── resumed (bytes came again)
//!    │                           ▼
//!    │                        yielded
//!    │
//!    └─(pending or yielded when the upload completes, bad media, live job given up)─▶ fallen_back
//! following ──upload terminated or expired──▶ abandoned
//! ```
//!
//! Every move is a compare-and-set on the state (`db/live.rs`), so exactly one of the two
//! jobs takes the recording. A crash before the session row exists leaves none, and the
//! after-upload path runs as before.

use crate::db::{Db, LiveSessionRow};

pub(crate) const PENDING: &str = "pending";
pub(crate) const FOLLOWING: &str = "following";
pub(crate) const YIELDED: &str = "yielded";
pub(crate) const DONE: &str = "done";
pub(crate) const FALLEN_BACK: &str = "fallen_back";
pub(crate) const ABANDONED: &str = "abandoned";

/// Whether the after-upload job should process `video_id` (its upload just completed):
/// yes unless a live job is following it (then that job finishes it).
pub(crate) async fn claim_after_upload(db: &Db, video_id: &str) -> Result<bool, sqlx::Error> {
    // A session moves at most twice under us (pending → following → done).
    for _ in 0..3 {
        let Some(session) = db.live_session(video_id).await? else {
            return Ok(true);
        };
        match session.state.as_str() {
            PENDING | YIELDED => {
                if db.move_live_session(video_id, &session.upload_id, &[PENDING, YIELDED], FALLEN_BACK, None).await? {
                    tracing::info!(video.id = %video_id, from = %session.state, "recording processed after upload");
                    return Ok(true);
                }
            }
            FOLLOWING => return Ok(false),
            _ => return Ok(true),
        }
    }
    Ok(false)
}

/// The live job's claim on its recording; `None` when it is no longer the live job's.
pub(super) async fn take_for_live(
    db: &Db,
    video_id: &str,
    upload_id: &str,
) -> Result<Option<LiveSessionRow>, sqlx::Error> {
    let Some(session) = db.live_session(video_id).await? else { return Ok(None) };
    if session.upload_id != upload_id {
        return Ok(None);
    }
    // `following` too: a job taken over from a worker that died keeps its session.
    let from = [PENDING, YIELDED, FOLLOWING];
    if !from.contains(&session.state.as_str()) {
        return Ok(None);
    }
    let yielded_offset = session.yielded_offset;
    if !db.move_live_session(video_id, upload_id, &from, FOLLOWING, yielded_offset).await? {
        return Ok(None);
    }
    Ok(Some(session))
}

/// Move the live job's session on from `following`; false when it was not following.
pub(super) async fn leave(
    db: &Db,
    video_id: &str,
    upload_id: &str,
    to: &str,
    yielded_offset: Option<i64>,
) -> Result<bool, sqlx::Error> {
    db.move_live_session(video_id, upload_id, &[FOLLOWING], to, yielded_offset).await
}

/// Hand the recording to the after-upload path from any unfinished state.
pub(super) async fn fall_back(db: &Db, video_id: &str, upload_id: &str) -> Result<bool, sqlx::Error> {
    db.move_live_session(video_id, upload_id, &[PENDING, FOLLOWING, YIELDED], FALLEN_BACK, None).await
}
