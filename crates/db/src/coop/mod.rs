//! The village cooperative's books (issue 8): set-up, members and their savings, loans from
//! application to the last instalment, the journal, period close, the statements, and the SHU.
//! The rules are `core::coop`; this module stores their results, one code path for both engines.
//!
//! Every money action runs in the caller's transaction and
//! - carries an idempotency key ([`claim`]): the key is inserted first, with the id the action
//!   will create; a replay with the same request returns that id and writes nothing, a different
//!   request under the same key is refused;
//! - posts a balanced [`JournalEntry`] ([`post_entry`]: unposted, lines, posted — the triggers
//!   refuse anything unbalanced), dated in the open period (`check_open` against
//!   `coop_settings.closed_through`, read under a shared row lock on PostgreSQL so a close cannot
//!   slip in between);
//! - is audited with `audit::record_change` in the same transaction.
//!
//! Locks are always taken in the same order — the loan row (loan actions), the idempotency key,
//! the savings account row, the settings row (shared; a period close takes it exclusively and
//! first), the audit head — so concurrent actions wait for each other and never deadlock. On
//! SQLite, BEGIN IMMEDIATE serialises every writer anyway.

use crate::audit::{self, Actor};
use crate::{Db, DbError, Result, Tx, on_pool, on_tx};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use desmigratif_core::Invalid;
use desmigratif_core::coop::arrears::{self, AgeingThresholds, Collectibility};
use desmigratif_core::coop::forms::{Direction, SavingsTxnInput};
use desmigratif_core::coop::ledger::{
    self, Account, AccountMap, JournalEntry, Line, MemberCapital, Role, Side, Totals, Txn,
};
use desmigratif_core::coop::loan::{
    self, AllocationOrder, Instalment, Loan, LoanProduct, LoanTerms, Method, Parts, Schedule,
};
use desmigratif_core::coop::savings::{self, MandatoryStatus, SavingsKind};
use desmigratif_core::coop::shu::{self, MemberBasis, ShuPart, ShuPlan};
use desmigratif_core::id::Id;
use desmigratif_core::now;
use sha2::{Digest, Sha256};

fn refuse(e: Invalid) -> DbError {
    DbError::Conflict(e.message)
}

fn conflict(m: impl Into<String>) -> DbError {
    DbError::Conflict(m.into())
}

fn corrupt(what: impl std::fmt::Display) -> DbError {
    DbError::Corrupt(format!("koperasi: {what}"))
}

/// The user behind a money action: the books name a person for every entry.
fn user_of(actor: &Actor) -> Result<Id> {
    actor
        .user_id
        .ok_or_else(|| conflict("transaksi koperasi harus dicatat oleh pengguna yang masuk"))
}

fn is_pg(tx: &Tx) -> bool {
    matches!(tx, Tx::Postgres(_))
}

mod demo;
mod journal;
mod loans;
mod members;
mod settings;
mod shu_runs;
mod statements;
pub use demo::*;
pub use journal::*;
pub use loans::*;
pub use members::*;
pub use settings::*;
pub use shu_runs::*;
pub use statements::*;
