//! The named limits of the request edge, counted in the database (`desmigratif_db::limits`) so
//! that every server of a deployment shares them. Each action has its own window and ceiling; the
//! key is the client address (its /64 for IPv6), or an account with an address.

use crate::AppState;
use crate::error::AppError;
use desmigratif_core::now;
use desmigratif_db::limits;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limited {
    /// Login attempts from an address: each takes a slot before the password is checked, and a
    /// login that succeeds gives it back, so the limit counts failures without being racy.
    Login,
    /// Wrong passwords for one account from one address: past the limit that pair is refused for
    /// the window, while the account still logs in from anywhere else.
    LoginFailure,
    /// Public lookups: letter verification, tracking codes.
    PublicLookup,
    /// Reports from the public and messages to sellers.
    PublicReport,
    /// Letters requested by residents from the public page.
    LetterRequest,
}

impl Limited {
    fn name(self) -> &'static str {
        match self {
            Limited::Login => "login",
            Limited::LoginFailure => "login_failure",
            Limited::PublicLookup => "public_lookup",
            Limited::PublicReport => "public_report",
            Limited::LetterRequest => "letter_request",
        }
    }

    /// The window in seconds and the hits allowed in it.
    fn rule(self, state: &AppState) -> (i64, i64) {
        let c = &state.config;
        match self {
            Limited::Login => (300, 10),
            Limited::LoginFailure => (900, i64::from(desmigratif_core::user::MAX_FAILED_LOGINS)),
            Limited::PublicLookup => (60, c.public_lookups_per_minute as i64),
            Limited::PublicReport => (3600, c.public_reports_per_hour as i64),
            Limited::LetterRequest => (3600, c.public_letter_requests_per_hour as i64),
        }
    }
}

impl AppState {
    /// Takes one slot of `what` for `key`: 429 (and a refusal counted in the metrics) when the
    /// window is already full.
    pub async fn take(&self, what: Limited, key: &str) -> Result<(), AppError> {
        let (window, max) = what.rule(self);
        let hits = limits::hit(&self.db, what.name(), key, window, now()).await?;
        if hits > max {
            self.refused(what.name());
            return Err(AppError::TooManyRequests);
        }
        Ok(())
    }

    /// Whether `key` has used up `what` in this window, without counting a hit (for limits that
    /// count only failures).
    pub async fn used_up(&self, what: Limited, key: &str) -> Result<bool, AppError> {
        let (window, max) = what.rule(self);
        Ok(limits::hits(&self.db, what.name(), key, window, now()).await? >= max)
    }

    /// 429 (counted in the metrics) when `key` has used up `what`, without counting a hit.
    pub async fn check(&self, what: Limited, key: &str) -> Result<(), AppError> {
        if self.used_up(what, key).await? {
            self.refused(what.name());
            return Err(AppError::TooManyRequests);
        }
        Ok(())
    }

    /// Counts one failure of `what` for `key`; whether that used the window up.
    pub async fn count(&self, what: Limited, key: &str) -> Result<bool, AppError> {
        let (window, max) = what.rule(self);
        Ok(limits::hit(&self.db, what.name(), key, window, now()).await? >= max)
    }

    /// Gives back the slot [`AppState::take`] took.
    pub async fn give_back(&self, what: Limited, key: &str) -> Result<(), AppError> {
        let (window, _) = what.rule(self);
        Ok(limits::give_back(&self.db, what.name(), key, window, now()).await?)
    }

    /// Forgets the failures of `what` for `key`.
    pub async fn forget(&self, what: Limited, key: &str) -> Result<(), AppError> {
        Ok(limits::clear(&self.db, what.name(), key).await?)
    }

    /// Counts a refused anonymous request in the metrics: such refusals are not audit entries, so
    /// a flood of them cannot grow the audit chain.
    pub fn refused(&self, reason: &'static str) {
        self.metrics.refused(reason);
    }
}
