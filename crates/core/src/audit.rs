//! The tamper-evident audit chain. Each entry's hash covers its own fields and the previous
//! entry's hash, so editing or deleting any past entry breaks every hash after it; the stored head
//! (last sequence number and hash) also catches a cut-off tail.
//!
//! From the entry the head calls `keyed_from` on, the hash is an HMAC with the deployment's audit
//! key ([`Purpose::Audit`](crate::crypto::Purpose)), which the database never holds: whoever can
//! only edit the database cannot recompute a consistent chain. Entries before it (written before
//! the keyed form existed) keep their plain SHA-256, and the first keyed entry links to the last
//! plain one, so the plain prefix cannot be rewritten either.

use crate::crypto::SubKey;
use chrono::{DateTime, SubsecRound, Utc};
use sha2::{Digest, Sha256};

/// The hash that the first entry links to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Now, at the microsecond precision both databases store, so a time read back hashes the same.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// One audited event. Never personal data in `detail`: ids and field names, not values.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<String>,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub region: String,
    pub ip: String,
    pub outcome: String,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditEntry {
    /// The plain SHA-256 over every field but `hash` itself: the form of entries written before
    /// the chain was keyed.
    pub fn compute_hash(&self) -> String {
        hex::encode(Sha256::digest(self.canonical().as_bytes()))
    }

    /// The keyed form: HMAC-SHA256 with the audit key over the same canonical encoding.
    pub fn compute_mac(&self, key: &SubKey) -> String {
        key.mac_hex(self.canonical().as_bytes())
    }

    /// Every field but `hash`, in a canonical, unambiguous encoding.
    fn canonical(&self) -> String {
        let canonical = serde_json::json!([
            self.seq,
            self.at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
            self.actor_id,
            self.actor,
            self.action,
            self.entity,
            self.entity_id,
            self.region,
            self.ip,
            self.outcome,
            self.detail,
            self.prev_hash,
        ]);
        canonical.to_string()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    #[error("entri #{seq} telah diubah (hash tidak cocok)")]
    Altered { seq: i64 },
    #[error("rantai terputus sebelum entri #{seq} (entri dihapus atau disisipkan)")]
    Broken { seq: i64 },
    #[error(
        "kepala rantai menunjuk entri #{head_seq}, tetapi entri terakhir #{last_seq} (entri terakhir dihapus atau kepala diubah)"
    )]
    Head { head_seq: i64, last_seq: i64 },
    #[error(
        "penanda awal rantai berkunci (#{keyed_from}) tidak mungkin: kepala rantai di #{head_seq} (penanda diubah)"
    )]
    Marker { keyed_from: i64, head_seq: i64 },
}

/// Checks entries in sequence order, then the stored head. Returns how many entries were checked.
pub struct ChainVerifier {
    expected_seq: i64,
    prev_hash: String,
    key: SubKey,
    keyed_from: i64,
}

impl ChainVerifier {
    /// Entries from `keyed_from` on must carry the HMAC with `key`, earlier ones the plain hash.
    pub fn new(key: SubKey, keyed_from: i64) -> ChainVerifier {
        ChainVerifier {
            expected_seq: 1,
            prev_hash: GENESIS.to_owned(),
            key,
            keyed_from,
        }
    }

    /// The hash `e` must carry at its place in the chain.
    pub fn expected_hash(&self, e: &AuditEntry) -> String {
        if e.seq >= self.keyed_from {
            e.compute_mac(&self.key)
        } else {
            e.compute_hash()
        }
    }

    pub fn check(&mut self, e: &AuditEntry) -> Result<(), ChainBreak> {
        if e.seq != self.expected_seq || e.prev_hash != self.prev_hash {
            return Err(ChainBreak::Broken { seq: e.seq });
        }
        // Compared in constant time: how long a comparison takes must not hint at the MAC.
        if !same(&self.expected_hash(e), &e.hash) {
            return Err(ChainBreak::Altered { seq: e.seq });
        }
        self.expected_seq += 1;
        self.prev_hash = e.hash.clone();
        Ok(())
    }

    pub fn finish(self, head_seq: i64, head_hash: &str) -> Result<i64, ChainBreak> {
        let last_seq = self.expected_seq - 1;
        if head_seq != last_seq || head_hash != self.prev_hash {
            return Err(ChainBreak::Head { head_seq, last_seq });
        }
        // The marker only ever points at the entry after the head of its day: never further.
        if self.keyed_from < 1 || self.keyed_from > head_seq + 1 {
            return Err(ChainBreak::Marker {
                keyed_from: self.keyed_from,
                head_seq,
            });
        }
        Ok(last_seq)
    }
}

/// Equality that takes as long for a first byte wrong as for a last one.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The report month `YYYY-MM` as the half-open UTC interval of its days in Western Indonesia
/// (UTC+7), where the villages keep their books: 1 November 00:00 WIB is 31 October 17:00 UTC.
pub fn report_month(raw: &str) -> Result<(DateTime<Utc>, DateTime<Utc>), crate::Invalid> {
    let bad = || {
        crate::Invalid::new(
            "bulan",
            "bulan ditulis TTTT-BB, mis. 2026-11, dan tidak sebelum 2000",
        )
    };
    let (y, m) = raw.trim().split_once('-').ok_or_else(bad)?;
    let (y, m): (i32, u32) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    let first = chrono::NaiveDate::from_ymd_opt(y, m, 1).filter(|_| (2000..=9998).contains(&y));
    let first = first.ok_or_else(bad)?;
    let next = if m == 12 {
        chrono::NaiveDate::from_ymd_opt(y + 1, 1, 1)
    } else {
        chrono::NaiveDate::from_ymd_opt(y, m + 1, 1)
    }
    .ok_or_else(bad)?;
    let utc = |d: chrono::NaiveDate| {
        d.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc() - chrono::Duration::hours(7)
    };
    Ok((utc(first), utc(next)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_months_are_wib_calendar_months() {
        let (from, to) = report_month("2026-11").unwrap();
        assert_eq!(from.to_rfc3339(), "2026-10-31T17:00:00+00:00");
        assert_eq!(to.to_rfc3339(), "2026-11-30T17:00:00+00:00");
        let (from, to) = report_month(" 2026-12 ").unwrap();
        assert_eq!(
            (from.to_rfc3339().as_str(), to.to_rfc3339().as_str()),
            ("2026-11-30T17:00:00+00:00", "2026-12-31T17:00:00+00:00")
        );
        for bad in [
            "", "2026", "2026-13", "2026-0", "11-2026", "1999-12", "2026-1x",
        ] {
            assert_eq!(report_month(bad).unwrap_err().field, "bulan", "{bad}");
        }
    }

    fn key() -> SubKey {
        static KEYS: std::sync::LazyLock<crate::crypto::Keys> =
            std::sync::LazyLock::new(crate::crypto::Keys::generate);
        KEYS.derive(crate::crypto::Purpose::Audit)
    }

    /// Entries 1..=n, plain before `keyed_from`, keyed from it on.
    fn mixed(n: i64, keyed_from: i64) -> Vec<AuditEntry> {
        let mut prev = GENESIS.to_owned();
        (1..=n)
            .map(|seq| {
                let mut e = AuditEntry {
                    seq,
                    at: now(),
                    actor_id: None,
                    actor: "sistem".into(),
                    action: "user.create".into(),
                    entity: "user".into(),
                    entity_id: format!("id-{seq}"),
                    region: "32.12.16.2004".into(),
                    ip: "127.0.0.1".into(),
                    outcome: "ok".into(),
                    detail: String::new(),
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                e.hash = if seq >= keyed_from {
                    e.compute_mac(&key())
                } else {
                    e.compute_hash()
                };
                prev = e.hash.clone();
                e
            })
            .collect()
    }

    fn chain(n: i64) -> Vec<AuditEntry> {
        mixed(n, 1)
    }

    fn verify(entries: &[AuditEntry], head: (i64, &str)) -> Result<i64, ChainBreak> {
        verify_from(entries, head, 1)
    }

    fn verify_from(
        entries: &[AuditEntry],
        head: (i64, &str),
        keyed_from: i64,
    ) -> Result<i64, ChainBreak> {
        let mut v = ChainVerifier::new(key(), keyed_from);
        for e in entries {
            v.check(e)?;
        }
        v.finish(head.0, head.1)
    }

    /// What someone with only the database can do: rewrite from `from` on with the plain formula.
    fn recompute_plain(c: &mut [AuditEntry], from: usize) {
        for i in from..c.len() {
            if i > 0 {
                c[i].prev_hash = c[i - 1].hash.clone();
            }
            c[i].hash = c[i].compute_hash();
        }
    }

    #[test]
    fn a_consistently_recomputed_chain_is_caught_at_the_edit() {
        let mut c = chain(6);
        c[2].detail = "diam-diam diubah".into();
        recompute_plain(&mut c, 2);
        let head = c[5].hash.clone();
        assert_eq!(verify(&c, (6, &head)), Err(ChainBreak::Altered { seq: 3 }));
        // The same chain under another deployment's key does not verify either.
        let c = chain(3);
        let mut v = ChainVerifier::new(
            crate::crypto::Keys::generate().derive(crate::crypto::Purpose::Audit),
            1,
        );
        assert_eq!(v.check(&c[0]), Err(ChainBreak::Altered { seq: 1 }));
    }

    #[test]
    fn an_old_plain_prefix_verifies_and_stays_anchored() {
        // Entries 1–3 from before the keyed form, 4–6 keyed.
        let c = mixed(6, 4);
        let head = c[5].hash.clone();
        assert_eq!(verify_from(&c, (6, &head), 4), Ok(6));
        // A chain that is plain throughout, marker just past its head (upgraded, nothing since).
        let c = mixed(3, 4);
        assert_eq!(verify_from(&c, (3, &c[2].hash.clone()), 4), Ok(3));
        // Rewriting the plain prefix breaks the first keyed link, which only the key could mend.
        let mut c = mixed(6, 4);
        c[1].actor = "orang lain".into();
        recompute_plain(&mut c[..3], 1);
        assert_eq!(
            verify_from(&c, (6, &head), 4),
            Err(ChainBreak::Broken { seq: 4 })
        );
        // Recomputing all of it plainly is caught at the first keyed entry…
        let mut c = mixed(6, 4);
        c[4].detail = "x".into();
        recompute_plain(&mut c, 1);
        let head = c[5].hash.clone();
        assert_eq!(
            verify_from(&c, (6, &head), 4),
            Err(ChainBreak::Altered { seq: 4 })
        );
        // …and a marker moved past the head is refused outright.
        assert_eq!(
            verify_from(&c, (6, &head), 9),
            Err(ChainBreak::Marker {
                keyed_from: 9,
                head_seq: 6
            })
        );
        assert_eq!(
            verify_from(&[], (0, GENESIS), 0),
            Err(ChainBreak::Marker {
                keyed_from: 0,
                head_seq: 0
            })
        );
    }

    #[test]
    fn an_intact_chain_verifies() {
        let c = chain(5);
        assert_eq!(verify(&c, (5, &c[4].hash)), Ok(5));
        assert_eq!(verify(&[], (0, GENESIS)), Ok(0));
    }

    #[test]
    fn an_edit_is_detected() {
        let mut c = chain(5);
        c[2].detail = "diam-diam diubah".into();
        let head = c[4].hash.clone();
        assert_eq!(verify(&c, (5, &head)), Err(ChainBreak::Altered { seq: 3 }));
    }

    #[test]
    fn a_rehashed_edit_breaks_the_next_link() {
        let mut c = chain(5);
        c[2].actor = "orang lain".into();
        c[2].hash = c[2].compute_mac(&key());
        let head = c[4].hash.clone();
        assert_eq!(verify(&c, (5, &head)), Err(ChainBreak::Broken { seq: 4 }));
    }

    #[test]
    fn deletions_are_detected_in_the_middle_and_at_the_tail() {
        let mut c = chain(5);
        let head = c[4].hash.clone();
        c.remove(1);
        assert_eq!(verify(&c, (5, &head)), Err(ChainBreak::Broken { seq: 3 }));
        let mut c = chain(5);
        let head = c[4].hash.clone();
        c.pop();
        assert_eq!(
            verify(&c, (5, &head)),
            Err(ChainBreak::Head {
                head_seq: 5,
                last_seq: 4
            })
        );
    }
}
