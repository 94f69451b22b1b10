//! Country guides and scam alerts: public information written by national staff in Markdown,
//! seeded from `seed/portal/` (facts from the domain brief, each with its source and the date
//! it was last checked), then the deployment's own data.

use crate::audit::{self, Actor};
use crate::{Db, DbError, Result, Tx, on_pool, on_tx};
use chrono::{DateTime, NaiveDate, Utc};
use desmigratif_core::now;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GuideRow {
    pub iso2: String,
    pub summary_id: String,
    pub summary_en: String,
    pub body_id: String,
    pub body_en: String,
    pub last_checked: NaiveDate,
    pub updated_at: DateTime<Utc>,
    pub updated_by: String,
}

const GUIDE_COLUMNS: &str =
    "iso2, summary_id, summary_en, body_id, body_en, last_checked, updated_at, updated_by";

pub async fn guides(db: &Db) -> Result<Vec<GuideRow>> {
    let sql = format!("SELECT {GUIDE_COLUMNS} FROM country_guides ORDER BY iso2");
    Ok(on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(p).await)?)
}

pub async fn guide(db: &Db, iso2: &str) -> Result<Option<GuideRow>> {
    let sql = format!("SELECT {GUIDE_COLUMNS} FROM country_guides WHERE iso2 = $1");
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(iso2).fetch_optional(p).await)?,
    )
}

/// What staff write in a guide (already checked by the caller).
pub struct GuideText<'a> {
    pub summary_id: &'a str,
    pub summary_en: &'a str,
    pub body_id: &'a str,
    pub body_en: &'a str,
    pub last_checked: NaiveDate,
}

/// Writes a country's guide, creating it if the country has none yet.
pub async fn save_guide(tx: &mut Tx, actor: &Actor, iso2: &str, g: &GuideText<'_>) -> Result<()> {
    write_guide(tx, actor, iso2, g).await?;
    audit::record_change(tx, actor, "country_guide", iso2, "update", "", &[]).await
}

/// The row alone: shipped content is installed without an audit entry, like letter kinds.
async fn write_guide(tx: &mut Tx, actor: &Actor, iso2: &str, g: &GuideText<'_>) -> Result<()> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO country_guides (iso2, summary_id, summary_en, body_id, body_en, last_checked, updated_at, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (iso2) DO UPDATE SET summary_id = excluded.summary_id, summary_en = excluded.summary_en, body_id = excluded.body_id,
             body_en = excluded.body_en, last_checked = excluded.last_checked, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
    )
    .bind(iso2).bind(g.summary_id).bind(g.summary_en).bind(g.body_id).bind(g.body_en).bind(g.last_checked).bind(now()).bind(&actor.label)
    .execute(c).await.map(|_| ()))?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct AlertRow {
    pub code: String,
    pub published_on: NaiveDate,
    pub title_id: String,
    pub title_en: String,
    pub body_id: String,
    pub body_en: String,
    pub source: String,
    pub active: bool,
    pub updated_at: DateTime<Utc>,
    pub updated_by: String,
}

const ALERT_COLUMNS: &str = "code, published_on, title_id, title_en, body_id, body_en, source, active, updated_at, updated_by";

/// Alerts, newest first; `only_active` for public pages.
pub async fn alerts(db: &Db, only_active: bool) -> Result<Vec<AlertRow>> {
    let filter = if only_active {
        "WHERE active = TRUE"
    } else {
        ""
    };
    let sql = format!(
        "SELECT {ALERT_COLUMNS} FROM scam_alerts {filter} ORDER BY published_on DESC, code"
    );
    Ok(on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(p).await)?)
}

pub async fn alert(db: &Db, code: &str) -> Result<Option<AlertRow>> {
    let sql = format!("SELECT {ALERT_COLUMNS} FROM scam_alerts WHERE code = $1");
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(code).fetch_optional(p).await)?,
    )
}

/// An alert as staff write it (already checked by the caller).
#[derive(Debug, Clone, serde::Deserialize)]
pub struct AlertText {
    pub code: String,
    pub published_on: NaiveDate,
    pub title_id: String,
    pub title_en: String,
    pub body_id: String,
    pub body_en: String,
    pub source: String,
}

/// Creates (`new`) or replaces an alert; a new alert with a code in use is refused.
pub async fn save_alert(
    tx: &mut Tx,
    actor: &Actor,
    a: &AlertText,
    active: bool,
    new: bool,
) -> Result<()> {
    write_alert(tx, actor, a, active, new).await?;
    audit::record_change(
        tx,
        actor,
        "scam_alert",
        &a.code,
        if new { "create" } else { "update" },
        "",
        &[],
    )
    .await
}

async fn write_alert(
    tx: &mut Tx,
    actor: &Actor,
    a: &AlertText,
    active: bool,
    new: bool,
) -> Result<()> {
    let at = now();
    let done = if new {
        on_tx!(tx, c => sqlx::query(
            "INSERT INTO scam_alerts (code, published_on, title_id, title_en, body_id, body_en, source, active, updated_at, updated_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&a.code).bind(a.published_on).bind(&a.title_id).bind(&a.title_en).bind(&a.body_id).bind(&a.body_en)
        .bind(&a.source).bind(active).bind(at).bind(&actor.label)
        .execute(c).await.map(|r| r.rows_affected()))
        .map_err(|e| crate::conflict_on_duplicate(e, format!("kode peringatan «{}» sudah dipakai", a.code)))?
    } else {
        on_tx!(tx, c => sqlx::query(
            "UPDATE scam_alerts SET published_on = $2, title_id = $3, title_en = $4, body_id = $5, body_en = $6, source = $7,
                    active = $8, updated_at = $9, updated_by = $10 WHERE code = $1",
        )
        .bind(&a.code).bind(a.published_on).bind(&a.title_id).bind(&a.title_en).bind(&a.body_id).bind(&a.body_en)
        .bind(&a.source).bind(active).bind(at).bind(&actor.label)
        .execute(c).await.map(|r| r.rows_affected()))?
    };
    if done == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Seed content

#[derive(serde::Deserialize)]
struct GuideSeeds {
    guide: Vec<GuideSeed>,
}

#[derive(serde::Deserialize)]
struct GuideSeed {
    iso2: String,
    last_checked: NaiveDate,
    summary_id: String,
    summary_en: String,
}

#[derive(serde::Deserialize)]
struct AlertSeeds {
    alert: Vec<AlertText>,
}

/// The guide bodies shipped with the product, by ISO2 code: (Indonesian, English).
fn seed_body(iso2: &str) -> Option<(&'static str, &'static str)> {
    macro_rules! bodies {
        ($($code:literal => $file:literal),+ $(,)?) => {
            match iso2 {
                $($code => Some((
                    include_str!(concat!("../seed/portal/guides/", $file, ".id.md")),
                    include_str!(concat!("../seed/portal/guides/", $file, ".en.md")),
                )),)+
                _ => None,
            }
        };
    }
    bodies!("TW" => "tw", "HK" => "hk", "MY" => "my", "SG" => "sg", "SA" => "sa", "KR" => "kr", "JP" => "jp")
}

/// One item of the red-flag checklist shown on the public pages.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct RedFlag {
    pub id: String,
    pub en: String,
}

#[derive(serde::Deserialize)]
struct RedFlags {
    flag: Vec<RedFlag>,
}

/// The red-flag checklist: part of the product, changed with it (it restates the law).
pub fn red_flags() -> Vec<RedFlag> {
    toml::from_str::<RedFlags>(include_str!("../seed/portal/red_flags.toml"))
        .expect("seed/portal/red_flags.toml is valid")
        .flag
}

/// Adds the shipped guides and alerts a deployment does not have yet; never overwrites staff's
/// edits, and never brings back an alert staff switched off.
pub async fn seed(db: &Db) -> Result<()> {
    let guides: GuideSeeds = toml::from_str(include_str!("../seed/portal/guides.toml"))
        .expect("seed/portal/guides.toml is valid");
    let alerts: AlertSeeds = toml::from_str(include_str!("../seed/portal/alerts.toml"))
        .expect("seed/portal/alerts.toml is valid");
    let have_guides: Vec<String> = on_pool!(db, p => sqlx::query_scalar("SELECT iso2 FROM country_guides").fetch_all(p).await)?;
    let have_alerts: Vec<String> =
        on_pool!(db, p => sqlx::query_scalar("SELECT code FROM scam_alerts").fetch_all(p).await)?;
    let new_guides: Vec<&GuideSeed> = guides
        .guide
        .iter()
        .filter(|g| !have_guides.contains(&g.iso2))
        .collect();
    let new_alerts: Vec<&AlertText> = alerts
        .alert
        .iter()
        .filter(|a| !have_alerts.contains(&a.code))
        .collect();
    if new_guides.is_empty() && new_alerts.is_empty() {
        return Ok(());
    }
    let actor = Actor::system("bawaan");
    let mut tx = db.begin().await?;
    for g in new_guides {
        let (body_id, body_en) = seed_body(&g.iso2).unwrap_or(("", ""));
        write_guide(
            &mut tx,
            &actor,
            &g.iso2,
            &GuideText {
                summary_id: &g.summary_id,
                summary_en: &g.summary_en,
                body_id,
                body_en,
                last_checked: g.last_checked,
            },
        )
        .await?;
    }
    for a in new_alerts {
        write_alert(&mut tx, &actor, a, true, true).await?;
    }
    tx.commit().await
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shipped content parses and every seeded guide has both bodies.
    #[test]
    fn seed_content_is_complete() {
        let guides: GuideSeeds =
            toml::from_str(include_str!("../seed/portal/guides.toml")).unwrap();
        assert_eq!(guides.guide.len(), 7);
        for g in &guides.guide {
            let (id, en) = seed_body(&g.iso2).unwrap_or_else(|| panic!("no body for {}", g.iso2));
            assert!(id.contains("## ") && en.contains("## "), "{}", g.iso2);
            assert!(
                id.contains("0800-1000"),
                "{} names the KP2MI call centre",
                g.iso2
            );
        }
        let alerts: AlertSeeds =
            toml::from_str(include_str!("../seed/portal/alerts.toml")).unwrap();
        assert!(alerts.alert.len() >= 5);
        assert!(red_flags().len() >= 8);
    }
}
