//! The tamper-evident audit chain. Each entry's hash covers its own fields and the previous
//! entry's hash, so editing or deleting any past entry breaks every hash after it; the stored head
//! (last sequence number and hash) also catches a cut-off tail.

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
    /// The hash over every field but `hash` itself, in a canonical, unambiguous encoding.
    pub fn compute_hash(&self) -> String {
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
        hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
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
}

/// Checks entries in sequence order, then the stored head. Returns how many entries were checked.
pub struct ChainVerifier {
    expected_seq: i64,
    prev_hash: String,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        ChainVerifier {
            expected_seq: 1,
            prev_hash: GENESIS.to_owned(),
        }
    }
}

impl ChainVerifier {
    pub fn check(&mut self, e: &AuditEntry) -> Result<(), ChainBreak> {
        if e.seq != self.expected_seq || e.prev_hash != self.prev_hash {
            return Err(ChainBreak::Broken { seq: e.seq });
        }
        if e.compute_hash() != e.hash {
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
        Ok(last_seq)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<AuditEntry> {
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
                e.hash = e.compute_hash();
                prev = e.hash.clone();
                e
            })
            .collect()
    }

    fn verify(entries: &[AuditEntry], head: (i64, &str)) -> Result<i64, ChainBreak> {
        let mut v = ChainVerifier::default();
        for e in entries {
            v.check(e)?;
        }
        v.finish(head.0, head.1)
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
        c[2].hash = c[2].compute_hash();
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
