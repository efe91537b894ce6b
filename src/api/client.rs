//! The client's address, for the per-client sign-in limits.
//!
//! The socket peer, unless the operator says a reverse proxy sits in front
//! (`BRIEFLY_TRUST_PROXY`): then the last `X-Forwarded-For` entry, the one that proxy
//! appended (earlier entries are whatever the client chose to send).

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;

use crate::app::AppState;

/// `None` only when the server runs without peer addresses (a router used directly).
pub struct ClientAddr(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip());
        if state.config.trust_proxy {
            if let Some(forwarded) = last_forwarded_for(parts) {
                return Ok(ClientAddr(Some(forwarded)));
            }
        }
        Ok(ClientAddr(peer))
    }
}

fn last_forwarded_for(parts: &Parts) -> Option<IpAddr> {
    let last_header = parts.headers.get_all("x-forwarded-for").iter().next_back()?;
    let last = last_header.to_str().ok()?.rsplit(',').next()?.trim();
    last.parse::<IpAddr>().ok().or_else(|| last.parse::<SocketAddr>().ok().map(|addr| addr.ip()))
}
