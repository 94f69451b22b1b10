//! Backup and restore in one portable format for both backends: gzip-compressed JSON lines, a
//! header line then one line per row, read inside a single snapshot so a backup taken while the
//! server runs is consistent.

use crate::{Backend, Db, DbError, Result, on_pool};
use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use serde::{Deserialize, Serialize};
use std::io::{BufRead, BufReader, Read, Write};

/// Every table, parents before children. A test checks this against the schema, so a new table
/// cannot be forgotten here.
pub const TABLES: &[&str] = &[
    "settings",
    "villages",
    "users",
    "api_tokens",
    "audit_log",
    "audit_head",
    "change_log",
    "households",
    "persons",
    "person_name_words",
    "episodes",
    "episode_transitions",
    "counselling_sessions",
    "document_requirements",
    "document_files",
    "episode_documents",
    "letter_kinds",
    "village_keys",
    "letters",
    "letter_events",
    "letter_counters",
    "verifications",
    "agencies",
    "agency_status_history",
    "fee_rules",
    "fee_rule_versions",
    "job_orders",
    "country_guides",
    "scam_alerts",
    "public_reports",
    "cases",
    "case_events",
    "case_documents",
    "case_referrals",
    "child_consents",
    "children",
    "learning_sessions",
    "session_attendance",
    "businesses",
    "business_owners",
    "business_permits",
    "business_reports",
    "mentoring_visits",
    "equipment_aid",
    "aid_checks",
    "kur_referrals",
    "products",
    "product_photos",
    "product_inquiries",
    "coop_settings",
    "coop_period_closes",
    "coop_accounts",
    "coop_members",
    "coop_loan_products",
    "coop_product_accounts",
    "coop_journal_entries",
    "coop_journal_lines",
    "coop_day_totals",
    "coop_savings_accounts",
    "coop_savings_txns",
    "coop_loans",
    "coop_instalments",
    "coop_repayments",
    "coop_idempotency",
    "coop_shu_runs",
    "coop_shu_parts",
    "coop_shu_members",
    "training_institutions",
    "trainings",
    "training_sessions",
    "training_participants",
    "training_attendance",
];
/// Tables deliberately left out: sessions are logins, not data; a restore logs everyone out.
pub const EXCLUDED: &[&str] = &["sessions"];

const FORMAT: &str = "desmigratif-backup";

#[derive(Serialize, Deserialize)]
struct Header {
    format: String,
    version: u32,
    schema_version: i64,
    backend: String,
    created_at: String,
}

#[derive(Serialize, Deserialize)]
struct Line {
    t: String,
    r: serde_json::Value,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    pub rows: u64,
    pub tables: usize,
}

fn backend_name(b: Backend) -> &'static str {
    match b {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    }
}

/// Every row of every table as JSON text, in a stable order, read in one snapshot.
pub async fn dump(db: &Db) -> Result<Vec<(String, String)>> {
    let schema = crate::schema::columns(db).await?;
    let mut out = Vec::new();
    match db {
        Db::Sqlite(p) => {
            let mut tx = p.begin().await?;
            for table in TABLES {
                let cols = schema
                    .get(*table)
                    .ok_or_else(|| DbError::Corrupt(format!("tabel {table} tidak ada")))?;
                let pairs = cols
                    .iter()
                    .map(|c| format!("'{c}', \"{c}\""))
                    .collect::<Vec<_>>()
                    .join(", ");
                let sql = format!("SELECT json_object({pairs}) FROM \"{table}\" ORDER BY 1");
                let sql = sql.replace("ORDER BY 1", &format!("ORDER BY \"{}\"", cols[0]));
                let rows: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                    .fetch_all(&mut *tx)
                    .await?;
                out.extend(rows.into_iter().map(|r| (table.to_string(), r)));
            }
            tx.commit().await?;
        }
        Db::Postgres(p) => {
            let mut tx = p
                .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                .await?;
            for table in TABLES {
                let cols = schema
                    .get(*table)
                    .ok_or_else(|| DbError::Corrupt(format!("tabel {table} tidak ada")))?;
                let sql = format!(
                    "SELECT row_to_json(t)::text FROM \"{table}\" t ORDER BY \"{}\"",
                    cols[0]
                );
                let rows: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                    .fetch_all(&mut *tx)
                    .await?;
                out.extend(rows.into_iter().map(|r| (table.to_string(), r)));
            }
            tx.commit().await?;
        }
    }
    Ok(out)
}

/// Writes a backup of `db` to `writer`.
pub async fn backup(db: &Db, writer: impl Write) -> Result<Summary> {
    let rows = dump(db).await?;
    let header = Header {
        format: FORMAT.into(),
        version: 1,
        schema_version: db.applied_schema_version().await?,
        backend: backend_name(db.backend()).into(),
        created_at: desmigratif_core::now().to_rfc3339(),
    };
    let mut gz = GzEncoder::new(writer, Compression::default());
    let io = |e: std::io::Error| DbError::Setup(format!("gagal menulis cadangan: {e}"));
    serde_json::to_writer(&mut gz, &header).map_err(|e| DbError::Setup(e.to_string()))?;
    gz.write_all(b"\n").map_err(io)?;
    let mut summary = Summary {
        rows: 0,
        tables: TABLES.len(),
    };
    for (table, row) in rows {
        let line = Line {
            t: table,
            r: serde_json::from_str(&row).map_err(|e| DbError::Corrupt(e.to_string()))?,
        };
        serde_json::to_writer(&mut gz, &line).map_err(|e| DbError::Setup(e.to_string()))?;
        gz.write_all(b"\n").map_err(io)?;
        summary.rows += 1;
    }
    gz.finish().map_err(io)?.flush().map_err(io)?;
    Ok(summary)
}

/// Restores a backup into `db`, which must be migrated to the same schema version and hold no
/// data yet. Everything happens in one transaction: a bad file leaves the database untouched.
pub async fn restore(db: &Db, reader: impl Read) -> Result<Summary> {
    let bad =
        |why: String| DbError::Setup(format!("berkas cadangan tidak dapat dipulihkan: {why}"));
    let mut lines = BufReader::new(GzDecoder::new(reader)).lines();
    let header: Header = match lines.next() {
        Some(Ok(l)) => {
            serde_json::from_str(&l).map_err(|_| bad("bukan berkas cadangan desmigratif".into()))?
        }
        _ => return Err(bad("bukan berkas cadangan desmigratif (gzip)".into())),
    };
    if header.format != FORMAT || header.version != 1 {
        return Err(bad(format!(
            "format {} versi {} tidak dikenal",
            header.format, header.version
        )));
    }
    if header.backend != backend_name(db.backend()) {
        return Err(bad(format!(
            "cadangan dibuat dari {}, database tujuan {}",
            header.backend,
            backend_name(db.backend())
        )));
    }
    let current = db.applied_schema_version().await?;
    if header.schema_version != current {
        return Err(bad(format!(
            "skema cadangan versi {}, database tujuan versi {current}",
            header.schema_version
        )));
    }
    let occupied: i64 = on_pool!(db, p => sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM villages) + (SELECT COUNT(*) FROM audit_log)"
    ).fetch_one(p).await)?;
    if occupied > 0 {
        return Err(DbError::Setup(
            "database tujuan sudah berisi data; pulihkan ke database baru yang kosong".into(),
        ));
    }

    let mut by_table: Vec<(String, Vec<serde_json::Value>)> =
        TABLES.iter().map(|t| (t.to_string(), Vec::new())).collect();
    for (n, line) in lines.enumerate() {
        let line = line.map_err(|e| bad(format!("baris {}: {e}", n + 2)))?;
        if line.is_empty() {
            continue;
        }
        let Line { t, r } =
            serde_json::from_str(&line).map_err(|e| bad(format!("baris {}: {e}", n + 2)))?;
        let slot = by_table
            .iter_mut()
            .find(|(name, _)| *name == t)
            .ok_or_else(|| bad(format!("tabel {t} tidak dikenal")))?;
        slot.1.push(r);
    }

    let schema = crate::schema::columns(db).await?;
    let mut summary = Summary {
        rows: 0,
        tables: TABLES.len(),
    };
    let mut tx = db.begin().await?;
    for table in TABLES.iter().rev() {
        let sql = format!("DELETE FROM \"{table}\"");
        crate::on_tx!(&mut tx, c => sqlx::query(sqlx::AssertSqlSafe(sql)).execute(c).await.map(|r| r.rows_affected()))?;
    }
    for (table, rows) in &by_table {
        let cols = &schema[table.as_str()];
        for chunk in rows.chunks(500) {
            let json = serde_json::Value::Array(chunk.to_vec()).to_string();
            match &mut tx {
                crate::Tx::Sqlite(t) => {
                    let names = cols
                        .iter()
                        .map(|c| format!("\"{c}\""))
                        .collect::<Vec<_>>()
                        .join(", ");
                    let values = cols
                        .iter()
                        .map(|c| format!("json_extract(value, '$.{c}')"))
                        .collect::<Vec<_>>()
                        .join(", ");
                    let sql = format!(
                        "INSERT INTO \"{table}\" ({names}) SELECT {values} FROM json_each($1)"
                    );
                    sqlx::query(sqlx::AssertSqlSafe(sql))
                        .bind(&json)
                        .execute(&mut **t)
                        .await?;
                }
                crate::Tx::Postgres(t) => {
                    let sql = format!(
                        "INSERT INTO \"{table}\" SELECT * FROM json_populate_recordset(NULL::\"{table}\", $1::json)"
                    );
                    sqlx::query(sqlx::AssertSqlSafe(sql))
                        .bind(&json)
                        .execute(&mut **t)
                        .await?;
                }
            }
            summary.rows += chunk.len() as u64;
        }
    }
    tx.commit().await?;
    Ok(summary)
}
