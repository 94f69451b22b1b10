//! Backup and restore in one portable format for both backends: gzip-compressed JSON lines, a
//! header line then one line per row, read inside a single snapshot so a backup taken while the
//! server runs is consistent.
//!
//! The file is signed: after the gzip stream comes a trailer of [`TRAILER_LEN`] bytes, the
//! [`SIGNATURE_MAGIC`], the id of the signing key and an HMAC-SHA256 with the deployment's backup
//! key ([`Purpose::Backup`]) over every byte before the HMAC. Restore checks it as the file
//! streams through and writes nothing unless it matches, so a doctored file, an unsigned (older)
//! one or one signed with another key file is refused with a message that says which.

use crate::{Backend, Db, DbError, Result, on_pool};
use desmigratif_core::crypto::{Keys, Purpose, Signer, SubKey};
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
pub const EXCLUDED: &[&str] = &["sessions", "rate_limits"];

const FORMAT: &str = "desmigratif-backup";
/// Version 2: signed. Version 1 files (unsigned) are no longer restored.
const VERSION: u32 = 2;
/// Opens the trailer; an unsigned file does not end with it.
pub const SIGNATURE_MAGIC: &[u8; 8] = b"DMSIGv1:";
const KEY_ID_LEN: usize = 8;
const MAC_LEN: usize = 32;
/// Magic, key id, HMAC.
pub const TRAILER_LEN: usize = SIGNATURE_MAGIC.len() + KEY_ID_LEN + MAC_LEN;

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

/// Feeds everything written through to the signer.
struct SigningWriter<W> {
    inner: W,
    signer: Signer,
}

impl<W: Write> Write for SigningWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.signer.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Passes a file through while signing it, holding back the last [`TRAILER_LEN`] bytes (the
/// trailer), which are neither passed on nor signed; [`Verifying::finish`] checks them.
struct Verifying<R> {
    inner: R,
    signer: Signer,
    pending: Vec<u8>,
    eof: bool,
}

/// What is wrong with a backup's signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Signature {
    Valid,
    Missing,
    OtherKey,
    Mismatch,
}

impl<R: Read> Verifying<R> {
    fn new(inner: R, key: &SubKey) -> Verifying<R> {
        Verifying {
            inner,
            signer: key.signer(),
            pending: Vec::with_capacity(2 * 8192),
            eof: false,
        }
    }

    /// Reads what is left, then checks the trailer.
    fn finish(mut self, key: &SubKey) -> std::io::Result<Signature> {
        std::io::copy(&mut self, &mut std::io::sink())?;
        let t = &self.pending;
        if t.len() < TRAILER_LEN || &t[..SIGNATURE_MAGIC.len()] != SIGNATURE_MAGIC {
            return Ok(Signature::Missing);
        }
        let (id, mac) = t[SIGNATURE_MAGIC.len()..].split_at(KEY_ID_LEN);
        if id != key.id() {
            return Ok(Signature::OtherKey);
        }
        let mut signer = self.signer;
        signer.update(&t[..SIGNATURE_MAGIC.len() + KEY_ID_LEN]);
        Ok(if signer.verify(mac) {
            Signature::Valid
        } else {
            Signature::Mismatch
        })
    }
}

impl<R: Read> Read for Verifying<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        loop {
            if self.pending.len() > TRAILER_LEN {
                let n = out.len().min(self.pending.len() - TRAILER_LEN);
                out[..n].copy_from_slice(&self.pending[..n]);
                self.signer.update(&self.pending[..n]);
                self.pending.drain(..n);
                return Ok(n);
            }
            if self.eof {
                return Ok(0);
            }
            let mut chunk = [0u8; 8192];
            let got = self.inner.read(&mut chunk)?;
            if got == 0 {
                self.eof = true;
            }
            self.pending.extend_from_slice(&chunk[..got]);
        }
    }
}

fn refused(why: &str) -> DbError {
    DbError::Setup(format!("berkas cadangan tidak dapat dipulihkan: {why}"))
}

/// The message for a signature that does not hold, or none when it does.
fn signature_error(sig: Signature, desmigratif: bool) -> Option<DbError> {
    match sig {
        Signature::Valid => None,
        Signature::Missing if desmigratif => Some(refused(
            "cadangan ini tidak bertanda tangan (format lama, atau tanda tangannya terpotong); \
             hanya cadangan bertanda tangan kunci deployment ini yang dipulihkan — buat cadangan baru dengan versi ini",
        )),
        Signature::Missing => Some(refused(
            "bukan berkas cadangan desmigratif (tidak ada tanda tangan)",
        )),
        Signature::OtherKey => Some(refused(
            "cadangan ini tidak bertanda tangan kunci deployment ini; pulihkan dengan berkas kunci \
             (--key-file atau DESMIGRATIF_KEY) yang dipakai saat cadangan dibuat",
        )),
        Signature::Mismatch => Some(refused(
            "isi cadangan ini telah diubah setelah ditandatangani (tanda tangan tidak cocok); \
             jangan dipakai — pulihkan dari salinan cadangan yang lain",
        )),
    }
}

/// Checks a backup's signature without restoring anything (reads the whole file once).
pub fn check(keys: &Keys, reader: impl Read) -> Result<()> {
    let key = keys.derive(Purpose::Backup);
    let mut v = Verifying::new(reader, &key);
    let mut start = [0u8; 2];
    let mut got = 0;
    while got < 2 {
        match v.read(&mut start[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) => return Err(refused(&e.to_string())),
        }
    }
    // A gzip stream (every backup is one) is as close to "desmigratif" as a look can tell.
    let gzip = got == 2 && start == [0x1f, 0x8b];
    let sig = v.finish(&key).map_err(|e| refused(&e.to_string()))?;
    match signature_error(sig, gzip) {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// Writes a backup of `db` to `writer`, signed with the backup key of `keys`.
pub async fn backup(db: &Db, keys: &Keys, writer: impl Write) -> Result<Summary> {
    let rows = dump(db).await?;
    let key = keys.derive(Purpose::Backup);
    let header = Header {
        format: FORMAT.into(),
        version: VERSION,
        schema_version: db.applied_schema_version().await?,
        backend: backend_name(db.backend()).into(),
        created_at: desmigratif_core::now().to_rfc3339(),
    };
    let signing = SigningWriter {
        inner: writer,
        signer: key.signer(),
    };
    let mut gz = GzEncoder::new(signing, Compression::default());
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
    let SigningWriter {
        mut inner,
        mut signer,
    } = gz.finish().map_err(io)?;
    let id = key.id();
    signer.update(SIGNATURE_MAGIC);
    signer.update(&id);
    inner.write_all(SIGNATURE_MAGIC).map_err(io)?;
    inner.write_all(&id).map_err(io)?;
    inner.write_all(&signer.finish()).map_err(io)?;
    inner.flush().map_err(io)?;
    Ok(summary)
}

/// The header and rows of a backup, grouped by table.
type Parsed = (Header, Vec<(String, Vec<serde_json::Value>)>);

/// Reads a whole backup; `header_seen` tells whether its first line was a desmigratif header.
fn parse(reader: impl Read, header_seen: &mut bool) -> Result<Parsed> {
    let bad = |why: String| refused(&why);
    let mut lines = BufReader::new(GzDecoder::new(reader)).lines();
    let header: Header = match lines.next() {
        Some(Ok(l)) => {
            serde_json::from_str(&l).map_err(|_| bad("bukan berkas cadangan desmigratif".into()))?
        }
        _ => return Err(bad("bukan berkas cadangan desmigratif (gzip)".into())),
    };
    *header_seen = header.format == FORMAT;
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
    Ok((header, by_table))
}

/// Restores a backup into `db`, which must be migrated to the same schema version and hold no
/// data yet. The file must carry the signature of `keys`' backup key; it is checked before
/// anything is written. Everything happens in one transaction: a bad file leaves the database
/// untouched.
pub async fn restore(db: &Db, keys: &Keys, reader: impl Read) -> Result<Summary> {
    let key = keys.derive(Purpose::Backup);
    let mut verifying = Verifying::new(reader, &key);
    let mut header_seen = false;
    let parsed = parse(&mut verifying, &mut header_seen);
    let sig = verifying
        .finish(&key)
        .map_err(|e| refused(&e.to_string()))?;
    // The signature speaks first: a doctored file fails to parse too, but that is the wrong message.
    if let Some(e) = signature_error(sig, header_seen) {
        return Err(e);
    }
    let (header, by_table) = parsed?;
    if header.format != FORMAT || header.version != VERSION {
        return Err(refused(&format!(
            "format {} versi {} tidak dikenal",
            header.format, header.version
        )));
    }
    if header.backend != backend_name(db.backend()) {
        return Err(refused(&format!(
            "cadangan dibuat dari {}, database tujuan {}",
            header.backend,
            backend_name(db.backend())
        )));
    }
    let current = db.applied_schema_version().await?;
    if header.schema_version != current {
        return Err(refused(&format!(
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
