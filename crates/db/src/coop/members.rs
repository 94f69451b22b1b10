//! The cooperative's books: members and savings.

use super::*;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MemberRow {
    pub id: Id,
    pub region_code: String,
    pub person_id: Option<Id>,
    pub number: String,
    pub name: String,
    pub joined_on: NaiveDate,
    pub left_on: Option<NaiveDate>,
}

pub(super) const MEMBER: &str = "id, region_code, person_id, number, name, joined_on, left_on";

pub async fn member(db: &Db, id: Id) -> Result<Option<MemberRow>> {
    let sql = format!("SELECT {MEMBER} FROM coop_members WHERE id = $1");
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(p).await)?,
    )
}

pub(super) async fn member_in(tx: &mut Tx, id: Id) -> Result<MemberRow> {
    let sql = format!("SELECT {MEMBER} FROM coop_members WHERE id = $1");
    on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(c).await)?
        .ok_or(DbError::NotFound)
}

/// The co-op's members (those who left too), by number.
pub async fn members(db: &Db, region: &str) -> Result<Vec<MemberRow>> {
    let sql =
        format!("SELECT {MEMBER} FROM coop_members WHERE region_code = $1 ORDER BY number, id");
    Ok(on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(region).fetch_all(p).await)?)
}

/// A villager of the registry joins with a member number; their three savings accounts open at
/// zero. The name is the registry's.
pub async fn join(
    tx: &mut Tx,
    actor: &Actor,
    region: &str,
    person: Id,
    number: &str,
    joined: NaiveDate,
) -> Result<Id> {
    let by = user_of(actor)?;
    settings_in(tx, region, Lock::None).await?;
    let number = desmigratif_core::coop::forms::member_number(number).map_err(refuse)?;
    let found: Option<(String, String)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT village_code, name FROM persons WHERE id = $1",
    ).bind(person).fetch_optional(c).await)?;
    let Some((village, name)) = found.filter(|(v, _)| v == region) else {
        return Err(conflict("warga ini tidak terdaftar di desa koperasi ini"));
    };
    debug_assert_eq!(village, region);
    let already: Option<String> = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT number FROM coop_members WHERE person_id = $1 AND region_code = $2 AND left_on IS NULL",
    ).bind(person).bind(region).fetch_optional(c).await)?;
    if let Some(n) = already {
        return Err(conflict(format!(
            "warga ini sudah menjadi anggota dengan nomor {n}"
        )));
    }
    let id = Id::new();
    let at = now();
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO coop_members (id, region_code, person_id, number, name, joined_on, left_on, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, $8, $8)",
    )
    .bind(id).bind(region).bind(person).bind(&number).bind(&name).bind(joined).bind(by).bind(at)
    .execute(c).await.map(|_| ()))
    .map_err(|e| crate::conflict_on_duplicate(e, format!("nomor anggota {number} sudah dipakai")))?;
    for kind in SavingsKind::ALL {
        on_tx!(tx, c => sqlx::query(
            "INSERT INTO coop_savings_accounts (id, member_id, kind, balance, updated_at) VALUES ($1, $2, $3, 0, $4)",
        )
        .bind(Id::new()).bind(id).bind(kind.as_str()).bind(at)
        .execute(c).await.map(|_| ()))?;
    }
    audit::record_change(tx, actor, "coop_member", id, "create", region, &[]).await?;
    Ok(id)
}

/// Membership ends. Refused while a loan is open; pokok and wajib can be paid back afterwards.
pub async fn leave(tx: &mut Tx, actor: &Actor, member: Id, on: NaiveDate) -> Result<()> {
    let m = member_in(tx, member).await?;
    if m.left_on.is_some() {
        return Err(conflict("anggota ini sudah keluar"));
    }
    if on < m.joined_on {
        return Err(conflict("tanggal keluar tidak boleh sebelum tanggal masuk"));
    }
    let open: i64 = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM coop_loans WHERE member_id = $1 AND status IN ('diajukan', 'disetujui', 'dicairkan')",
    ).bind(member).fetch_one(c).await)?;
    if open > 0 {
        return Err(conflict(
            "anggota masih punya pinjaman berjalan; lunasi atau tolak dulu sebelum keluar",
        ));
    }
    on_tx!(tx, c => sqlx::query("UPDATE coop_members SET left_on = $1, updated_at = $2 WHERE id = $3")
        .bind(on).bind(now()).bind(member).execute(c).await.map(|_| ()))?;
    audit::record_change(
        tx,
        actor,
        "coop_member",
        member,
        "update",
        &m.region_code,
        &["left_on"],
    )
    .await
}

/// Balances of a member's savings: (kind, account id, balance).
pub async fn balances(db: &Db, member: Id) -> Result<Vec<(SavingsKind, Id, i64)>> {
    let rows: Vec<(String, Id, i64)> = on_pool!(db, p => sqlx::query_as(
        "SELECT kind, id, balance FROM coop_savings_accounts WHERE member_id = $1",
    ).bind(member).fetch_all(p).await)?;
    let mut out = rows
        .into_iter()
        .map(|(k, id, b)| Ok((k.parse().map_err(|_| corrupt("jenis simpanan"))?, id, b)))
        .collect::<Result<Vec<(SavingsKind, Id, i64)>>>()?;
    out.sort_by_key(|(k, _, _)| SavingsKind::ALL.iter().position(|x| x == k));
    Ok(out)
}

/// Every member's savings together, by member.
pub async fn member_totals(db: &Db, region: &str) -> Result<std::collections::HashMap<Id, i64>> {
    let rows: Vec<(Id, i64)> = on_pool!(db, p => sqlx::query_as(
        "SELECT a.member_id, CAST(SUM(a.balance) AS BIGINT) FROM coop_savings_accounts a
         JOIN coop_members m ON m.id = a.member_id WHERE m.region_code = $1 GROUP BY a.member_id",
    ).bind(region).fetch_all(p).await)?;
    Ok(rows.into_iter().collect())
}

/// All the members' savings of the co-op.
pub async fn savings_total(db: &Db, region: &str) -> Result<i64> {
    Ok(on_pool!(db, p => sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(a.balance), 0) AS BIGINT) FROM coop_savings_accounts a
         JOIN coop_members m ON m.id = a.member_id WHERE m.region_code = $1",
    ).bind(region).fetch_one(p).await)?)
}

pub async fn balance(db: &Db, member: Id, kind: SavingsKind) -> Result<i64> {
    Ok(balances(db, member)
        .await?
        .into_iter()
        .find(|(k, _, _)| *k == kind)
        .map_or(0, |(_, _, b)| b))
}

pub(super) async fn account_in(tx: &mut Tx, member: Id, kind: SavingsKind) -> Result<(Id, i64)> {
    on_tx!(tx, c => sqlx::query_as(
        "SELECT id, balance FROM coop_savings_accounts WHERE member_id = $1 AND kind = $2",
    ).bind(member).bind(kind.as_str()).fetch_optional(c).await)?
    .ok_or_else(|| corrupt("rekening simpanan anggota tidak ada"))
}

pub(super) async fn savings_txn(
    tx: &mut Tx,
    actor: &Actor,
    region: &str,
    id: Id,
    account: Id,
    direction: &str,
    amount: i64,
    on: NaiveDate,
    entry: Id,
) -> Result<()> {
    let by = user_of(actor)?;
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO coop_savings_txns (id, account_id, direction, amount, txn_on, entry_id, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id).bind(account).bind(direction).bind(amount).bind(on).bind(entry).bind(by).bind(now())
    .execute(c).await.map(|_| ()))?;
    audit::record_change(
        tx,
        actor,
        "coop_savings_txn",
        id,
        "create",
        region,
        &[direction],
    )
    .await
}

/// A deposit: simpanan pokok exactly once and only the set amount, wajib and sukarela any amount
/// while a member. Returns the savings transaction's id (the earlier one on a replay).
pub async fn deposit(
    tx: &mut Tx,
    actor: &Actor,
    key: &str,
    member: Id,
    kind: SavingsKind,
    amount: i64,
    on: NaiveDate,
) -> Result<Id> {
    let input = SavingsTxnInput {
        kind,
        direction: Direction::Deposit,
        amount,
        on,
    };
    savings_move(tx, actor, key, member, &input).await
}

/// A withdrawal: sukarela any time, pokok and wajib only once the member has left. The balance
/// is taken down by a conditional update, so withdrawals at once can never overdraw it.
pub async fn withdraw(
    tx: &mut Tx,
    actor: &Actor,
    key: &str,
    member: Id,
    kind: SavingsKind,
    amount: i64,
    on: NaiveDate,
) -> Result<Id> {
    let input = SavingsTxnInput {
        kind,
        direction: Direction::Withdrawal,
        amount,
        on,
    };
    savings_move(tx, actor, key, member, &input).await
}

/// A savings transaction as the staff form checked it ([`deposit`] and [`withdraw`] in one).
pub async fn savings_move(
    tx: &mut Tx,
    actor: &Actor,
    key: &str,
    member: Id,
    t: &SavingsTxnInput,
) -> Result<Id> {
    let SavingsTxnInput {
        kind,
        direction,
        amount,
        on,
    } = *t;
    let m = member_in(tx, member).await?;
    let id = Id::new();
    let request = format!("{member}|{kind}|{amount}|{on}");
    if let Some(earlier) = claim(
        tx,
        actor,
        &m.region_code,
        key,
        direction.as_str(),
        &request,
        id,
    )
    .await?
    {
        return Ok(earlier);
    }
    if amount <= 0 {
        return Err(conflict("jumlah harus lebih dari nol"));
    }
    if on < m.joined_on {
        return Err(conflict("tanggal transaksi sebelum tanggal masuk anggota"));
    }
    let (account, seen) = account_in(tx, member, kind).await?;
    let (txn, source, label) = match direction {
        Direction::Deposit => {
            if m.left_on.is_some() {
                return Err(conflict("anggota ini sudah keluar; setoran tidak diterima"));
            }
            if kind == SavingsKind::Principal {
                let s = settings_in(tx, &m.region_code, Lock::None).await?;
                let paid: i64 = on_tx!(tx, c => sqlx::query_scalar(
                    "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM coop_savings_txns WHERE account_id = $1 AND direction = 'setor'",
                ).bind(account).fetch_one(c).await)?;
                savings::check_principal_deposit(s.principal_savings_amount, paid, amount)
                    .map_err(refuse)?;
            }
            on_tx!(tx, c => sqlx::query(
                "UPDATE coop_savings_accounts SET balance = balance + $1, updated_at = $2 WHERE id = $3",
            ).bind(amount).bind(now()).bind(account).execute(c).await.map(|_| ()))?;
            (Txn::Deposit { kind, amount }, "setoran", "Setoran")
        }
        Direction::Withdrawal => {
            if kind != SavingsKind::Voluntary && m.left_on.is_none() {
                return Err(conflict(format!(
                    "{} hanya dikembalikan ketika keanggotaan berakhir",
                    kind.label_id()
                )));
            }
            savings::withdraw(seen, amount).map_err(refuse)?;
            let done = on_tx!(tx, c => sqlx::query(
                "UPDATE coop_savings_accounts SET balance = balance - $1, updated_at = $2 WHERE id = $3 AND balance >= $1",
            ).bind(amount).bind(now()).bind(account).execute(c).await.map(|r| r.rows_affected()))?;
            if done == 0 {
                // Another withdrawal got there first: say what the balance is now.
                let (_, now_balance) = account_in(tx, member, kind).await?;
                return Err(savings::withdraw(now_balance, amount)
                    .err()
                    .map(refuse)
                    .unwrap_or_else(|| conflict("saldo baru saja berubah; coba lagi")));
            }
            (Txn::Withdrawal { kind, amount }, "penarikan", "Penarikan")
        }
    };
    let memo = format!("{label} {} anggota {}", kind.label_id(), m.number);
    let entry = post_txn(tx, actor, &m.region_code, &txn, on, &memo, source, Some(id)).await?;
    savings_txn(
        tx,
        actor,
        &m.region_code,
        id,
        account,
        direction.as_str(),
        amount,
        on,
        entry,
    )
    .await?;
    Ok(id)
}

/// One line of a member's statement: the report's own line, so the page, the API and the PDF
/// read the same thing.
pub use desmigratif_core::coop::report::StatementLine;

/// A member's savings transactions in order, with running balances.
pub async fn statement(db: &Db, member: Id) -> Result<Vec<StatementLine>> {
    let rows: Vec<(NaiveDate, String, String, i64)> = on_pool!(db, p => sqlx::query_as(
        "SELECT t.txn_on, a.kind, t.direction, t.amount FROM coop_savings_txns t
         JOIN coop_savings_accounts a ON a.id = t.account_id
         WHERE a.member_id = $1 ORDER BY t.txn_on, t.created_at, t.id",
    ).bind(member).fetch_all(p).await)?;
    let mut per = std::collections::BTreeMap::<&'static str, i64>::new();
    let mut total = 0;
    rows.into_iter()
        .map(|(on, kind, direction, amount)| {
            let kind: SavingsKind = kind.parse().map_err(|_| corrupt("jenis simpanan"))?;
            let direction: Direction = direction.parse().map_err(|_| corrupt("arah transaksi"))?;
            let signed = match direction {
                Direction::Deposit => amount,
                Direction::Withdrawal => -amount,
            };
            let b = per.entry(kind.as_str()).or_default();
            *b += signed;
            total += signed;
            Ok(StatementLine {
                on,
                kind,
                direction,
                amount,
                balance: *b,
                total,
            })
        })
        .collect()
}

/// Active members behind on simpanan wajib on `on`, with where they stand.
pub async fn mandatory_arrears(
    db: &Db,
    region: &str,
    on: NaiveDate,
) -> Result<Vec<(MemberRow, MandatoryStatus)>> {
    let s = settings(db, region)
        .await?
        .ok_or_else(|| conflict("koperasi desa ini belum dibuat"))?;
    let paid: Vec<(Id, i64)> = on_pool!(db, p => sqlx::query_as(
        "SELECT a.member_id, CAST(COALESCE(SUM(t.amount), 0) AS BIGINT) FROM coop_savings_accounts a
         JOIN coop_members m ON m.id = a.member_id
         LEFT JOIN coop_savings_txns t ON t.account_id = a.id AND t.direction = 'setor' AND t.txn_on <= $2
         WHERE m.region_code = $1 AND a.kind = 'wajib' GROUP BY a.member_id",
    ).bind(region).bind(on).fetch_all(p).await)?;
    let paid: std::collections::HashMap<Id, i64> = paid.into_iter().collect();
    Ok(members(db, region)
        .await?
        .into_iter()
        .filter(|m| m.left_on.is_none() && m.joined_on <= on)
        .filter_map(|m| {
            let st = savings::mandatory_status(
                s.mandatory_monthly,
                m.joined_on,
                m.left_on,
                on,
                paid.get(&m.id).copied().unwrap_or(0),
            );
            (st.arrears_months > 0).then_some((m, st))
        })
        .collect())
}
