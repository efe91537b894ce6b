//! Sign-in and sign-up limits: per account (the email named) and per client address.
//!
//! - Per client: every sign-in, sign-up and password-change attempt from one address
//!   (IPv6: its /64, which one subscriber usually holds whole) takes a token; this bounds
//!   both guessing and account creation from one place.
//! - Per account: only attempts that fail cost (a token is taken up front and given back
//!   on success), so the owner signing in normally never runs out; a guesser does, from
//!   however many addresses. Someone failing on purpose can keep an account's password
//!   sign-in refused while they keep at it (existing sessions and tokens still work):
//!   the price of capping guesses per account.
//!
//! Buckets live in process memory, like the write limits, and their number is bounded.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::AuthError;

/// Buckets kept before full (idle) ones are forgotten.
const MAX_KEYS: usize = 50_000;

#[derive(Debug, Clone, Copy)]
pub struct LimitSettings {
    /// Failed attempts per account: a burst of this many, refilled over an hour.
    pub account_failures_per_hour: u32,
    /// Attempts per client address: a burst of this many, refilled over a minute.
    pub client_attempts_per_minute: u32,
}

#[derive(Clone)]
pub struct AuthLimits {
    accounts: Arc<Buckets>,
    clients: Arc<Buckets>,
}

/// A taken account token; `succeeded` gives it back.
pub struct AccountAttempt {
    buckets: Arc<Buckets>,
    key: String,
}

impl AccountAttempt {
    pub fn succeeded(self) {
        self.buckets.give_back(&self.key);
    }
}

impl AuthLimits {
    pub fn new(settings: LimitSettings) -> AuthLimits {
        AuthLimits {
            accounts: Arc::new(Buckets::new(settings.account_failures_per_hour, Duration::from_secs(3600))),
            clients: Arc::new(Buckets::new(settings.client_attempts_per_minute, Duration::from_secs(60))),
        }
    }

    /// Take a token from the client's bucket, then the account's; the first empty one refuses.
    pub fn attempt(&self, account: &str, client: IpAddr) -> Result<AccountAttempt, AuthError> {
        self.clients.take(&client_key(client))?;
        let key = account.to_lowercase();
        self.accounts.take(&key)?;
        Ok(AccountAttempt { buckets: self.accounts.clone(), key })
    }
}

/// IPv4 addresses as they are; IPv6 by /64 (an IPv4-mapped address counts as IPv4).
fn client_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

/// Token buckets by key: `capacity` tokens, refilled evenly over `window`.
struct Buckets {
    capacity: f64,
    per_token: Duration,
    buckets: Mutex<HashMap<String, Bucket>>,
}

#[derive(Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Buckets {
    fn new(capacity: u32, window: Duration) -> Buckets {
        let capacity = capacity.max(1);
        Buckets { capacity: f64::from(capacity), per_token: window / capacity, buckets: Mutex::new(HashMap::new()) }
    }

    fn refilled(&self, bucket: Bucket, now: Instant) -> f64 {
        let earned = now.saturating_duration_since(bucket.at).as_secs_f64() / self.per_token.as_secs_f64();
        (bucket.tokens + earned).min(self.capacity)
    }

    fn take(&self, key: &str) -> Result<(), AuthError> {
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if buckets.len() >= MAX_KEYS && !buckets.contains_key(key) {
            self.forget_idle(&mut buckets, now);
        }
        let bucket = buckets.entry(key.to_string()).or_insert(Bucket { tokens: self.capacity, at: now });
        let tokens = self.refilled(*bucket, now);
        if tokens < 1.0 {
            let wait = self.per_token.as_secs_f64() * (1.0 - tokens);
            return Err(AuthError::RateLimited { retry_after_secs: (wait.ceil() as u64).max(1) });
        }
        *bucket = Bucket { tokens: tokens - 1.0, at: now };
        Ok(())
    }

    fn give_back(&self, key: &str) {
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(bucket) = buckets.get_mut(key) {
            *bucket = Bucket { tokens: (self.refilled(*bucket, now) + 1.0).min(self.capacity), at: now };
        }
    }

    /// Drop full buckets (they hold nothing); if that frees too little, drop half of the
    /// rest: memory stays bounded even under a spray of made-up emails.
    fn forget_idle(&self, buckets: &mut HashMap<String, Bucket>, now: Instant) {
        buckets.retain(|_, bucket| self.refilled(*bucket, now) < self.capacity);
        if buckets.len() >= MAX_KEYS / 2 {
            let excess: Vec<String> = buckets.keys().take(buckets.len() - MAX_KEYS / 2).cloned().collect();
            for key in excess {
                buckets.remove(&key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(account: u32, client: u32) -> AuthLimits {
        AuthLimits::new(LimitSettings { account_failures_per_hour: account, client_attempts_per_minute: client })
    }

    fn somewhere() -> IpAddr {
        "192.0.2.1".parse().unwrap()
    }

    #[test]
    fn failures_run_an_account_out_but_successes_do_not() {
        let limits = limits(3, 1000);
        for _ in 0..10 {
            limits.attempt("ada@example.com", somewhere()).unwrap().succeeded();
        }
        for _ in 0..3 {
            let _failed = limits.attempt("Ada@Example.com", somewhere()).unwrap();
        }
        let refused = limits.attempt("ada@example.com", somewhere()).err().unwrap();
        // One token comes back every 20 minutes.
        assert!(
            matches!(refused, AuthError::RateLimited { retry_after_secs } if (1..=1200).contains(&retry_after_secs))
        );
        limits.attempt("bob@example.com", somewhere()).expect("another account has its own bucket");
    }

    #[test]
    fn one_client_address_has_one_bucket_ipv6_by_64() {
        let limits = limits(1000, 2);
        let a: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        limits.attempt("x@example.com", a).unwrap().succeeded();
        limits.attempt("y@example.com", b).unwrap().succeeded();
        assert!(limits.attempt("z@example.com", a).is_err(), "same /64, same bucket");
        limits.attempt("z@example.com", "2001:db8:1:3::1".parse().unwrap()).expect("another /64");
        assert_eq!(client_key("::ffff:192.0.2.7".parse().unwrap()), "192.0.2.7");
    }

    #[test]
    fn the_number_of_buckets_is_bounded() {
        let buckets = Buckets::new(1, Duration::from_secs(3600));
        for i in 0..(MAX_KEYS + 10) {
            let _ = buckets.take(&format!("user{i}@example.com"));
        }
        assert!(buckets.buckets.lock().unwrap().len() <= MAX_KEYS);
    }
}
