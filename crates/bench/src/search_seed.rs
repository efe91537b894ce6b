//! Seeds a search benchmark database straight through SQL: workspaces with their owners,
//! videos of mixed visibility and their transcript segments, in one transaction of large
//! multi-row INSERTs. The search indexes (FTS5 triggers, generated tsvector + GIN) are
//! maintained exactly as they are for segments the worker writes.

use std::time::{Duration, Instant};

use briefly::db::{now_ms, Db};

use crate::corpus::Corpus;
use crate::sql_rows::{insert_rows as insert, quoted, ROWS_PER_INSERT};

pub const WORKSPACES: usize = 40;
pub const SEGMENTS_PER_VIDEO: u64 = 200;
const SEGMENT_MS: i64 = 5_000;

pub struct Seeded {
    pub videos: u64,
    pub segments: u64,
    pub elapsed: Duration,
}

pub fn workspace_id(n: usize) -> String {
    format!("benchwsp{n:08}")
}

fn user_id(n: usize) -> String {
    format!("benchusr{n:08}")
}

/// One in ten videos is public, one in ten unlisted, the rest private.
fn visibility(video: u64) -> &'static str {
    match video % 10 {
        0 => "public",
        1 => "unlisted",
        _ => "private",
    }
}

/// `segments` transcript segments (rounded up to whole videos of 200 segments).
pub async fn seed(db: &Db, segments: u64, corpus: &mut Corpus) -> anyhow::Result<Seeded> {
    let started = Instant::now();
    let videos = segments.div_ceil(SEGMENTS_PER_VIDEO).max(1);
    let now = now_ms();
    let mut tx = db.pool().begin().await?;
    let mut rows = Vec::new();
    for n in 0..WORKSPACES {
        rows.push(format!("('{}', 'bench-owner-{n}@example.com', 'Owner {n}', '!', {now})", user_id(n)));
    }
    insert(&mut tx, "users (id, email, name, password_hash, created_at)", &rows).await?;
    rows = (0..WORKSPACES).map(|n| format!("('{}', 'Team {n}', 0, {now})", workspace_id(n))).collect();
    insert(&mut tx, "workspaces (id, name, personal, created_at)", &rows).await?;
    rows = (0..WORKSPACES).map(|n| format!("('{}', '{}', 'owner', {now})", workspace_id(n), user_id(n))).collect();
    insert(&mut tx, "workspace_members (workspace_id, user_id, role, created_at)", &rows).await?;

    let duration_ms = SEGMENTS_PER_VIDEO as i64 * SEGMENT_MS;
    rows.clear();
    for video in 0..videos {
        let team = video as usize % WORKSPACES;
        let title: String = corpus.sentence().split(' ').take(4).collect::<Vec<_>>().join(" ");
        rows.push(format!(
            "('{}', '{}', '{}', {}, '{}', 'ready', 'ready', {duration_ms}, {}, {})",
            video_id(video),
            workspace_id(team),
            user_id(team),
            quoted(title.trim_end_matches('.')),
            visibility(video),
            now - video as i64,
            now - video as i64
        ));
        if rows.len() == ROWS_PER_INSERT {
            insert_videos(&mut tx, &rows).await?;
            rows.clear();
        }
    }
    insert_videos(&mut tx, &rows).await?;

    rows.clear();
    let mut written = 0u64;
    'videos: for video in 0..videos {
        for i in 0..SEGMENTS_PER_VIDEO as i64 {
            if written == segments {
                break 'videos;
            }
            let start = i * SEGMENT_MS;
            rows.push(format!(
                "('{}', {start}, {}, {})",
                video_id(video),
                start + SEGMENT_MS - 200,
                quoted(&corpus.sentence())
            ));
            written += 1;
            if rows.len() == ROWS_PER_INSERT {
                insert(&mut tx, "transcript_segments (video_id, start_ms, end_ms, text)", &rows).await?;
                rows.clear();
            }
        }
    }
    insert(&mut tx, "transcript_segments (video_id, start_ms, end_ms, text)", &rows).await?;
    tx.commit().await?;
    Ok(Seeded { videos, segments: written, elapsed: started.elapsed() })
}

pub fn video_id(n: u64) -> String {
    format!("benchvid{n:08}")
}

async fn insert_videos(tx: &mut sqlx::Transaction<'_, sqlx::Any>, rows: &[String]) -> anyhow::Result<()> {
    let columns = "videos (id, workspace_id, owner_id, title, visibility, status, transcript_status, duration_ms, \
                   created_at, updated_at)";
    insert(tx, columns, rows).await
}

/// Make `user_id` a member of the first `count` seeded workspaces.
pub async fn join_workspaces(db: &Db, user_id: &str, count: usize) -> anyhow::Result<()> {
    for n in 0..count.min(WORKSPACES) {
        sqlx::query(
            "INSERT INTO workspace_members (workspace_id, user_id, role, created_at) VALUES ($1, $2, 'member', $3)",
        )
        .bind(workspace_id(n))
        .bind(user_id)
        .bind(now_ms())
        .execute(db.pool())
        .await?;
    }
    Ok(())
}
