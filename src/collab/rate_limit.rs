//! Per-user write limits, so a stuck key or a runaway script cannot flood a video.
//!
//! The buckets live in process memory: each API process enforces the limit on its own,
//! which bounds a flood to (processes x limit) without a database round trip per write.

use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use super::error::CollabError;

/// Forget idle users' buckets every this many checks, so memory stays bounded.
const PRUNE_EVERY: u64 = 10_000;

#[derive(Clone)]
pub struct WriteLimits {
    comments: Arc<Limiter>,
    reactions: Arc<Limiter>,
}

struct Limiter {
    buckets: DefaultKeyedRateLimiter<String>,
    checks: AtomicU64,
}

impl WriteLimits {
    pub fn new(comments_per_minute: u32, reactions_per_minute: u32) -> WriteLimits {
        WriteLimits {
            comments: Arc::new(Limiter::new(comments_per_minute)),
            reactions: Arc::new(Limiter::new(reactions_per_minute)),
        }
    }

    pub fn check_comment(&self, user_id: &str) -> Result<(), CollabError> {
        self.comments.check(user_id)
    }

    pub fn check_reaction(&self, user_id: &str) -> Result<(), CollabError> {
        self.reactions.check(user_id)
    }
}

impl Limiter {
    fn new(per_minute: u32) -> Limiter {
        let rate = NonZeroU32::new(per_minute.max(1)).expect("at least one per minute");
        let burst = NonZeroU32::new((per_minute / 4).max(1)).expect("at least one");
        Limiter { buckets: RateLimiter::keyed(Quota::per_minute(rate).allow_burst(burst)), checks: AtomicU64::new(0) }
    }

    fn check(&self, user_id: &str) -> Result<(), CollabError> {
        if self.checks.fetch_add(1, Ordering::Relaxed) % PRUNE_EVERY == PRUNE_EVERY - 1 {
            self.buckets.retain_recent();
        }
        self.buckets.check_key(&user_id.to_string()).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            CollabError::RateLimited { retry_after_secs: wait.as_secs().max(1) }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_then_refusal_with_a_retry_hint_per_user() {
        let limits = WriteLimits::new(8, 8);
        for _ in 0..2 {
            limits.check_reaction("alice").expect("within the burst");
        }
        let refused = limits.check_reaction("alice").unwrap_err();
        assert!(matches!(refused, CollabError::RateLimited { retry_after_secs } if retry_after_secs >= 1));
        limits.check_reaction("bob").expect("another user has their own bucket");
        limits.check_comment("alice").expect("comments are limited separately");
    }
}
