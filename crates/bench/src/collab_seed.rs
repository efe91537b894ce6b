//! Seeds the collaboration benchmark straight through SQL: a team workspace with many
//! members (each with a personal API token), and a video's comments (some with replies)
//! and reactions. Only the benchmark's readers and the video itself go through the API.

use briefly::auth::API_TOKEN_PREFIX;
use briefly::db::{now_ms, Db};
use briefly::domain::{random_secret, sha256_hex};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::corpus::Corpus;
use crate::sql_rows::{insert_rows as insert, quoted};

pub const EMOJIS: &[&str] = &["👍", "🎉", "❤️", "😂", "👍🏽", "🚀", "👀", "🇫🇷"];
/// Sorts general (untimed) comments after timed ones; mirrors the comments store.
const GENERAL_SORT_MS: i64 = i64::MAX / 2;

pub struct Team {
    pub workspace_id: String,
    pub member_ids: Vec<String>,
    /// Plain API tokens of the members, one per member, in the same order.
    pub tokens: Vec<String>,
}

/// A team workspace owned by `owner_id`, with `members` seeded users who each hold a token.
pub async fn team(db: &Db, owner_id: &str, members: usize) -> anyhow::Result<Team> {
    let now = now_ms();
    let workspace_id = format!("benchteam{}", briefly::domain::random_id(8));
    let mut tx = db.pool().begin().await?;
    sqlx::query("INSERT INTO workspaces (id, name, personal, created_at) VALUES ($1, 'Bench team', 0, $2)")
        .bind(&workspace_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    let member_ids: Vec<String> = (0..members).map(|n| format!("benchmbr{n:08}")).collect();
    let tokens: Vec<String> = (0..members).map(|_| format!("{API_TOKEN_PREFIX}{}", random_secret())).collect();
    let users: Vec<String> =
        member_ids.iter().map(|id| format!("('{id}', '{id}@example.com', 'Member {id}', '!', {now})")).collect();
    insert(&mut tx, "users (id, email, name, password_hash, created_at)", &users).await?;
    let mut memberships = vec![format!("('{workspace_id}', '{owner_id}', 'owner', {now})")];
    memberships.extend(member_ids.iter().map(|id| format!("('{workspace_id}', '{id}', 'member', {now})")));
    insert(&mut tx, "workspace_members (workspace_id, user_id, role, created_at)", &memberships).await?;
    let token_rows: Vec<String> = member_ids
        .iter()
        .zip(&tokens)
        .map(|(id, token)| format!("('tok{id}', '{id}', 'bench', '{}', {now})", sha256_hex(token)))
        .collect();
    insert(&mut tx, "api_tokens (id, user_id, name, token_hash, created_at)", &token_rows).await?;
    tx.commit().await?;
    Ok(Team { workspace_id, member_ids, tokens })
}

/// `count` comments on the video: one in five is a reply to an earlier top-level comment,
/// one top-level comment in twenty is general (no timestamp); the rest spread over
/// `duration_ms`.
pub async fn comments(
    db: &Db,
    video_id: &str,
    authors: &[String],
    count: usize,
    duration_ms: i64,
) -> anyhow::Result<()> {
    let mut rng = StdRng::seed_from_u64(11);
    let mut corpus = Corpus::new(20_000, 12);
    let now = now_ms();
    let mut top_level: Vec<String> = Vec::new();
    let mut rows = Vec::new();
    for n in 0..count {
        let id = format!("benchcmt{n:08}");
        let author = &authors[rng.gen_range(0..authors.len())];
        let body = corpus.sentence();
        let created_at = now - (count - n) as i64 * 1_000;
        let reply_to = if n % 5 == 4 && !top_level.is_empty() {
            Some(top_level[rng.gen_range(0..top_level.len())].clone())
        } else {
            None
        };
        let (parent, timestamp, sort_ms) = match reply_to {
            Some(parent) => (format!("'{parent}'"), "NULL".to_string(), GENERAL_SORT_MS),
            None if n % 20 == 0 => ("NULL".to_string(), "NULL".to_string(), GENERAL_SORT_MS),
            None => {
                top_level.push(id.clone());
                let at = rng.gen_range(0..duration_ms);
                ("NULL".to_string(), at.to_string(), at)
            }
        };
        rows.push(format!(
            "('{id}', '{video_id}', '{author}', {parent}, {}, {timestamp}, {sort_ms}, {created_at})",
            quoted(&body)
        ));
    }
    let columns = "comments (id, video_id, author_id, parent_id, body, timestamp_ms, sort_ms, created_at)";
    let mut tx = db.pool().begin().await?;
    insert(&mut tx, columns, &rows).await?;
    tx.commit().await?;
    Ok(())
}

/// `count` reactions on the video by random `users`, spread over `duration_ms`.
pub async fn reactions(
    db: &Db,
    video_id: &str,
    users: &[String],
    count: usize,
    duration_ms: i64,
) -> anyhow::Result<()> {
    let mut rng = StdRng::seed_from_u64(13);
    let now = now_ms();
    let mut rows = Vec::new();
    for n in 0..count {
        let user = &users[rng.gen_range(0..users.len())];
        let emoji = EMOJIS[rng.gen_range(0..EMOJIS.len())];
        let at = rng.gen_range(0..duration_ms);
        rows.push(format!("('benchrct{n:08}', '{video_id}', '{user}', '{emoji}', {at}, {})", now - n as i64));
    }
    let mut tx = db.pool().begin().await?;
    insert(&mut tx, "reactions (id, video_id, user_id, emoji, timestamp_ms, created_at)", &rows).await?;
    tx.commit().await?;
    Ok(())
}
