//! The villages this deployment serves: one on a village laptop, many on a district server.

use crate::audit::{self, Actor};
use crate::{Db, Result, Tx, conflict_on_duplicate, on_pool, on_tx};
use chrono::{DateTime, Utc};
use desmigratif_core::id::Id;
use desmigratif_core::now;
use desmigratif_core::region::{RegionCode, Scope};
use desmigratif_core::village::VillageProfile;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct VillageRow {
    pub id: Id,
    pub code: String,
    pub name: String,
    pub head_title: String,
    pub head_name: String,
    pub office_address: String,
    pub phone: String,
    pub email: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl VillageRow {
    pub fn profile(&self) -> VillageProfile {
        VillageProfile {
            head_title: self.head_title.clone(),
            head_name: self.head_name.clone(),
            office_address: self.office_address.clone(),
            phone: self.phone.clone(),
            email: self.email.clone(),
        }
    }
}

const COLUMNS: &str =
    "id, code, name, head_title, head_name, office_address, phone, email, created_at, updated_at";

pub async fn add(
    tx: &mut Tx,
    actor: &Actor,
    code: &RegionCode,
    name: &str,
    profile: &VillageProfile,
) -> Result<Id> {
    let id = Id::new();
    let at = now();
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO villages (id, code, name, head_title, head_name, office_address, phone, email, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
    )
    .bind(id)
    .bind(code.as_str())
    .bind(name)
    .bind(&profile.head_title)
    .bind(&profile.head_name)
    .bind(&profile.office_address)
    .bind(&profile.phone)
    .bind(&profile.email)
    .bind(at)
    .execute(c)
    .await.map(|r| r.rows_affected()))
    .map_err(|e| conflict_on_duplicate(e, format!("desa {code} sudah dilayani deployment ini")))?;
    audit::record_change(
        tx,
        actor,
        "village",
        id,
        "create",
        code.as_str(),
        &["code", "name"],
    )
    .await?;
    Ok(id)
}

pub async fn list(db: &Db) -> Result<Vec<VillageRow>> {
    let sql = format!("SELECT {COLUMNS} FROM villages ORDER BY code");
    Ok(on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(p).await)?)
}

pub async fn list_within(db: &Db, scope: &Scope) -> Result<Vec<VillageRow>> {
    let all = list(db).await?;
    Ok(all
        .into_iter()
        .filter(|v| v.code.parse().is_ok_and(|c| scope.covers(&c)))
        .collect())
}

pub async fn by_code(db: &Db, code: &RegionCode) -> Result<Option<VillageRow>> {
    let sql = format!("SELECT {COLUMNS} FROM villages WHERE code = $1");
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(code.as_str()).fetch_optional(p).await)?,
    )
}

/// Saves a validated profile and records which fields changed.
pub async fn update_profile(
    tx: &mut Tx,
    actor: &Actor,
    village: &VillageRow,
    profile: &VillageProfile,
) -> Result<Vec<&'static str>> {
    let old = village.profile();
    let changed: Vec<&'static str> = [
        ("head_title", old.head_title != profile.head_title),
        ("head_name", old.head_name != profile.head_name),
        (
            "office_address",
            old.office_address != profile.office_address,
        ),
        ("phone", old.phone != profile.phone),
        ("email", old.email != profile.email),
    ]
    .into_iter()
    .filter_map(|(f, c)| c.then_some(f))
    .collect();
    if changed.is_empty() {
        return Ok(changed);
    }
    on_tx!(tx, c => sqlx::query(
        "UPDATE villages SET head_title = $1, head_name = $2, office_address = $3, phone = $4, email = $5, updated_at = $6 WHERE id = $7",
    )
    .bind(&profile.head_title)
    .bind(&profile.head_name)
    .bind(&profile.office_address)
    .bind(&profile.phone)
    .bind(&profile.email)
    .bind(now())
    .bind(village.id)
    .execute(c)
    .await.map(|r| r.rows_affected()))?;
    audit::record_change(
        tx,
        actor,
        "village",
        village.id,
        "update",
        &village.code,
        &changed,
    )
    .await?;
    Ok(changed)
}
