//! Licensed placement companies (P3MI): the records national staff keep, each status change kept
//! for good, and a version stamp that tells every server when its in-memory search index
//! (`core::agencies::AgencyIndex`) is stale.

use crate::audit::{self, Actor};
use crate::transfer::{Mode, Problem, Severity, Table, normalise_header};
use crate::{Db, DbError, Result, Tx, on_pool, on_tx};
use chrono::{DateTime, NaiveDate, Utc};
use desmigratif_core::agencies::{
    AgencyInput, AgencyStatus, Branch, RawAgency, licence_key, name_key,
};
use desmigratif_core::id::Id;
use desmigratif_core::now;

/// The settings key whose value changes with every write to `agencies`; one primary-key read
/// tells a server whether its search index is current, on any number of servers.
const VERSION_KEY: &str = "agencies.version";

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AgencyRow {
    pub id: Id,
    pub name: String,
    pub name_key: String,
    pub licence_number: String,
    pub licence_key: String,
    pub address: String,
    pub valid_from: Option<NaiveDate>,
    pub valid_until: NaiveDate,
    pub status: String,
    pub branches: String,
    pub updated_at: DateTime<Utc>,
    pub updated_by: String,
}

impl AgencyRow {
    pub fn status(&self) -> AgencyStatus {
        self.status.parse().unwrap_or(AgencyStatus::Suspended)
    }

    pub fn branch_list(&self) -> Vec<Branch> {
        serde_json::from_str::<Vec<(String, String)>>(&self.branches)
            .unwrap_or_default()
            .into_iter()
            .map(|(city, address)| Branch { city, address })
            .collect()
    }
}

const COLUMNS: &str = "id, name, name_key, licence_number, licence_key, address, valid_from, valid_until, status, branches, updated_at, updated_by";

fn branches_json(branches: &[Branch]) -> String {
    let pairs: Vec<(&str, &str)> = branches
        .iter()
        .map(|b| (b.city.as_str(), b.address.as_str()))
        .collect();
    serde_json::to_string(&pairs).expect("branches serialise")
}

/// Every company, for the search index (10,000 rows is a few megabytes).
pub async fn all(db: &Db) -> Result<Vec<AgencyRow>> {
    let sql = format!("SELECT {COLUMNS} FROM agencies ORDER BY name_key, id");
    Ok(on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(p).await)?)
}

pub async fn get(db: &Db, id: Id) -> Result<Option<AgencyRow>> {
    let sql = format!("SELECT {COLUMNS} FROM agencies WHERE id = $1");
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(p).await)?,
    )
}

async fn by_licence_in_tx(tx: &mut Tx, key: &str) -> Result<Option<AgencyRow>> {
    let sql = format!("SELECT {COLUMNS} FROM agencies WHERE licence_key = $1");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(key).fetch_optional(c).await)?)
}

/// The stamp of the last write; `None` before the first company exists.
pub async fn version(db: &Db) -> Result<Option<String>> {
    crate::settings::get(db, VERSION_KEY).await
}

async fn bump_version(tx: &mut Tx) -> Result<()> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    )
    .bind(VERSION_KEY).bind(Id::new().to_string()).bind(now())
    .execute(c).await.map(|_| ()))?;
    Ok(())
}

/// How a change arrived, kept with each status change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Form,
    Import,
    Api,
}

impl Via {
    fn as_str(self) -> &'static str {
        match self {
            Via::Form => "form",
            Via::Import => "import",
            Via::Api => "api",
        }
    }
}

/// What a save did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    Created(Id),
    Updated(Id),
    Unchanged(Id),
}

impl Saved {
    pub fn id(self) -> Id {
        match self {
            Saved::Created(id) | Saved::Updated(id) | Saved::Unchanged(id) => id,
        }
    }
}

async fn add_history(
    tx: &mut Tx,
    actor: &Actor,
    agency: Id,
    a: &AgencyInput,
    via: Via,
    note: &str,
) -> Result<()> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO agency_status_history (id, agency_id, status, valid_until, at, actor, via, note)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(Id::new()).bind(agency).bind(a.status.as_str()).bind(a.valid_until).bind(now())
    .bind(&actor.label).bind(via.as_str()).bind(note)
    .execute(c).await.map(|_| ()))?;
    Ok(())
}

/// Saves a company by its licence number: a new number creates it, a known one updates it.
/// A change of status or validity adds a history row; nothing is ever deleted. `expected` is the
/// record the caller edits (a form); saving another company's licence number into it is refused.
pub async fn save(
    tx: &mut Tx,
    actor: &Actor,
    a: &AgencyInput,
    via: Via,
    note: &str,
    expected: Option<Id>,
) -> Result<Saved> {
    let key = licence_key(&a.licence_number);
    let existing = match expected {
        Some(id) => {
            let sql = format!("SELECT {COLUMNS} FROM agencies WHERE id = $1");
            let row: Option<AgencyRow> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(c).await)?;
            let row = row.ok_or(DbError::NotFound)?;
            if row.licence_key != key
                && let Some(other) = by_licence_in_tx(tx, &key).await?
            {
                return Err(DbError::Conflict(format!(
                    "nomor izin {} sudah dipakai {}",
                    a.licence_number, other.name
                )));
            }
            Some(row)
        }
        None => by_licence_in_tx(tx, &key).await?,
    };
    let at = now();
    let branches = branches_json(&a.branches);
    let Some(old) = existing else {
        let id = Id::new();
        on_tx!(tx, c => sqlx::query(
            "INSERT INTO agencies (id, name, name_key, licence_number, licence_key, address, valid_from, valid_until, status, branches, updated_at, updated_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(id).bind(&a.name).bind(name_key(&a.name)).bind(&a.licence_number).bind(&key).bind(&a.address)
        .bind(a.valid_from).bind(a.valid_until).bind(a.status.as_str()).bind(&branches).bind(at).bind(&actor.label)
        .execute(c).await.map(|_| ()))?;
        add_history(tx, actor, id, a, via, note).await?;
        audit::record_change(tx, actor, "agency", id, "create", "", &[]).await?;
        bump_version(tx).await?;
        return Ok(Saved::Created(id));
    };
    let mut changed: Vec<&str> = Vec::new();
    if old.name != a.name {
        changed.push("name");
    }
    if old.licence_number != a.licence_number {
        changed.push("licence_number");
    }
    if old.address != a.address {
        changed.push("address");
    }
    if old.valid_from != a.valid_from {
        changed.push("valid_from");
    }
    if old.valid_until != a.valid_until {
        changed.push("valid_until");
    }
    if old.status != a.status.as_str() {
        changed.push("status");
    }
    if old.branch_list() != a.branches {
        changed.push("branches");
    }
    if changed.is_empty() {
        return Ok(Saved::Unchanged(old.id));
    }
    on_tx!(tx, c => sqlx::query(
        "UPDATE agencies SET name = $1, name_key = $2, licence_number = $3, licence_key = $4, address = $5, valid_from = $6,
                valid_until = $7, status = $8, branches = $9, updated_at = $10, updated_by = $11 WHERE id = $12",
    )
    .bind(&a.name).bind(name_key(&a.name)).bind(&a.licence_number).bind(&key).bind(&a.address).bind(a.valid_from)
    .bind(a.valid_until).bind(a.status.as_str()).bind(&branches).bind(at).bind(&actor.label).bind(old.id)
    .execute(c).await.map(|_| ()))?;
    if changed.contains(&"status") || changed.contains(&"valid_until") {
        add_history(tx, actor, old.id, a, via, note).await?;
    }
    audit::record_change(tx, actor, "agency", old.id, "update", "", &changed).await?;
    bump_version(tx).await?;
    Ok(Saved::Updated(old.id))
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HistoryRow {
    pub status: String,
    pub valid_until: NaiveDate,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub via: String,
    pub note: String,
}

/// A company's statuses, newest first.
pub async fn history(db: &Db, agency: Id) -> Result<Vec<HistoryRow>> {
    Ok(on_pool!(db, p => sqlx::query_as(
        "SELECT status, valid_until, at, actor, via, note FROM agency_status_history WHERE agency_id = $1 ORDER BY at DESC, id DESC",
    ).bind(agency).fetch_all(p).await)?)
}

/// The columns of the import file, as the template spells them.
pub const IMPORT_COLUMNS: &[&str] = &[
    "nama",
    "nomor_izin",
    "alamat",
    "berlaku_mulai",
    "berlaku_sampai",
    "status",
    "cabang",
];

/// What an import found and did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ImportReport {
    pub mode: Mode,
    pub rows: usize,
    pub valid: usize,
    pub invalid: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub problems: Vec<Problem>,
}

impl ImportReport {
    pub fn wrote(&self) -> bool {
        self.created + self.updated > 0
    }
}

/// Checks every row of an agency list (the official list as a spreadsheet) and, unless this is a
/// dry run, saves the valid ones by licence number in one transaction: all rows, or (all-or-
/// nothing) none when any row is wrong. A licence number twice in one file is an error on the
/// later row, since which of the two is right cannot be known.
pub async fn import(db: &Db, actor: &Actor, table: &Table, mode: Mode) -> Result<ImportReport> {
    let mut problems = Vec::new();
    let columns: Vec<Option<usize>> = IMPORT_COLUMNS
        .iter()
        .map(|c| table.headers.iter().position(|h| normalise_header(h) == *c))
        .collect();
    for (name, at) in IMPORT_COLUMNS.iter().zip(&columns) {
        if at.is_none() && matches!(*name, "nama" | "nomor_izin" | "berlaku_sampai") {
            problems.push(problem(1, name, "kolom wajib ini tidak ada di baris judul"));
        }
    }
    let mut report = ImportReport {
        mode,
        rows: table.rows.len(),
        valid: 0,
        invalid: 0,
        created: 0,
        updated: 0,
        unchanged: 0,
        problems,
    };
    if !report.problems.is_empty() {
        report.invalid = report.rows;
        return Ok(report);
    }
    let cell =
        |cells: &[String], i: usize| columns[i].map(|c| cells[c].clone()).unwrap_or_default();
    let mut seen = std::collections::HashMap::new();
    let mut accepted = Vec::new();
    for (row, cells) in &table.rows {
        let raw = RawAgency {
            name: cell(cells, 0),
            licence_number: cell(cells, 1),
            address: cell(cells, 2),
            valid_from: cell(cells, 3),
            valid_until: cell(cells, 4),
            status: cell(cells, 5),
            branches: cell(cells, 6),
        };
        let mut bad: Vec<Problem> = table
            .unreadable
            .iter()
            .filter(|(r, _, _)| r == row)
            .map(|(r, c, m)| {
                problem(
                    *r,
                    table.headers.get(*c).map(String::as_str).unwrap_or("?"),
                    m.clone(),
                )
            })
            .collect();
        match raw.check() {
            Ok(input) => {
                if let Some(first) = seen.insert(licence_key(&input.licence_number), *row) {
                    bad.push(problem(
                        *row,
                        "nomor_izin",
                        format!("nomor izin ini sudah ada di baris {first}"),
                    ));
                } else if bad.is_empty() {
                    accepted.push(input);
                }
            }
            Err(errors) => bad.extend(
                errors
                    .into_iter()
                    .map(|e| problem(*row, e.field, e.message)),
            ),
        }
        if bad.is_empty() {
            report.valid += 1;
        } else {
            report.invalid += 1;
            report.problems.extend(bad);
        }
    }
    let write = match mode {
        Mode::DryRun => false,
        Mode::AllOrNothing => report.invalid == 0,
        Mode::ValidOnly => true,
    };
    if write && !accepted.is_empty() {
        let mut tx = db.begin().await?;
        for a in &accepted {
            match save(&mut tx, actor, a, Via::Import, "impor daftar", None).await? {
                Saved::Created(_) => report.created += 1,
                Saved::Updated(_) => report.updated += 1,
                Saved::Unchanged(_) => report.unchanged += 1,
            }
        }
        tx.commit().await?;
    }
    Ok(report)
}

fn problem(row: usize, column: &str, message: impl Into<String>) -> Problem {
    Problem {
        row,
        column: column.to_owned(),
        message: message.into(),
        severity: Severity::Error,
    }
}
