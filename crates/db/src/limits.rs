//! Rate limits shared by every server of a deployment: a fixed-window counter per named action and
//! key (a client address, an account with an address), kept in the database so that two servers
//! behind one proxy count the same hits. One atomic upsert per hit; old windows are pruned as new
//! ones open.

use crate::{Db, Result, on_pool};
use chrono::{DateTime, Utc};

/// Windows older than this are deleted when a new window opens.
const KEEP_SECS: i64 = 2 * 86_400;

/// The start of the window `at` falls in.
fn window_start(at: DateTime<Utc>, window_secs: i64) -> i64 {
    let t = at.timestamp();
    t - t.rem_euclid(window_secs.max(1))
}

/// Counts one hit of `action` by `key` and returns the hits in the current window, this one
/// included: the caller refuses when it exceeds its limit. Taking the slot before doing the work
/// means concurrent requests cannot all pass a check made before any of them counted.
pub async fn hit(
    db: &Db,
    action: &str,
    key: &str,
    window_secs: i64,
    at: DateTime<Utc>,
) -> Result<i64> {
    let start = window_start(at, window_secs);
    let hits: i64 = on_pool!(db, p => sqlx::query_scalar(
        "INSERT INTO rate_limits (action, key, window_start, hits) VALUES ($1, $2, $3, 1)
         ON CONFLICT (action, key, window_start) DO UPDATE SET hits = rate_limits.hits + 1
         RETURNING hits",
    )
    .bind(action)
    .bind(key)
    .bind(start)
    .fetch_one(p)
    .await)?;
    if hits == 1 {
        on_pool!(db, p => sqlx::query("DELETE FROM rate_limits WHERE window_start < $1")
            .bind(start - KEEP_SECS)
            .execute(p)
            .await
            .map(|_| ()))?;
    }
    Ok(hits)
}

/// The hits of `action` by `key` in the current window, without counting one.
pub async fn hits(
    db: &Db,
    action: &str,
    key: &str,
    window_secs: i64,
    at: DateTime<Utc>,
) -> Result<i64> {
    let start = window_start(at, window_secs);
    let hits: Option<i64> = on_pool!(db, p => sqlx::query_scalar(
        "SELECT hits FROM rate_limits WHERE action = $1 AND key = $2 AND window_start = $3",
    )
    .bind(action)
    .bind(key)
    .bind(start)
    .fetch_optional(p)
    .await)?;
    Ok(hits.unwrap_or(0))
}

/// Returns the hit just taken (a login that turned out right does not count against its address).
pub async fn give_back(
    db: &Db,
    action: &str,
    key: &str,
    window_secs: i64,
    at: DateTime<Utc>,
) -> Result<()> {
    let start = window_start(at, window_secs);
    on_pool!(db, p => sqlx::query(
        "UPDATE rate_limits SET hits = hits - 1 WHERE action = $1 AND key = $2 AND window_start = $3 AND hits > 0",
    )
    .bind(action)
    .bind(key)
    .bind(start)
    .execute(p)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// Forgets the hits of `action` by `key` (a successful login clears its failures).
pub async fn clear(db: &Db, action: &str, key: &str) -> Result<()> {
    on_pool!(db, p => sqlx::query("DELETE FROM rate_limits WHERE action = $1 AND key = $2")
        .bind(action)
        .bind(key)
        .execute(p)
        .await
        .map(|_| ()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_are_aligned() {
        let at = DateTime::from_timestamp(1_000_123, 0).unwrap();
        assert_eq!(window_start(at, 60), 1_000_080);
        assert_eq!(window_start(at, 3600), 997_200);
    }
}
