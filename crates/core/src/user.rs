//! Staff accounts: names, passwords and the lockout rule.

use crate::Invalid;
use chrono::Duration;

/// Wrong passwords for one account from one address after which that address may not try the
/// account again for [`LOCKOUT`]. Per address, so that nobody elsewhere can lock a village head
/// out by guessing at their account.
pub const MAX_FAILED_LOGINS: i32 = 5;
/// How long an account stays closed to the address that failed at it.
pub const LOCKOUT: Duration = Duration::minutes(15);
pub const MIN_PASSWORD_CHARS: usize = 10;
/// How long a personal API token lives unless another lifetime is chosen, and the longest.
pub const TOKEN_DAYS: i64 = 90;
pub const TOKEN_DAYS_MAX: i64 = 365;

/// The lifetime of a new API token in days, as typed (empty: [`TOKEN_DAYS`]).
pub fn token_lifetime(raw: &str) -> Result<Duration, Invalid> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(Duration::days(TOKEN_DAYS));
    }
    match raw.parse::<i64>() {
        Ok(days) if (1..=TOKEN_DAYS_MAX).contains(&days) => Ok(Duration::days(days)),
        _ => Err(Invalid::new(
            "berlaku",
            format!("masa berlaku token 1–{TOKEN_DAYS_MAX} hari"),
        )),
    }
}

/// A login name: 3–32 characters of lower-case letters, digits, `.`, `_`, `-`.
pub fn parse_username(raw: &str) -> Result<String, Invalid> {
    let name = raw.trim().to_lowercase();
    let ok = (3..=32).contains(&name.chars().count())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(name)
    } else {
        Err(Invalid::new(
            "username",
            "nama pengguna 3–32 karakter: huruf kecil, angka, titik, garis bawah atau tanda hubung",
        ))
    }
}

pub fn parse_display_name(raw: &str) -> Result<String, Invalid> {
    let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    match name.chars().count() {
        0 => Err(Invalid::new("display_name", "nama lengkap wajib diisi")),
        1..=100 => Ok(name),
        _ => Err(Invalid::new(
            "display_name",
            "nama lengkap paling banyak 100 karakter",
        )),
    }
}

/// Long enough, not the username, not one repeated character.
pub fn check_new_password(password: &str, username: &str) -> Result<(), Invalid> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(Invalid::new(
            "password",
            format!("kata sandi minimal {MIN_PASSWORD_CHARS} karakter"),
        ));
    }
    if chars > 200 {
        return Err(Invalid::new(
            "password",
            "kata sandi paling banyak 200 karakter",
        ));
    }
    if password.to_lowercase().contains(&username.to_lowercase()) {
        return Err(Invalid::new(
            "password",
            "kata sandi tidak boleh memuat nama pengguna",
        ));
    }
    let first = password.chars().next();
    if password.chars().all(|c| Some(c) == first) {
        return Err(Invalid::new(
            "password",
            "kata sandi tidak boleh satu karakter yang diulang",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert_eq!(parse_username("  Op.Kenanga ").unwrap(), "op.kenanga");
        for bad in ["ab", "nama dengan spasi", "émile", &"x".repeat(33)] {
            assert!(parse_username(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn display_names() {
        assert_eq!(
            parse_display_name("  Siti   Aminah ").unwrap(),
            "Siti Aminah"
        );
        assert!(parse_display_name("   ").is_err());
    }

    #[test]
    fn token_lifetimes() {
        assert_eq!(token_lifetime("").unwrap(), Duration::days(90));
        assert_eq!(token_lifetime(" 30 ").unwrap(), Duration::days(30));
        assert_eq!(token_lifetime("365").unwrap(), Duration::days(365));
        for bad in ["0", "366", "-5", "tiga", "1.5"] {
            assert!(token_lifetime(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords() {
        assert!(check_new_password("pendek", "siti").is_err());
        assert!(check_new_password("siti-rahasia-1", "siti").is_err());
        assert!(check_new_password("aaaaaaaaaaaa", "siti").is_err());
        assert!(check_new_password("mangga-manis-2026", "siti").is_ok());
    }
}
