//! The client's network address, for limits counted per address.
//!
//! It is the TCP peer as the listener saw it (`into_make_service_with_connect_info` in
//! `app.rs`); `X-Forwarded-For` is not trusted, so behind a reverse proxy every client
//! shares the proxy's address and the per-address limits should be raised to match.

use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;

pub struct ClientAddr(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        // A router driven without connection info (in-process tests) counts as one client.
        let ip = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|info| info.0.ip())
            .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        Ok(ClientAddr(ip))
    }
}
