//! How many live streams one person, and one client address, may hold open at once.
//!
//! Each open stream costs a task, a channel and a share of the fan-out; without a bound a
//! single client could hold thousands. A [`StreamSlot`] is taken when a stream opens and
//! gives its place back when dropped, which happens when the stream's task ends (the
//! client went away, or lost access).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

/// Which bound a refused stream hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum StreamLimitError {
    #[error("you have {0} live event streams open, the most one account may hold; close one first")]
    PerUser(usize),
    #[error("this address has {0} live event streams open, the most one address may hold; close one first")]
    PerAddress(usize),
}

#[derive(Debug, Clone, Copy)]
pub struct StreamLimits {
    pub per_user: usize,
    pub per_address: usize,
}

impl Default for StreamLimits {
    fn default() -> Self {
        StreamLimits { per_user: usize::MAX, per_address: usize::MAX }
    }
}

#[derive(Hash, PartialEq, Eq, Clone, Debug)]
enum Holder {
    User(String),
    Address(IpAddr),
}

#[derive(Default)]
struct Counts(HashMap<Holder, usize>);

impl Counts {
    fn count(&self, holder: &Holder) -> usize {
        self.0.get(holder).copied().unwrap_or(0)
    }

    fn release(&mut self, holder: &Holder) {
        if let Some(n) = self.0.get_mut(holder) {
            *n -= 1;
            if *n == 0 {
                self.0.remove(holder);
            }
        }
    }
}

/// This process's open streams, per holder.
#[derive(Clone, Default)]
pub struct StreamSlots {
    limits: StreamLimits,
    counts: Arc<Mutex<Counts>>,
}

/// One open stream's place; dropping it frees the place.
pub struct StreamSlot {
    counts: Arc<Mutex<Counts>>,
    holders: Vec<Holder>,
}

impl StreamSlots {
    pub fn new(limits: StreamLimits) -> StreamSlots {
        StreamSlots { limits, counts: Arc::default() }
    }

    /// Take a place for a stream of `user` (if signed in) from `address`, or say which
    /// bound is reached. Check and count happen under one lock, so racing opens cannot
    /// both slip past a bound.
    pub fn acquire(&self, user: Option<&str>, address: IpAddr) -> Result<StreamSlot, StreamLimitError> {
        let mut counts = self.counts.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut holders = vec![Holder::Address(address)];
        if counts.count(&holders[0]) >= self.limits.per_address {
            return Err(StreamLimitError::PerAddress(self.limits.per_address));
        }
        if let Some(user) = user {
            let holder = Holder::User(user.to_string());
            if counts.count(&holder) >= self.limits.per_user {
                return Err(StreamLimitError::PerUser(self.limits.per_user));
            }
            holders.push(holder);
        }
        for holder in &holders {
            *counts.0.entry(holder.clone()).or_insert(0) += 1;
        }
        Ok(StreamSlot { counts: self.counts.clone(), holders })
    }
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut counts = self.counts.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        for holder in &self.holders {
            counts.release(holder);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_come_back_when_streams_close() {
        let slots = StreamSlots::new(StreamLimits { per_user: 2, per_address: 3 });
        let here: IpAddr = "127.0.0.1".parse().unwrap();
        let there: IpAddr = "10.0.0.1".parse().unwrap();
        let first = slots.acquire(Some("u"), here).unwrap();
        let _second = slots.acquire(Some("u"), there).unwrap();
        assert_eq!(slots.acquire(Some("u"), here).err(), Some(StreamLimitError::PerUser(2)));
        let _anonymous = slots.acquire(None, here).unwrap();
        let _other = slots.acquire(Some("v"), here).unwrap();
        assert_eq!(slots.acquire(None, here).err(), Some(StreamLimitError::PerAddress(3)));
        drop(first);
        assert!(slots.acquire(Some("u"), there).is_ok(), "a closed stream frees both places");
    }
}
