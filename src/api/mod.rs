//! HTTP routes. One module per resource; handlers parse input into domain types and call
//! the services on `AppState`, never the database or the store (which it does not expose),
//! and `error.rs` alone turns the services' errors into HTTP answers.

mod assets;
pub mod error;
mod auth;
mod comments;
mod events;
mod json;
mod media;
pub(crate) mod openapi;
mod path;
mod range;
mod reactions;
mod search;
mod session;
mod tus;
mod videos;
mod views;
mod webhooks;
mod workspaces;

use std::time::Duration;

use axum::extract::{DefaultBodyLimit, MatchedPath, State};
use axum::http::{HeaderValue, Request};
use axum::response::IntoResponse;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::app::AppState;
use error::AppError;

pub use json::ApiJson;

pub use session::{SignedIn, Viewer};


/// JSON request bodies are small; media goes through tus, which streams without a limit.
/// Room for a 10,000-character comment even when every character arrives JSON-escaped.
const JSON_BODY_LIMIT: usize = 128 * 1024;

pub fn router(state: AppState) -> Router {
    let tus_routes = Router::new()
        .route("/api/uploads", post(tus::create).options(tus::options))
        .route(
            "/api/uploads/{upload_id}",
            axum::routing::head(tus::head).patch(tus::patch).delete(tus::terminate).options(tus::upload_options),
        )
        .layer(DefaultBodyLimit::disable())
        .layer(SetResponseHeaderLayer::overriding(
            axum::http::HeaderName::from_static("tus-resumable"),
            HeaderValue::from_static(tus::TUS_VERSION),
        ));

    let api_routes = Router::new()
        .route("/healthz", get(healthz))
        .route("/api/openapi.json", get(openapi::document))
        .route("/api/auth/signup", post(auth::sign_up))
        .route("/api/auth/login", post(auth::log_in))
        .route("/api/auth/logout", post(auth::log_out))
        .route("/api/me", get(auth::me))
        .route("/api/tokens", post(auth::create_token))
        .route("/api/videos", post(videos::create).get(videos::list))
        .route("/api/videos/{id}", get(videos::get).patch(videos::update).delete(videos::delete))
        .route("/api/videos/{id}/original", get(media::original))
        .route("/api/videos/{id}/storyboard/{sprite}", get(assets::get_storyboard_sprite))
        .route("/api/videos/{id}/{asset}", get(assets::get_asset))
        .route("/api/videos/{id}/comments", post(comments::post).get(comments::list))
        .route("/api/comments/{id}", axum::routing::patch(comments::edit).delete(comments::delete))
        .route("/api/videos/{id}/reactions", post(reactions::post).get(reactions::list))
        .route("/api/reactions/{id}", delete(reactions::delete))
        .route("/api/videos/{id}/views", post(views::record))
        .route("/api/videos/{id}/viewers", get(views::viewers))
        .route("/api/videos/{id}/events", get(events::stream))
        .route("/api/workspaces", post(workspaces::create).get(workspaces::list))
        .route("/api/workspaces/{id}", get(workspaces::get))
        .route("/api/workspaces/{id}/members", get(workspaces::members))
        .route("/api/workspaces/{id}/members/{user_id}", delete(workspaces::remove_member))
        .route("/api/workspaces/{id}/invites", post(workspaces::invite).get(workspaces::invites))
        .route("/api/workspaces/{id}/invites/{invite_id}", delete(workspaces::revoke_invite))
        .route("/api/invites/{token}/accept", post(workspaces::accept_invite))
        .route("/api/search", get(search::search))
        .route("/api/workspaces/{id}/webhooks", post(webhooks::create).get(webhooks::list))
        .route("/api/workspaces/{id}/webhooks/{hook_id}", axum::routing::delete(webhooks::delete))
        .route("/api/workspaces/{id}/webhooks/{hook_id}/deliveries", get(webhooks::deliveries))
        .layer(DefaultBodyLimit::max(JSON_BODY_LIMIT));

    Router::new()
        .merge(api_routes)
        .merge(tus_routes)
        .merge(crate::web::router())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(CatchPanicLayer::custom(|_panic| {
            AppError::Internal(anyhow::anyhow!("handler panicked")).into_response()
        }))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request<_>| {
                    // Name spans by route pattern, not raw path, so ids don't explode cardinality.
                    let route =
                        request.extensions().get::<MatchedPath>().map(MatchedPath::as_str).unwrap_or("unmatched");
                    tracing::info_span!("request", method = %request.method(), route)
                })
                .on_request(())
                .on_response(tower_http::trace::DefaultOnResponse::new().level(tracing::Level::DEBUG))
                .on_failure(tower_http::trace::DefaultOnFailure::new().latency_unit(tower_http::LatencyUnit::Millis)),
        )
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(Duration::from_secs(60)))
        .with_state(state)
}

#[derive(serde::Serialize, utoipa::ToSchema)]
struct Health {
    #[schema(example = "ok")]
    status: &'static str,
}

#[utoipa::path(
    get,
    operation_id = "healthz",
    path = "/healthz",
    tag = "meta",
    responses((status = 200, description = "The database answers", body = Health))
)]
async fn healthz(State(state): State<AppState>) -> Result<Json<Health>, AppError> {
    state.health.check().await?;
    Ok(Json(Health { status: "ok" }))
}

async fn not_found(uri: axum::http::Uri) -> axum::response::Response {
    if crate::web::is_page_path(&uri) {
        return crate::web::not_found_page();
    }
    AppError::NotFound.into_response()
}

async fn method_not_allowed() -> AppError {
    AppError::MethodNotAllowed
}

/// A `limit` query parameter: `default` when absent, 1..=`max` when given, else 400.
pub(crate) fn parse_limit(raw: Option<&str>, default: i64, max: i64) -> Result<i64, AppError> {
    match raw {
        None => Ok(default),
        Some(raw) => raw
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| AppError::bad_request(format!("limit must be a number from 1 to {max}"))),
    }
}
