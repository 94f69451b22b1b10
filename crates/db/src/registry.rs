//! Pillar 1 registry: people, households, migration episodes and their transitions, counselling,
//! document checklists and encrypted scans, and the monitoring lists. Callers encrypt personal
//! numbers before they get here (`desmigratif_core::crypto`); this module never sees a key.
//!
//! Every query that lists takes a region prefix ("" = nation) and filters on `village_code`, so
//! region scope is applied in SQL as well as by the authorisation check on each record.

use crate::audit::{self, Actor};
use crate::names::{self, Named};
use crate::{Db, DbError, Result, Tx, conflict_on_duplicate, on_pool, on_tx};
use chrono::{DateTime, NaiveDate, Utc};
use desmigratif_core::crypto::Keys;
use desmigratif_core::id::Id;
use desmigratif_core::migration::Stage;
use desmigratif_core::now;
use desmigratif_core::registry::ValidPerson;
use desmigratif_core::text::name_key;

// ---------------------------------------------------------------------------------------------
// People

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PersonRow {
    pub id: Id,
    pub village_code: String,
    pub nik_enc: String,
    pub nik_prefix: String,
    pub name: String,
    pub sex: String,
    pub birth_place: String,
    pub birth_date: NaiveDate,
    pub dusun: String,
    pub rt: String,
    pub rw: String,
    pub address: String,
    pub phone: String,
    pub education: String,
    pub marital_status: String,
    pub skills: String,
    pub household_id: Option<Id>,
    pub relationship: String,
    pub passport_enc: Option<String>,
    pub passport_expiry: Option<NaiveDate>,
    pub nik_warnings: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const PERSON_COLUMNS: &str = "id, village_code, nik_enc, nik_prefix, name, sex, birth_place, birth_date, dusun, rt, rw, address, \
     phone, education, marital_status, skills, household_id, relationship, passport_enc, passport_expiry, nik_warnings, created_at, updated_at";

/// A person ready to store: validated, with personal numbers already sealed and indexed.
#[derive(Debug, Clone)]
pub struct PersonRecord {
    pub village_code: String,
    pub nik_enc: String,
    pub nik_index: String,
    pub nik_prefix: String,
    pub name: String,
    pub name_key: String,
    pub sex: String,
    pub birth_place: String,
    pub birth_date: NaiveDate,
    pub dusun: String,
    pub rt: String,
    pub rw: String,
    pub address: String,
    pub phone: String,
    pub education: String,
    pub marital_status: String,
    pub skills: String,
    pub passport_enc: Option<String>,
    pub passport_index: Option<String>,
    pub passport_expiry: Option<NaiveDate>,
    pub nik_warnings: String,
}

impl PersonRecord {
    /// This person, as the name index sees them.
    pub fn named(&self, id: Id) -> Named<'_> {
        Named {
            id,
            village_code: &self.village_code,
            name: &self.name,
        }
    }

    /// Seals the personal numbers of a checked person for `village_code`.
    pub fn seal(village_code: &str, v: &ValidPerson, keys: &Keys) -> PersonRecord {
        PersonRecord {
            village_code: village_code.to_owned(),
            nik_enc: keys.encrypt_str(NIK_CONTEXT, v.nik.as_str()),
            nik_index: keys.blind_index(NIK_CONTEXT, v.nik.as_str()),
            nik_prefix: v.nik.prefix().to_owned(),
            name: v.name.clone(),
            name_key: name_key(&v.name),
            sex: v.sex.as_str().to_owned(),
            birth_place: v.birth_place.clone(),
            birth_date: v.birth_date,
            dusun: v.dusun.clone(),
            rt: v.rt.clone(),
            rw: v.rw.clone(),
            address: v.address.clone(),
            phone: v.phone.clone(),
            education: v.education.clone(),
            marital_status: v.marital_status.clone(),
            skills: v.skills.clone(),
            passport_enc: v
                .passport
                .as_ref()
                .map(|p| keys.encrypt_str(PASSPORT_CONTEXT, p)),
            passport_index: v
                .passport
                .as_ref()
                .map(|p| keys.blind_index(PASSPORT_CONTEXT, p)),
            passport_expiry: v.passport_expiry,
            nik_warnings: v.warnings.join("\n"),
        }
    }
}

/// Encryption contexts: a sealed value only opens in the column it was sealed for.
pub const NIK_CONTEXT: &str = "person.nik";
pub const PASSPORT_CONTEXT: &str = "person.passport";
pub const KK_CONTEXT: &str = "household.kk";
pub const FILE_CONTEXT: &str = "document.file";

const DUPLICATE_NIK: &str =
    "NIK ini sudah terdaftar di deployment ini; cari orangnya dan perbarui datanya";

pub async fn create_person(tx: &mut Tx, actor: &Actor, p: &PersonRecord) -> Result<Id> {
    let id = Id::new();
    let at = now();
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO persons (id, village_code, nik_enc, nik_index, nik_prefix, name, name_key, sex, birth_place, birth_date, dusun, rt, rw,
                              address, phone, education, marital_status, skills, household_id, relationship, passport_enc, passport_index,
                              passport_expiry, nik_warnings, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, NULL, '', $19, $20, $21, $22, $23, $23)",
    )
    .bind(id)
    .bind(&p.village_code)
    .bind(&p.nik_enc)
    .bind(&p.nik_index)
    .bind(&p.nik_prefix)
    .bind(&p.name)
    .bind(&p.name_key)
    .bind(&p.sex)
    .bind(&p.birth_place)
    .bind(p.birth_date)
    .bind(&p.dusun)
    .bind(&p.rt)
    .bind(&p.rw)
    .bind(&p.address)
    .bind(&p.phone)
    .bind(&p.education)
    .bind(&p.marital_status)
    .bind(&p.skills)
    .bind(&p.passport_enc)
    .bind(&p.passport_index)
    .bind(p.passport_expiry)
    .bind(&p.nik_warnings)
    .bind(at)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))
    .map_err(|e| conflict_on_duplicate(e, DUPLICATE_NIK))?;
    names::index(tx, &[p.named(id)]).await?;
    audit::record_change(
        tx,
        actor,
        "person",
        id,
        "create",
        &p.village_code,
        &["nik", "name", "birth_date", "address"],
    )
    .await?;
    Ok(id)
}

/// Replaces a person's fields (the village stays: moving someone is a separate act).
pub async fn update_person(
    tx: &mut Tx,
    actor: &Actor,
    id: Id,
    p: &PersonRecord,
    changed: &[&str],
) -> Result<()> {
    let done = on_tx!(tx, c => sqlx::query(
        "UPDATE persons SET nik_enc = $1, nik_index = $2, nik_prefix = $3, name = $4, name_key = $5, sex = $6, birth_place = $7,
                birth_date = $8, dusun = $9, rt = $10, rw = $11, address = $12, phone = $13, education = $14, marital_status = $15,
                skills = $16, passport_enc = $17, passport_index = $18, passport_expiry = $19, nik_warnings = $20, updated_at = $21
         WHERE id = $22",
    )
    .bind(&p.nik_enc)
    .bind(&p.nik_index)
    .bind(&p.nik_prefix)
    .bind(&p.name)
    .bind(&p.name_key)
    .bind(&p.sex)
    .bind(&p.birth_place)
    .bind(p.birth_date)
    .bind(&p.dusun)
    .bind(&p.rt)
    .bind(&p.rw)
    .bind(&p.address)
    .bind(&p.phone)
    .bind(&p.education)
    .bind(&p.marital_status)
    .bind(&p.skills)
    .bind(&p.passport_enc)
    .bind(&p.passport_index)
    .bind(p.passport_expiry)
    .bind(&p.nik_warnings)
    .bind(now())
    .bind(id)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))
    .map_err(|e| conflict_on_duplicate(e, DUPLICATE_NIK))?;
    if done == 0 {
        return Err(DbError::NotFound);
    }
    names::index(tx, &[p.named(id)]).await?;
    audit::record_change(tx, actor, "person", id, "update", &p.village_code, changed).await
}

pub async fn person(db: &Db, id: Id) -> Result<Option<PersonRow>> {
    let sql = format!("SELECT {PERSON_COLUMNS} FROM persons WHERE id = $1");
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(p).await)?,
    )
}

/// Reads a person inside a write transaction (what was just written is visible there).
pub async fn person_in_tx(tx: &mut Tx, id: Id) -> Result<PersonRow> {
    let sql = format!("SELECT {PERSON_COLUMNS} FROM persons WHERE id = $1");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_one(c).await)?)
}

/// Reads an episode inside a write transaction.
pub async fn episode_in_tx(tx: &mut Tx, id: Id) -> Result<EpisodeRow> {
    let sql = format!("SELECT {EPISODE_COLUMNS} FROM episodes WHERE id = $1");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_one(c).await)?)
}

/// The person with this NIK (by blind index), wherever they are registered.
pub async fn person_by_nik_index(db: &Db, nik_index: &str) -> Result<Option<PersonRow>> {
    let sql = format!("SELECT {PERSON_COLUMNS} FROM persons WHERE nik_index = $1");
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(nik_index).fetch_optional(p).await)?,
    )
}

/// What the person list shows: never the NIK, only its region digits (`nik_prefix`).
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct PersonListRow {
    pub id: Id,
    pub village_code: String,
    /// Serialised masked (`321216••••••••••`), as every other output shows a NIK.
    #[serde(
        rename = "nik_masked",
        serialize_with = "desmigratif_core::nik::serialize_masked"
    )]
    pub nik_prefix: String,
    pub name: String,
    pub sex: String,
    pub birth_date: NaiveDate,
    pub dusun: String,
    pub stage: Option<String>,
    pub destination: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct PersonFilter {
    /// Region prefix of the caller's scope ("" = nation).
    pub scope: String,
    /// `text::name_key` of the name typed, "" for any.
    pub name_key: String,
    /// Blind index of an exact NIK, "" for any.
    pub nik_index: String,
    /// Current stage of the latest episode, "" for any.
    pub stage: String,
    /// ISO code of the latest episode's destination, "" for any.
    pub destination: String,
    pub dusun: String,
    pub offset: i64,
    pub limit: i64,
}

/// Totals above this are reported as "more than" instead of counted: counting every match of a
/// common name fragment across a kabupaten costs more than the whole page.
pub const COUNT_CAP: i64 = 1_000;

/// Binds the values a [`Conditions`] collected, in order, to a query built from its clause
/// (a macro, so one body serves the query types of both drivers).
macro_rules! bind_all {
    ($conditions:expr, $query:expr) => {{
        let mut q = $query;
        for v in &$conditions.binds {
            q = q.bind(v.clone());
        }
        q
    }};
}

/// A SQL condition with numbered parameters, built from the parts that are actually given, so
/// each query only carries the conditions an index can serve.
#[derive(Default)]
struct Conditions {
    sql: Vec<String>,
    binds: Vec<String>,
}

impl Conditions {
    fn push(&mut self, template: &str, value: String) {
        self.binds.push(value);
        self.sql
            .push(template.replace('?', &format!("${}", self.binds.len())));
    }

    /// Records of a region: village codes are compared exactly, larger regions by prefix.
    fn scope(&mut self, column: &str, scope: &str) {
        match scope.len() {
            0 => {}
            13 => self.push(&format!("{column} = ?"), scope.to_owned()),
            _ => self.push(&format!("{column} LIKE ?"), format!("{scope}.%")),
        }
    }

    /// People of a scope with a name word starting with `key` (a `name_key`), each once (at
    /// their first matching word), on `person_name_words w`. The conditions are written the way
    /// the word indexes of migration 0004 serve them in key order: the village's index, the
    /// kabupaten's expression index (also for a kecamatan), the nation's (also for a province).
    fn name_words(&mut self, scope: &str, key: &str) {
        // Every key starting with `key` sorts (bytewise) before `key` + the last code point.
        self.push("w.word_key >= ?", key.to_owned());
        let from = self.binds.len();
        self.push("w.word_key < ?", format!("{key}\u{10FFFF}"));
        let to = self.binds.len();
        self.sql.push(format!(
            "NOT EXISTS (SELECT 1 FROM person_name_words v WHERE v.person_id = w.person_id AND v.pos < w.pos AND v.word_key >= ${from} AND v.word_key < ${to})"
        ));
        match scope.len() {
            0 => {}
            13 => self.push("w.village_code = ?", scope.to_owned()),
            2 => self.push("substr(w.village_code, 1, 2) = ?", scope.to_owned()),
            n => {
                self.push("substr(w.village_code, 1, 5) = ?", scope[..5].to_owned());
                if n > 5 {
                    self.push("w.village_code LIKE ?", format!("{scope}.%"));
                }
            }
        }
    }

    fn clause(&self) -> String {
        if self.sql.is_empty() {
            "1 = 1".to_owned()
        } else {
            self.sql.join(" AND ")
        }
    }
}

/// One page of people matching the filter and how many match in all, counted up to
/// `COUNT_CAP + 1` (more means "more than the cap"). Without a name the page is in name order;
/// with one, people are found by the start of any word of their name and listed in the order of
/// the matching part ("nur" lists "Nur Aini", then "Siti Nurhaliza" as "Nurhaliza"), which the
/// word index gives without sorting.
pub async fn search_persons(db: &Db, f: &PersonFilter) -> Result<(Vec<PersonListRow>, i64)> {
    // The latest episode of each person (UUIDv7 ids sort by creation).
    let latest =
        "(SELECT e.id FROM episodes e WHERE e.person_id = p.id ORDER BY e.id DESC LIMIT 1)";
    let mut c = Conditions::default();
    let (from, order) = if f.name_key.is_empty() {
        c.scope("p.village_code", &f.scope);
        ("persons p", "p.name_key, p.id")
    } else {
        c.name_words(&f.scope, &f.name_key);
        (
            "person_name_words w JOIN persons p ON p.id = w.person_id",
            "w.word_key, w.village_code, w.person_id",
        )
    };
    if !f.nik_index.is_empty() {
        c.push("p.nik_index = ?", f.nik_index.clone());
    }
    if !f.dusun.is_empty() {
        c.push("p.dusun = ?", f.dusun.clone());
    }
    if !f.stage.is_empty() {
        c.push(
            &format!("EXISTS (SELECT 1 FROM episodes x WHERE x.id = {latest} AND x.stage = ?)"),
            f.stage.clone(),
        );
    }
    if !f.destination.is_empty() {
        c.push(
            &format!(
                "EXISTS (SELECT 1 FROM episodes x WHERE x.id = {latest} AND x.destination = ?)"
            ),
            f.destination.clone(),
        );
    }
    let filter = c.clause();
    let sql = format!(
        "SELECT p.id, p.village_code, p.nik_prefix, p.name, p.sex, p.birth_date, p.dusun,
                (SELECT x.stage FROM episodes x WHERE x.id = {latest}) AS stage,
                (SELECT x.destination FROM episodes x WHERE x.id = {latest}) AS destination
         FROM {from} WHERE {filter} ORDER BY {order} LIMIT {} OFFSET {}",
        f.limit.max(0),
        f.offset.max(0)
    );
    let count = format!(
        "SELECT COUNT(*) FROM (SELECT 1 FROM {from} WHERE {filter} LIMIT {}) capped",
        COUNT_CAP + 1
    );
    let rows = on_pool!(db, p => {
        bind_all!(c, sqlx::query_as(sqlx::AssertSqlSafe(sql))).fetch_all(p).await
    })?;
    let total = on_pool!(db, p => {
        bind_all!(c, sqlx::query_scalar(sqlx::AssertSqlSafe(count))).fetch_one(p).await
    })?;
    Ok((rows, total))
}

/// The dusun names in use within a scope, for the filter's choices.
pub async fn dusuns(db: &Db, scope: &str) -> Result<Vec<String>> {
    let mut c = Conditions::default();
    c.scope("village_code", scope);
    let sql = format!(
        "SELECT DISTINCT dusun FROM persons WHERE {} AND dusun <> '' ORDER BY dusun",
        c.clause()
    );
    Ok(
        on_pool!(db, p => bind_all!(c, sqlx::query_scalar(sqlx::AssertSqlSafe(sql))).fetch_all(p).await)?,
    )
}

// ---------------------------------------------------------------------------------------------
// Households

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HouseholdRow {
    pub id: Id,
    pub village_code: String,
    pub kk_enc: String,
    pub kk_prefix: String,
    pub dusun: String,
    pub rt: String,
    pub rw: String,
    pub address: String,
    pub created_at: DateTime<Utc>,
}

pub struct HouseholdRecord {
    pub village_code: String,
    pub kk_enc: String,
    pub kk_index: String,
    pub kk_prefix: String,
    pub dusun: String,
    pub rt: String,
    pub rw: String,
    pub address: String,
}

pub async fn create_household(tx: &mut Tx, actor: &Actor, h: &HouseholdRecord) -> Result<Id> {
    let id = Id::new();
    let at = now();
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO households (id, village_code, kk_enc, kk_index, kk_prefix, dusun, rt, rw, address, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
    )
    .bind(id).bind(&h.village_code).bind(&h.kk_enc).bind(&h.kk_index).bind(&h.kk_prefix)
    .bind(&h.dusun).bind(&h.rt).bind(&h.rw).bind(&h.address).bind(at)
    .execute(c).await.map(|r| r.rows_affected()))
    .map_err(|e| conflict_on_duplicate(e, "nomor KK ini sudah terdaftar; buka keluarga itu dan tambahkan anggotanya di sana"))?;
    audit::record_change(
        tx,
        actor,
        "household",
        id,
        "create",
        &h.village_code,
        &["kk", "address"],
    )
    .await?;
    Ok(id)
}

const HOUSEHOLD_COLUMNS: &str =
    "id, village_code, kk_enc, kk_prefix, dusun, rt, rw, address, created_at";

pub async fn household(db: &Db, id: Id) -> Result<Option<HouseholdRow>> {
    let sql = format!("SELECT {HOUSEHOLD_COLUMNS} FROM households WHERE id = $1");
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(p).await)?,
    )
}

pub async fn household_by_kk_index(db: &Db, kk_index: &str) -> Result<Option<HouseholdRow>> {
    let sql = format!("SELECT {HOUSEHOLD_COLUMNS} FROM households WHERE kk_index = $1");
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(kk_index).fetch_optional(p).await)?,
    )
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct HouseholdListRow {
    pub id: Id,
    pub village_code: String,
    /// Serialised masked, like a NIK: the region digits, then bullets.
    #[serde(
        rename = "kk_masked",
        serialize_with = "desmigratif_core::nik::serialize_masked"
    )]
    pub kk_prefix: String,
    pub dusun: String,
    pub address: String,
    pub members: i64,
    pub head: Option<String>,
}

pub async fn list_households(
    db: &Db,
    scope: &str,
    offset: i64,
    limit: i64,
) -> Result<(Vec<HouseholdListRow>, i64)> {
    let mut c = Conditions::default();
    c.scope("h.village_code", scope);
    let filter = c.clause();
    let sql = format!(
        "SELECT h.id, h.village_code, h.kk_prefix, h.dusun, h.address,
                (SELECT COUNT(*) FROM persons m WHERE m.household_id = h.id) AS members,
                (SELECT m.name FROM persons m WHERE m.household_id = h.id AND m.relationship = 'kepala_keluarga' ORDER BY m.id LIMIT 1) AS head
         FROM households h WHERE {filter} ORDER BY h.dusun, h.id LIMIT {} OFFSET {}",
        limit.max(0),
        offset.max(0)
    );
    let rows = on_pool!(db, p => bind_all!(c, sqlx::query_as(sqlx::AssertSqlSafe(sql))).fetch_all(p).await)?;
    let count = format!("SELECT COUNT(*) FROM households h WHERE {filter}");
    let total = on_pool!(db, p => bind_all!(c, sqlx::query_scalar(sqlx::AssertSqlSafe(count))).fetch_one(p).await)?;
    Ok((rows, total))
}

pub async fn members(db: &Db, household_id: Id) -> Result<Vec<PersonRow>> {
    let sql = format!(
        "SELECT {PERSON_COLUMNS} FROM persons WHERE household_id = $1 ORDER BY relationship <> 'kepala_keluarga', birth_date"
    );
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(household_id).fetch_all(p).await)?,
    )
}

/// Puts a person in a household with a relationship (or takes them out with `None`).
pub async fn set_membership(
    tx: &mut Tx,
    actor: &Actor,
    person: &PersonRow,
    household: Option<Id>,
    relationship: &str,
) -> Result<()> {
    on_tx!(tx, c => sqlx::query("UPDATE persons SET household_id = $1, relationship = $2, updated_at = $3 WHERE id = $4")
        .bind(household).bind(relationship).bind(now()).bind(person.id)
        .execute(c).await.map(|r| r.rows_affected()))?;
    audit::record_change(
        tx,
        actor,
        "person",
        person.id,
        "update",
        &person.village_code,
        &["household", "relationship"],
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// Migration episodes

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct EpisodeRow {
    pub id: Id,
    pub person_id: Id,
    pub village_code: String,
    pub stage: String,
    pub destination: String,
    pub occupation: String,
    pub employer: String,
    pub agency: String,
    pub route: String,
    pub procedural: bool,
    pub siapkerja_id: String,
    pub contract_start: Option<NaiveDate>,
    pub contract_end: Option<NaiveDate>,
    pub departed_on: Option<NaiveDate>,
    pub returned_on: Option<NaiveDate>,
    pub last_contact_on: Option<NaiveDate>,
    pub handover_on: Option<NaiveDate>,
    pub handover_note: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const EPISODE_COLUMNS: &str = "id, person_id, village_code, stage, destination, occupation, employer, agency, route, procedural, siapkerja_id, \
     contract_start, contract_end, departed_on, returned_on, last_contact_on, handover_on, handover_note, created_at, updated_at";

/// The fields of an episode a person edits (the stage changes only through [`transition`]).
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
pub struct EpisodeDetails {
    pub destination: String,
    pub occupation: String,
    pub employer: String,
    pub agency: String,
    pub route: String,
    pub procedural: bool,
    pub siapkerja_id: String,
    pub contract_start: Option<NaiveDate>,
    pub contract_end: Option<NaiveDate>,
    pub last_contact_on: Option<NaiveDate>,
    pub handover_on: Option<NaiveDate>,
    pub handover_note: String,
}

/// Opens an episode in the `interested` stage with the document checklist that applies to its
/// destination and occupation.
pub async fn create_episode(
    tx: &mut Tx,
    actor: &Actor,
    person: &PersonRow,
    d: &EpisodeDetails,
) -> Result<Id> {
    let id = Id::new();
    let at = now();
    let insert = format!(
        "INSERT INTO episodes ({EPISODE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, NULL, NULL, $14, $15, $16, $17, $17)"
    );
    on_tx!(tx, c => sqlx::query(sqlx::AssertSqlSafe(insert))
        .bind(id).bind(person.id).bind(&person.village_code).bind(Stage::Interested.as_str())
        .bind(&d.destination).bind(&d.occupation).bind(&d.employer).bind(&d.agency).bind(&d.route).bind(d.procedural).bind(&d.siapkerja_id)
        .bind(d.contract_start).bind(d.contract_end).bind(d.last_contact_on).bind(d.handover_on).bind(&d.handover_note).bind(at)
        .execute(c).await.map(|r| r.rows_affected()))?;
    let needed: Vec<(String, String, bool)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT code, label, expires FROM document_requirements
         WHERE active AND (destination = '' OR destination = $1) AND (occupation = '' OR occupation = $2) ORDER BY position, code",
    ).bind(&d.destination).bind(&d.occupation).fetch_all(c).await)?;
    for (code, label, expires) in needed {
        on_tx!(tx, c => sqlx::query(
            "INSERT INTO episode_documents (id, episode_id, requirement_code, label, expires, status, note, updated_at)
             VALUES ($1, $2, $3, $4, $5, 'missing', '', $6) ON CONFLICT (episode_id, requirement_code) DO NOTHING",
        ).bind(Id::new()).bind(id).bind(&code).bind(&label).bind(expires).bind(at).execute(c).await.map(|r| r.rows_affected()))?;
    }
    record_transition(tx, actor, id, "", Stage::Interested, "episode dibuka").await?;
    audit::record_change(
        tx,
        actor,
        "episode",
        id,
        "create",
        &person.village_code,
        &["destination", "occupation", "route"],
    )
    .await?;
    Ok(id)
}

pub async fn update_episode(
    tx: &mut Tx,
    actor: &Actor,
    e: &EpisodeRow,
    d: &EpisodeDetails,
    changed: &[&str],
) -> Result<()> {
    on_tx!(tx, c => sqlx::query(
        "UPDATE episodes SET destination = $1, occupation = $2, employer = $3, agency = $4, route = $5, procedural = $6, siapkerja_id = $7,
                contract_start = $8, contract_end = $9, last_contact_on = $10, handover_on = $11, handover_note = $12, updated_at = $13
         WHERE id = $14",
    )
    .bind(&d.destination).bind(&d.occupation).bind(&d.employer).bind(&d.agency).bind(&d.route).bind(d.procedural).bind(&d.siapkerja_id)
    .bind(d.contract_start).bind(d.contract_end).bind(d.last_contact_on).bind(d.handover_on).bind(&d.handover_note).bind(now()).bind(e.id)
    .execute(c).await.map(|r| r.rows_affected()))?;
    audit::record_change(
        tx,
        actor,
        "episode",
        e.id,
        "update",
        &e.village_code,
        changed,
    )
    .await
}

pub async fn episode(db: &Db, id: Id) -> Result<Option<EpisodeRow>> {
    let sql = format!("SELECT {EPISODE_COLUMNS} FROM episodes WHERE id = $1");
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(p).await)?,
    )
}

pub async fn episodes_of(db: &Db, person_id: Id) -> Result<Vec<EpisodeRow>> {
    let sql =
        format!("SELECT {EPISODE_COLUMNS} FROM episodes WHERE person_id = $1 ORDER BY id DESC");
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(person_id).fetch_all(p).await)?,
    )
}

/// Episodes within a scope, newest first, for the API and exports.
pub async fn list_episodes(
    db: &Db,
    scope: &str,
    offset: i64,
    limit: i64,
) -> Result<Vec<EpisodeRow>> {
    let mut c = Conditions::default();
    c.scope("village_code", scope);
    let sql = format!(
        "SELECT {EPISODE_COLUMNS} FROM episodes WHERE {} ORDER BY id DESC LIMIT {} OFFSET {}",
        c.clause(),
        limit.max(0),
        offset.max(0)
    );
    Ok(
        on_pool!(db, p => bind_all!(c, sqlx::query_as(sqlx::AssertSqlSafe(sql))).fetch_all(p).await)?,
    )
}

async fn record_transition(
    tx: &mut Tx,
    actor: &Actor,
    episode_id: Id,
    from: &str,
    to: Stage,
    note: &str,
) -> Result<()> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO episode_transitions (id, episode_id, from_stage, to_stage, at, actor_id, actor, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(Id::new()).bind(episode_id).bind(from).bind(to.as_str()).bind(now()).bind(actor.user_id).bind(&actor.label).bind(note)
    .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Moves an episode to `to` (the caller has checked the state machine). Fails with `Conflict`
/// when someone else moved it meanwhile, so two operators cannot both advance the same episode.
pub async fn transition(
    tx: &mut Tx,
    actor: &Actor,
    e: &EpisodeRow,
    to: Stage,
    on: NaiveDate,
    note: &str,
) -> Result<()> {
    let departed = matches!(to, Stage::Departed).then_some(on);
    let returned = matches!(to, Stage::Returned).then_some(on);
    let contact = matches!(to, Stage::Working | Stage::Departed).then_some(on);
    let done = on_tx!(tx, c => sqlx::query(
        "UPDATE episodes SET stage = $1, departed_on = COALESCE($2, departed_on), returned_on = COALESCE($3, returned_on),
                last_contact_on = COALESCE($4, last_contact_on), updated_at = $5
         WHERE id = $6 AND stage = $7",
    )
    .bind(to.as_str()).bind(departed).bind(returned).bind(contact).bind(now()).bind(e.id).bind(&e.stage)
    .execute(c).await.map(|r| r.rows_affected()))?;
    if done == 0 {
        return Err(DbError::Conflict(
            "tahap migrasi ini baru saja diubah orang lain; muat ulang halaman".into(),
        ));
    }
    record_transition(tx, actor, e.id, &e.stage, to, note).await?;
    audit::record_change(
        tx,
        actor,
        "episode",
        e.id,
        "update",
        &e.village_code,
        &["stage"],
    )
    .await
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct TransitionRow {
    pub from_stage: String,
    pub to_stage: String,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub note: String,
}

pub async fn transitions_of(db: &Db, episode_id: Id) -> Result<Vec<TransitionRow>> {
    Ok(on_pool!(db, p => sqlx::query_as(
        "SELECT from_stage, to_stage, at, actor, note FROM episode_transitions WHERE episode_id = $1 ORDER BY at, id",
    ).bind(episode_id).fetch_all(p).await)?)
}

// ---------------------------------------------------------------------------------------------
// Counselling

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct CounsellingRow {
    pub id: Id,
    pub held_on: NaiveDate,
    pub topics: String,
    pub counsellor: String,
    pub notes: String,
}

pub async fn add_counselling(
    tx: &mut Tx,
    actor: &Actor,
    person: &PersonRow,
    held_on: NaiveDate,
    topics: &str,
    counsellor: &str,
    notes: &str,
) -> Result<Id> {
    let id = Id::new();
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO counselling_sessions (id, person_id, village_code, held_on, topics, counsellor, notes, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id).bind(person.id).bind(&person.village_code).bind(held_on).bind(topics).bind(counsellor).bind(notes).bind(now())
    .execute(c).await.map(|r| r.rows_affected()))?;
    audit::record_change(
        tx,
        actor,
        "counselling",
        id,
        "create",
        &person.village_code,
        &["held_on", "topics"],
    )
    .await?;
    Ok(id)
}

pub async fn counselling_of(db: &Db, person_id: Id) -> Result<Vec<CounsellingRow>> {
    Ok(on_pool!(db, p => sqlx::query_as(
        "SELECT id, held_on, topics, counsellor, notes FROM counselling_sessions WHERE person_id = $1 ORDER BY held_on DESC, id DESC",
    ).bind(person_id).fetch_all(p).await)?)
}

// ---------------------------------------------------------------------------------------------
// Documents

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct DocumentRow {
    pub id: Id,
    pub episode_id: Id,
    pub requirement_code: String,
    pub label: String,
    pub expires: bool,
    pub status: String,
    pub submitted_on: Option<NaiveDate>,
    pub verified_on: Option<NaiveDate>,
    pub expires_on: Option<NaiveDate>,
    pub file_id: Option<Id>,
    pub note: String,
}

const DOCUMENT_COLUMNS: &str = "id, episode_id, requirement_code, label, expires, status, submitted_on, verified_on, expires_on, file_id, note";

pub async fn checklist(db: &Db, episode_id: Id) -> Result<Vec<DocumentRow>> {
    let sql = format!(
        "SELECT d.{} FROM episode_documents d LEFT JOIN document_requirements r ON r.code = d.requirement_code AND r.destination = '' AND r.occupation = ''
         WHERE d.episode_id = $1 ORDER BY COALESCE(r.position, 999), d.label",
        DOCUMENT_COLUMNS.replace(", ", ", d.")
    );
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(episode_id).fetch_all(p).await)?,
    )
}

pub async fn document(db: &Db, id: Id) -> Result<Option<DocumentRow>> {
    let sql = format!("SELECT {DOCUMENT_COLUMNS} FROM episode_documents WHERE id = $1");
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(p).await)?,
    )
}

#[derive(Debug, Clone)]
pub struct DocumentUpdate {
    pub status: String,
    pub submitted_on: Option<NaiveDate>,
    pub verified_on: Option<NaiveDate>,
    pub expires_on: Option<NaiveDate>,
    pub note: String,
}

pub async fn update_document(
    tx: &mut Tx,
    actor: &Actor,
    e: &EpisodeRow,
    d: &DocumentRow,
    u: &DocumentUpdate,
) -> Result<()> {
    on_tx!(tx, c => sqlx::query(
        "UPDATE episode_documents SET status = $1, submitted_on = $2, verified_on = $3, expires_on = $4, note = $5, updated_at = $6 WHERE id = $7",
    )
    .bind(&u.status).bind(u.submitted_on).bind(u.verified_on).bind(u.expires_on).bind(&u.note).bind(now()).bind(d.id)
    .execute(c).await.map(|r| r.rows_affected()))?;
    audit::record_change(
        tx,
        actor,
        "episode_document",
        d.id,
        "update",
        &e.village_code,
        &["status", "dates"],
    )
    .await
}

/// Stores an encrypted scan and attaches it to a checklist row (marking it submitted).
/// Stores an (already encrypted) file of a village: a scan, a signed letter.
pub async fn store_file(
    tx: &mut Tx,
    actor: &Actor,
    village_code: &str,
    content_type: &str,
    size: i64,
    sha256: &str,
    data_enc: &str,
) -> Result<Id> {
    let id = Id::new();
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO document_files (id, village_code, content_type, size_bytes, sha256, data_enc, uploaded_at, uploaded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id).bind(village_code).bind(content_type).bind(size).bind(sha256).bind(data_enc).bind(now()).bind(&actor.label)
    .execute(c).await.map(|_| ()))?;
    Ok(id)
}

pub async fn attach_file(
    tx: &mut Tx,
    actor: &Actor,
    e: &EpisodeRow,
    d: &DocumentRow,
    content_type: &str,
    size: i64,
    sha256: &str,
    data_enc: &str,
    on: NaiveDate,
) -> Result<Id> {
    let id = store_file(
        tx,
        actor,
        &e.village_code,
        content_type,
        size,
        sha256,
        data_enc,
    )
    .await?;
    on_tx!(tx, c => {
        sqlx::query(
            "UPDATE episode_documents SET file_id = $1, status = CASE WHEN status = 'missing' THEN 'submitted' ELSE status END,
                    submitted_on = COALESCE(submitted_on, $2), updated_at = $3 WHERE id = $4",
        )
        .bind(id).bind(on).bind(now()).bind(d.id)
        .execute(&mut *c).await?;
    });
    audit::record_change(
        tx,
        actor,
        "episode_document",
        d.id,
        "update",
        &e.village_code,
        &["file"],
    )
    .await?;
    Ok(id)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FileRow {
    pub id: Id,
    pub village_code: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub data_enc: String,
}

/// A stored file of a village: a scan or a signed letter. Files of advocacy cases are never
/// served from here: they are read only through their case, whose access rules are narrower
/// than the registry's.
pub async fn file(db: &Db, id: Id) -> Result<Option<FileRow>> {
    file_where(db, id, "").await
}

/// A scan of the registry: [`file`] without signed letters, which are read (and unsealed) only
/// through their letter.
pub async fn scan(db: &Db, id: Id) -> Result<Option<FileRow>> {
    file_where(
        db,
        id,
        " AND NOT EXISTS (SELECT 1 FROM letters l WHERE l.pdf_file_id = f.id)",
    )
    .await
}

async fn file_where(db: &Db, id: Id, also: &str) -> Result<Option<FileRow>> {
    let sql = format!(
        "SELECT f.id, f.village_code, f.content_type, f.size_bytes, f.data_enc FROM document_files f
         WHERE f.id = $1 AND NOT EXISTS (SELECT 1 FROM case_documents c WHERE c.file_id = f.id){also}"
    );
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(id).fetch_optional(p).await)?,
    )
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct RequirementRow {
    pub id: Id,
    pub code: String,
    pub label: String,
    pub legal_basis: String,
    pub destination: String,
    pub occupation: String,
    pub expires: bool,
    pub position: i32,
    pub active: bool,
}

pub async fn requirements(db: &Db) -> Result<Vec<RequirementRow>> {
    Ok(on_pool!(db, p => sqlx::query_as(
        "SELECT id, code, label, legal_basis, destination, occupation, expires, position, active FROM document_requirements ORDER BY position, code",
    ).fetch_all(p).await)?)
}

/// A new requirement, already checked.
pub struct RequirementRecord {
    pub code: String,
    pub label: String,
    pub legal_basis: String,
    pub destination: String,
    pub occupation: String,
    pub expires: bool,
    pub position: i32,
}

pub async fn add_requirement(tx: &mut Tx, actor: &Actor, r: &RequirementRecord) -> Result<Id> {
    let id = Id::new();
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO document_requirements (id, code, label, legal_basis, destination, occupation, expires, position, active, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, TRUE, $9)",
    )
    .bind(id).bind(&r.code).bind(&r.label).bind(&r.legal_basis).bind(&r.destination).bind(&r.occupation).bind(r.expires).bind(r.position).bind(now())
    .execute(c).await.map(|x| x.rows_affected()))
    .map_err(|e| conflict_on_duplicate(e, "persyaratan dengan kode, negara dan jabatan yang sama sudah ada"))?;
    audit::record_change(
        tx,
        actor,
        "document_requirement",
        id,
        "create",
        "",
        &["code", "label", "legal_basis", "destination", "occupation"],
    )
    .await?;
    Ok(id)
}

/// Switches a requirement on or off; existing checklists keep their rows.
pub async fn set_requirement_active(
    tx: &mut Tx,
    actor: &Actor,
    id: Id,
    active: bool,
) -> Result<()> {
    let done = on_tx!(tx, c => sqlx::query("UPDATE document_requirements SET active = $1, updated_at = $2 WHERE id = $3")
        .bind(active).bind(now()).bind(id).execute(c).await.map(|x| x.rows_affected()))?;
    if done == 0 {
        return Err(DbError::NotFound);
    }
    audit::record_change(
        tx,
        actor,
        "document_requirement",
        id,
        "update",
        "",
        &["active"],
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// Monitoring

/// The people a village must watch, as of `today`.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct WatchRow {
    pub person_id: Id,
    pub episode_id: Id,
    pub village_code: String,
    pub name: String,
    pub destination: String,
    pub stage: String,
    /// The date that makes the row due: contract end, passport expiry, last contact, return.
    pub due: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Watch {
    /// Working abroad (departed, working, lost contact).
    Abroad,
    /// Contract ends within 60 days.
    ContractEnding,
    /// Passport expires within 6 months, for someone not yet back.
    PassportExpiring,
    /// Abroad and not heard from for 3 months or more.
    NoContact,
    /// Returned, handover not yet recorded.
    AwaitingHandover,
}

impl Watch {
    pub const ALL: [Watch; 5] = [
        Watch::Abroad,
        Watch::ContractEnding,
        Watch::PassportExpiring,
        Watch::NoContact,
        Watch::AwaitingHandover,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Watch::Abroad => "abroad",
            Watch::ContractEnding => "contract_ending",
            Watch::PassportExpiring => "passport_expiring",
            Watch::NoContact => "no_contact",
            Watch::AwaitingHandover => "awaiting_handover",
        }
    }

    pub fn parse(s: &str) -> Option<Watch> {
        Watch::ALL.into_iter().find(|w| w.code() == s)
    }

    /// The SQL condition and the date that makes a row due; `{from}`/`{to}` stand for the
    /// window's bounds, numbered by the caller after the scope's parameters.
    fn condition(self) -> (&'static str, &'static str) {
        match self {
            Watch::Abroad => (
                "e.stage IN ('departed', 'working', 'lost_contact')",
                "e.departed_on",
            ),
            Watch::ContractEnding => (
                "e.stage IN ('departed', 'working', 'lost_contact') AND e.contract_end >= {from} AND e.contract_end <= {to}",
                "e.contract_end",
            ),
            Watch::PassportExpiring => (
                "e.stage NOT IN ('returned', 'cancelled', 'failed_departure', 'deceased') AND p.passport_expiry IS NOT NULL AND p.passport_expiry <= {to}",
                "p.passport_expiry",
            ),
            Watch::NoContact => (
                "e.stage IN ('departed', 'working', 'lost_contact') AND COALESCE(e.last_contact_on, e.departed_on) <= {from}",
                "COALESCE(e.last_contact_on, e.departed_on)",
            ),
            Watch::AwaitingHandover => (
                "e.stage = 'returned' AND e.handover_on IS NULL",
                "e.returned_on",
            ),
        }
    }

    /// The window `[from, to]` the condition uses, from `today`.
    fn window(self, today: NaiveDate) -> (NaiveDate, NaiveDate) {
        match self {
            Watch::ContractEnding => (today, today + chrono::Days::new(60)),
            Watch::PassportExpiring => (
                today,
                today
                    .checked_add_months(chrono::Months::new(6))
                    .unwrap_or(today),
            ),
            Watch::NoContact => (
                today
                    .checked_sub_months(chrono::Months::new(3))
                    .unwrap_or(today),
                today,
            ),
            Watch::Abroad | Watch::AwaitingHandover => (today, today),
        }
    }
}

pub async fn watch_list(
    db: &Db,
    scope: &str,
    watch: Watch,
    today: NaiveDate,
    offset: i64,
    limit: i64,
) -> Result<(Vec<WatchRow>, i64)> {
    let mut c = Conditions::default();
    c.scope("e.village_code", scope);
    let n = c.binds.len();
    let (condition, due) = watch.condition();
    let condition = condition
        .replace("{from}", &format!("${}", n + 1))
        .replace("{to}", &format!("${}", n + 2));
    let (from, to) = watch.window(today);
    let filter = format!("{} AND {condition}", c.clause());
    let sql = format!(
        "SELECT p.id AS person_id, e.id AS episode_id, e.village_code, p.name, e.destination, e.stage, {due} AS due
         FROM episodes e JOIN persons p ON p.id = e.person_id WHERE {filter} ORDER BY {due}, p.name_key LIMIT {} OFFSET {}",
        limit.max(0),
        offset.max(0)
    );
    let count = format!(
        "SELECT COUNT(*) FROM episodes e JOIN persons p ON p.id = e.person_id WHERE {filter}"
    );
    // Both bounds are always bound (typed, so PostgreSQL accepts the ones a list does not use).
    let rows = on_pool!(db, p => bind_all!(c, sqlx::query_as(sqlx::AssertSqlSafe(sql))).bind(from).bind(to).fetch_all(p).await)?;
    let total = on_pool!(db, p => bind_all!(c, sqlx::query_scalar(sqlx::AssertSqlSafe(count))).bind(from).bind(to).fetch_one(p).await)?;
    Ok((rows, total))
}

/// How many rows each watch list has, and who is abroad per destination: one pass over the
/// episodes of the scope for the episode lists, one query for passports, one for countries.
pub async fn monitoring_counts(
    db: &Db,
    scope: &str,
    today: NaiveDate,
) -> Result<(Vec<(Watch, i64)>, Vec<(String, i64)>)> {
    let mut c = Conditions::default();
    c.scope("e.village_code", scope);
    let filter = c.clause();
    let n = c.binds.len();
    let (ending_from, ending_to) = Watch::ContractEnding.window(today);
    let (silent_since, _) = Watch::NoContact.window(today);
    let (_, passport_by) = Watch::PassportExpiring.window(today);
    let abroad = "e.stage IN ('departed', 'working', 'lost_contact')";
    let sql = format!(
        "SELECT COUNT(CASE WHEN {abroad} THEN 1 END),
                COUNT(CASE WHEN {abroad} AND e.contract_end >= ${a} AND e.contract_end <= ${b} THEN 1 END),
                COUNT(CASE WHEN {abroad} AND COALESCE(e.last_contact_on, e.departed_on) <= ${s} THEN 1 END),
                COUNT(CASE WHEN e.stage = 'returned' AND e.handover_on IS NULL THEN 1 END)
         FROM episodes e WHERE {filter}",
        a = n + 1,
        b = n + 2,
        s = n + 3
    );
    let (abroad_n, ending, silent, handover): (i64, i64, i64, i64) = on_pool!(db, p => {
        bind_all!(c, sqlx::query_as(sqlx::AssertSqlSafe(sql))).bind(ending_from).bind(ending_to).bind(silent_since).fetch_one(p).await
    })?;
    let passport_sql = format!(
        "SELECT COUNT(*) FROM episodes e JOIN persons p ON p.id = e.person_id
         WHERE {filter} AND e.stage NOT IN ('returned', 'cancelled', 'failed_departure', 'deceased')
           AND p.passport_expiry IS NOT NULL AND p.passport_expiry <= ${}",
        n + 1
    );
    let passports: i64 = on_pool!(db, p => {
        bind_all!(c, sqlx::query_scalar(sqlx::AssertSqlSafe(passport_sql))).bind(passport_by).fetch_one(p).await
    })?;
    let country_sql = format!(
        "SELECT e.destination, COUNT(*) FROM episodes e WHERE {filter} AND {abroad} GROUP BY e.destination ORDER BY COUNT(*) DESC, e.destination"
    );
    let by_country = on_pool!(db, p => {
        bind_all!(c, sqlx::query_as(sqlx::AssertSqlSafe(country_sql))).fetch_all(p).await
    })?;
    let counts = vec![
        (Watch::Abroad, abroad_n),
        (Watch::ContractEnding, ending),
        (Watch::PassportExpiring, passports),
        (Watch::NoContact, silent),
        (Watch::AwaitingHandover, handover),
    ];
    Ok((counts, by_country))
}
