//! Pillar 2 records: businesses and their owners, permits, monthly results, mentoring visits,
//! KUR referrals, and equipment aid with its condition checks. The rules are `core::business`;
//! every write happens in the caller's transaction with its audit entry.

use crate::audit::{self, Actor};
use crate::{Db, DbError, Result, Tx, on_pool, on_tx};
use chrono::{DateTime, NaiveDate, Utc};
use desmigratif_core::business::{
    AidCheckInput, AidInput, BusinessInput, KurDecision, KurInput, KurStatus, Month, MonthlyReport,
    PermitInput, VisitInput,
};
use desmigratif_core::id::Id;
use desmigratif_core::now;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BusinessRow {
    pub id: Id,
    pub region_code: String,
    pub name: String,
    pub sector: String,
    pub products: String,
    pub address: String,
    pub phone: String,
    pub started_on: Option<NaiveDate>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, region_code, name, sector, products, address, phone, started_on, active, created_at, updated_at";

/// A line of the business list: the business and where its follow-up stands.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BusinessLine {
    pub id: Id,
    pub region_code: String,
    pub name: String,
    pub sector: String,
    pub products: String,
    pub active: bool,
    pub last_month: Option<String>,
    pub last_visit: Option<NaiveDate>,
}

pub async fn create(tx: &mut Tx, actor: &Actor, region: &str, b: &BusinessInput) -> Result<Id> {
    let id = Id::new();
    let at = now();
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO businesses (id, region_code, name, sector, products, address, phone, started_on, active, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
    )
    .bind(id).bind(region).bind(&b.name).bind(b.sector.as_str()).bind(&b.products).bind(&b.address)
    .bind(&b.phone).bind(b.started_on).bind(b.active).bind(at)
    .execute(c).await.map(|_| ()))?;
    audit::record_change(tx, actor, "business", id, "create", region, &[]).await?;
    Ok(id)
}

pub async fn update(
    tx: &mut Tx,
    actor: &Actor,
    row: &BusinessRow,
    b: &BusinessInput,
) -> Result<()> {
    on_tx!(tx, c => sqlx::query(
        "UPDATE businesses SET name = $1, sector = $2, products = $3, address = $4, phone = $5, started_on = $6,
                               active = $7, updated_at = $8
         WHERE id = $9",
    )
    .bind(&b.name).bind(b.sector.as_str()).bind(&b.products).bind(&b.address).bind(&b.phone)
    .bind(b.started_on).bind(b.active).bind(now()).bind(row.id)
    .execute(c).await.map(|_| ()))?;
    audit::record_change(
        tx,
        actor,
        "business",
        row.id,
        "update",
        &row.region_code,
        &[
            "name",
            "sector",
            "products",
            "address",
            "phone",
            "started_on",
            "active",
        ],
    )
    .await
}

pub async fn get_in_tx(tx: &mut Tx, id: Id) -> Result<BusinessRow> {
    let sql = format!("SELECT {COLUMNS} FROM businesses WHERE id = $1");
    on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(c).await)?
        .ok_or(DbError::NotFound)
}

pub async fn get(db: &Db, id: Id) -> Result<Option<BusinessRow>> {
    let sql = format!("SELECT {COLUMNS} FROM businesses WHERE id = $1");
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(p).await)?,
    )
}

/// Businesses of a region (a village, or everything below a prefix; `None` for the nation), by
/// name.
pub async fn list(
    db: &Db,
    region: Option<&str>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<BusinessLine>, bool)> {
    crate::page_in_region(
        db,
        "SELECT id, region_code, name, sector, products, active,
                (SELECT MAX(r.month) FROM business_reports r WHERE r.business_id = businesses.id) AS last_month,
                (SELECT MAX(v.visited_on) FROM mentoring_visits v WHERE v.business_id = businesses.id) AS last_visit
         FROM businesses",
        region,
        "",
        "active DESC, name, id",
        offset,
        limit,
    )
    .await
}

// --- owners ------------------------------------------------------------------------------------

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OwnerRow {
    pub person_id: Id,
    pub name: String,
    pub nik_prefix: String,
    pub village_code: String,
}

pub async fn owners(db: &Db, business: Id) -> Result<Vec<OwnerRow>> {
    Ok(on_pool!(db, p => sqlx::query_as(
        "SELECT p.id AS person_id, p.name, p.nik_prefix, p.village_code FROM business_owners o
         JOIN persons p ON p.id = o.person_id WHERE o.business_id = $1 ORDER BY p.name",
    )
    .bind(business).fetch_all(p).await)?)
}

/// Adds an owner (a person of the business's own village, which the caller has checked); adding
/// the same person twice changes nothing.
pub async fn add_owner(tx: &mut Tx, actor: &Actor, b: &BusinessRow, person: Id) -> Result<()> {
    let added = on_tx!(tx, c => sqlx::query(
        "INSERT INTO business_owners (business_id, person_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
    )
    .bind(b.id).bind(person).execute(c).await.map(|r| r.rows_affected()))?;
    if added > 0 {
        audit::record_change(
            tx,
            actor,
            "business",
            b.id,
            "update",
            &b.region_code,
            &["owners"],
        )
        .await?;
    }
    Ok(())
}

pub async fn remove_owner(tx: &mut Tx, actor: &Actor, b: &BusinessRow, person: Id) -> Result<()> {
    let removed = on_tx!(tx, c => sqlx::query(
        "DELETE FROM business_owners WHERE business_id = $1 AND person_id = $2",
    )
    .bind(b.id).bind(person).execute(c).await.map(|r| r.rows_affected()))?;
    if removed == 0 {
        return Err(DbError::NotFound);
    }
    audit::record_change(
        tx,
        actor,
        "business",
        b.id,
        "update",
        &b.region_code,
        &["owners"],
    )
    .await
}

// --- permits -----------------------------------------------------------------------------------

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PermitRow {
    pub id: Id,
    pub business_id: Id,
    pub kind: String,
    pub number: String,
    pub issued_on: NaiveDate,
    pub expires_on: Option<NaiveDate>,
}

pub async fn permits(db: &Db, business: Id) -> Result<Vec<PermitRow>> {
    Ok(on_pool!(db, p => sqlx::query_as(
        "SELECT id, business_id, kind, number, issued_on, expires_on FROM business_permits
         WHERE business_id = $1 ORDER BY kind, issued_on DESC",
    )
    .bind(business).fetch_all(p).await)?)
}

pub async fn add_permit(
    tx: &mut Tx,
    actor: &Actor,
    b: &BusinessRow,
    p: &PermitInput,
) -> Result<Id> {
    let exists: i64 = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM business_permits WHERE business_id = $1 AND kind = $2 AND number = $3",
    )
    .bind(b.id).bind(p.kind.as_str()).bind(&p.number).fetch_one(c).await)?;
    if exists > 0 {
        return Err(DbError::Conflict(format!(
            "{} nomor {} sudah tercatat untuk usaha ini",
            p.kind.label_id(),
            p.number
        )));
    }
    let id = Id::new();
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO business_permits (id, business_id, kind, number, issued_on, expires_on, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id).bind(b.id).bind(p.kind.as_str()).bind(&p.number).bind(p.issued_on).bind(p.expires_on).bind(now())
    .execute(c).await.map(|_| ()))?;
    audit::record_change(
        tx,
        actor,
        "business",
        b.id,
        "update",
        &b.region_code,
        &["permits"],
    )
    .await?;
    Ok(id)
}

pub async fn remove_permit(tx: &mut Tx, actor: &Actor, b: &BusinessRow, permit: Id) -> Result<()> {
    let removed = on_tx!(tx, c => sqlx::query(
        "DELETE FROM business_permits WHERE id = $1 AND business_id = $2",
    )
    .bind(permit).bind(b.id).execute(c).await.map(|r| r.rows_affected()))?;
    if removed == 0 {
        return Err(DbError::NotFound);
    }
    audit::record_change(
        tx,
        actor,
        "business",
        b.id,
        "update",
        &b.region_code,
        &["permits"],
    )
    .await
}

// --- monthly reports ---------------------------------------------------------------------------

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReportRow {
    pub month: String,
    pub revenue: i64,
    pub costs: i64,
    pub workers: i32,
    pub note: String,
}

/// The reports from `since` on, oldest first.
pub async fn reports(db: &Db, business: Id, since: Month) -> Result<Vec<ReportRow>> {
    Ok(on_pool!(db, p => sqlx::query_as(
        "SELECT month, revenue, costs, workers, note FROM business_reports
         WHERE business_id = $1 AND month >= $2 ORDER BY month",
    )
    .bind(business).bind(since.to_string()).fetch_all(p).await)?)
}

/// Records a month's figures; a second report for the same month corrects the first.
pub async fn save_report(
    tx: &mut Tx,
    actor: &Actor,
    b: &BusinessRow,
    r: &MonthlyReport,
) -> Result<()> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO business_reports (business_id, month, revenue, costs, workers, note, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (business_id, month) DO UPDATE SET revenue = excluded.revenue, costs = excluded.costs,
             workers = excluded.workers, note = excluded.note, updated_at = excluded.updated_at",
    )
    .bind(b.id).bind(r.month.to_string()).bind(r.revenue).bind(r.costs).bind(r.workers).bind(&r.note).bind(now())
    .execute(c).await.map(|_| ()))?;
    audit::record_change(
        tx,
        actor,
        "business",
        b.id,
        "update",
        &b.region_code,
        &["reports"],
    )
    .await
}

// --- mentoring visits --------------------------------------------------------------------------

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct VisitRow {
    pub id: Id,
    pub business_id: Id,
    pub visited_on: NaiveDate,
    pub facilitator: String,
    pub notes: String,
    pub next_steps: String,
    pub follow_up_on: Option<NaiveDate>,
}

pub async fn visits(db: &Db, business: Id) -> Result<Vec<VisitRow>> {
    Ok(on_pool!(db, p => sqlx::query_as(
        "SELECT id, business_id, visited_on, facilitator, notes, next_steps, follow_up_on FROM mentoring_visits
         WHERE business_id = $1 ORDER BY visited_on DESC, id DESC",
    )
    .bind(business).fetch_all(p).await)?)
}

pub async fn add_visit(
    tx: &mut Tx,
    actor: &Actor,
    b: &BusinessRow,
    facilitator: &str,
    v: &VisitInput,
) -> Result<Id> {
    let id = Id::new();
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO mentoring_visits (id, business_id, visited_on, facilitator, notes, next_steps, follow_up_on, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(id).bind(b.id).bind(v.visited_on).bind(facilitator).bind(&v.notes).bind(&v.next_steps)
    .bind(v.follow_up_on).bind(&actor.label).bind(now())
    .execute(c).await.map(|_| ()))?;
    audit::record_change(
        tx,
        actor,
        "business",
        b.id,
        "update",
        &b.region_code,
        &["visits"],
    )
    .await?;
    Ok(id)
}

/// A follow-up that has come due: the visit that promised it and the business.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DueRow {
    pub business_id: Id,
    pub name: String,
    pub visited_on: NaiveDate,
    pub follow_up_on: NaiveDate,
    pub next_steps: String,
}

/// Follow-ups due by `on` in a region whose business has not been visited since
/// (`core::business::follow_up_due`), the oldest promise first.
pub async fn follow_ups_due(db: &Db, region: &str, on: NaiveDate) -> Result<Vec<DueRow>> {
    Ok(on_pool!(db, p => sqlx::query_as(
        "SELECT v.business_id, b.name, v.visited_on, v.follow_up_on, v.next_steps
         FROM mentoring_visits v JOIN businesses b ON b.id = v.business_id
         WHERE v.follow_up_on IS NOT NULL AND v.follow_up_on <= $1
           AND (b.region_code = $2 OR b.region_code LIKE $3)
           AND NOT EXISTS (SELECT 1 FROM mentoring_visits w
                           WHERE w.business_id = v.business_id AND w.visited_on > v.visited_on)
         ORDER BY v.follow_up_on, b.name LIMIT 50",
    )
    .bind(on).bind(region).bind(format!("{region}.%")).fetch_all(p).await)?)
}

// --- KUR referrals -----------------------------------------------------------------------------

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct KurRow {
    pub id: Id,
    pub business_id: Id,
    pub bank: String,
    pub amount: i64,
    pub status: String,
    pub referred_on: NaiveDate,
    pub decided_on: Option<NaiveDate>,
    pub approved_amount: Option<i64>,
    pub note: String,
}

impl KurRow {
    pub fn status(&self) -> KurStatus {
        self.status.parse().unwrap_or(KurStatus::Submitted)
    }
}

const KUR_COLUMNS: &str =
    "id, business_id, bank, amount, status, referred_on, decided_on, approved_amount, note";

pub async fn kur_referrals(db: &Db, business: Id) -> Result<Vec<KurRow>> {
    let sql = format!(
        "SELECT {KUR_COLUMNS} FROM kur_referrals WHERE business_id = $1 ORDER BY referred_on DESC, id DESC"
    );
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(business).fetch_all(p).await)?,
    )
}

pub async fn kur_in_tx(tx: &mut Tx, id: Id) -> Result<KurRow> {
    let sql = format!("SELECT {KUR_COLUMNS} FROM kur_referrals WHERE id = $1");
    on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(c).await)?
        .ok_or(DbError::NotFound)
}

pub async fn refer_kur(tx: &mut Tx, actor: &Actor, b: &BusinessRow, k: &KurInput) -> Result<Id> {
    let id = Id::new();
    let at = now();
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO kur_referrals (id, business_id, bank, amount, status, referred_on, note, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'diajukan', $5, $6, $7, $7)",
    )
    .bind(id).bind(b.id).bind(&k.bank).bind(k.amount).bind(k.referred_on).bind(&k.note).bind(at)
    .execute(c).await.map(|_| ()))?;
    audit::record_change(
        tx,
        actor,
        "business",
        b.id,
        "update",
        &b.region_code,
        &["kur"],
    )
    .await?;
    Ok(id)
}

/// Records the bank's decision (or the disbursement, or a withdrawal); the caller checked the
/// move against the state it read, and a concurrent change makes this a conflict.
pub async fn decide_kur(
    tx: &mut Tx,
    actor: &Actor,
    b: &BusinessRow,
    k: &KurRow,
    d: &KurDecision,
) -> Result<()> {
    let approved = d.approved_amount.or(k.approved_amount);
    let done = on_tx!(tx, c => sqlx::query(
        "UPDATE kur_referrals SET status = $1, decided_on = $2, approved_amount = $3, updated_at = $4
         WHERE id = $5 AND business_id = $6 AND status = $7",
    )
    .bind(d.status.as_str()).bind(d.decided_on).bind(approved).bind(now()).bind(k.id).bind(b.id).bind(&k.status)
    .execute(c).await.map(|r| r.rows_affected()))?;
    if done == 0 {
        return Err(DbError::Conflict(
            "pengajuan KUR ini baru saja diubah orang lain; muat ulang halaman".into(),
        ));
    }
    audit::record_change(
        tx,
        actor,
        "business",
        b.id,
        "update",
        &b.region_code,
        &["kur"],
    )
    .await
}

// --- equipment aid -----------------------------------------------------------------------------

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AidRow {
    pub id: Id,
    pub region_code: String,
    pub business_id: Option<Id>,
    pub person_id: Id,
    pub item: String,
    pub value: i64,
    pub source: String,
    pub source_detail: String,
    pub received_on: NaiveDate,
    pub recipient: String,
    pub business: Option<String>,
    pub last_check: Option<NaiveDate>,
    pub last_condition: Option<String>,
}

const AID_SELECT: &str = "SELECT id, region_code, business_id, person_id, item, value, source, source_detail, received_on,
        (SELECT p.name FROM persons p WHERE p.id = equipment_aid.person_id) AS recipient,
        (SELECT b.name FROM businesses b WHERE b.id = equipment_aid.business_id) AS business,
        (SELECT MAX(k.checked_on) FROM aid_checks k WHERE k.aid_id = equipment_aid.id) AS last_check,
        (SELECT k.condition FROM aid_checks k WHERE k.aid_id = equipment_aid.id
         ORDER BY k.checked_on DESC, k.id DESC LIMIT 1) AS last_condition
     FROM equipment_aid";

pub async fn aid_list(
    db: &Db,
    region: Option<&str>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<AidRow>, bool)> {
    crate::page_in_region(
        db,
        AID_SELECT,
        region,
        "",
        "received_on DESC, id DESC",
        offset,
        limit,
    )
    .await
}

pub async fn aid(db: &Db, id: Id) -> Result<Option<AidRow>> {
    let sql = format!("{AID_SELECT} WHERE id = $1");
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(p).await)?,
    )
}

pub async fn aid_in_tx(tx: &mut Tx, id: Id) -> Result<AidRow> {
    let sql = format!("{AID_SELECT} WHERE id = $1");
    on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(c).await)?
        .ok_or(DbError::NotFound)
}

pub async fn aid_of_business(db: &Db, business: Id) -> Result<Vec<AidRow>> {
    let sql = format!("{AID_SELECT} WHERE business_id = $1 ORDER BY received_on DESC");
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(business).fetch_all(p).await)?,
    )
}

/// Who received a piece of equipment: a person of the village, and the business it serves if any.
pub struct AidRecipient {
    pub region_code: String,
    pub person_id: Id,
    pub business_id: Option<Id>,
}

pub async fn give_aid(tx: &mut Tx, actor: &Actor, to: &AidRecipient, a: &AidInput) -> Result<Id> {
    let id = Id::new();
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO equipment_aid (id, region_code, business_id, person_id, item, value, source, source_detail, received_on, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(id).bind(&to.region_code).bind(to.business_id).bind(to.person_id).bind(&a.item).bind(a.value)
    .bind(a.source.as_str()).bind(&a.source_detail).bind(a.received_on).bind(now())
    .execute(c).await.map(|_| ()))?;
    audit::record_change(
        tx,
        actor,
        "equipment_aid",
        id,
        "create",
        &to.region_code,
        &[],
    )
    .await?;
    Ok(id)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AidCheckRow {
    pub checked_on: NaiveDate,
    pub condition: String,
    pub note: String,
}

pub async fn aid_checks(db: &Db, aid: Id) -> Result<Vec<AidCheckRow>> {
    Ok(on_pool!(db, p => sqlx::query_as(
        "SELECT checked_on, condition, note FROM aid_checks WHERE aid_id = $1 ORDER BY checked_on DESC, id DESC",
    )
    .bind(aid).fetch_all(p).await)?)
}

pub async fn check_aid(tx: &mut Tx, actor: &Actor, a: &AidRow, k: &AidCheckInput) -> Result<()> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO aid_checks (id, aid_id, checked_on, condition, note, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(Id::new()).bind(a.id).bind(k.checked_on).bind(k.condition.as_str()).bind(&k.note).bind(now())
    .execute(c).await.map(|_| ()))?;
    audit::record_change(
        tx,
        actor,
        "equipment_aid",
        a.id,
        "update",
        &a.region_code,
        &["checks"],
    )
    .await
}

// --- demo --------------------------------------------------------------------------------------

/// The demo's businesses: Kenanga's fish-skin crackers (a returnee's, a year of reports, permits
/// with one running out, a follow-up now due, an approved KUR, a sealer from Kemnaker) and mango
/// products (months missing), and Kuripan's salak processing (a fryer found damaged). The owners
/// are demo residents; everything is fictional.
pub async fn demo(db: &Db, today: NaiveDate) -> Result<()> {
    use desmigratif_core::business::{
        AidCondition, AidSource, PermitKind, RawBusiness, RawMonthlyReport,
    };
    let actor = Actor::system("demo");
    let days = |n: i64| today + chrono::Duration::days(n);
    let setup = |what: &str, e: Vec<desmigratif_core::Invalid>| {
        DbError::Setup(format!("demo {what}: {e:?}"))
    };
    struct Demo {
        village: &'static str,
        owner: &'static str,
        raw: RawBusiness,
        months: u32,
        skip: &'static [u32],
        base: i64,
    }
    let business =
        |nama: &str, sektor: &str, produk: &str, alamat: &str, telepon: &str| RawBusiness {
            nama: nama.into(),
            sektor: sektor.into(),
            produk: produk.into(),
            alamat: alamat.into(),
            telepon: telepon.into(),
            mulai: days(-600).to_string(),
            aktif: "ya".into(),
        };
    let list = [
        Demo {
            village: crate::demo::KENANGA,
            owner: "Rohmah",
            raw: business(
                "Kerupuk Kulit Ikan Mbak Rohmah",
                "olahan_pangan",
                "kerupuk kulit ikan, kerupuk udang",
                "Blok Kenanga II RT 3 RW 2",
                "0812 0000 0201",
            ),
            months: 12,
            skip: &[],
            base: 3_200_000,
        },
        Demo {
            village: crate::demo::KENANGA,
            owner: "Siti Aminah",
            raw: business(
                "Olahan Mangga Kenanga",
                "olahan_pangan",
                "manisan mangga, dodol mangga, sirup mangga",
                "Blok Kenanga I",
                "0812 0000 0202",
            ),
            months: 7,
            skip: &[2, 3],
            base: 1_800_000,
        },
        Demo {
            village: crate::demo::KURIPAN,
            owner: "Sri Wahyuni",
            raw: business(
                "Salak Kuripan Makmur",
                "olahan_pangan",
                "keripik salak, dodol salak",
                "Kuripan Krajan",
                "0812 0000 0301",
            ),
            months: 9,
            skip: &[],
            base: 2_400_000,
        },
    ];
    let mut ids = Vec::new();
    for d in &list {
        let input = d.raw.check(today).map_err(|e| setup("usaha", e))?;
        let mut tx = db.begin().await?;
        let id = create(&mut tx, &actor, d.village, &input).await?;
        let row = get_in_tx(&mut tx, id).await?;
        let owner: Option<Id> = on_tx!(&mut tx, c => sqlx::query_scalar(
            "SELECT id FROM persons WHERE village_code = $1 AND name = $2",
        )
        .bind(d.village).bind(d.owner).fetch_optional(c).await)?;
        if let Some(person) = owner {
            add_owner(&mut tx, &actor, &row, person).await?;
        }
        // Reports for the past months, oldest first, growing a little each month.
        for k in (1..=d.months).rev() {
            if d.skip.contains(&k) {
                continue;
            }
            let revenue = d.base + (d.months - k) as i64 * 150_000;
            let report = RawMonthlyReport {
                bulan: Month::of(today).back(k).to_string(),
                omzet: revenue.to_string(),
                biaya: (revenue * 55 / 100).to_string(),
                pekerja: if k < 4 { "3" } else { "2" }.into(),
                catatan: String::new(),
            }
            .check(today)
            .map_err(|e| setup("laporan", e))?;
            save_report(&mut tx, &actor, &row, &report).await?;
        }
        tx.commit().await?;
        ids.push((row, owner));
    }

    let (kerupuk, rohmah) = &ids[0];
    let (salak, sri) = &ids[2];
    let mut tx = db.begin().await?;
    for (kind, number, issued, expires) in [
        (PermitKind::Nib, "9120 3012 3456 7", days(-500), None),
        (
            PermitKind::Pirt,
            "2063212010123-27",
            days(-1790),
            Some(days(35)),
        ),
        (
            PermitKind::Halal,
            "ID32110000123450822",
            days(-300),
            Some(days(1500)),
        ),
    ] {
        let p = PermitInput {
            kind,
            number: number.into(),
            issued_on: issued,
            expires_on: expires,
        };
        add_permit(&mut tx, &actor, kerupuk, &p).await?;
    }
    let visit = |on: i64, notes: &str, steps: &str, follow: Option<i64>| VisitInput {
        visited_on: days(on),
        notes: notes.into(),
        next_steps: steps.into(),
        follow_up_on: follow.map(days),
    };
    add_visit(
        &mut tx,
        &actor,
        kerupuk,
        "Nurhayati",
        &visit(
            -95,
            "Produksi lancar; kemasan plastik tipis sering bocor saat dikirim ke Indramayu kota.",
            "Coba kemasan standing pouch dan hitung ulang harga jual.",
            Some(-65),
        ),
    )
    .await?;
    add_visit(
        &mut tx,
        &actor,
        kerupuk,
        "Nurhayati",
        &visit(
            -60,
            "Standing pouch sudah dipakai; pesanan warung naik. SPP-IRT akan habis masa berlakunya.",
            "Siapkan berkas perpanjangan SPP-IRT ke Dinas Kesehatan.",
            Some(-7),
        ),
    )
    .await?;
    add_visit(
        &mut tx,
        &actor,
        salak,
        "Endang Lestari",
        &visit(
            -20,
            "Mesin penggoreng vakum mulai bocor di sambungan; keripik kurang renyah.",
            "Hubungi teknisi penyedia mesin; catat hasil perbaikan.",
            Some(25),
        ),
    )
    .await?;
    let kur = refer_kur(
        &mut tx,
        &actor,
        kerupuk,
        &KurInput {
            bank: "BRI".into(),
            amount: 25_000_000,
            referred_on: days(-80),
            note: "KUR Mikro untuk mesin penggiling dan bahan baku.".into(),
        },
    )
    .await?;
    let k = kur_in_tx(&mut tx, kur).await?;
    decide_kur(
        &mut tx,
        &actor,
        kerupuk,
        &k,
        &KurDecision {
            status: KurStatus::Approved,
            decided_on: days(-50),
            approved_amount: Some(20_000_000),
        },
    )
    .await?;
    let gifts = [
        (
            kerupuk,
            rohmah,
            "Continuous sealer (mesin perekat kemasan)",
            7_500_000,
            AidSource::Kemnaker,
            "",
            -270,
            Some((-90, AidCondition::Good, "")),
        ),
        (
            salak,
            sri,
            "Mesin penggoreng vakum 5 kg",
            18_500_000,
            AidSource::Kemendes,
            "",
            -400,
            Some((
                -20,
                AidCondition::MinorDamage,
                "Bocor di sambungan pipa; teknisi dihubungi.",
            )),
        ),
    ];
    for (b, owner, item, value, source, detail, received, check) in gifts {
        let Some(person) = owner else { continue };
        let id = give_aid(
            &mut tx,
            &actor,
            &AidRecipient {
                region_code: b.region_code.clone(),
                person_id: *person,
                business_id: Some(b.id),
            },
            &AidInput {
                item: item.into(),
                value,
                source,
                source_detail: detail.into(),
                received_on: days(received),
            },
        )
        .await?;
        if let Some((on, condition, note)) = check {
            let row = aid_in_tx(&mut tx, id).await?;
            check_aid(
                &mut tx,
                &actor,
                &row,
                &AidCheckInput {
                    checked_on: days(on),
                    condition,
                    note: note.into(),
                },
            )
            .await?;
        }
    }
    tx.commit().await
}
