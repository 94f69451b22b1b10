//! Identities of records and secrets.
//!
//! Records get a UUIDv7 made here, where they are created, so a record made offline on a village
//! laptop keeps its identity on a district server. Anything that reaches a public URL or a cookie is
//! a separate random token, never a record id.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::fmt;
use std::str::FromStr;

/// The identity of a record: a time-ordered UUIDv7 so indexes stay compact.
#[derive(
    Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(transparent)]
pub struct Id(pub uuid::Uuid);

impl Id {
    pub fn new() -> Self {
        Id(uuid::Uuid::now_v7())
    }
}

impl Default for Id {
    fn default() -> Self {
        Id::new()
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

impl fmt::Debug for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Id({})", self.0.hyphenated())
    }
}

impl FromStr for Id {
    type Err = uuid::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        uuid::Uuid::parse_str(s).map(Id)
    }
}

/// A random secret handed to a client (session cookie, API token, public verification token).
/// Only its SHA-256 is stored, so a leaked database does not leak working credentials.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// 256 random bits, URL-safe.
    pub fn generate() -> Self {
        Secret::with_bytes(32)
    }

    /// `bytes` random bytes (at least 16, i.e. 128 bits), URL-safe.
    pub fn with_bytes(bytes: usize) -> Self {
        assert!(bytes >= 16, "a secret needs at least 128 random bits");
        let mut raw = vec![0u8; bytes];
        rand::rng().fill_bytes(&mut raw);
        Secret(URL_SAFE_NO_PAD.encode(raw))
    }

    pub fn from_client(value: &str) -> Self {
        Secret(value.to_owned())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// What the database keeps.
    pub fn digest(&self) -> String {
        hex::encode(Sha256::digest(self.0.as_bytes()))
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…)")
    }
}

/// Compares two strings in time that does not depend on where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(feature = "sqlx")]
mod sql {
    //! TEXT on SQLite (readable in the sqlite3 shell and in backups), native UUID on PostgreSQL.
    use super::Id;
    use sqlx::encode::IsNull;
    use sqlx::error::BoxDynError;
    use sqlx::postgres::{PgArgumentBuffer, PgTypeInfo, PgValueRef, Postgres};
    use sqlx::sqlite::{Sqlite, SqliteArgumentsBuffer, SqliteTypeInfo, SqliteValueRef};
    use sqlx::{Decode, Encode, Type};
    use uuid::fmt::Hyphenated;

    impl Type<Sqlite> for Id {
        fn type_info() -> SqliteTypeInfo {
            <Hyphenated as Type<Sqlite>>::type_info()
        }
        fn compatible(ty: &SqliteTypeInfo) -> bool {
            <Hyphenated as Type<Sqlite>>::compatible(ty)
        }
    }

    impl Encode<'_, Sqlite> for Id {
        fn encode_by_ref(&self, buf: &mut SqliteArgumentsBuffer) -> Result<IsNull, BoxDynError> {
            <Hyphenated as Encode<Sqlite>>::encode(self.0.hyphenated(), buf)
        }
    }

    impl<'r> Decode<'r, Sqlite> for Id {
        fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
            Ok(Id(
                <Hyphenated as Decode<Sqlite>>::decode(value)?.into_uuid()
            ))
        }
    }

    impl Type<Postgres> for Id {
        fn type_info() -> PgTypeInfo {
            <uuid::Uuid as Type<Postgres>>::type_info()
        }
    }

    impl Encode<'_, Postgres> for Id {
        fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
            <uuid::Uuid as Encode<Postgres>>::encode_by_ref(&self.0, buf)
        }
    }

    impl<'r> Decode<'r, Postgres> for Id {
        fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
            Ok(Id(<uuid::Uuid as Decode<Postgres>>::decode(value)?))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_v7_and_ordered() {
        let a = Id::new();
        let b = Id::new();
        assert_eq!(a.0.get_version_num(), 7);
        assert!(a < b);
        assert_eq!(a.to_string().parse::<Id>().unwrap(), a);
    }

    #[test]
    fn secrets_are_long_random_and_hashed() {
        let s = Secret::generate();
        assert_eq!(s.expose().len(), 43);
        assert_ne!(s, Secret::generate());
        assert_eq!(s.digest().len(), 64);
        assert_ne!(s.digest(), s.expose());
        assert_eq!(format!("{s:?}"), "Secret(…)");
    }

    #[test]
    fn constant_time_comparison() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "ab"));
    }
}
