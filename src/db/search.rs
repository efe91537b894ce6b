//! Full-text search: SQLite FTS5 (bm25) or PostgreSQL tsvector (ts_rank). Matches come
//! back with `\u{1}`/`\u{2}` around highlighted words; the search service turns those
//! into escaped HTML.
//!
//! Transcripts are indexed in their own language (`transcripts.rs` writes them): on
//! PostgreSQL each segment with its language's configuration, and a query is parsed once
//! with every configuration in use and the parses OR-ed, so a word matches in whatever
//! language it was said; on SQLite English segments sit in a porter-stemmed table and
//! all others in an unstemmed one, both searched. Both fold accents.

use super::{Backend, Db};
use crate::domain::{is_postgres_config, POSTGRES_SIMPLE_CONFIG};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SearchRow {
    pub video_id: String,
    pub title: String,
    pub kind: String,
    pub start_ms: i64,
    pub end_ms: i64,
    pub snippet: String,
    /// Higher is more relevant, comparable within one backend.
    pub relevance: f64,
}

#[derive(Debug, Clone)]
pub struct SegmentInput {
    pub start_ms: i64,
    pub end_ms: i64,
    pub text: String,
}

/// Videos the viewer may find: their workspaces' videos and public ones. Unlisted videos
/// of other workspaces are never searchable. `$4` optionally narrows to one workspace.
const VISIBLE: &str = "(v.visibility = 'public' OR v.workspace_id IN \
    (SELECT m.workspace_id FROM workspace_members m WHERE m.user_id = $2)) \
    AND ($4 = '' OR v.workspace_id = $4)";

/// PostgreSQL's headline parser drops anything shaped like an HTML tag from snippets, so
/// `<` and `>` go in as control characters (refused in titles and comments, absent from
/// transcripts) and the search service turns them back into escaped brackets.
const ANGLE_STAND_INS: &str = "\u{3}\u{4}";

/// Who is searching and where.
#[derive(Debug, Clone, Copy, Default)]
pub struct SearchScope<'a> {
    pub viewer_id: Option<&'a str>,
    pub workspace_id: Option<&'a str>,
}

/// Past this many workspaces a searcher's transcript query checks membership row by row
/// instead of naming each workspace (an index arm per workspace stops paying off).
const MAX_SCOPED_WORKSPACES: usize = 50;

/// PostgreSQL's transcript filter. With the searcher's workspaces known, each becomes one
/// arm of an OR that the (workspace_id, tsv) GIN index answers on its own, plus an arm for
/// public videos on the partial index: only matches the searcher may see are read.
/// Workspace ids are bound from `$7` on.
fn segment_scope(viewer_workspaces: &Option<Vec<String>>, query: &str) -> String {
    let words = format!("s.tsv @@ {query}");
    let narrowed = "($4 = '' OR s.workspace_id = $4)";
    match viewer_workspaces {
        Some(ids) => {
            let mut arms = vec![format!("(s.public AND {words})")];
            arms.extend((0..ids.len()).map(|i| format!("(s.workspace_id = ${} AND {words})", i + 7)));
            format!("({}) AND {narrowed}", arms.join(" OR "))
        }
        None => format!("{words} AND {VISIBLE}"),
    }
}

impl Db {
    /// The workspaces whose videos a searcher may find, when few enough to name one by one.
    async fn search_workspaces(&self, viewer_id: &str) -> Result<Option<Vec<String>>, sqlx::Error> {
        let ids: Vec<(String,)> = sqlx::query_as(
            "SELECT workspace_id FROM workspace_members WHERE user_id = $1 ORDER BY workspace_id LIMIT $2",
        )
        .bind(viewer_id)
        .bind(MAX_SCOPED_WORKSPACES as i64 + 1)
        .fetch_all(&self.pool)
        .await?;
        Ok((ids.len() <= MAX_SCOPED_WORKSPACES).then(|| ids.into_iter().map(|(id,)| id).collect()))
    }

    /// The query for transcript segments: `$1` parsed with each configuration in use.
    async fn segment_query(&self) -> Result<String, sqlx::Error> {
        let configs: Vec<(String,)> =
            sqlx::query_as("SELECT config FROM search_configs ORDER BY config").fetch_all(&self.pool).await?;
        // Only names this program made are written into SQL (the table holds nothing else,
        // but the check costs nothing).
        let mut parses: Vec<String> = configs
            .into_iter()
            .filter(|(config,)| is_postgres_config(config))
            .map(|(config,)| format!("plainto_tsquery('{config}', $1)"))
            .collect();
        if parses.is_empty() {
            parses.push(format!("plainto_tsquery('{POSTGRES_SIMPLE_CONFIG}', $1)"));
        }
        Ok(format!("({})", parses.join(" || ")))
    }

    /// Transcript, title and comment matches. `fts_query` is an FTS5 expression (SQLite);
    /// `text` is the raw query for `plainto_tsquery` (PostgreSQL).
    pub async fn search(
        &self,
        fts_query: &str,
        text: &str,
        scope: SearchScope<'_>,
        limit: i64,
    ) -> Result<Vec<SearchRow>, sqlx::Error> {
        let viewer = scope.viewer_id.unwrap_or_default();
        let workspace = scope.workspace_id.unwrap_or_default();
        let (viewer_workspaces, segment_query) = match self.backend {
            Backend::Postgres => (self.search_workspaces(viewer).await?, self.segment_query().await?),
            Backend::Sqlite => (None, String::new()),
        };
        let sqlite_segments = |table: &str| {
            format!(
                "SELECT s.video_id, v.title, 'transcript' AS kind, s.start_ms, s.end_ms, \
                 snippet({table}, 0, char(1), char(2), '…', 20) AS snippet, \
                 -bm25({table}) AS relevance \
                 FROM {table} JOIN transcript_segments s ON s.id = {table}.rowid \
                 JOIN videos v ON v.id = s.video_id \
                 WHERE {table} MATCH $1 AND {VISIBLE} ORDER BY bm25({table}) LIMIT $3"
            )
        };
        let (segments_sql, titles_sql, comments_sql, query) = match self.backend {
            Backend::Sqlite => (
                vec![sqlite_segments("transcript_fts"), sqlite_segments("transcript_fts_intl")],
                format!(
                    "SELECT v.id AS video_id, v.title, 'title' AS kind, 0 AS start_ms, 0 AS end_ms, \
                     highlight(video_title_fts, 1, char(1), char(2)) AS snippet, \
                     -2.0 * bm25(video_title_fts) AS relevance \
                     FROM video_title_fts t JOIN videos v ON v.id = t.video_id \
                     WHERE video_title_fts MATCH $1 AND {VISIBLE} ORDER BY bm25(video_title_fts) LIMIT $3"
                ),
                format!(
                    "SELECT c.video_id, v.title, 'comment' AS kind, COALESCE(c.timestamp_ms, 0) AS start_ms, \
                     COALESCE(c.timestamp_ms, 0) AS end_ms, \
                     snippet(comment_fts, 0, char(1), char(2), '…', 20) AS snippet, \
                     -bm25(comment_fts) AS relevance \
                     FROM comment_fts JOIN comments c ON c.seq = comment_fts.rowid \
                     JOIN videos v ON v.id = c.video_id \
                     WHERE comment_fts MATCH $1 AND c.deleted_at IS NULL AND {VISIBLE} \
                     ORDER BY bm25(comment_fts) LIMIT $3"
                ),
                fts_query,
            ),
            Backend::Postgres => (
                // The snippet is highlighted with the segment's own configuration.
                vec![format!(
                    "SELECT s.video_id, v.title, 'transcript' AS kind, s.start_ms, s.end_ms, \
                     ts_headline(s.ts_config, translate(s.text, '<>', $6), plainto_tsquery(s.ts_config, $1), $5) \
                     AS snippet, ts_rank(s.tsv, q)::float8 AS relevance \
                     FROM transcript_segments s JOIN videos v ON v.id = s.video_id, (SELECT {segment_query} AS q) parsed \
                     WHERE {} ORDER BY relevance DESC LIMIT $3",
                    segment_scope(&viewer_workspaces, "q")
                )],
                format!(
                    "SELECT v.id AS video_id, v.title, 'title' AS kind, 0::bigint AS start_ms, 0::bigint AS end_ms, \
                     ts_headline('english', translate(v.title, '<>', $6), q, $5) AS snippet, \
                     (2.0 * ts_rank(v.title_tsv, q))::float8 AS relevance \
                     FROM videos v, plainto_tsquery('english', $1) q \
                     WHERE v.title_tsv @@ q AND {VISIBLE} ORDER BY relevance DESC LIMIT $3"
                ),
                format!(
                    "SELECT c.video_id, v.title, 'comment' AS kind, COALESCE(c.timestamp_ms, 0) AS start_ms, \
                     COALESCE(c.timestamp_ms, 0) AS end_ms, \
                     ts_headline('english', translate(c.body, '<>', $6), q, $5) AS snippet, ts_rank(c.body_tsv, q)::float8 AS relevance \
                     FROM comments c JOIN videos v ON v.id = c.video_id, plainto_tsquery('english', $1) q \
                     WHERE c.body_tsv @@ q AND c.deleted_at IS NULL AND {VISIBLE} ORDER BY relevance DESC LIMIT $3"
                ),
                text,
            ),
        };
        let headline = "StartSel=\u{1}, StopSel=\u{2}, MaxWords=30, MinWords=10, HighlightAll=false";
        let mut rows = Vec::new();
        let segment_queries = segments_sql.len();
        let sqls = segments_sql.into_iter().chain([titles_sql, comments_sql]);
        for (n, sql) in sqls.enumerate() {
            let mut q = sqlx::query_as::<_, SearchRow>(&sql).bind(query).bind(viewer).bind(limit).bind(workspace);
            if self.backend == Backend::Postgres {
                q = q.bind(headline).bind(ANGLE_STAND_INS);
                if n < segment_queries {
                    for id in viewer_workspaces.iter().flatten() {
                        q = q.bind(id);
                    }
                }
            }
            rows.extend(q.fetch_all(&self.pool).await?);
        }
        rows.sort_by(|a, b| b.relevance.total_cmp(&a.relevance));
        rows.truncate(limit.max(0) as usize);
        Ok(rows)
    }
}
