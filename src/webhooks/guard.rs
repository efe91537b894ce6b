//! Where deliveries may go.
//!
//! A webhook URL is chosen by a user but fetched by the server, so without a guard it is
//! a way to reach the server's own network (metadata endpoints, admin ports, databases).
//! Unless private targets are allowed, every address the host resolves to must be public;
//! one private address refuses the whole target. The addresses checked here are the ones
//! the request then connects to (see `delivery.rs`), so a DNS answer that changes between
//! the check and the connection (rebinding) cannot slip past.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use reqwest::Url;

pub const MAX_URL_CHARS: usize = 2048;

/// How long a lookup may take before the target counts as unresolvable.
const LOOKUP_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    #[error(
        "{host} resolves to {addr}, a private, loopback, link-local or otherwise non-public address; \
         webhooks may only target public addresses (set BRIEFLY_WEBHOOK_ALLOW_PRIVATE_TARGETS=true to allow this)"
    )]
    Private { host: String, addr: IpAddr },
    #[error("could not resolve {host}: {reason}")]
    Unresolvable { host: String, reason: String },
}

/// A checked destination: the host name (for TLS and `Host`) and the addresses to use.
#[derive(Debug, Clone)]
pub struct Target {
    /// `None` when the URL names an IP address directly: nothing to resolve or pin.
    pub domain: Option<String>,
    pub addrs: Vec<SocketAddr>,
}

/// A webhook URL as registered: absolute http(s), with a host, no credentials, bounded length.
pub fn parse_url(raw: &str) -> Result<Url, String> {
    if raw.chars().count() > MAX_URL_CHARS {
        return Err(format!("url must be at most {MAX_URL_CHARS} characters"));
    }
    let url = Url::parse(raw.trim()).map_err(|err| format!("url is not a valid absolute URL: {err}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err("url must use http or https".into());
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("url must name a host".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("url must not carry credentials; verify deliveries with the signing secret instead".into());
    }
    Ok(url)
}

/// Resolve the URL's host and check every address it resolves to.
pub async fn resolve(url: &Url, allow_private: bool) -> Result<Target, TargetError> {
    let port = url.port_or_known_default().unwrap_or(80);
    let host = url.host_str().unwrap_or_default().to_string();
    let (domain, addrs) = match url.host() {
        Some(url::Host::Ipv4(ip)) => (None, vec![SocketAddr::new(IpAddr::V4(ip), port)]),
        Some(url::Host::Ipv6(ip)) => (None, vec![SocketAddr::new(IpAddr::V6(ip), port)]),
        Some(url::Host::Domain(name)) => (Some(name.to_string()), lookup(name, port).await?),
        None => return Err(TargetError::Unresolvable { host, reason: "no host".into() }),
    };
    if !allow_private {
        if let Some(addr) = addrs.iter().map(SocketAddr::ip).find(|ip| !is_public(*ip)) {
            return Err(TargetError::Private { host, addr });
        }
    }
    Ok(Target { domain, addrs })
}

async fn lookup(name: &str, port: u16) -> Result<Vec<SocketAddr>, TargetError> {
    let unresolvable = |reason: String| TargetError::Unresolvable { host: name.to_string(), reason };
    let found = tokio::time::timeout(LOOKUP_TIMEOUT, tokio::net::lookup_host((name, port)))
        .await
        .map_err(|_| unresolvable("lookup timed out".into()))?
        .map_err(|err| unresolvable(err.to_string()))?;
    let addrs: Vec<SocketAddr> = found.collect();
    if addrs.is_empty() {
        return Err(unresolvable("no addresses".into()));
    }
    Ok(addrs)
}

/// True for globally routable unicast addresses; false for loopback, private, link-local,
/// shared (CGNAT), documentation, benchmarking, multicast, reserved and unspecified ones,
/// including IPv4 addresses wrapped in IPv6 (see [`embedded_v4`]).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    let non_public = a == 0                                  // "this network"
        || a == 10                                           // private
        || a == 127                                          // loopback
        || (a == 100 && (64..=127).contains(&b))             // shared address space (CGNAT)
        || (a == 169 && b == 254)                            // link-local, cloud metadata
        || (a == 172 && (16..=31).contains(&b))              // private
        || (a == 192 && b == 168)                            // private
        || (a == 192 && b == 0 && c == 0)                    // IETF protocol assignments
        || (a == 192 && b == 0 && c == 2)                    // documentation
        || (a == 198 && (18..=19).contains(&b))              // benchmarking
        || (a == 198 && b == 51 && c == 100)                 // documentation
        || (a == 203 && b == 0 && c == 113)                  // documentation
        || a >= 224; // multicast, reserved, broadcast
    !non_public
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(wrapped) = embedded_v4(ip) {
        // A translator or tunnel delivers the packet to these IPv4 addresses; an empty list
        // (an address of a translation prefix that embeds no well-formed IPv4) is refused.
        return !wrapped.is_empty() && wrapped.into_iter().all(is_public_v4);
    }
    let segments = ip.segments();
    let [first, second, ..] = segments;
    let non_public = segments[..6] == [0; 6]                // unspecified, loopback, IPv4-compatible ::a.b.c.d
        || (first & 0xfe00) == 0xfc00                       // unique local fc00::/7
        || (first & 0xffc0) == 0xfe80                       // link-local fe80::/10
        || (first & 0xffc0) == 0xfec0                       // site-local (deprecated) fec0::/10
        || (first & 0xff00) == 0xff00                       // multicast
        || (first == 0x2001 && second == 0x0db8)            // documentation
        || (first == 0x0100 && segments[1..4] == [0, 0, 0]); // discard-only 100::/64
    !non_public
}

/// The IPv4 addresses an IPv6 address reaches through a translation or tunnelling prefix,
/// or `None` when it is native IPv6. A webhook to such an address is a webhook to these
/// IPv4 addresses, so they are what must be public:
/// * IPv4-mapped `::ffff:0:0/96` and IPv4-translated (SIIT) `::ffff:0:0:0/96`: the last 32 bits;
/// * NAT64 well-known prefix `64:ff9b::/96`: the last 32 bits;
/// * NAT64 local-use prefix `64:ff9b:1::/48` (RFC 8215): the network picks a prefix length
///   from /48 to /96, so every RFC 6052 layout the address is well-formed for (the `u` octet
///   and the suffix zero) counts, and an address well-formed for none embeds nothing usable;
/// * 6to4 `2002::/16`: the relay's IPv4 in bits 16-48;
/// * Teredo `2001::/32`: the server's IPv4 in bits 32-64 and the client's (its NAT's public
///   address, which the relay forwards to) in the last 32 bits, inverted.
fn embedded_v4(ip: Ipv6Addr) -> Option<Vec<Ipv4Addr>> {
    let s = ip.segments();
    let o = ip.octets();
    let v4 = |high: u16, low: u16| Ipv4Addr::from(((high as u32) << 16) | low as u32);
    let from_octets = |a: usize, b: usize, c: usize, d: usize| Ipv4Addr::new(o[a], o[b], o[c], o[d]);
    match s {
        [0, 0, 0, 0, 0, 0xffff, high, low] | [0, 0, 0, 0, 0xffff, 0, high, low] => Some(vec![v4(high, low)]),
        [0x64, 0xff9b, 0, 0, 0, 0, high, low] => Some(vec![v4(high, low)]),
        [0x64, 0xff9b, 0x0001, ..] => {
            // (octets holding the IPv4 address, first suffix octet) per RFC 6052 section 2.2;
            // octet 8 is the `u` octet, always zero.
            let layouts: [([usize; 4], usize); 4] =
                [([6, 7, 9, 10], 11), ([7, 9, 10, 11], 12), ([9, 10, 11, 12], 13), ([12, 13, 14, 15], 16)];
            let wrapped = layouts
                .into_iter()
                .filter(|&(_, suffix)| o[8] == 0 && o[suffix..].iter().all(|&b| b == 0))
                .map(|([a, b, c, d], _)| from_octets(a, b, c, d))
                .collect();
            Some(wrapped)
        }
        [0x2002, high, low, ..] => Some(vec![v4(high, low)]),
        [0x2001, 0, server_high, server_low, _, _, client_high, client_low] => {
            Some(vec![v4(server_high, server_low), v4(!client_high, !client_low)])
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn private_and_special_addresses_are_not_public() {
        for text in [
            "127.0.0.1",
            "127.255.255.254",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "192.0.2.10",
            "198.18.0.1",
            "::",
            "::1",
            "fe80::1",
            "fc00::1",
            "fd12:3456::1",
            "ff02::1",
            "2001:db8::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::127.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2002:7f00:1::",
        ] {
            assert!(!is_public(ip(text)), "{text} must not count as public");
        }
    }

    #[test]
    fn ordinary_internet_addresses_are_public() {
        for text in [
            "1.1.1.1",
            "8.8.8.8",
            "93.184.216.34",
            "172.32.0.1",
            "100.128.0.1",
            "2606:4700:4700::1111",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
        ] {
            assert!(is_public(ip(text)), "{text} must count as public");
        }
    }

    /// Each translation or tunnelling prefix, with an address embedding a non-public IPv4
    /// (refused) and one embedding a public IPv4 (allowed).
    #[test]
    fn transition_prefixes_are_judged_by_the_ipv4_they_embed() {
        let cases = [
            ("IPv4-mapped ::ffff:0:0/96", "::ffff:192.168.0.1", "::ffff:1.1.1.1"),
            ("IPv4-translated ::ffff:0:0:0/96 (127.0.0.1)", "::ffff:0:7f00:1", "::ffff:0:808:808"),
            ("IPv4-translated ::ffff:0:0:0/96 (metadata)", "::ffff:0:a9fe:a9fe", "::ffff:0:101:101"),
            ("NAT64 64:ff9b::/96", "64:ff9b::7f00:1", "64:ff9b::101:101"),
            ("NAT64 64:ff9b::/96 (private)", "64:ff9b::a00:1", "64:ff9b::5db8:d822"),
            ("NAT64 local-use 64:ff9b:1::/48, /96 layout", "64:ff9b:1::a9fe:a9fe", "64:ff9b:1::808:808"),
            ("NAT64 local-use 64:ff9b:1::/48, /96 layout", "64:ff9b:1:abcd::a00:1", "64:ff9b:1:abcd::808:808"),
            ("6to4 2002::/16", "2002:a9fe:a9fe::1", "2002:808:808::1"),
            ("6to4 2002::/16 (private)", "2002:c0a8:101::", "2002:5db8:d822:1::1"),
            // Server 10.0.0.1 / client 8.8.8.8, then server 65.54.227.120 / client 127.0.0.1.
            ("Teredo 2001::/32 server", "2001:0:a00:1:8000:63bf:f7f7:f7f7", "2001:0:4136:e378:8000:63bf:f7f7:f7f7"),
            ("Teredo 2001::/32 client", "2001:0:4136:e378:8000:63bf:80ff:fffe", "2001:0:4136:e378:0:0:f7f7:f7f7"),
        ];
        for (prefix, refused, allowed) in cases {
            assert!(!is_public(ip(refused)), "{prefix}: {refused} embeds a non-public IPv4 and must be refused");
            assert!(is_public(ip(allowed)), "{prefix}: {allowed} embeds a public IPv4 and must be allowed");
        }
        // The local-use prefix's shorter layouts (/48../64) put the IPv4 where a /96 network
        // reads zeros, so they cannot be told apart and are refused, as is a malformed one.
        for text in ["64:ff9b:1:a00:0:100::", "64:ff9b:1:808:8:800::", "64:ff9b:1::", "64:ff9b:1:0:ff00::808:808"] {
            assert!(!is_public(ip(text)), "{text} must not count as public");
        }
        // Embedded-looking bits outside the prefixes are ordinary IPv6.
        assert!(is_public(ip("2001:4860:4860::8888")), "Google DNS is not Teredo");
        assert!(is_public(ip("2003:a00:1::1")), "2003::/16 is not 6to4");
    }

    #[tokio::test]
    async fn loopback_targets_are_refused_unless_allowed() {
        for raw in ["http://127.0.0.1:9/hook", "http://[::1]:9/hook", "http://localhost:9/hook", "http://0x7f.1/"] {
            let url = parse_url(raw).unwrap();
            let refused = resolve(&url, false).await;
            assert!(matches!(refused, Err(TargetError::Private { .. })), "{raw}: {refused:?}");
            let allowed = resolve(&url, true).await.unwrap();
            assert!(allowed.addrs.iter().all(|a| a.port() == url.port_or_known_default().unwrap()));
        }
    }

    #[tokio::test]
    async fn domains_are_pinned_to_what_was_checked() {
        let url = parse_url("http://localhost:8123/x").unwrap();
        let target = resolve(&url, true).await.unwrap();
        assert_eq!(target.domain.as_deref(), Some("localhost"));
        assert!(target.addrs.iter().all(|a| a.ip().is_loopback() && a.port() == 8123));
        let literal = resolve(&parse_url("https://127.0.0.1/x").unwrap(), true).await.unwrap();
        assert_eq!(literal.domain, None);
        assert_eq!(literal.addrs, vec!["127.0.0.1:443".parse().unwrap()]);
    }

    #[test]
    fn urls_must_be_http_with_a_host_and_bounded() {
        assert!(parse_url("https://hooks.example.com/briefly?x=1").is_ok());
        assert!(parse_url("ftp://example.com/").is_err());
        assert!(parse_url("file:///etc/passwd").is_err());
        assert!(parse_url("javascript:alert(1)").is_err());
        assert!(parse_url("/relative/path").is_err());
        assert!(parse_url("https://user:pass@example.com/").is_err());
        let long = format!("https://example.com/{}", "a".repeat(MAX_URL_CHARS));
        assert!(parse_url(&long).is_err());
    }
}
