//! A sliding-window limit per key (failed logins per client address). In memory, per instance: it
//! slows guessing; the per-account lockout in the database is what holds across instances.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct Throttle {
    limit: usize,
    window: Duration,
    hits: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl Throttle {
    pub fn new(limit: usize, window: Duration) -> Throttle {
        Throttle {
            limit,
            window,
            hits: Mutex::default(),
        }
    }

    /// Whether the key has used up its attempts in the window.
    pub fn blocked(&self, key: &str) -> bool {
        let now = Instant::now();
        let mut hits = self.hits.lock().unwrap_or_else(|e| e.into_inner());
        let q = hits.entry(key.to_owned()).or_default();
        while q
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.window)
        {
            q.pop_front();
        }
        q.len() >= self.limit
    }

    /// Counts one (failed) attempt.
    pub fn record(&self, key: &str) {
        let now = Instant::now();
        let mut hits = self.hits.lock().unwrap_or_else(|e| e.into_inner());
        if hits.len() > 10_000 {
            hits.retain(|_, q| {
                q.back()
                    .is_some_and(|t| now.duration_since(*t) < self.window)
            });
        }
        hits.entry(key.to_owned()).or_default().push_back(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_per_key() {
        let t = Throttle::new(3, Duration::from_secs(60));
        for _ in 0..3 {
            assert!(!t.blocked("a"));
            t.record("a");
        }
        assert!(t.blocked("a"));
        assert!(!t.blocked("b"));
    }

    #[test]
    fn window_slides() {
        let t = Throttle::new(1, Duration::from_millis(20));
        t.record("a");
        assert!(t.blocked("a"));
        std::thread::sleep(Duration::from_millis(30));
        assert!(!t.blocked("a"));
    }
}
