//! Writing many registry records at once, for the synthetic loader ([`crate::synth`]) and the
//! spreadsheet import ([`crate::transfer`]): a [`Batch`] of households, people, migration
//! episodes with their transitions and document checklists, and the change-log rows and audit
//! entries that go with them, written with a few statements per table — multi-row INSERTs on
//! SQLite (each under its limit of 32,766 bound values), `COPY … FROM STDIN` on PostgreSQL (no
//! bound values, so its limit of 65,535 does not apply).
//!
//! Audit entries are linked in memory by a [`Chain`] opened on the head row inside the write
//! transaction, hashed exactly as [`crate::audit::append`] hashes them; writing a batch moves the head
//! to its last entry. The transaction holds the head (row lock on PostgreSQL, the write lock on
//! SQLite) until it ends, so no one appends in between and `audit verify` sees one unbroken
//! chain. Between [`Chain::open`] and the last batch written, append only through the chain.

use crate::audit::{Actor, Event};
use crate::registry::{self, EpisodeRow, HouseholdRecord, PersonRecord, RequirementRow};
use crate::{Db, DbError, Result, Tx, names, on_tx};
use chrono::{DateTime, NaiveDate, Utc};
use desmigratif_core::audit::AuditEntry;
use desmigratif_core::id::Id;
use std::collections::HashSet;
use std::fmt::Write as _;

/// People per batch: big enough that statements are few, small enough to report progress and to
/// let the next batch be sealed while this one is written.
pub const BATCH_PERSONS: usize = 5_000;

pub struct HouseholdOut {
    pub id: Id,
    pub rec: HouseholdRecord,
}

pub struct PersonOut {
    pub id: Id,
    pub household_id: Option<Id>,
    /// A code of `catalog::RELATIONSHIPS`, or "" outside a household.
    pub relationship: &'static str,
    pub rec: PersonRecord,
}

pub struct TransitionOut {
    pub id: Id,
    pub episode_id: Id,
    pub from: &'static str,
    pub to: &'static str,
    pub at: DateTime<Utc>,
    pub actor_id: Option<Id>,
    pub actor: String,
    pub note: &'static str,
}

/// One line of an episode's document checklist.
pub struct DocumentOut {
    pub id: Id,
    pub episode_id: Id,
    pub code: String,
    pub label: String,
    pub expires: bool,
    pub status: &'static str,
    pub submitted_on: Option<NaiveDate>,
    pub verified_on: Option<NaiveDate>,
    pub expires_on: Option<NaiveDate>,
    pub updated_at: DateTime<Utc>,
}

impl DocumentOut {
    /// A line not yet submitted, as a new episode's checklist has it.
    pub fn missing(episode_id: Id, r: &RequirementRow, at: DateTime<Utc>) -> DocumentOut {
        DocumentOut {
            id: Id::new(),
            episode_id,
            code: r.code.clone(),
            label: r.label.clone(),
            expires: r.expires,
            status: "missing",
            submitted_on: None,
            verified_on: None,
            expires_on: None,
            updated_at: at,
        }
    }
}

/// A `change_log` row (what [`crate::audit::record_change`] writes beside its audit entry).
pub struct ChangeOut {
    pub id: Id,
    pub at: DateTime<Utc>,
    pub actor_id: Option<Id>,
    pub entity: &'static str,
    pub entity_id: Id,
    pub op: &'static str,
    pub region: String,
    pub fields: &'static str,
}

/// Rows to write together; households before the people who point at them, people before their
/// episodes, episodes before their transitions and checklists.
pub struct Batch {
    /// When the households and people of the batch are created.
    pub at: DateTime<Utc>,
    pub households: Vec<HouseholdOut>,
    pub persons: Vec<PersonOut>,
    pub episodes: Vec<EpisodeRow>,
    pub transitions: Vec<TransitionOut>,
    pub documents: Vec<DocumentOut>,
    pub changes: Vec<ChangeOut>,
    /// Linked by a [`Chain`], in order.
    pub audit: Vec<AuditEntry>,
}

impl Default for Batch {
    fn default() -> Batch {
        Batch {
            at: desmigratif_core::now(),
            households: Vec::new(),
            persons: Vec::new(),
            episodes: Vec::new(),
            transitions: Vec::new(),
            documents: Vec::new(),
            changes: Vec::new(),
            audit: Vec::new(),
        }
    }
}

impl Batch {
    /// Records a change as [`crate::audit::record_change`] does: a change-log row and an audit entry
    /// `{entity}.{op}` with the changed fields (comma-separated).
    #[allow(clippy::too_many_arguments)]
    pub fn record_change(
        &mut self,
        chain: &mut Chain,
        actor: &Actor,
        entity: &'static str,
        entity_id: Id,
        op: &'static str,
        region: &str,
        fields: &'static str,
    ) {
        self.changes.push(ChangeOut {
            id: Id::new(),
            at: self.at,
            actor_id: actor.user_id,
            entity,
            entity_id,
            op,
            region: region.to_owned(),
            fields,
        });
        let event = Event::new(&format!("{entity}.{op}"), entity, entity_id, region)
            .detail(format!("fields={fields}"));
        self.audit.push(chain.link(actor, &event, self.at));
    }
}

/// Batches made on a thread of their own while the previous one is written: building and
/// sealing (encrypting, indexing, hashing) overlaps the database work.
pub struct Pipeline<T, R> {
    receiver: tokio::sync::mpsc::Receiver<T>,
    thread: std::thread::JoinHandle<R>,
}

/// The making end of a [`Pipeline`].
pub struct Feed<T>(tokio::sync::mpsc::Sender<T>);

impl<T> Feed<T> {
    /// Hands over a batch, waiting while two are waiting already; false once the writer has
    /// stopped (it failed), so the maker stops too.
    pub fn send(&self, batch: T) -> bool {
        self.0.blocking_send(batch).is_ok()
    }
}

impl<T: Send + 'static, R: Send + 'static> Pipeline<T, R> {
    /// Starts `make` on a thread named `name`; its result comes back from [`Pipeline::finish`].
    pub fn start(name: &str, make: impl FnOnce(Feed<T>) -> R + Send + 'static) -> Result<Self> {
        let (sender, receiver) = tokio::sync::mpsc::channel(2);
        let thread = std::thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || make(Feed(sender)))
            .map_err(|e| DbError::Setup(format!("thread {name} tidak dapat dibuat: {e}")))?;
        Ok(Pipeline { receiver, thread })
    }

    /// The next batch; `None` once the maker is done.
    pub async fn next(&mut self) -> Option<T> {
        self.receiver.recv().await
    }

    /// Waits for the maker (after the last batch) and returns what it returned.
    pub fn finish(self) -> Result<R> {
        drop(self.receiver);
        self.thread
            .join()
            .map_err(|_| DbError::Setup("thread pembuat data berhenti tak terduga".into()))
    }
}

/// The active document requirements in checklist order (position, code).
pub async fn requirements(db: &Db) -> Result<Vec<RequirementRow>> {
    let mut all = registry::requirements(db).await?;
    all.retain(|r| r.active);
    Ok(all)
}

/// The requirements that apply to an episode to this destination and occupation, each code once
/// (the first by position), as `registry::create_episode` picks them.
pub fn checklist<'r>(
    requirements: &'r [RequirementRow],
    destination: &str,
    occupation: &str,
) -> Vec<&'r RequirementRow> {
    let mut seen = HashSet::new();
    requirements
        .iter()
        .filter(|r| r.destination.is_empty() || r.destination == destination)
        .filter(|r| r.occupation.is_empty() || r.occupation == occupation)
        .filter(|r| seen.insert(r.code.as_str()))
        .collect()
}

/// The audit chain's last link, kept in memory while batches are built.
pub struct Chain {
    seq: i64,
    hash: String,
    key: desmigratif_core::crypto::SubKey,
}

impl Chain {
    /// Reads the head inside `tx`, locking it on PostgreSQL (SQLite's BEGIN IMMEDIATE already
    /// holds the write lock).
    pub async fn open(tx: &mut Tx) -> Result<Chain> {
        let key = crate::audit::installed_key()?;
        let (seq, hash): (i64, String) = match tx {
            Tx::Sqlite(t) => {
                sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1")
                    .fetch_one(&mut **t)
                    .await?
            }
            Tx::Postgres(t) => {
                sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE")
                    .fetch_one(&mut **t)
                    .await?
            }
        };
        Ok(Chain { seq, hash, key })
    }

    /// The next entry, linked to the previous one.
    pub fn link(&mut self, actor: &Actor, event: &Event, at: DateTime<Utc>) -> AuditEntry {
        let mut entry = AuditEntry {
            seq: self.seq + 1,
            at,
            actor_id: actor.user_id.map(|i| i.to_string()),
            actor: actor.label.clone(),
            action: event.action.clone(),
            entity: event.entity.clone(),
            entity_id: event.entity_id.clone(),
            region: event.region.clone(),
            ip: actor.ip.clone(),
            outcome: event.outcome.as_str().to_owned(),
            detail: event.detail.clone(),
            prev_hash: std::mem::take(&mut self.hash),
            hash: String::new(),
        };
        entry.hash = entry.compute_mac(&self.key);
        self.seq = entry.seq;
        self.hash = entry.hash.clone();
        entry
    }
}

/// Writes a batch inside `tx` and moves the audit head to its last entry.
pub async fn write(tx: &mut Tx, b: &Batch) -> Result<()> {
    let at = b.at;
    put(tx, HOUSEHOLD_INSERT, &b.households, |r, h| {
        let x = &h.rec;
        r.id(h.id)
            .text(&x.village_code)
            .text(&x.kk_enc)
            .text(&x.kk_index);
        r.text(&x.kk_prefix).text(&x.dusun).text(&x.rt).text(&x.rw);
        r.text(&x.address).at(at).at(at);
    })
    .await?;
    put(tx, PERSON_INSERT, &b.persons, |r, p| {
        let x = &p.rec;
        r.id(p.id)
            .text(&x.village_code)
            .text(&x.nik_enc)
            .text(&x.nik_index);
        r.text(&x.nik_prefix)
            .text(&x.name)
            .text(&x.name_key)
            .text(&x.sex);
        r.text(&x.birth_place)
            .date(Some(x.birth_date))
            .text(&x.dusun);
        r.text(&x.rt).text(&x.rw).text(&x.address).text(&x.phone);
        r.text(&x.education).text(&x.marital_status).text(&x.skills);
        r.opt_id(p.household_id).text(p.relationship);
        r.opt(x.passport_enc.as_deref())
            .opt(x.passport_index.as_deref());
        r.date(x.passport_expiry)
            .text(&x.nik_warnings)
            .at(at)
            .at(at);
    })
    .await?;
    let named: Vec<names::Named> = b.persons.iter().map(|p| p.rec.named(p.id)).collect();
    names::index(tx, &named).await?;
    put(tx, EPISODE_INSERT, &b.episodes, |r, e| {
        r.id(e.id)
            .id(e.person_id)
            .text(&e.village_code)
            .text(&e.stage);
        r.text(&e.destination).text(&e.occupation).text(&e.employer);
        r.text(&e.agency).text(&e.route).boolean(e.procedural);
        r.text(&e.siapkerja_id)
            .date(e.contract_start)
            .date(e.contract_end);
        r.date(e.departed_on)
            .date(e.returned_on)
            .date(e.last_contact_on);
        r.date(e.handover_on).text(&e.handover_note);
        r.at(e.created_at).at(e.updated_at);
    })
    .await?;
    put(tx, TRANSITION_INSERT, &b.transitions, |r, t| {
        r.id(t.id).id(t.episode_id).text(t.from).text(t.to).at(t.at);
        r.opt_id(t.actor_id).text(&t.actor).text(t.note);
    })
    .await?;
    put(tx, DOCUMENT_INSERT, &b.documents, |r, d| {
        r.id(d.id).id(d.episode_id).text(&d.code).text(&d.label);
        r.boolean(d.expires).text(d.status).date(d.submitted_on);
        r.date(d.verified_on)
            .date(d.expires_on)
            .opt_id(None)
            .text("");
        r.at(d.updated_at);
    })
    .await?;
    put(tx, CHANGE_INSERT, &b.changes, |r, c| {
        r.id(c.id).at(c.at).opt_id(c.actor_id).text(c.entity);
        r.id(c.entity_id).text(c.op).text(&c.region).text(c.fields);
    })
    .await?;
    put(tx, AUDIT_INSERT, &b.audit, |r, e| {
        r.int(e.seq)
            .at(e.at)
            .opt(e.actor_id.as_deref())
            .text(&e.actor);
        r.text(&e.action)
            .text(&e.entity)
            .text(&e.entity_id)
            .text(&e.region);
        r.text(&e.ip).text(&e.outcome).text(&e.detail);
        r.text(&e.prev_hash).text(&e.hash);
    })
    .await?;
    if let Some(last) = b.audit.last() {
        on_tx!(tx, c => sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
            .bind(last.seq)
            .bind(&last.hash)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
    }
    Ok(())
}

const HOUSEHOLD_INSERT: &str = "households (id, village_code, kk_enc, kk_index, kk_prefix, dusun, rt, rw, address, created_at, updated_at)";
const PERSON_INSERT: &str = "persons (id, village_code, nik_enc, nik_index, nik_prefix, name, name_key, sex, birth_place, birth_date, dusun, rt, rw, \
     address, phone, education, marital_status, skills, household_id, relationship, passport_enc, passport_index, passport_expiry, nik_warnings, \
     created_at, updated_at)";
const EPISODE_INSERT: &str = "episodes (id, person_id, village_code, stage, destination, occupation, employer, agency, route, procedural, \
     siapkerja_id, contract_start, contract_end, departed_on, returned_on, last_contact_on, handover_on, handover_note, created_at, updated_at)";
const TRANSITION_INSERT: &str =
    "episode_transitions (id, episode_id, from_stage, to_stage, at, actor_id, actor, note)";
const DOCUMENT_INSERT: &str = "episode_documents (id, episode_id, requirement_code, label, expires, status, submitted_on, verified_on, expires_on, file_id, note, updated_at)";
const CHANGE_INSERT: &str = "change_log (id, at, actor_id, entity, entity_id, op, region, fields)";
const AUDIT_INSERT: &str = "audit_log (seq, at, actor_id, actor, action, entity, entity_id, region, ip, outcome, detail, prev_hash, hash)";

/// Writes `rows` into `into` ("table (columns)"), each as `row` lists its values in column order:
/// multi-row INSERTs on SQLite, each under its limit of 32,766 bound values; one `COPY` on
/// PostgreSQL.
async fn put<T>(tx: &mut Tx, into: &str, rows: &[T], row: impl Fn(&mut dyn Row, &T)) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    match tx {
        Tx::Sqlite(t) => {
            let columns = into.matches(',').count() + 1;
            for chunk in rows.chunks(32_000 / columns) {
                let mut q = sqlx::QueryBuilder::<sqlx::Sqlite>::new(format!("INSERT INTO {into} "));
                q.push_values(chunk, |mut values, x| row(&mut values, x));
                q.build().execute(&mut **t).await?;
            }
        }
        Tx::Postgres(t) => {
            let mut out = CopyText::default();
            for x in rows {
                row(&mut out, x);
                out.0.pop();
                out.0.push('\n');
            }
            let mut copy = t.copy_in_raw(&format!("COPY {into} FROM STDIN")).await?;
            copy.send(out.0.into_bytes()).await?;
            copy.finish().await?;
        }
    }
    Ok(())
}

/// The values of one row, column by column.
trait Row {
    fn text(&mut self, s: &str) -> &mut dyn Row;
    fn opt(&mut self, s: Option<&str>) -> &mut dyn Row;
    fn id(&mut self, id: Id) -> &mut dyn Row;
    fn opt_id(&mut self, id: Option<Id>) -> &mut dyn Row;
    fn int(&mut self, n: i64) -> &mut dyn Row;
    fn boolean(&mut self, b: bool) -> &mut dyn Row;
    fn date(&mut self, d: Option<NaiveDate>) -> &mut dyn Row;
    fn at(&mut self, t: DateTime<Utc>) -> &mut dyn Row;
}

/// The [`Row`] methods that bind their value as it is.
macro_rules! bind_each {
    ($($method:ident: $value:ty),* $(,)?) => {
        $(fn $method(&mut self, value: $value) -> &mut dyn Row {
            self.push_bind(value);
            self
        })*
    };
}

/// SQLite: bound values of one `(?, ?, …)` tuple.
impl Row for sqlx::query_builder::Separated<'_, sqlx::Sqlite, &'static str> {
    bind_each!(text: &str, opt: Option<&str>, id: Id, opt_id: Option<Id>, int: i64, boolean: bool,
        date: Option<NaiveDate>, at: DateTime<Utc>);
}

/// PostgreSQL: lines in the text format of `COPY … FROM STDIN`, each value followed by a tab
/// (the last one is replaced by the line's end).
#[derive(Default)]
struct CopyText(String);

impl Row for CopyText {
    fn text(&mut self, s: &str) -> &mut dyn Row {
        for ch in s.chars() {
            match ch {
                '\\' => self.0.push_str("\\\\"),
                '\t' => self.0.push_str("\\t"),
                '\n' => self.0.push_str("\\n"),
                '\r' => self.0.push_str("\\r"),
                c => self.0.push(c),
            }
        }
        self.0.push('\t');
        self
    }
    fn opt(&mut self, s: Option<&str>) -> &mut dyn Row {
        match s {
            Some(s) => self.text(s),
            None => {
                self.0.push_str("\\N\t");
                self
            }
        }
    }
    fn id(&mut self, id: Id) -> &mut dyn Row {
        let _ = write!(self.0, "{id}\t");
        self
    }
    fn opt_id(&mut self, id: Option<Id>) -> &mut dyn Row {
        match id {
            Some(id) => self.id(id),
            None => self.opt(None),
        }
    }
    fn int(&mut self, n: i64) -> &mut dyn Row {
        let _ = write!(self.0, "{n}\t");
        self
    }
    fn boolean(&mut self, b: bool) -> &mut dyn Row {
        self.0.push_str(if b { "t\t" } else { "f\t" });
        self
    }
    fn date(&mut self, d: Option<NaiveDate>) -> &mut dyn Row {
        match d {
            Some(d) => {
                let _ = write!(self.0, "{}\t", d.format("%Y-%m-%d"));
                self
            }
            None => self.opt(None),
        }
    }
    fn at(&mut self, t: DateTime<Utc>) -> &mut dyn Row {
        let _ = write!(self.0, "{}\t", t.format("%Y-%m-%d %H:%M:%S%.6f+00"));
        self
    }
}
