//! Pillar 3, community parenting: children of migrant workers with their guardian's consent, the
//! learning centre's sessions and parenting classes, attendance, and the village indicators. The
//! rules are `core::children`; every write happens in the caller's transaction with its audit
//! entry. The consent row is written before the child's details, in the same transaction, and the
//! table's CHECK refuses details without it. What a child needs is sealed with the deployment key.

use crate::audit::{self, Actor};
use crate::{Db, DbError, Result, Tx, on_pool, on_tx};
use chrono::{DateTime, NaiveDate, Utc};
use desmigratif_core::children::{
    ChildInput, Indicators, RiskFlag, SchoolStatus, SessionInput, SessionKind, risk_flags,
};
use desmigratif_core::crypto::Keys;
use desmigratif_core::id::Id;
use desmigratif_core::now;

/// Encryption context of what a child needs.
pub const NEEDS_CONTEXT: &str = "child.needs";

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ChildRow {
    pub id: Id,
    pub region_code: String,
    pub name: String,
    pub birth_year: i32,
    pub consent_id: Option<Id>,
    pub parent_person_id: Option<Id>,
    pub parent_episode_id: Option<Id>,
    pub caregiver_person_id: Option<Id>,
    pub caregiver_name: String,
    pub school_level: Option<String>,
    pub school_name: String,
    pub status: String,
    pub needs_enc: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ChildRow {
    /// The school status; `None` for a child without consent (nothing is known).
    pub fn status(&self) -> Option<SchoolStatus> {
        self.status.parse().ok()
    }

    /// What the child needs, opened for a caller who is authorised (and audited).
    pub fn needs(&self, keys: &Keys) -> Result<String> {
        if self.needs_enc.is_empty() {
            return Ok(String::new());
        }
        keys.decrypt_str(NEEDS_CONTEXT, &self.needs_enc)
            .map_err(|_| DbError::Corrupt(format!("anak {}: kebutuhan tidak bisa dibuka", self.id)))
    }
}

const COLUMNS: &str = "id, region_code, name, birth_year, consent_id, parent_person_id, parent_episode_id, caregiver_person_id, \
     caregiver_name, school_level, school_name, status, needs_enc, created_at, updated_at";

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct ConsentRow {
    pub id: Id,
    pub given_by: String,
    pub giver_name: String,
    pub relation: String,
    pub given_on: NaiveDate,
    pub how: String,
    pub recorded_by: String,
    pub created_at: DateTime<Utc>,
}

/// The registry records a child is tied to, found by the caller from the NIKs typed (and only
/// with consent: `write` refuses them otherwise).
#[derive(Debug, Clone, Copy, Default)]
pub struct Links {
    pub parent_person: Option<Id>,
    pub parent_episode: Option<Id>,
    pub caregiver_person: Option<Id>,
}

/// Writes the consent (when given and not already the child's) and returns its id.
async fn consent_id(
    tx: &mut Tx,
    actor: &Actor,
    region: &str,
    input: &ChildInput,
    current: Option<&ConsentRow>,
) -> Result<Option<Id>> {
    let Some(c) = &input.consent else {
        return Ok(None);
    };
    if let Some(cur) = current
        && cur.given_by == c.by.as_str()
        && cur.giver_name == c.name
        && cur.relation == c.relation
        && cur.given_on == c.on
        && cur.how == c.how.as_str()
    {
        return Ok(Some(cur.id));
    }
    let id = Id::new();
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO child_consents (id, region_code, given_by, giver_name, relation, given_on, how, recorded_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(id).bind(region).bind(c.by.as_str()).bind(&c.name).bind(&c.relation).bind(c.on).bind(c.how.as_str())
    .bind(&actor.label).bind(now())
    .execute(conn).await.map(|_| ()))?;
    audit::record_change(tx, actor, "child_consent", id, "create", region, &[]).await?;
    Ok(Some(id))
}

/// The columns a checked child fills; all empty without consent (and then `links` must be too).
fn details(keys: &Keys, input: &ChildInput, links: Links) -> Result<(Links, String, String)> {
    if input.consent.is_none() {
        if links.parent_person.is_some() || links.caregiver_person.is_some() {
            return Err(DbError::Conflict(
                "tanpa persetujuan orang tua atau wali anak tidak boleh dikaitkan dengan data warga"
                    .into(),
            ));
        }
        return Ok((Links::default(), String::new(), String::new()));
    }
    let needs = if input.needs.is_empty() {
        String::new()
    } else {
        keys.encrypt_str(NEEDS_CONTEXT, &input.needs)
    };
    let status = input.status.map(|s| s.as_str()).unwrap_or_default();
    Ok((links, needs, status.to_owned()))
}

/// Records a child in `region` (a village code): the consent first, then the child, in the
/// caller's transaction, both audited.
pub async fn create(
    tx: &mut Tx,
    actor: &Actor,
    keys: &Keys,
    region: &str,
    input: &ChildInput,
    links: Links,
) -> Result<Id> {
    let consent = consent_id(tx, actor, region, input, None).await?;
    let (links, needs, status) = details(keys, input, links)?;
    let id = Id::new();
    let at = now();
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO children (id, region_code, name, birth_year, consent_id, parent_person_id, parent_episode_id, caregiver_person_id,
                               caregiver_name, school_level, school_name, status, needs_enc, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)",
    )
    .bind(id).bind(region).bind(&input.name).bind(input.birth_year).bind(consent).bind(links.parent_person)
    .bind(links.parent_episode).bind(links.caregiver_person).bind(&input.caregiver).bind(input.level.map(|l| l.as_str()))
    .bind(&input.school).bind(&status).bind(&needs).bind(at)
    .execute(c).await.map(|_| ()))?;
    let fields: &[&str] = if consent.is_some() {
        &["consent"]
    } else {
        &["name_and_birth_year_only"]
    };
    audit::record_change(tx, actor, "child", id, "create", region, fields).await?;
    Ok(id)
}

/// Changes a child. A consent that is new or different is recorded as a new consent row; a form
/// without consent (consent withdrawn) empties every detail and removes the child's attendance
/// marks, keeping only name and birth year.
pub async fn update(
    tx: &mut Tx,
    actor: &Actor,
    keys: &Keys,
    child: &ChildRow,
    input: &ChildInput,
    links: Links,
) -> Result<()> {
    let current = match child.consent_id {
        Some(id) => consent_in_tx(tx, id).await?,
        None => None,
    };
    let consent = consent_id(tx, actor, &child.region_code, input, current.as_ref()).await?;
    let (links, needs, status) = details(keys, input, links)?;
    let done = on_tx!(tx, c => sqlx::query(
        "UPDATE children SET name = $1, birth_year = $2, consent_id = $3, parent_person_id = $4, parent_episode_id = $5,
                caregiver_person_id = $6, caregiver_name = $7, school_level = $8, school_name = $9, status = $10, needs_enc = $11,
                updated_at = $12
         WHERE id = $13 AND updated_at = $14",
    )
    .bind(&input.name).bind(input.birth_year).bind(consent).bind(links.parent_person).bind(links.parent_episode)
    .bind(links.caregiver_person).bind(&input.caregiver).bind(input.level.map(|l| l.as_str())).bind(&input.school)
    .bind(&status).bind(&needs).bind(now()).bind(child.id).bind(child.updated_at)
    .execute(c).await.map(|r| r.rows_affected()))?;
    if done == 0 {
        return Err(DbError::Conflict(
            "data anak ini baru saja diubah orang lain; muat ulang halaman".into(),
        ));
    }
    let mut fields = vec!["details"];
    if consent.is_none() && child.consent_id.is_some() {
        // Attendance is a detail about the child too: it goes with the consent.
        on_tx!(tx, c => sqlx::query("DELETE FROM session_attendance WHERE child_id = $1")
            .bind(child.id).execute(c).await.map(|_| ()))?;
        fields.push("consent_withdrawn");
    } else if consent != child.consent_id {
        fields.push("consent");
    }
    audit::record_change(
        tx,
        actor,
        "child",
        child.id,
        "update",
        &child.region_code,
        &fields,
    )
    .await
}

pub async fn get(db: &Db, id: Id) -> Result<Option<ChildRow>> {
    let sql = format!("SELECT {COLUMNS} FROM children WHERE id = $1");
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(p).await)?,
    )
}

const CONSENT_COLUMNS: &str =
    "id, given_by, giver_name, relation, given_on, how, recorded_by, created_at";

pub async fn consent(db: &Db, id: Id) -> Result<Option<ConsentRow>> {
    let sql = format!("SELECT {CONSENT_COLUMNS} FROM child_consents WHERE id = $1");
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(p).await)?,
    )
}

async fn consent_in_tx(tx: &mut Tx, id: Id) -> Result<Option<ConsentRow>> {
    let sql = format!("SELECT {CONSENT_COLUMNS} FROM child_consents WHERE id = $1");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(c).await)?)
}

/// Children of a region (a village, or everything below a prefix; `None`: the nation), by name.
pub async fn list(
    db: &Db,
    region: Option<&str>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<ChildRow>, bool)> {
    crate::page_in_region(
        db,
        &format!("SELECT {COLUMNS} FROM children"),
        region,
        "",
        "name, id",
        offset,
        limit,
    )
    .await
}

// --- sessions ----------------------------------------------------------------------------------

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    pub id: Id,
    pub region_code: String,
    pub kind: String,
    pub held_on: NaiveDate,
    pub activity: String,
    pub facilitator: String,
    pub taken_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
}

impl SessionRow {
    pub fn kind(&self) -> SessionKind {
        self.kind.parse().unwrap_or(SessionKind::Learning)
    }
}

const SESSION_COLUMNS: &str =
    "id, region_code, kind, held_on, activity, facilitator, taken_at, created_at, created_by";

pub async fn create_session(
    tx: &mut Tx,
    actor: &Actor,
    region: &str,
    s: &SessionInput,
) -> Result<Id> {
    let id = Id::new();
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO learning_sessions (id, region_code, kind, held_on, activity, facilitator, created_at, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id).bind(region).bind(s.kind.as_str()).bind(s.on).bind(&s.activity).bind(&s.facilitator).bind(now()).bind(&actor.label)
    .execute(c).await.map(|_| ()))?;
    audit::record_change(tx, actor, "learning_session", id, "create", region, &[]).await?;
    Ok(id)
}

pub async fn session(db: &Db, id: Id) -> Result<Option<SessionRow>> {
    let sql = format!("SELECT {SESSION_COLUMNS} FROM learning_sessions WHERE id = $1");
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(p).await)?,
    )
}

/// Sessions of a region, newest first.
pub async fn sessions(
    db: &Db,
    region: Option<&str>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<SessionRow>, bool)> {
    crate::page_in_region(
        db,
        &format!("SELECT {SESSION_COLUMNS} FROM learning_sessions"),
        region,
        "",
        "held_on DESC, id DESC",
        offset,
        limit,
    )
    .await
}

/// One line of a session's attendance sheet: an expected child (learning session) or caregiver
/// (parenting class), and whether they were marked present (`None` before attendance is taken).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Attendee {
    pub id: Id,
    pub name: String,
    pub present: Option<bool>,
}

/// Who is expected at a session: for a learning session the village's children with consent
/// (attendance is a detail about a child), for a parenting class the registered caregivers of
/// those children; with their marks if attendance was taken.
pub async fn attendees(db: &Db, s: &SessionRow) -> Result<Vec<Attendee>> {
    let sql = match s.kind() {
        SessionKind::Learning => {
            "SELECT c.id, c.name, a.present FROM children c
             LEFT JOIN session_attendance a ON a.child_id = c.id AND a.session_id = $1
             WHERE c.region_code = $2 AND (c.consent_id IS NOT NULL OR a.present IS NOT NULL)
             ORDER BY c.name, c.id"
        }
        SessionKind::Parenting => {
            "SELECT p.id, p.name, a.present FROM persons p
             LEFT JOIN session_attendance a ON a.person_id = p.id AND a.session_id = $1
             WHERE a.present IS NOT NULL OR p.id IN (
                 SELECT caregiver_person_id FROM children WHERE region_code = $2 AND consent_id IS NOT NULL)
             ORDER BY p.name, p.id"
        }
    };
    Ok(on_pool!(db, p => sqlx::query_as(sql).bind(s.id).bind(&s.region_code).fetch_all(p).await)?)
}

/// Takes a session's attendance: `marks` is every expected attendee with whether they came.
/// Taking it again replaces the earlier marks, so a re-sent form never counts anyone twice.
pub async fn record_attendance(
    tx: &mut Tx,
    actor: &Actor,
    s: &SessionRow,
    marks: &[(Id, bool)],
) -> Result<()> {
    let column = match s.kind() {
        SessionKind::Learning => "child_id",
        SessionKind::Parenting => "person_id",
    };
    on_tx!(tx, c => sqlx::query("DELETE FROM session_attendance WHERE session_id = $1")
        .bind(s.id).execute(c).await.map(|_| ()))?;
    let sql = format!(
        "INSERT INTO session_attendance (session_id, {column}, present) VALUES ($1, $2, $3)"
    );
    for (who, present) in marks {
        on_tx!(tx, c => sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            .bind(s.id).bind(*who).bind(*present).execute(c).await.map(|_| ()))?;
    }
    on_tx!(tx, c => sqlx::query("UPDATE learning_sessions SET taken_at = $1 WHERE id = $2")
        .bind(now()).bind(s.id).execute(c).await.map(|_| ()))?;
    audit::record_change(
        tx,
        actor,
        "learning_session",
        s.id,
        "update",
        &s.region_code,
        &["attendance"],
    )
    .await
}

/// The learning sessions a child was expected at, oldest first: (day, activity, present).
pub async fn attendance_of(db: &Db, child: Id) -> Result<Vec<(NaiveDate, String, bool)>> {
    Ok(on_pool!(db, p => sqlx::query_as(
        "SELECT s.held_on, s.activity, a.present FROM session_attendance a JOIN learning_sessions s ON s.id = a.session_id
         WHERE a.child_id = $1 AND s.kind = 'belajar' ORDER BY s.held_on, s.id",
    ).bind(child).fetch_all(p).await)?)
}

// --- indicators --------------------------------------------------------------------------------

/// A child who needs a visit, for the village's own view only.
#[derive(Debug, Clone)]
pub struct AtRisk {
    pub id: Id,
    pub name: String,
    pub flags: Vec<RiskFlag>,
}

/// The indicators of one village, with its at-risk children (names are for the village view
/// only; the caller decides who sees them).
#[derive(Debug, Clone)]
pub struct VillageFigures {
    pub region_code: String,
    pub indicators: Indicators,
    pub at_risk: Vec<AtRisk>,
    /// Children recorded without consent: counted apart, since nothing else is known of them.
    pub without_consent: i64,
}

/// The figures of every village in a region (`None`: the nation), by village code.
pub async fn figures(db: &Db, region: Option<&str>) -> Result<Vec<VillageFigures>> {
    let prefix = region.unwrap_or_default().to_owned();
    let (filter_c, filter_s) = if region.is_some() {
        (
            "WHERE (region_code = $1 OR region_code LIKE $2)",
            "AND (s.region_code = $1 OR s.region_code LIKE $2)",
        )
    } else {
        ("", "")
    };
    let children_sql = format!(
        "SELECT id, region_code, name, status FROM children {filter_c} ORDER BY region_code, name, id"
    );
    let marks_sql = format!(
        "SELECT a.child_id, a.present FROM session_attendance a JOIN learning_sessions s ON s.id = a.session_id
         WHERE a.child_id IS NOT NULL AND s.kind = 'belajar' {filter_s} ORDER BY s.held_on, s.id"
    );
    let sessions_sql = format!(
        "SELECT s.region_code, COUNT(*) FROM learning_sessions s WHERE s.kind = 'belajar' {filter_s} GROUP BY s.region_code"
    );
    let like = format!("{prefix}.%");
    let children: Vec<(Id, String, String, String)> = on_pool!(db, p => {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(children_sql.clone()));
        if region.is_some() { q = q.bind(prefix.clone()).bind(like.clone()); }
        q.fetch_all(p).await
    })?;
    let marks: Vec<(Id, bool)> = on_pool!(db, p => {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(marks_sql.clone()));
        if region.is_some() { q = q.bind(prefix.clone()).bind(like.clone()); }
        q.fetch_all(p).await
    })?;
    let held: Vec<(String, i64)> = on_pool!(db, p => {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sessions_sql.clone()));
        if region.is_some() { q = q.bind(prefix.clone()).bind(like.clone()); }
        q.fetch_all(p).await
    })?;
    let mut attendance: std::collections::HashMap<Id, Vec<bool>> = Default::default();
    for (child, present) in marks {
        attendance.entry(child).or_default().push(present);
    }
    let mut villages: Vec<String> = children
        .iter()
        .map(|c| c.1.clone())
        .chain(held.iter().map(|h| h.0.clone()))
        .collect();
    villages.sort();
    villages.dedup();
    let none: Vec<bool> = Vec::new();
    Ok(villages
        .into_iter()
        .map(|code| {
            let here: Vec<&(Id, String, String, String)> =
                children.iter().filter(|c| c.1 == code).collect();
            let facts = |c: &(Id, String, String, String)| {
                (
                    c.3.parse::<SchoolStatus>().ok(),
                    attendance.get(&c.0).unwrap_or(&none).as_slice(),
                )
            };
            let sessions = held.iter().find(|h| h.0 == code).map_or(0, |h| h.1);
            let indicators = Indicators::tally(here.iter().map(|c| facts(c)), sessions);
            let at_risk = here
                .iter()
                .filter_map(|c| {
                    let (status, seen) = facts(c);
                    let flags = risk_flags(status, seen);
                    (status.is_some() && !flags.is_empty()).then(|| AtRisk {
                        id: c.0,
                        name: c.2.clone(),
                        flags,
                    })
                })
                .collect();
            VillageFigures {
                without_consent: here.iter().filter(|c| c.3.is_empty()).count() as i64,
                region_code: code,
                indicators,
                at_risk,
            }
        })
        .collect())
}

// --- demo --------------------------------------------------------------------------------------

/// Fictional children in Kenanga and Kuripan: some with consent, one without (name and birth
/// year only), one out of school; learning sessions with attendance (one child absent three
/// times in a row) and a parenting class for the caregivers.
pub async fn demo(db: &Db, keys: &Keys, kenanga: &str, kuripan: &str) -> Result<()> {
    use desmigratif_core::children::{RawChild, RawSession};
    let today = (now() + chrono::Duration::hours(7)).date_naive();
    let year = |age: i32| (chrono::Datelike::year(&today) - age).to_string();
    let person = |nik: &'static str| async move {
        let index = keys.blind_index(crate::registry::NIK_CONTEXT, nik);
        crate::registry::person_by_nik_index(db, &index).await
    };
    let siti = person("3212164507980001").await?;
    let rohmah = person("3212166203950002").await?;
    let sri = person("3307105310920001").await?;
    let consented = |name: &str,
                     age: i32,
                     giver: &str,
                     relation: &str,
                     level: &str,
                     status: &str,
                     needs: &str| RawChild {
        nama: name.into(),
        tahun_lahir: year(age),
        persetujuan: "wali".into(),
        nama_pemberi: giver.into(),
        hubungan: relation.into(),
        tanggal_persetujuan: (today - chrono::Duration::days(60)).to_string(),
        cara: "lisan".into(),
        jenjang: level.into(),
        nama_sekolah: if status == "sekolah" {
            "SD Negeri Contoh (fiktif)".into()
        } else {
            String::new()
        },
        status_sekolah: status.into(),
        kebutuhan: needs.into(),
        pengasuh: giver.into(),
        ..RawChild::default()
    };
    let kenanga_children = [
        (
            consented(
                "Aisyah Putri (fiktif)",
                9,
                "Rohmah",
                "bibi",
                "sd",
                "sekolah",
                "Les membaca dua kali seminggu",
            ),
            siti.as_ref(),
            rohmah.as_ref(),
        ),
        (
            consented(
                "Bagus Saputra (fiktif)",
                12,
                "Rohmah",
                "bibi",
                "sd",
                "sekolah",
                "",
            ),
            siti.as_ref(),
            rohmah.as_ref(),
        ),
        (
            consented(
                "Citra Lestari (fiktif)",
                14,
                "Warsih (fiktif)",
                "nenek",
                "smp",
                "tidak_sekolah",
                "Kembali ke sekolah; seragam SMP",
            ),
            None,
            None,
        ),
        (
            consented(
                "Dimas Pratama (fiktif)",
                7,
                "Warsih (fiktif)",
                "nenek",
                "sd",
                "sekolah",
                "",
            ),
            None,
            None,
        ),
        (
            RawChild {
                nama: "Eka Rahmawati (fiktif)".into(),
                tahun_lahir: year(5),
                ..RawChild::default()
            },
            None,
            None,
        ),
    ];
    let kuripan_children = [
        (
            consented(
                "Fajar Nugroho (fiktif)",
                10,
                "Sumini (fiktif)",
                "nenek",
                "sd",
                "sekolah",
                "Bimbingan matematika",
            ),
            sri.as_ref(),
            None,
        ),
        (
            consented(
                "Gita Anggraini (fiktif)",
                6,
                "Sumini (fiktif)",
                "nenek",
                "paud",
                "sekolah",
                "",
            ),
            sri.as_ref(),
            None,
        ),
    ];
    let actor = Actor::system("demo");
    let mut ids = Vec::new();
    let mut tx = db.begin().await?;
    for (region, list) in [
        (kenanga, &kenanga_children[..]),
        (kuripan, &kuripan_children[..]),
    ] {
        for (raw, parent, caregiver) in list {
            let input = raw
                .check(today)
                .map_err(|e| DbError::Setup(format!("demo {}: {e:?}", raw.nama)))?;
            let parent_episode = match parent {
                Some(p) => on_tx!(&mut tx, c => sqlx::query_scalar::<_, Id>(
                    "SELECT id FROM episodes WHERE person_id = $1 ORDER BY id DESC LIMIT 1",
                ).bind(p.id).fetch_optional(c).await)?,
                None => None,
            };
            let links = Links {
                parent_person: parent.map(|p| p.id),
                parent_episode,
                caregiver_person: caregiver.map(|p| p.id),
            };
            ids.push((
                region,
                create(&mut tx, &actor, keys, region, &input, links).await?,
            ));
        }
    }
    // Three learning sessions in Kenanga: Citra (out of school) misses all three, Bagus the
    // first only; one in Kuripan; a parenting class for Kenanga's caregivers.
    let sessions = [
        (kenanga, "belajar", 21, "Membaca bersama"),
        (kenanga, "belajar", 14, "Mengerjakan PR"),
        (kenanga, "belajar", 7, "Permainan berhitung"),
        (kuripan, "belajar", 10, "Menggambar dan bercerita"),
        (
            kenanga,
            "parenting",
            12,
            "Mendampingi anak belajar di rumah",
        ),
    ];
    for (i, (region, kind, ago, activity)) in sessions.iter().enumerate() {
        let input = RawSession {
            jenis: (*kind).into(),
            tanggal: (today - chrono::Duration::days(*ago)).to_string(),
            kegiatan: (*activity).into(),
            fasilitator: "Nurhayati".into(),
        }
        .check(today)
        .map_err(|e| DbError::Setup(format!("demo session: {e:?}")))?;
        let id = create_session(&mut tx, &actor, region, &input).await?;
        let s = on_tx!(&mut tx, c => sqlx::query_as::<_, SessionRow>(sqlx::AssertSqlSafe(format!(
            "SELECT {SESSION_COLUMNS} FROM learning_sessions WHERE id = $1"
        ))).bind(id).fetch_one(c).await)?;
        let marks: Vec<(Id, bool)> = if *kind == "parenting" {
            rohmah.iter().map(|p| (p.id, true)).collect()
        } else {
            // Consented children of the village; Eka (no consent) is never on a sheet.
            ids.iter()
                .filter(|(r, _)| r == region)
                .take(if *region == kenanga { 4 } else { 2 })
                .enumerate()
                .map(|(n, (_, child))| (*child, !(n == 2 || (n == 1 && i == 0))))
                .collect()
        };
        record_attendance(&mut tx, &actor, &s, &marks).await?;
    }
    tx.commit().await
}
