//! Password hashing with argon2id. Hashing is CPU-heavy on purpose: callers run it off the async
//! executor (`spawn_blocking`).

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};

/// How expensive a new hash is. Verification reads the cost from the stored hash, so a hash made
/// at any cost still verifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cost {
    /// OWASP's argon2id recommendation (19 MiB, 2 passes): what the product always uses.
    Standard,
    /// Minimal cost, only for test suites that create many accounts.
    TestOnly,
}

fn argon(cost: Cost) -> Argon2<'static> {
    let params = match cost {
        Cost::Standard => Params::new(19 * 1024, 2, 1, None),
        Cost::TestOnly => Params::new(8, 1, 1, None),
    }
    .expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn hash(password: &str, cost: Cost) -> String {
    argon(cost)
        .hash_password(password.as_bytes())
        .expect("argon2 hashing cannot fail with valid parameters")
        .to_string()
}

pub fn verify(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A hash of nothing anyone knows, verified against when the username does not exist, so that
/// unknown and known usernames take the same time.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash(crate::id::Secret::generate().expose(), Cost::Standard))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_salted_and_verify() {
        let a = hash("kata sandi panjang", Cost::TestOnly);
        let b = hash("kata sandi panjang", Cost::TestOnly);
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b);
        assert!(verify("kata sandi panjang", &a));
        assert!(!verify("kata sandi salah", &a));
        assert!(!verify("x", "bukan hash"));
    }

    #[test]
    fn standard_cost_is_the_owasp_setting() {
        let h = hash("rahasia-desa-123", Cost::Standard);
        assert!(h.contains("m=19456,t=2,p=1"), "{h}");
        assert!(verify("rahasia-desa-123", &h));
    }
}
