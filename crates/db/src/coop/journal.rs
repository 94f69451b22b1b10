//! The cooperative's books: idempotency and the journal.

use super::*;

/// Claims an idempotency key for an action that will create `result`. `None`: the key is new,
/// go ahead. `Some(id)`: the same request was done before, and `id` is what it created.
pub(super) async fn claim(
    tx: &mut Tx,
    actor: &Actor,
    region: &str,
    key: &str,
    action: &str,
    request: &str,
    result: Id,
) -> Result<Option<Id>> {
    if key.trim().is_empty() || key.trim().len() > 200 {
        return Err(conflict(
            "permintaan transaksi tanpa kunci idempotensi yang sah; muat ulang formulirnya",
        ));
    }
    let key = &scoped(actor, key);
    let hash = hex::encode(Sha256::digest(format!("{action}\n{request}").as_bytes()));
    let inserted = on_tx!(tx, c => sqlx::query(
        "INSERT INTO coop_idempotency (region_code, key, action, request_hash, result_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (region_code, key) DO NOTHING",
    )
    .bind(region).bind(key).bind(action).bind(&hash).bind(result).bind(now())
    .execute(c).await.map(|r| r.rows_affected()))?;
    if inserted == 1 {
        return Ok(None);
    }
    let (was, earlier): (String, Id) = on_tx!(tx, c => sqlx::query_as(
        "SELECT request_hash, result_id FROM coop_idempotency WHERE region_code = $1 AND key = $2",
    ).bind(region).bind(key).fetch_one(c).await)?;
    if was == hash {
        Ok(Some(earlier))
    } else {
        Err(conflict(
            "kunci transaksi ini sudah dipakai untuk permintaan lain; transaksi ditolak",
        ))
    }
}

/// An idempotency key belongs to whoever sent it: another user's request with the same key is
/// another request, never a replay of theirs (nor a refusal because of theirs).
pub(super) fn scoped(actor: &Actor, key: &str) -> String {
    let who = actor
        .user_id
        .map_or_else(|| actor.label.clone(), |id| id.to_string());
    format!("{who}/{}", key.trim())
}

/// Records what a claimed action created, when its id was only known at the end (an entry).
pub(super) async fn settle_claim(
    tx: &mut Tx,
    actor: &Actor,
    region: &str,
    key: &str,
    result: Id,
) -> Result<()> {
    on_tx!(tx, c => sqlx::query("UPDATE coop_idempotency SET result_id = $1 WHERE region_code = $2 AND key = $3")
        .bind(result).bind(region).bind(scoped(actor, key)).execute(c).await.map(|_| ()))?;
    Ok(())
}

/// Posts a balanced entry dated in the open period: unposted, its lines, then posted (the
/// triggers check the sums once more). Returns the entry's id.
pub(super) async fn post_entry(
    tx: &mut Tx,
    actor: &Actor,
    region: &str,
    entry: &JournalEntry,
    source: &str,
    source_id: Option<Id>,
) -> Result<Id> {
    let by = user_of(actor)?;
    let s = settings_in(tx, region, Lock::Share).await?;
    ledger::check_open(s.closed_through, entry.date()).map_err(refuse)?;
    let chart = s.chart()?;
    if let Some(l) = entry
        .lines()
        .iter()
        .find(|l| !chart.iter().any(|a| a.code == l.account))
    {
        return Err(conflict(format!(
            "akun {} tidak ada di bagan akun koperasi",
            l.account
        )));
    }
    let id = Id::new();
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO coop_journal_entries (id, region_code, entry_on, memo, source, source_id, total, posted, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, FALSE, $8, $9)",
    )
    .bind(id).bind(region).bind(entry.date()).bind(entry.memo()).bind(source).bind(source_id)
    .bind(entry.total()).bind(by).bind(now())
    .execute(c).await.map(|_| ()))?;
    for (n, l) in entry.lines().iter().enumerate() {
        let (d, k) = match l.side {
            Side::Debit => (l.amount, 0),
            Side::Credit => (0, l.amount),
        };
        on_tx!(tx, c => sqlx::query(
            "INSERT INTO coop_journal_lines (entry_id, line_no, account_code, debit, credit) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id).bind(n as i32 + 1).bind(&l.account).bind(d).bind(k)
        .execute(c).await.map(|_| ()))?;
    }
    on_tx!(tx, c => sqlx::query("UPDATE coop_journal_entries SET posted = TRUE WHERE id = $1")
        .bind(id).execute(c).await.map(|_| ()))?;
    for l in entry.lines() {
        let (d, k) = match l.side {
            Side::Debit => (l.amount, 0),
            Side::Credit => (0, l.amount),
        };
        on_tx!(tx, c => sqlx::query(
            "INSERT INTO coop_day_totals (region_code, day, account_code, source, debit, credit) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (region_code, day, account_code, source)
             DO UPDATE SET debit = coop_day_totals.debit + excluded.debit, credit = coop_day_totals.credit + excluded.credit",
        )
        .bind(region).bind(entry.date()).bind(&l.account).bind(source).bind(d).bind(k)
        .execute(c).await.map(|_| ()))?;
    }
    audit::record_change(
        tx,
        actor,
        "coop_journal_entry",
        id,
        "create",
        region,
        &[source],
    )
    .await?;
    Ok(id)
}

/// Posts a transaction through the co-op's account map.
pub(super) async fn post_txn(
    tx: &mut Tx,
    actor: &Actor,
    region: &str,
    txn: &Txn,
    on: NaiveDate,
    memo: &str,
    source: &str,
    source_id: Option<Id>,
) -> Result<Id> {
    let s = settings_in(tx, region, Lock::None).await?;
    let map = account_map_in(tx, region, s.capital()?).await?;
    let entry = ledger::posting(txn, &map, on, memo).map_err(refuse)?;
    let payouts: Vec<(&str, i64)> = map
        .cash_accounts()
        .into_iter()
        .map(|code| (code, -entry.net_on(code)))
        .filter(|(_, out)| *out > 0)
        .collect();
    if !payouts.is_empty() {
        // Cash going out: one payout at a time per co-op (the settings row, taken exclusively as
        // a period close does), so two cannot both be covered by the same cash.
        settings_in(tx, region, Lock::Update).await?;
        for (code, out) in payouts {
            ledger::cover(cash_in(tx, region, code).await?, out).map_err(refuse)?;
        }
    }
    post_entry(tx, actor, region, &entry, source, source_id).await
}

/// The balance of one cash account over every posted entry of the co-op.
pub(super) async fn cash_in(tx: &mut Tx, region: &str, code: &str) -> Result<i64> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(l.debit - l.credit), 0) AS BIGINT) FROM coop_journal_lines l
         JOIN coop_journal_entries e ON e.id = l.entry_id
         WHERE e.region_code = $1 AND e.posted AND l.account_code = $2",
    )
    .bind(region)
    .bind(code)
    .fetch_one(c)
    .await)?)
}

/// A journal entry typed by the bookkeeper (a correction, an expense, a grant). Idempotent.
pub async fn manual_entry(
    tx: &mut Tx,
    actor: &Actor,
    key: &str,
    region: &str,
    entry: &JournalEntry,
) -> Result<Id> {
    let request = format!("{entry:?}");
    let placeholder = Id::new();
    if let Some(earlier) = claim(tx, actor, region, key, "jurnal", &request, placeholder).await? {
        return Ok(earlier);
    }
    let id = post_entry(tx, actor, region, entry, "koreksi", None).await?;
    settle_claim(tx, actor, region, key, id).await?;
    Ok(id)
}

/// A journal entry in the list of the journal.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct EntryRow {
    pub id: Id,
    pub region_code: String,
    pub entry_on: NaiveDate,
    pub memo: String,
    pub source: String,
    pub total: i64,
    pub created_by: Id,
}

/// Posted entries of the co-op, latest first, a page of `limit` and whether more follow.
pub async fn journal(
    db: &Db,
    region: &str,
    offset: i64,
    limit: i64,
) -> Result<(Vec<EntryRow>, bool)> {
    let mut rows: Vec<EntryRow> = on_pool!(db, p => sqlx::query_as(
        "SELECT id, region_code, entry_on, memo, source, total, created_by FROM coop_journal_entries
         WHERE region_code = $1 AND posted ORDER BY entry_on DESC, created_at DESC, id LIMIT $2 OFFSET $3",
    ).bind(region).bind(limit + 1).bind(offset).fetch_all(p).await)?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    Ok((rows, more))
}

/// An entry's head (with its region, for the access check before its lines are shown).
pub async fn entry_head(db: &Db, id: Id) -> Result<Option<EntryRow>> {
    Ok(on_pool!(db, p => sqlx::query_as(
        "SELECT id, region_code, entry_on, memo, source, total, created_by FROM coop_journal_entries WHERE id = $1 AND posted",
    ).bind(id).fetch_optional(p).await)?)
}

/// One posted entry read back (rebuilt through `JournalEntry::new`, so a tampered row is refused).
pub async fn entry(db: &Db, id: Id) -> Result<JournalEntry> {
    let head: Option<(NaiveDate, String)> = on_pool!(db, p => sqlx::query_as(
        "SELECT entry_on, memo FROM coop_journal_entries WHERE id = $1 AND posted",
    ).bind(id).fetch_optional(p).await)?;
    let (on, memo) = head.ok_or(DbError::NotFound)?;
    let lines: Vec<(String, i64, i64)> = on_pool!(db, p => sqlx::query_as(
        "SELECT account_code, debit, credit FROM coop_journal_lines WHERE entry_id = $1 ORDER BY line_no",
    ).bind(id).fetch_all(p).await)?;
    let lines = lines
        .into_iter()
        .map(|(a, d, c)| {
            if d > 0 {
                Line::debit(&a, d)
            } else {
                Line::credit(&a, c)
            }
        })
        .collect();
    JournalEntry::new(on, &memo, lines).map_err(|e| corrupt(e.message))
}
