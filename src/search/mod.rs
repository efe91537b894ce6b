//! Search across what was said (transcripts), titles and comments, limited to what the caller may see.

use crate::db::{Db, SearchRow, SearchScope};
use crate::domain::fold_letters;

/// What can go wrong, in this service's words; `api/` maps these to HTTP.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The query is not usable (400).
    #[error("{0}")]
    Malformed(&'static str),
    /// `workspace_id` names a workspace the caller is not a member of, or none (404).
    #[error("not found")]
    UnknownWorkspace,
    #[error(transparent)]
    Internal(#[from] sqlx::Error),
}

/// Full-text search over what the caller may see.
#[derive(Clone)]
pub struct Search {
    db: Db,
}

/// At most this many words of a query are used.
const MAX_TERMS: usize = 16;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct SearchHit {
    pub video_id: String,
    pub title: String,
    /// `title`, `transcript` or `comment`.
    #[schema(example = "transcript", pattern = "^(title|transcript|comment)$")]
    pub kind: String,
    pub start_ms: i64,
    pub end_ms: i64,
    /// HTML-escaped text with `<mark>...</mark>` around the matched words.
    pub snippet: String,
}

impl Search {
    pub fn new(db: Db) -> Search {
        Search { db }
    }

    pub async fn search(
        &self,
        raw_query: &str,
        scope: SearchScope<'_>,
        limit: i64,
    ) -> Result<Vec<SearchHit>, SearchError> {
        let terms = terms_of(raw_query);
        if terms.is_empty() {
            return Err(SearchError::Malformed("q must contain at least one word"));
        }
        if let Some(workspace_id) = scope.workspace_id {
            // A filter is for members; to anyone else the workspace does not exist.
            let member = match scope.viewer_id {
                Some(user_id) => self.db.member_role(workspace_id, user_id).await?.is_some(),
                None => false,
            };
            if !member {
                return Err(SearchError::UnknownWorkspace);
            }
        }
        let rows = self.db.search(&fts5_expression(&terms), &terms.join(" "), scope, limit).await?;
        Ok(rows.into_iter().map(hit_from_row).collect())
    }
}

/// Words of the query: letters and digits only, so nothing the user types can change the
/// structure of the full-text expression. Common English words are dropped (unless the
/// query has nothing else), so a question like "when did we delay the migration?" looks
/// for what matters; PostgreSQL's english configuration drops the same kind of words.
pub fn terms_of(raw: &str) -> Vec<String> {
    let words: Vec<String> =
        raw.split(|c: char| !c.is_alphanumeric()).filter(|word| !word.is_empty()).map(str::to_lowercase).collect();
    let meaningful: Vec<String> = words.iter().filter(|w| !STOPWORDS.contains(&w.as_str())).cloned().collect();
    let chosen = if meaningful.is_empty() { words } else { meaningful };
    chosen.into_iter().take(MAX_TERMS).collect()
}

const STOPWORDS: &[&str] = &[
    "a", "about", "an", "and", "are", "as", "at", "be", "but", "by", "did", "do", "does", "for", "from", "had", "has",
    "have", "how", "i", "if", "in", "is", "it", "its", "me", "my", "of", "on", "or", "our", "so", "that", "the",
    "their", "them", "then", "there", "they", "this", "to", "us", "was", "we", "were", "what", "when", "where",
    "which", "who", "why", "will", "with", "you", "your",
];

/// All terms must match (FTS5's implicit AND); each is quoted as a literal string. A term
/// with a letter the non-English transcript index stores folded (`fold_letters`) matches
/// either spelling, so "идём" finds "идем" there and titles still find "идём".
pub fn fts5_expression(terms: &[String]) -> String {
    let quoted = |t: &str| format!("\"{}\"", t.replace('"', "\"\""));
    let either = |t: &String| match fold_letters(t) {
        folded if folded == *t => quoted(t),
        folded => format!("({} OR {})", quoted(t), quoted(&folded)),
    };
    terms.iter().map(either).collect::<Vec<_>>().join(" ")
}

fn hit_from_row(row: SearchRow) -> SearchHit {
    SearchHit {
        snippet: highlight_html(&row.snippet),
        video_id: row.video_id,
        title: row.title,
        kind: row.kind,
        start_ms: row.start_ms,
        end_ms: row.end_ms,
    }
}

/// Escape everything, then turn the engine's \u{1}/\u{2} markers into `<mark>` tags
/// (\u{3}/\u{4} are PostgreSQL's stand-ins for angle brackets, see db::search).
pub fn highlight_html(marked: &str) -> String {
    let mut out = String::with_capacity(marked.len() + 16);
    for c in marked.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' | '\u{3}' => out.push_str("&lt;"),
            '>' | '\u{4}' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\u{1}' => out.push_str("<mark>"),
            '\u{2}' => out.push_str("</mark>"),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_strip_operators_and_quotes() {
        assert_eq!(terms_of("  Delay the \"migration\" OR NEAR(x) *"), vec!["delay", "migration", "near", "x"]);
        assert_eq!(terms_of("when did we delay the migration?"), vec!["delay", "migration"]);
        assert_eq!(terms_of("the who"), vec!["the", "who"], "all-stopword queries are kept");
        assert!(terms_of("!!! ---").is_empty());
        assert_eq!(terms_of(&"a ".repeat(40)).len(), MAX_TERMS);
    }

    #[test]
    fn fts5_terms_are_quoted_literals() {
        assert_eq!(fts5_expression(&["delay".into(), "migration".into()]), "\"delay\" \"migration\"");
        assert_eq!(fts5_expression(&["идём".into(), "парк".into()]), "(\"идём\" OR \"идем\") \"парк\"");
    }

    #[test]
    fn snippets_are_escaped_around_marks() {
        assert_eq!(
            highlight_html("we <b>decided</b> to \u{1}delay\u{2} & wait"),
            "we &lt;b&gt;decided&lt;/b&gt; to <mark>delay</mark> &amp; wait"
        );
    }
}
