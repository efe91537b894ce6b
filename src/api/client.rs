//! The client's network address, for limits counted per address (sign-in attempts, live
//! streams).
//!
//! It is the TCP peer as the listener saw it (`into_make_service_with_connect_info` in
//! `app.rs`), unless the operator says a reverse proxy sits in front (`BRIEFLY_TRUST_PROXY`):
//! then the last `X-Forwarded-For` entry, the one that proxy appended (earlier entries are
//! whatever the client chose to send). Without it, behind a proxy every client shares the
//! proxy's address.

use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;

use crate::app::AppState;

pub struct ClientAddr(pub IpAddr);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if state.config.trust_proxy {
            if let Some(forwarded) = last_forwarded_for(parts) {
                return Ok(ClientAddr(forwarded));
            }
        }
        // A router driven without connection info (in-process tests) counts as one client.
        let ip = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|info| info.0.ip())
            .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        Ok(ClientAddr(ip))
    }
}

fn last_forwarded_for(parts: &Parts) -> Option<IpAddr> {
    let last_header = parts.headers.get_all("x-forwarded-for").iter().next_back()?;
    let last = last_header.to_str().ok()?.rsplit(',').next()?.trim();
    last.parse::<IpAddr>().ok().or_else(|| last.parse::<SocketAddr>().ok().map(|addr| addr.ip()))
}
