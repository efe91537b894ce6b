//! `GET /api/search?q=...&limit=...&workspace_id=...`

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::Json;
use serde::{Deserialize, Serialize};

use super::session::Viewer;
use crate::app::AppState;
use crate::db::SearchScope;
use crate::domain::ResourceId;
use crate::error::{AppError, AppResult};
use crate::search::{self, SearchHit};

#[derive(Deserialize)]
pub struct SearchParams {
    q: Option<String>,
    limit: Option<String>,
    workspace_id: Option<String>,
}

#[derive(Serialize)]
pub struct SearchResults {
    hits: Vec<SearchHit>,
}

const MAX_LIMIT: i64 = 50;
const MAX_QUERY_BYTES: usize = 500;

pub async fn search(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    params: Result<Query<SearchParams>, QueryRejection>,
) -> AppResult<Json<SearchResults>> {
    let Query(params) = params.map_err(|e| AppError::bad_request(e.body_text()))?;
    let q = params.q.unwrap_or_default();
    if q.len() > MAX_QUERY_BYTES {
        return Err(AppError::bad_request(format!("q must be at most {MAX_QUERY_BYTES} bytes")));
    }
    let limit = super::parse_limit(params.limit.as_deref(), 20, MAX_LIMIT)?;
    let workspace_id = match params.workspace_id.as_deref() {
        None | Some("") => None,
        Some(raw) => Some(ResourceId::parse(raw).ok_or_else(|| AppError::bad_request("workspace_id is malformed"))?),
    };
    let scope = SearchScope {
        viewer_id: viewer.as_ref().map(|u| u.id.as_str()),
        workspace_id: workspace_id.as_ref().map(ResourceId::as_str),
    };
    let hits = search::search(&state.db, &q, scope, limit).await?;
    Ok(Json(SearchResults { hits }))
}
