//! Latency percentiles of a set of timed samples (nearest-rank).

use std::time::Duration;

#[derive(Debug, Clone, Copy)]
pub struct Percentiles {
    pub p50: Duration,
    pub p95: Duration,
    pub p99: Duration,
}

impl Percentiles {
    pub fn of(samples: &[Duration]) -> Percentiles {
        let mut sorted = samples.to_vec();
        sorted.sort();
        Percentiles {
            p50: nearest_rank(&sorted, 50.0),
            p95: nearest_rank(&sorted, 95.0),
            p99: nearest_rank(&sorted, 99.0),
        }
    }
}

/// The smallest sample with at least `percent` % of the samples at or below it.
fn nearest_rank(sorted: &[Duration], percent: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((percent / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

pub fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let samples: Vec<Duration> = (1..=100).rev().map(Duration::from_millis).collect();
        let p = Percentiles::of(&samples);
        assert_eq!(
            (p.p50, p.p95, p.p99),
            (Duration::from_millis(50), Duration::from_millis(95), Duration::from_millis(99))
        );
        assert_eq!(Percentiles::of(&[]).p99, Duration::ZERO);
    }
}
