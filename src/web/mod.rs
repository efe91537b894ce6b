//! The browser app: page routes that render the HTML shell (with share meta tags on watch
//! pages), the embedded static files under `/assets/`, and oEmbed for link unfurling.
//!
//! Pages are one shell (`web/index.html`) naming the page in `data-page`; the ES modules do
//! the rest against the JSON API. Nothing here reads user data except the watch page's meta
//! tags and oEmbed, which only ever describe videos anonymous visitors may see.

mod assets;
mod html;
pub(crate) mod oembed;
mod pages;

use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::app::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(pages::library))
        .route("/signup", get(pages::signup))
        .route("/login", get(pages::login))
        .route("/record", get(pages::record))
        .route("/search", get(pages::search))
        .route("/settings", get(pages::settings))
        .route("/invite/{token}", get(pages::invite))
        .route("/v/{id}", get(pages::watch))
        .route("/oembed", get(oembed::oembed))
        .route("/assets/{*path}", get(assets::asset))
}

/// Unknown paths outside `/api/` get a human 404 page; the API keeps its JSON errors.
pub fn is_page_path(uri: &Uri) -> bool {
    let path = uri.path();
    !(path.starts_with("/api/") || path == "/api" || path.starts_with("/assets/") || path == "/oembed")
}

pub fn not_found_page() -> Response {
    (axum::http::StatusCode::NOT_FOUND, pages::shell("not-found", "Not found", "")).into_response()
}
