//! `GET /api/search?q=...&limit=...&workspace_id=...`

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::session::Viewer;
use crate::api::error::{AppError, AppResult};
use crate::app::AppState;
use crate::db::SearchScope;
use crate::domain::ResourceId;
use crate::search::SearchHit;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Words to find (at most 500 bytes, at least one letter or digit); common English
    /// words are ignored. Without it the answer is 400.
    #[param(value_type = String, max_length = 500, pattern = "[A-Za-z0-9]")]
    q: Option<String>,
    /// 1-50 (default 20).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 50)]
    limit: Option<String>,
    /// Only this workspace (still only what you may see); 404 unless you are a member.
    workspace_id: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct SearchResults {
    hits: Vec<SearchHit>,
}

const MAX_LIMIT: i64 = 50;
const MAX_QUERY_BYTES: usize = 500;

#[utoipa::path(
    get,
    operation_id = "search_search",
    path = "/api/search",
    tag = "search",
    security((), ("session" = []), ("bearer" = [])),
    params(SearchParams),
    responses(
        (status = 200, description = "Hits you may see, best first", body = SearchResults),
        (status = 400, response = super::openapi::BadRequest),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 404, response = super::openapi::NotFound),
    )
)]
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
    let hits = state.search.search(&q, scope, limit).await?;
    Ok(Json(SearchResults { hits }))
}
