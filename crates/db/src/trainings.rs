//! Trainings of the village facilitator: trainings, their sessions, participants from the
//! registry, attendance, completions. The rules are in `core::trainings`; the certificate asked
//! for at completion is a letter (`crate::letters`), made in the same transaction.

use crate::audit::{self, Actor};
use crate::letters::{self, NewLetter};
use crate::{Db, DbError, Result, Tx, on_pool, on_tx};
use chrono::{DateTime, NaiveDate, Utc};
use desmigratif_core::id::Id;
use desmigratif_core::letters::LetterStatus;
use desmigratif_core::now;
use desmigratif_core::trainings::{CERTIFICATE_KIND, SessionInput, TrainingInput};

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct TrainingRow {
    pub id: Id,
    pub village_code: String,
    pub topic: String,
    pub institution: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str =
    "id, village_code, topic, institution, starts_on, ends_on, created_by, created_at, updated_at";

/// A training in a list: its counts beside it.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct TrainingListRow {
    pub id: Id,
    pub village_code: String,
    pub topic: String,
    pub institution: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub sessions: i64,
    pub participants: i64,
    pub completed: i64,
}

/// The provider names to suggest, in name order.
pub async fn institutions(db: &Db) -> Result<Vec<String>> {
    Ok(
        on_pool!(db, p => sqlx::query_scalar("SELECT name FROM training_institutions ORDER BY name")
        .fetch_all(p).await)?,
    )
}

async fn remember_institution(tx: &mut Tx, name: &str) -> Result<()> {
    on_tx!(tx, c => sqlx::query("INSERT INTO training_institutions (name) VALUES ($1) ON CONFLICT (name) DO NOTHING")
        .bind(name).execute(c).await.map(|_| ()))?;
    Ok(())
}

pub async fn create(tx: &mut Tx, actor: &Actor, t: &TrainingInput) -> Result<Id> {
    let id = Id::new();
    let at = now();
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO trainings (id, village_code, topic, institution, starts_on, ends_on, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
    )
    .bind(id).bind(&t.village_code).bind(&t.topic).bind(&t.institution).bind(t.starts_on).bind(t.ends_on)
    .bind(&actor.label).bind(at)
    .execute(c).await.map(|_| ()))?;
    remember_institution(tx, &t.institution).await?;
    audit::record_change(
        tx,
        actor,
        "training",
        id,
        "create",
        &t.village_code,
        &["topic", "institution", "dates"],
    )
    .await?;
    Ok(id)
}

/// Replaces what a training says; its village stays (sessions and participants belong to it).
pub async fn update(
    tx: &mut Tx,
    actor: &Actor,
    t: &TrainingRow,
    input: &TrainingInput,
) -> Result<()> {
    let outside: i64 = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM training_sessions WHERE training_id = $1 AND (held_on < $2 OR held_on > $3)",
    ).bind(t.id).bind(input.starts_on).bind(input.ends_on).fetch_one(c).await)?;
    if outside > 0 {
        return Err(DbError::Conflict(format!(
            "{outside} sesi berada di luar tanggal yang baru; ubah atau pindahkan sesinya dulu"
        )));
    }
    on_tx!(tx, c => sqlx::query(
        "UPDATE trainings SET topic = $1, institution = $2, starts_on = $3, ends_on = $4, updated_at = $5 WHERE id = $6",
    )
    .bind(&input.topic).bind(&input.institution).bind(input.starts_on).bind(input.ends_on).bind(now()).bind(t.id)
    .execute(c).await.map(|_| ()))?;
    remember_institution(tx, &input.institution).await?;
    audit::record_change(
        tx,
        actor,
        "training",
        t.id,
        "update",
        &t.village_code,
        &["topic", "institution", "dates"],
    )
    .await
}

pub async fn get(db: &Db, id: Id) -> Result<Option<TrainingRow>> {
    let sql = format!("SELECT {COLUMNS} FROM trainings WHERE id = $1");
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(p).await)?,
    )
}

/// A page of a region's trainings (`None`: the nation), latest start first, and whether more follow.
pub async fn list(
    db: &Db,
    region: Option<&str>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<TrainingListRow>, bool)> {
    crate::page_in_region(
        db,
        "SELECT * FROM (SELECT t.id, t.village_code, t.village_code AS region_code, t.topic, t.institution, t.starts_on, t.ends_on,
                (SELECT COUNT(*) FROM training_sessions s WHERE s.training_id = t.id) AS sessions,
                (SELECT COUNT(*) FROM training_participants p WHERE p.training_id = t.id) AS participants,
                (SELECT COUNT(*) FROM training_participants p WHERE p.training_id = t.id AND p.completed_on IS NOT NULL) AS completed
            FROM trainings t) x",
        region,
        "",
        "starts_on DESC, id DESC",
        offset,
        limit,
    )
    .await
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct SessionRow {
    pub id: Id,
    pub training_id: Id,
    pub held_on: NaiveDate,
    pub subject: String,
    pub present: i64,
}

pub async fn sessions(db: &Db, training_id: Id) -> Result<Vec<SessionRow>> {
    Ok(on_pool!(db, p => sqlx::query_as(
        "SELECT s.id, s.training_id, s.held_on, s.subject,
                (SELECT COUNT(*) FROM training_attendance a WHERE a.session_id = s.id) AS present
         FROM training_sessions s WHERE s.training_id = $1 ORDER BY s.held_on, s.id",
    ).bind(training_id).fetch_all(p).await)?)
}

pub async fn add_session(
    tx: &mut Tx,
    actor: &Actor,
    t: &TrainingRow,
    s: &SessionInput,
) -> Result<Id> {
    let id = Id::new();
    on_tx!(tx, c => sqlx::query("INSERT INTO training_sessions (id, training_id, held_on, subject) VALUES ($1, $2, $3, $4)")
        .bind(id).bind(t.id).bind(s.held_on).bind(&s.subject).execute(c).await.map(|_| ()))?;
    audit::record_change(
        tx,
        actor,
        "training",
        t.id,
        "session_add",
        &t.village_code,
        &["sessions"],
    )
    .await?;
    Ok(id)
}

/// A participant with what the training page shows: attendance and the certificate's state.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct ParticipantRow {
    pub person_id: Id,
    pub name: String,
    #[serde(
        rename = "nik_masked",
        serialize_with = "desmigratif_core::nik::serialize_masked"
    )]
    pub nik_prefix: String,
    pub attended: i64,
    pub completed_on: Option<NaiveDate>,
    pub letter_id: Option<Id>,
    pub letter_status: Option<String>,
    pub letter_code: Option<String>,
}

pub async fn participants(db: &Db, training_id: Id) -> Result<Vec<ParticipantRow>> {
    Ok(on_pool!(db, p => sqlx::query_as(
        "SELECT tp.person_id, p.name, p.nik_prefix,
                (SELECT COUNT(*) FROM training_attendance a JOIN training_sessions s ON s.id = a.session_id
                  WHERE s.training_id = tp.training_id AND a.person_id = tp.person_id) AS attended,
                tp.completed_on, tp.letter_id, l.status AS letter_status, l.code AS letter_code
         FROM training_participants tp JOIN persons p ON p.id = tp.person_id LEFT JOIN letters l ON l.id = tp.letter_id
         WHERE tp.training_id = $1 ORDER BY p.name_key, p.id",
    ).bind(training_id).fetch_all(p).await)?)
}

/// Adds a person of the training's village (the caller checked the village); adding twice is harmless.
pub async fn add_participant(
    tx: &mut Tx,
    actor: &Actor,
    t: &TrainingRow,
    person_id: Id,
) -> Result<()> {
    let added = on_tx!(tx, c => sqlx::query(
        "INSERT INTO training_participants (training_id, person_id, added_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
    ).bind(t.id).bind(person_id).bind(now()).execute(c).await.map(|r| r.rows_affected()))?;
    if added == 1 {
        audit::record_change(
            tx,
            actor,
            "training",
            t.id,
            "participant_add",
            &t.village_code,
            &["participants"],
        )
        .await?;
    }
    Ok(())
}

/// Ids of those present at a session.
pub async fn present(db: &Db, session_id: Id) -> Result<Vec<Id>> {
    Ok(
        on_pool!(db, p => sqlx::query_scalar("SELECT person_id FROM training_attendance WHERE session_id = $1")
        .bind(session_id).fetch_all(p).await)?,
    )
}

/// Sets who was present at a session to exactly `present` (participants only): sending the same
/// list again changes nothing.
pub async fn set_attendance(
    tx: &mut Tx,
    actor: &Actor,
    t: &TrainingRow,
    session_id: Id,
    present: &[Id],
) -> Result<()> {
    on_tx!(tx, c => sqlx::query("DELETE FROM training_attendance WHERE session_id = $1")
        .bind(session_id).execute(c).await.map(|_| ()))?;
    for person in present {
        on_tx!(tx, c => sqlx::query(
            "INSERT INTO training_attendance (session_id, person_id)
             SELECT $1, person_id FROM training_participants WHERE training_id = $2 AND person_id = $3",
        ).bind(session_id).bind(t.id).bind(*person).execute(c).await.map(|_| ()))?;
    }
    audit::record_change(
        tx,
        actor,
        "training",
        t.id,
        "attendance",
        &t.village_code,
        &["attendance"],
    )
    .await
}

/// (sessions attended by the person, sessions of the training), read in the completing transaction.
pub async fn attendance_of(tx: &mut Tx, training_id: Id, person_id: Id) -> Result<(i64, i64)> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM training_attendance a JOIN training_sessions s ON s.id = a.session_id
                  WHERE s.training_id = $1 AND a.person_id = $2),
                (SELECT COUNT(*) FROM training_sessions WHERE training_id = $1)",
    ).bind(training_id).bind(person_id).fetch_one(c).await)?)
}

/// Records a completion (the caller checked `core::trainings::check_completion` in this
/// transaction) and asks for the certificate: a letter of kind `sertifikat_pelatihan` about the
/// person, with the training's facts as its fields, sent for the village head's signature.
pub async fn complete(
    tx: &mut Tx,
    actor: &Actor,
    t: &TrainingRow,
    person_id: Id,
    fields: &serde_json::Value,
    today: NaiveDate,
) -> Result<Id> {
    let letter = letters::create(
        tx,
        actor,
        &NewLetter {
            village_code: t.village_code.clone(),
            kind: CERTIFICATE_KIND.into(),
            person_id: Some(person_id),
            fields: fields.to_string(),
            requested_via: "staff",
            requested_by: actor.label.clone(),
            requester_nik_enc: None,
            requester_phone_enc: None,
            tracking_code: None,
            supersedes: None,
        },
    )
    .await?;
    for to in [LetterStatus::InReview, LetterStatus::AwaitingSignature] {
        let row = letters::letter_in_tx(tx, letter).await?;
        letters::step(tx, actor, &row, to, "sertifikat pelatihan").await?;
    }
    let done = on_tx!(tx, c => sqlx::query(
        "UPDATE training_participants SET completed_on = $1, completed_by = $2, letter_id = $3
         WHERE training_id = $4 AND person_id = $5 AND completed_on IS NULL",
    ).bind(today).bind(&actor.label).bind(letter).bind(t.id).bind(person_id).execute(c).await.map(|r| r.rows_affected()))?;
    if done == 0 {
        return Err(DbError::Conflict(
            "peserta ini sudah dinyatakan selesai, atau bukan peserta pelatihan ini".into(),
        ));
    }
    audit::record_change(
        tx,
        actor,
        "training",
        t.id,
        "complete",
        &t.village_code,
        &["completion"],
    )
    .await?;
    Ok(letter)
}

/// The demo: a finished training in Kenanga (BBPLK Lembang, seafood processing) with its
/// sessions and attendance, and one planned in Kuripan (salak processing). Participants who
/// came to every session are marked as completed and their certificates wait for the village
/// head's signature (the database layer cannot render the PDF; the head signs in the letters
/// inbox). When the letter kinds are not seeded yet, completions are left for the facilitator.
pub async fn demo(db: &Db) -> Result<()> {
    use desmigratif_core::trainings::{RawSession, RawTraining, check_completion};
    let today = (now() + chrono::Duration::hours(7)).date_naive();
    let day = |n: i64| (today + chrono::Duration::days(n)).to_string();
    let invalid = |e: Vec<desmigratif_core::Invalid>| DbError::Setup(format!("{e:?}"));
    let has_kind = letters::kind(db, CERTIFICATE_KIND).await?.is_some();
    // (village, facilitator, topic, institution, first day, last day, sessions, attendance by
    // participant: sessions attended)
    type Demo<'a> = (
        &'a str,
        &'a str,
        &'a str,
        &'a str,
        i64,
        i64,
        &'a [(i64, &'a str)],
        &'a [usize],
    );
    let trainings: [Demo; 2] = [
        (
            crate::demo::KENANGA,
            "pendamping.kenanga",
            "Pengolahan hasil laut: abon, kerupuk dan ikan asap",
            "BBPLK Lembang",
            -40,
            -38,
            &[
                (-40, "Sanitasi dan keamanan pangan"),
                (-39, "Pembuatan abon dan kerupuk ikan"),
                (-38, "Pengemasan, label dan harga jual"),
            ],
            &[3, 3, 2],
        ),
        (
            crate::demo::KURIPAN,
            "pendamping.kuripan",
            "Olahan salak: dodol, keripik dan manisan",
            "BLK Semarang",
            14,
            15,
            &[
                (14, "Pengolahan dodol dan manisan salak"),
                (15, "Keripik salak dan pemasaran daring"),
            ],
            &[0, 0],
        ),
    ];
    for (village, who, topic, institution, from, to, sessions, attended) in trainings {
        let actor = Actor::system(who);
        let input = RawTraining {
            topik: topic.into(),
            lembaga: institution.into(),
            desa: village.into(),
            mulai: day(from),
            selesai: day(to),
        }
        .check()
        .map_err(invalid)?;
        let people: Vec<Id> = on_pool!(db, p => sqlx::query_scalar(
            "SELECT id FROM persons WHERE village_code = $1 ORDER BY name_key, id LIMIT $2",
        ).bind(village).bind(attended.len() as i64).fetch_all(p).await)?;
        let mut tx = db.begin().await?;
        let id = create(&mut tx, &actor, &input).await?;
        let t = on_tx!(&mut tx, c => sqlx::query_as::<_, TrainingRow>(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM trainings WHERE id = $1")))
            .bind(id).fetch_one(c).await)?;
        for person in &people {
            add_participant(&mut tx, &actor, &t, *person).await?;
        }
        for (i, (n, subject)) in sessions.iter().enumerate() {
            let s = RawSession {
                tanggal: day(*n),
                materi: (*subject).into(),
            }
            .check(t.starts_on, t.ends_on)
            .map_err(invalid)?;
            let session = add_session(&mut tx, &actor, &t, &s).await?;
            if *n < 0 {
                let present: Vec<Id> = people
                    .iter()
                    .zip(attended)
                    .filter(|(_, a)| **a > i)
                    .map(|(p, _)| *p)
                    .collect();
                set_attendance(&mut tx, &actor, &t, session, &present).await?;
            }
        }
        for person in &people {
            let (came, held) = attendance_of(&mut tx, t.id, *person).await?;
            if has_kind && came == held && check_completion(came as u32, held as u32).is_ok() {
                let fields = serde_json::json!({
                    "training": t.topic, "institution": t.institution,
                    "starts_on": t.starts_on.to_string(), "ends_on": t.ends_on.to_string(),
                    "attendance": format!("{came} dari {held} sesi"),
                });
                complete(&mut tx, &actor, &t, *person, &fields, t.ends_on).await?;
            }
        }
        tx.commit().await?;
    }
    Ok(())
}
