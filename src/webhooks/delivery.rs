//! One HTTP attempt of one delivery.
//!
//! The request goes only to the addresses the guard checked: the client is built per
//! attempt with those addresses pinned for the host, a resolver that refuses every other
//! name, no proxy and no redirects (a redirect would be a second, unchecked target). The
//! receiver's answer is judged by its status alone; its body is never read.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::CONTENT_TYPE;
use reqwest::redirect::Policy;

use super::guard::{self, TargetError};
use super::signature;

/// Settings for sending, from the configuration.
#[derive(Debug, Clone)]
pub struct DeliveryOptions {
    pub allow_private_targets: bool,
    /// The whole attempt, from connecting to the response status.
    pub timeout: Duration,
}

impl DeliveryOptions {
    pub fn new(allow_private_targets: bool) -> DeliveryOptions {
        DeliveryOptions { allow_private_targets, timeout: Duration::from_secs(10) }
    }
}

/// What is sent: the stored body plus what identifies it.
#[derive(Debug, Clone)]
pub struct Outgoing<'a> {
    pub url: &'a str,
    pub secret: &'a str,
    pub event: &'a str,
    pub delivery_id: &'a str,
    pub body: &'a [u8],
}

#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// The target is not allowed; retrying cannot help.
    #[error("{0}")]
    Refused(String),
    /// Network trouble (DNS, connect, TLS, timeout); worth another try.
    #[error("{0}")]
    Failed(String),
}

/// POST the delivery; `Ok` carries the receiver's status code, whatever it is.
pub async fn send(outgoing: &Outgoing<'_>, options: &DeliveryOptions) -> Result<u16, SendError> {
    let url = guard::parse_url(outgoing.url).map_err(SendError::Refused)?;
    let target = guard::resolve(&url, options.allow_private_targets).await.map_err(|err| match err {
        TargetError::Private { .. } => SendError::Refused(err.to_string()),
        TargetError::Unresolvable { .. } => SendError::Failed(err.to_string()),
    })?;
    let client = pinned_client(&target, options.timeout).map_err(|err| SendError::Failed(describe(err)))?;
    let timestamp = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let response = client
        .post(url)
        .header(CONTENT_TYPE, "application/json")
        .header("Briefly-Event", outgoing.event)
        .header("Briefly-Delivery", outgoing.delivery_id)
        .header("Briefly-Timestamp", timestamp.to_string())
        .header("Briefly-Signature", signature::sign(outgoing.secret, timestamp, outgoing.body))
        .body(outgoing.body.to_vec())
        .send()
        .await
        .map_err(|err| SendError::Failed(describe(err)))?;
    Ok(response.status().as_u16())
}

fn pinned_client(target: &guard::Target, timeout: Duration) -> reqwest::Result<reqwest::Client> {
    let mut builder = reqwest::Client::builder()
        .user_agent(concat!("Briefly-Webhooks/", env!("CARGO_PKG_VERSION")))
        .redirect(Policy::none())
        .no_proxy()
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(5)))
        .dns_resolver(Arc::new(NoLookups));
    if let Some(domain) = &target.domain {
        builder = builder.resolve_to_addrs(domain, &target.addrs);
    }
    builder.build()
}

/// Every name the client may use is pinned above; anything else is a bug, not a lookup.
struct NoLookups;

impl reqwest::dns::Resolve for NoLookups {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let refusal: Box<dyn std::error::Error + Send + Sync> =
            format!("refusing an unchecked DNS lookup of {}", name.as_str()).into();
        Box::pin(std::future::ready(Err::<reqwest::dns::Addrs, _>(refusal)))
    }
}

/// The error with its causes ("error sending request: connection refused"), without the
/// URL, which the owner already knows and which may carry tokens in its query.
fn describe(err: reqwest::Error) -> String {
    let err = err.without_url();
    let mut text = err.to_string();
    let mut source = std::error::Error::source(&err);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outgoing(url: &str) -> Outgoing<'_> {
        Outgoing { url, secret: "whsec_x", event: "video.ready", delivery_id: "d1", body: b"{}" }
    }

    #[tokio::test]
    async fn private_targets_are_refused_before_any_connection() {
        // Nothing listens on port 9 (discard); a refusal, not a connection error, proves
        // the guard stopped the attempt first.
        let refused = send(&outgoing("http://127.0.0.1:9/hook"), &DeliveryOptions::new(false)).await;
        assert!(matches!(&refused, Err(SendError::Refused(m)) if m.contains("127.0.0.1")), "{refused:?}");
        let refused = send(&outgoing("http://localhost:9/hook"), &DeliveryOptions::new(false)).await;
        assert!(matches!(refused, Err(SendError::Refused(_))), "{refused:?}");
    }

    #[tokio::test]
    async fn network_errors_are_retryable_and_readable() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener); // Now nothing listens there.
        let url = format!("http://localhost:{port}/hook");
        let failed = send(&outgoing(&url), &DeliveryOptions::new(true)).await;
        match failed {
            Err(SendError::Failed(message)) => {
                assert!(message.to_lowercase().contains("connect"), "{message}");
                assert!(!message.contains("/hook"), "the URL stays out of the message: {message}");
            }
            other => panic!("expected a retryable failure, got {other:?}"),
        }
    }
}
