//! The village cooperative's books in the database layer, on SQLite and PostgreSQL: every posting
//! balances and the statements stay square through a mixed run of operations; withdrawals at once
//! cannot overdraw; an idempotency key posts once; a closed period takes no back-dated entry; the
//! SHU's member shares add up to the members' pool and its posting balances; maker-checker.

use crate::support::{TestApp, sqlx_pg as sqlx, today};
use axum::http::StatusCode;
use chrono::NaiveDate;
use desmigratif_core::coop::arrears::{AgeingThresholds, Collectibility};
use desmigratif_core::coop::forms::LoanApplicationInput;
use desmigratif_core::coop::ledger::{JournalEntry, Line, MemberCapital};
use desmigratif_core::coop::savings::SavingsKind;
use desmigratif_core::coop::shu::{ShuPart, ShuPlan};
use desmigratif_core::id::Id;
use desmigratif_db::audit::Actor;
use desmigratif_db::coop::{self, Setup};
use desmigratif_db::demo::{KENANGA, KURIPAN};
use desmigratif_db::{DbError, on_pool};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

struct Books {
    clerk: Actor,
    chief: Actor,
    members: Vec<Id>,
}

/// A co-op in Kuripan (the demo's is in Kenanga) with every villager of the registry as a member
/// since 1 January 2025, each with simpanan pokok paid.
async fn books(app: &TestApp) -> Books {
    let clerk = coop::demo_actor(&app.db, "bendahara.kuripan")
        .await
        .unwrap();
    let chief = coop::demo_actor(&app.db, "kades.kuripan").await.unwrap();
    let mut tx = app.db.begin().await.unwrap();
    coop::setup(
        &mut tx,
        &clerk,
        KURIPAN,
        &Setup {
            capital: MemberCapital::Liability,
            principal_savings: 50_000,
            mandatory_monthly: 10_000,
            thresholds: AgeingThresholds::new(30, 60, 90).unwrap(),
            maker_checker: true,
            products: coop::standard_products(),
        },
    )
    .await
    .unwrap();
    // The village's start-up grant: cash to lend from (a payout beyond the cash is refused).
    let grant = JournalEntry::new(
        d("2025-01-01"),
        "Hibah modal awal dari dana desa",
        vec![
            Line::debit("1101", 50_000_000),
            Line::credit("3301", 50_000_000),
        ],
    )
    .unwrap();
    coop::manual_entry(&mut tx, &clerk, "hibah-awal", KURIPAN, &grant)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let people: Vec<Id> = on_pool!(&app.db, p => sqlx::query_scalar("SELECT id FROM persons WHERE village_code = $1 ORDER BY id")
        .bind(KURIPAN).fetch_all(p).await)
    .unwrap();
    assert!(people.len() >= 2, "the demo has villagers in Kuripan");
    let mut members = Vec::new();
    for (n, person) in people.iter().enumerate() {
        let mut tx = app.db.begin().await.unwrap();
        let m = coop::join(
            &mut tx,
            &clerk,
            KURIPAN,
            *person,
            &format!("KKR-{:04}", n + 1),
            d("2025-01-01"),
        )
        .await
        .unwrap();
        coop::deposit(
            &mut tx,
            &clerk,
            &format!("pokok-{n}"),
            m,
            SavingsKind::Principal,
            50_000,
            d("2025-01-01"),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        members.push(m);
    }
    Books {
        clerk,
        chief,
        members,
    }
}

fn conflict<T: std::fmt::Debug>(r: Result<T, DbError>) -> String {
    match r {
        Err(DbError::Conflict(m)) => m,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// Every posted entry balances, and the statements agree with the sub-ledgers.
async fn assert_square(app: &TestApp, on: NaiveDate) {
    let unbalanced: i64 = on_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT COUNT(*) FROM coop_journal_entries e WHERE e.posted AND (
            (SELECT SUM(debit) FROM coop_journal_lines WHERE entry_id = e.id) <> e.total
            OR (SELECT SUM(credit) FROM coop_journal_lines WHERE entry_id = e.id) <> e.total)",
    ).fetch_one(p).await)
    .unwrap();
    assert_eq!(unbalanced, 0);
    let unposted: i64 = on_pool!(&app.db, p => sqlx::query_scalar("SELECT COUNT(*) FROM coop_journal_entries WHERE NOT posted").fetch_one(p).await).unwrap();
    assert_eq!(unposted, 0, "no entry is left half-written");
    for region in [KURIPAN, KENANGA] {
        if coop::settings(&app.db, region).await.unwrap().is_none() {
            continue;
        }
        let tb = coop::trial_balance(&app.db, region, on).await.unwrap();
        assert_eq!(tb.debit, tb.credit, "{region}: {tb:?}");
        assert!(tb.unknown.is_empty());
        let n = coop::neraca(&app.db, region, on).await.unwrap();
        assert!(n.balanced(), "{region}: {n:?}");
        // Simpanan sukarela in the ledger equals the members' sukarela balances.
        // (The sub-ledgers hold every date, so the ledger is read to the end here.)
        let t = coop::totals(&app.db, region, None, d("2100-01-01"), None)
            .await
            .unwrap();
        // The per-day totals the statements read agree with the journal lines themselves.
        let lines: Vec<(String, i64, i64)> = on_pool!(&app.db, p => sqlx::query_as(
            "SELECT l.account_code, CAST(SUM(l.debit) AS BIGINT), CAST(SUM(l.credit) AS BIGINT)
             FROM coop_journal_lines l JOIN coop_journal_entries e ON e.id = l.entry_id
             WHERE e.region_code = $1 AND e.posted GROUP BY l.account_code",
        ).bind(region).fetch_all(p).await)
        .unwrap();
        assert_eq!(lines.len(), t.len(), "{region}: accounts in the day totals");
        for (account, debit, credit) in lines {
            assert_eq!(
                t.get(&account).copied(),
                Some((debit, credit)),
                "{region}: {account}"
            );
        }
        let (dr, cr) = t.get("2101").copied().unwrap_or_default();
        let held: i64 = on_pool!(&app.db, p => sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(a.balance), 0) AS BIGINT) FROM coop_savings_accounts a JOIN coop_members m ON m.id = a.member_id
             WHERE m.region_code = $1 AND a.kind = 'sukarela'",
        ).bind(region).fetch_one(p).await)
        .unwrap();
        assert_eq!(cr - dr, held, "{region}: sukarela ledger vs accounts");
        // Loans receivable equals the principal still owed on the loans.
        let (dr, cr) = t.get("1201").copied().unwrap_or_default();
        let ids: Vec<Id> = on_pool!(&app.db, p => sqlx::query_scalar(
            "SELECT l.id FROM coop_loans l JOIN coop_members m ON m.id = l.member_id WHERE m.region_code = $1 AND l.status IN ('dicairkan', 'lunas')",
        ).bind(region).fetch_all(p).await)
        .unwrap();
        let mut owed = 0;
        for id in ids {
            owed += coop::loan_state(&app.db, id)
                .await
                .unwrap()
                .1
                .outstanding_principal();
        }
        assert_eq!(dr - cr, owed, "{region}: receivable vs loans");
    }
}

async fn take_loan(
    app: &TestApp,
    b: &Books,
    member: Id,
    amount: i64,
    months: u32,
    on: NaiveDate,
    key: &str,
) -> Id {
    let mut tx = app.db.begin().await.unwrap();
    let loan = coop::apply(
        &mut tx,
        &b.clerk,
        member,
        &LoanApplicationInput {
            product: "PRODUKTIF".into(),
            amount,
            months,
            purpose: "Modal warung sayur".into(),
        },
        on,
    )
    .await
    .unwrap();
    coop::decide(&mut tx, &b.chief, loan, true).await.unwrap();
    coop::disburse(&mut tx, &b.clerk, key, loan, on)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    loan
}

both! {
    async fn every_posting_balances_and_the_books_stay_square_through_a_mixed_run(app) {
        // The demo co-op in Kenanga is square to begin with.
        assert_square(&app, today()).await;
        let b = books(&app).await;
        let loan = take_loan(&app, &b, b.members[0], 2_000_000, 6, d("2025-02-10"), "cair-1").await;
        // A small deterministic generator: the same "random" run on both engines.
        let mut seed: u64 = 0x5eed;
        let mut next = |n: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        let mut refused = 0;
        for step in 0..40 {
            let on = d("2025-02-10") + chrono::Duration::days(step * 5);
            let m = b.members[next(b.members.len() as u64) as usize];
            let key = format!("run-{step}");
            let mut tx = app.db.begin().await.unwrap();
            let r = match next(5) {
                0 => coop::deposit(&mut tx, &b.clerk, &key, m, SavingsKind::Voluntary, 1_000 * (1 + next(500) as i64), on).await,
                1 => coop::deposit(&mut tx, &b.clerk, &key, m, SavingsKind::Mandatory, 10_000, on).await,
                2 => coop::withdraw(&mut tx, &b.clerk, &key, m, SavingsKind::Voluntary, 1_000 * (1 + next(300) as i64), on).await,
                3 => coop::repay(&mut tx, &b.clerk, &key, loan, 50_000 + 1_000 * next(400) as i64, on).await,
                _ => {
                    let e = JournalEntry::new(on, "Beli alat tulis", vec![Line::debit("5202", 7_500), Line::credit("1101", 7_500)]).unwrap();
                    coop::manual_entry(&mut tx, &b.clerk, &key, KURIPAN, &e).await
                }
            };
            match r {
                Ok(_) => tx.commit().await.unwrap(),
                Err(DbError::Conflict(_)) => { refused += 1; drop(tx) }
                Err(e) => panic!("step {step}: {e}"),
            }
            assert_square(&app, on).await;
        }
        assert!(refused < 40, "most steps post");
        // A repayment's entry splits the payment by part; the sum of repayments matches the ledger.
        let reps = coop::repayments(&app.db, loan).await.unwrap();
        assert!(!reps.is_empty());
        for r in &reps {
            assert_eq!(r.amount, r.penalty + r.interest + r.principal + r.prepaid_principal + r.overpayment);
        }
        let t = coop::totals(&app.db, KURIPAN, None, d("2026-01-01"), None).await.unwrap();
        let interest: i64 = reps.iter().map(|r| r.interest).sum();
        let penalty: i64 = reps.iter().map(|r| r.penalty).sum();
        assert_eq!(t.get("4101").map_or(0, |x| x.1 - x.0), interest);
        assert_eq!(t.get("4104").map_or(0, |x| x.1 - x.0), penalty);
        // Cash book: the running balance ends at the cash account's balance.
        let (opening, lines) = coop::cash_book(&app.db, KURIPAN, d("2025-01-01"), d("2026-01-01")).await.unwrap();
        assert_eq!(opening, 0);
        let (dr, cr) = t.get("1101").copied().unwrap();
        assert_eq!(lines.last().unwrap().balance, dr - cr);
        // A posted entry cannot be changed, nor its lines.
        let e: Id = on_pool!(&app.db, p => sqlx::query_scalar("SELECT id FROM coop_journal_entries WHERE region_code = $1 LIMIT 1").bind(KURIPAN).fetch_one(p).await).unwrap();
        assert!(on_pool!(&app.db, p => sqlx::query("UPDATE coop_journal_entries SET memo = 'x' WHERE id = $1").bind(e).execute(p).await.map(|r| r.rows_affected())).is_err());
        assert!(on_pool!(&app.db, p => sqlx::query("UPDATE coop_journal_lines SET debit = debit + 1 WHERE entry_id = $1").bind(e).execute(p).await.map(|r| r.rows_affected())).is_err());
    }

    async fn savings_follow_the_rules_and_members_show_their_statement_and_arrears(app) {
        let b = books(&app).await;
        let (a, z) = (b.members[0], b.members[1]);
        // Pokok only once.
        let mut tx = app.db.begin().await.unwrap();
        assert!(conflict(coop::deposit(&mut tx, &b.clerk, "pokok-again", a, SavingsKind::Principal, 50_000, d("2025-02-01")).await).contains("sekali"));
        drop(tx);
        let mut tx = app.db.begin().await.unwrap();
        for (k, on) in ["2025-01-05", "2025-02-05", "2025-03-05"].iter().enumerate() {
            coop::deposit(&mut tx, &b.clerk, &format!("wajib-{k}"), a, SavingsKind::Mandatory, 10_000, d(on)).await.unwrap();
        }
        coop::deposit(&mut tx, &b.clerk, "s1", a, SavingsKind::Voluntary, 300_000, d("2025-03-06")).await.unwrap();
        coop::withdraw(&mut tx, &b.clerk, "s2", a, SavingsKind::Voluntary, 120_000, d("2025-03-07")).await.unwrap();
        tx.commit().await.unwrap();
        // Pokok and wajib stay while a member.
        let mut tx = app.db.begin().await.unwrap();
        assert!(conflict(coop::withdraw(&mut tx, &b.clerk, "w-wajib", a, SavingsKind::Mandatory, 10_000, d("2025-03-08")).await).contains("keanggotaan berakhir"));
        drop(tx);
        let st = coop::statement(&app.db, a).await.unwrap();
        let last = st.last().unwrap();
        assert_eq!((last.kind, last.balance, last.total), (SavingsKind::Voluntary, 180_000, 50_000 + 30_000 + 180_000));
        assert_eq!(coop::balance(&app.db, a, SavingsKind::Voluntary).await.unwrap(), 180_000);
        // On 31 March: a has paid Jan–Mar, z nothing.
        let behind = coop::mandatory_arrears(&app.db, KURIPAN, d("2025-03-31")).await.unwrap();
        assert!(behind.iter().all(|(m, _)| m.id != a));
        let (_, zs) = behind.iter().find(|(m, _)| m.id == z).unwrap();
        assert_eq!((zs.arrears_months, zs.arrears_amount), (3, 30_000));
        // Leaving: refused with a running loan; afterwards pokok and wajib are paid back.
        let loan = take_loan(&app, &b, z, 1_000_000, 3, d("2025-04-01"), "cair-z").await;
        let mut tx = app.db.begin().await.unwrap();
        assert!(conflict(coop::leave(&mut tx, &b.clerk, z, d("2025-04-02")).await).contains("pinjaman"));
        drop(tx);
        // Paying the whole debt at once: instalment 1 is not yet due, so everything is prepayment.
        let mut tx = app.db.begin().await.unwrap();
        let owed = coop::loan_state(&app.db, loan).await.unwrap().1.outstanding_principal();
        coop::repay(&mut tx, &b.clerk, "lunas-z", loan, owed, d("2025-04-10")).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(coop::loan(&app.db, loan).await.unwrap().unwrap().status, "lunas");
        let mut tx = app.db.begin().await.unwrap();
        coop::leave(&mut tx, &b.clerk, z, d("2025-04-11")).await.unwrap();
        coop::withdraw(&mut tx, &b.clerk, "pokok-back", z, SavingsKind::Principal, 50_000, d("2025-04-11")).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(coop::balance(&app.db, z, SavingsKind::Principal).await.unwrap(), 0);
        let mut tx = app.db.begin().await.unwrap();
        assert!(conflict(coop::deposit(&mut tx, &b.clerk, "after", z, SavingsKind::Voluntary, 1_000, d("2025-04-12")).await).contains("keluar"));
        drop(tx);
        assert_square(&app, d("2025-12-31")).await;
    }

    async fn withdrawals_at_once_never_overdraw(app) {
        let b = books(&app).await;
        let m = b.members[0];
        let mut tx = app.db.begin().await.unwrap();
        coop::deposit(&mut tx, &b.clerk, "modal", m, SavingsKind::Voluntary, 1_000_000, d("2025-03-01")).await.unwrap();
        tx.commit().await.unwrap();
        let mut tasks = Vec::new();
        for k in 0..10 {
            let (db, clerk) = (app.db.clone(), b.clerk.clone());
            tasks.push(tokio::spawn(async move {
                let mut tx = db.begin().await.unwrap();
                let r = coop::withdraw(&mut tx, &clerk, &format!("tarik-{k}"), m, SavingsKind::Voluntary, 400_000, d("2025-03-02")).await;
                if r.is_ok() {
                    tx.commit().await.unwrap();
                }
                r
            }));
        }
        let mut ok = 0;
        for t in tasks {
            match t.await.unwrap() {
                Ok(_) => ok += 1,
                Err(DbError::Conflict(m)) => assert!(m.contains("saldo"), "{m}"),
                Err(e) => panic!("a withdrawal failed instead of being refused: {e}"),
            }
        }
        assert_eq!(ok, 2, "exactly the withdrawals that fit");
        assert_eq!(coop::balance(&app.db, m, SavingsKind::Voluntary).await.unwrap(), 200_000);
        let taken: i64 = on_pool!(&app.db, p => sqlx::query_scalar("SELECT COUNT(*) FROM coop_savings_txns WHERE direction = 'tarik'").fetch_one(p).await).unwrap();
        assert_eq!(taken, 2);
        assert_square(&app, d("2025-03-02")).await;
    }

    async fn a_payout_the_cash_cannot_cover_is_refused_with_the_balance(app) {
        let b = books(&app).await;
        let m = b.members[0];
        let lines = || async {
            on_pool!(&app.db, p => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM coop_journal_lines").fetch_one(p).await).unwrap()
        };
        // Most of the cash goes to the bank: what is left cannot pay out the loan.
        let to_bank = JournalEntry::new(d("2025-05-01"), "Setor ke bank", vec![Line::debit("1102", 49_000_000), Line::credit("1101", 49_000_000)]).unwrap();
        let mut tx = app.db.begin().await.unwrap();
        coop::manual_entry(&mut tx, &b.clerk, "ke-bank", KURIPAN, &to_bank).await.unwrap();
        tx.commit().await.unwrap();
        let before = lines().await;
        let mut tx = app.db.begin().await.unwrap();
        let loan = coop::apply(&mut tx, &b.clerk, m, &LoanApplicationInput { product: "PRODUKTIF".into(), amount: 5_000_000, months: 12, purpose: "Membeli gerobak".into() }, d("2025-05-02")).await.unwrap();
        coop::decide(&mut tx, &b.chief, loan, true).await.unwrap();
        tx.commit().await.unwrap();
        let mut tx = app.db.begin().await.unwrap();
        let refused = conflict(coop::disburse(&mut tx, &b.clerk, "cair-truk", loan, d("2025-05-02")).await);
        drop(tx);
        let t = coop::totals(&app.db, KURIPAN, None, d("2025-05-02"), None).await.unwrap();
        let (dr, cr) = t["1101"];
        let cash = desmigratif_core::fees::format_amount(dr - cr);
        assert_eq!(refused, format!("kas koperasi hanya Rp {cash}; Rp 5.000.000 tidak dapat dibayarkan"));
        assert_eq!(lines().await, before, "nothing posted");
        assert_square(&app, d("2025-05-02")).await;
        // Once the money is back from the bank, the same loan is paid out.
        let back = JournalEntry::new(d("2025-05-02"), "Tarik dari bank", vec![Line::debit("1101", 10_000_000), Line::credit("1102", 10_000_000)]).unwrap();
        let mut tx = app.db.begin().await.unwrap();
        coop::manual_entry(&mut tx, &b.clerk, "dari-bank", KURIPAN, &back).await.unwrap();
        coop::disburse(&mut tx, &b.clerk, "cair-gerobak", loan, d("2025-05-02")).await.unwrap();
        tx.commit().await.unwrap();
    }

    async fn an_idempotency_key_posts_once_and_refuses_another_request(app) {
        let b = books(&app).await;
        let m = b.members[0];
        let entries = || async {
            on_pool!(&app.db, p => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM coop_journal_entries").fetch_one(p).await).unwrap()
        };
        let before = entries().await;
        let mut ids = Vec::new();
        for _ in 0..3 {
            let mut tx = app.db.begin().await.unwrap();
            ids.push(coop::deposit(&mut tx, &b.clerk, "form-7f3a", m, SavingsKind::Voluntary, 75_000, d("2025-05-01")).await.unwrap());
            tx.commit().await.unwrap();
        }
        assert!(ids.iter().all(|i| *i == ids[0]), "a replay returns the first result");
        assert_eq!(entries().await, before + 1, "posted once");
        assert_eq!(coop::balance(&app.db, m, SavingsKind::Voluntary).await.unwrap(), 75_000);
        // The same key for another amount, or another action, is refused.
        let mut tx = app.db.begin().await.unwrap();
        assert!(conflict(coop::deposit(&mut tx, &b.clerk, "form-7f3a", m, SavingsKind::Voluntary, 76_000, d("2025-05-01")).await).contains("kunci"));
        drop(tx);
        let mut tx = app.db.begin().await.unwrap();
        assert!(conflict(coop::withdraw(&mut tx, &b.clerk, "form-7f3a", m, SavingsKind::Voluntary, 75_000, d("2025-05-01")).await).contains("kunci"));
        drop(tx);
        // The key is the sender's: the chair using the same key makes her own deposit, neither
        // a replay of the clerk's nor a refusal because of it.
        let mut tx = app.db.begin().await.unwrap();
        let chairs = coop::deposit(&mut tx, &b.chief, "form-7f3a", m, SavingsKind::Voluntary, 76_000, d("2025-05-01")).await.unwrap();
        tx.commit().await.unwrap();
        assert_ne!(chairs, ids[0]);
        assert_eq!(entries().await, before + 2);
        assert_eq!(coop::balance(&app.db, m, SavingsKind::Voluntary).await.unwrap(), 151_000);
        // A replayed disbursement and repayment, too.
        let loan = take_loan(&app, &b, m, 1_200_000, 6, d("2025-05-02"), "cair-7").await;
        let mut tx = app.db.begin().await.unwrap();
        let again = coop::disburse(&mut tx, &b.clerk, "cair-7", loan, d("2025-05-02")).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(Some(again), on_pool!(&app.db, p => sqlx::query_scalar("SELECT disbursement_entry_id FROM coop_loans WHERE id = $1").bind(loan).fetch_one(p).await).unwrap());
        let mut r = Vec::new();
        for _ in 0..2 {
            let mut tx = app.db.begin().await.unwrap();
            r.push(coop::repay(&mut tx, &b.clerk, "bayar-1", loan, 300_000, d("2025-06-02")).await.unwrap());
            tx.commit().await.unwrap();
        }
        assert_eq!(r[0], r[1]);
        assert_eq!(coop::repayments(&app.db, loan).await.unwrap().len(), 1);
        // A key without content is refused outright.
        let mut tx = app.db.begin().await.unwrap();
        assert!(conflict(coop::deposit(&mut tx, &b.clerk, "  ", m, SavingsKind::Voluntary, 1, d("2025-05-01")).await).contains("kunci"));
        drop(tx);
        assert_square(&app, d("2025-12-31")).await;
    }

    async fn a_closed_period_takes_no_back_dated_posting(app) {
        let b = books(&app).await;
        let m = b.members[0];
        let mut tx = app.db.begin().await.unwrap();
        coop::deposit(&mut tx, &b.clerk, "a", m, SavingsKind::Voluntary, 100_000, d("2025-03-01")).await.unwrap();
        coop::close_period(&mut tx, &b.clerk, KURIPAN, d("2025-06-30"), today()).await.unwrap();
        tx.commit().await.unwrap();
        for (k, on) in ["2025-06-30", "2025-05-01"].iter().enumerate() {
            let mut tx = app.db.begin().await.unwrap();
            assert!(conflict(coop::deposit(&mut tx, &b.clerk, &format!("late-{k}"), m, SavingsKind::Voluntary, 5_000, d(on)).await).contains("ditutup"));
            drop(tx);
            let mut tx = app.db.begin().await.unwrap();
            let e = JournalEntry::new(d(on), "Koreksi", vec![Line::debit("5202", 1_000), Line::credit("1101", 1_000)]).unwrap();
            assert!(conflict(coop::manual_entry(&mut tx, &b.clerk, &format!("j-{k}"), KURIPAN, &e).await).contains("ditutup"));
            drop(tx);
        }
        let mut tx = app.db.begin().await.unwrap();
        coop::deposit(&mut tx, &b.clerk, "after", m, SavingsKind::Voluntary, 5_000, d("2025-07-01")).await.unwrap();
        tx.commit().await.unwrap();
        // Never backwards, never past today, never over an unclosed year end.
        let mut tx = app.db.begin().await.unwrap();
        conflict(coop::close_period(&mut tx, &b.clerk, KURIPAN, d("2025-05-31"), today()).await);
        drop(tx);
        let mut tx = app.db.begin().await.unwrap();
        conflict(coop::close_period(&mut tx, &b.clerk, KURIPAN, today() + chrono::Duration::days(1), today()).await);
        drop(tx);
        let mut tx = app.db.begin().await.unwrap();
        assert!(conflict(coop::close_period(&mut tx, &b.clerk, KURIPAN, d("2026-01-31"), today()).await).contains("2025"));
        drop(tx);
        let closes: i64 = on_pool!(&app.db, p => sqlx::query_scalar("SELECT COUNT(*) FROM coop_period_closes WHERE region_code = $1").bind(KURIPAN).fetch_one(p).await).unwrap();
        assert_eq!(closes, 1);
        assert_eq!(coop::balance(&app.db, m, SavingsKind::Voluntary).await.unwrap(), 105_000);
        assert_square(&app, d("2025-12-31")).await;
    }

    async fn a_close_racing_postings_neither_deadlocks_nor_lets_one_in_behind_it(app) {
        let b = books(&app).await;
        let m = b.members[0];
        let mut tasks = Vec::new();
        for k in 0..6 {
            let (db, clerk) = (app.db.clone(), b.clerk.clone());
            tasks.push(tokio::spawn(async move {
                let mut tx = db.begin().await.unwrap();
                let r = coop::deposit(&mut tx, &clerk, &format!("race-{k}"), m, SavingsKind::Voluntary, 10_000, d("2025-06-30")).await.map(|_| ());
                if r.is_ok() {
                    tx.commit().await.unwrap();
                }
                r
            }));
            if k == 2 {
                let (db, clerk) = (app.db.clone(), b.clerk.clone());
                tasks.push(tokio::spawn(async move {
                    let mut tx = db.begin().await.unwrap();
                    coop::close_period(&mut tx, &clerk, KURIPAN, d("2025-06-30"), today()).await?;
                    tx.commit().await
                }));
            }
        }
        let mut posted = 0;
        for t in tasks {
            match t.await.unwrap() {
                Ok(()) => posted += 1,
                Err(DbError::Conflict(m)) => assert!(m.contains("ditutup"), "{m}"),
                Err(e) => panic!("neither refused nor done: {e}"),
            }
        }
        assert!(posted >= 1, "the close itself always goes through");
        // Whatever got in was committed before the close; the balance matches the ledger.
        assert_eq!(coop::balance(&app.db, m, SavingsKind::Voluntary).await.unwrap(), 10_000 * (posted - 1));
        let mut tx = app.db.begin().await.unwrap();
        conflict(coop::deposit(&mut tx, &b.clerk, "race-late", m, SavingsKind::Voluntary, 10_000, d("2025-06-30")).await);
        drop(tx);
        assert_square(&app, d("2025-12-31")).await;
    }

    async fn the_shu_shares_add_up_to_the_members_pool_and_post_balanced(app) {
        let b = books(&app).await;
        let (a, z) = (b.members[0], b.members[1]);
        let mut tx = app.db.begin().await.unwrap();
        for (k, on) in ["2025-01-10", "2025-02-10", "2025-03-10"].iter().enumerate() {
            coop::deposit(&mut tx, &b.clerk, &format!("wa-{k}"), a, SavingsKind::Mandatory, 10_000, d(on)).await.unwrap();
        }
        coop::deposit(&mut tx, &b.clerk, "wz", z, SavingsKind::Mandatory, 10_000, d("2025-01-10")).await.unwrap();
        tx.commit().await.unwrap();
        let loan = take_loan(&app, &b, z, 3_000_000, 6, d("2025-03-15"), "cair").await;
        let (_, state) = coop::loan_state(&app.db, loan).await.unwrap();
        for (k, i) in state.schedule.instalments.iter().enumerate() {
            let mut tx = app.db.begin().await.unwrap();
            coop::repay(&mut tx, &b.clerk, &format!("angs-{k}"), loan, i.total, i.due_on).await.unwrap();
            tx.commit().await.unwrap();
        }
        assert_eq!(coop::loan(&app.db, loan).await.unwrap().unwrap().status, "lunas");
        let mut tx = app.db.begin().await.unwrap();
        let e = JournalEntry::new(d("2025-11-30"), "Honor pengelola", vec![Line::debit("5201", 40_001), Line::credit("1101", 40_001)]).unwrap();
        coop::manual_entry(&mut tx, &b.clerk, "honor", KURIPAN, &e).await.unwrap();
        tx.commit().await.unwrap();
        let phu = coop::phu(&app.db, KURIPAN, d("2025-01-01"), d("2025-12-31")).await.unwrap();
        assert!(phu.result > 0, "{phu:?}");
        use ShuPart::*;
        let plan = ShuPlan::new(2025, vec![(Reserve, 4_000), (CapitalService, 2_000), (PatronageService, 2_500), (Board, 500), (Staff, 500), (Education, 250), (Social, 250)], 10_000).unwrap();
        // Not before the year is closed.
        let mut tx = app.db.begin().await.unwrap();
        assert!(conflict(coop::shu_compute(&mut tx, &b.clerk, KURIPAN, &plan).await).contains("tutup buku"));
        drop(tx);
        let mut tx = app.db.begin().await.unwrap();
        coop::close_period(&mut tx, &b.clerk, KURIPAN, d("2025-12-31"), today()).await.unwrap();
        tx.commit().await.unwrap();
        // After the closing entry the year's income and expense are zero and the result sits in 3401.
        let t = coop::totals(&app.db, KURIPAN, None, d("2025-12-31"), None).await.unwrap();
        let (dr, cr) = t["3401"];
        assert_eq!(cr - dr, phu.result);
        assert_eq!(coop::neraca(&app.db, KURIPAN, d("2025-12-31")).await.unwrap().current_result, 0);
        let mut tx = app.db.begin().await.unwrap();
        let run = coop::shu_compute(&mut tx, &b.clerk, KURIPAN, &plan).await.unwrap();
        tx.commit().await.unwrap();
        let r = coop::shu_run(&app.db, run).await.unwrap().unwrap();
        assert_eq!(r.result, phu.result);
        let parts = coop::shu_parts(&app.db, run).await.unwrap();
        assert_eq!(parts.iter().map(|p| p.2).sum::<i64>(), r.result, "the parts add up to the result");
        let pool: i64 = parts.iter().filter(|p| matches!(p.0, CapitalService | PatronageService)).map(|p| p.2).sum();
        let shares = coop::shu_members(&app.db, run).await.unwrap();
        assert_eq!(shares.iter().map(|s| s.total).sum::<i64>() + r.unclaimed, pool, "members' shares add up to their pool");
        assert_eq!(r.unclaimed, 0);
        let zs = shares.iter().find(|s| s.member_id == z).unwrap();
        assert_eq!(zs.interest_paid, state.schedule.total_interest());
        let jasa_anggota = parts.iter().find(|p| p.0 == PatronageService).unwrap().2;
        assert_eq!(zs.patronage, jasa_anggota, "only z paid interest");
        // Maker-checker on the SHU: not approved by who computed it.
        let mut tx = app.db.begin().await.unwrap();
        assert!(conflict(coop::shu_approve(&mut tx, &b.clerk, run).await).contains("lain"));
        drop(tx);
        let mut tx = app.db.begin().await.unwrap();
        let post_early = coop::shu_post(&mut tx, &b.clerk, "shu-early", run, d("2026-03-01"), true).await;
        assert!(conflict(post_early).contains("disetujui"));
        drop(tx);
        let mut tx = app.db.begin().await.unwrap();
        coop::shu_approve(&mut tx, &b.chief, run).await.unwrap();
        let entry = coop::shu_post(&mut tx, &b.clerk, "shu-2025", run, d("2026-03-01"), true).await.unwrap();
        tx.commit().await.unwrap();
        let posted = coop::entry(&app.db, entry).await.unwrap();
        assert_eq!(posted.total(), r.result);
        let t = coop::totals(&app.db, KURIPAN, None, d("2026-03-01"), None).await.unwrap();
        let (dr, cr) = t["3401"];
        assert_eq!(cr - dr, 0, "the year's result is distributed");
        let (dr, cr) = t.get("2301").copied().unwrap_or_default();
        assert_eq!(cr - dr, 0, "members' SHU went to their sukarela");
        let mut credited = 0;
        for m in &b.members {
            credited += coop::balance(&app.db, *m, SavingsKind::Voluntary).await.unwrap();
        }
        assert_eq!(credited, pool);
        assert_eq!(coop::shu_run(&app.db, run).await.unwrap().unwrap().status, "diposting");
        assert_square(&app, d("2026-03-01")).await;

        // The run's page and the RAT pack, as the treasurer downloads them.
        let clerk = app.login("bendahara.kuripan", crate::support::PASSWORD).await;
        let page = app.get(&format!("/app/koperasi/shu/{run}"), Some(&clerk)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Disetujui dan dibukukan"), "{}", page.body);
        let rupiah = |n: i64| desmigratif_core::fees::RUPIAH.format(n);
        assert!(page.body.contains(&rupiah(pool)), "the members' total on the page");
        let exports = app.audit_count("coop.export", desmigratif_db::audit::Outcome::Ok).await;
        let (status, headers, pdf) = crate::support::fetch(&app, &clerk, &format!("/app/koperasi/shu/{run}/rat.pdf")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers["content-type"], "application/pdf");
        let text = desmigratif_pdf::text(&pdf).unwrap();
        for expected in ["Koperasi Desa Kuripan", "Neraca", "Perhitungan Hasil Usaha", "KKR-0001", &rupiah(r.result), &rupiah(pool)] {
            assert!(text.contains(expected), "the RAT pack says {expected}: {text}");
        }
        let (status, headers, xlsx) = crate::support::fetch(&app, &clerk, &format!("/app/koperasi/shu/{run}/rat.xlsx")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(headers["content-type"].to_str().unwrap().contains("spreadsheetml"));
        let sheet = desmigratif_docs::read(&xlsx, "rat.xlsx").unwrap();
        assert_eq!(sheet.headers, ["Kelompok", "Kode", "Akun", "Jumlah (Rp)"]);
        let neraca = coop::neraca(&app.db, KURIPAN, d("2025-12-31")).await.unwrap();
        let assets = sheet.rows.iter().find(|(_, r)| r[2] == "Jumlah aset").expect("a total assets row");
        assert_eq!(assets.1[3], neraca.total_assets.to_string(), "a number, not text");
        assert_eq!(app.audit_count("coop.export", desmigratif_db::audit::Outcome::Ok).await, exports + 2);
        let (status, _, statement) = crate::support::fetch(&app, &clerk, &format!("/app/koperasi/anggota/{z}/rekening.pdf")).await;
        assert_eq!(status, StatusCode::OK);
        let text = desmigratif_pdf::text(&statement).unwrap();
        assert!(text.contains("KKR-") && text.contains("Lunas"), "the statement lists the repaid loan: {text}");
        let other = app.login("bendahara.kenanga", crate::support::PASSWORD).await;
        assert_eq!(crate::support::fetch(&app, &other, &format!("/app/koperasi/shu/{run}/rat.pdf")).await.0, StatusCode::NOT_FOUND);
        assert_eq!(crate::support::fetch(&app, &other, &format!("/app/koperasi/anggota/{z}/rekening.pdf")).await.0, StatusCode::NOT_FOUND);
    }

    async fn maker_checker_refuses_self_approval_when_on(app) {
        let b = books(&app).await;
        let m = b.members[0];
        let input = LoanApplicationInput { product: "KONSUMTIF".into(), amount: 600_000, months: 6, purpose: "Biaya sekolah anak".into() };
        let mut tx = app.db.begin().await.unwrap();
        let loan = coop::apply(&mut tx, &b.clerk, m, &input, d("2025-02-01")).await.unwrap();
        tx.commit().await.unwrap();
        let mut tx = app.db.begin().await.unwrap();
        assert!(conflict(coop::decide(&mut tx, &b.clerk, loan, true).await).contains("pengurus lain"));
        drop(tx);
        // Not disbursed before approval.
        let mut tx = app.db.begin().await.unwrap();
        conflict(coop::disburse(&mut tx, &b.clerk, "too-early", loan, d("2025-02-02")).await);
        drop(tx);
        // The database refuses it too.
        let clerk = b.clerk.user_id.unwrap();
        assert!(on_pool!(&app.db, p => sqlx::query("UPDATE coop_loans SET approved_by = $1 WHERE id = $2").bind(clerk).bind(loan).execute(p).await.map(|r| r.rows_affected())).is_err());
        let mut tx = app.db.begin().await.unwrap();
        coop::decide(&mut tx, &b.chief, loan, true).await.unwrap();
        tx.commit().await.unwrap();
        // With the setting off, a one-person co-op may approve its own entry.
        on_pool!(&app.db, p => sqlx::query("UPDATE coop_settings SET maker_checker = FALSE WHERE region_code = $1").bind(KURIPAN).execute(p).await.map(|r| r.rows_affected())).unwrap();
        let mut tx = app.db.begin().await.unwrap();
        let own = coop::apply(&mut tx, &b.clerk, m, &input, d("2025-02-01")).await.unwrap();
        coop::decide(&mut tx, &b.clerk, own, true).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(coop::loan(&app.db, own).await.unwrap().unwrap().status, "disetujui");
    }

    async fn loans_repay_by_the_product_order_prepay_and_age_into_collectibility(app) {
        let b = books(&app).await;
        let (a, z) = (b.members[0], b.members[1]);
        let loan = take_loan(&app, &b, a, 1_200_000, 12, d("2025-01-15"), "cair-a").await;
        let fees: i64 = on_pool!(&app.db, p => sqlx::query_scalar("SELECT COUNT(*) FROM coop_journal_entries WHERE source = 'biaya' AND source_id = $1").bind(loan).fetch_one(p).await).unwrap();
        assert_eq!(fees, 2, "provisi and administrasi, each its own receipt");
        let (_, s0) = coop::loan_state(&app.db, loan).await.unwrap();
        let first = s0.schedule.instalments[0];
        // Instalment 1 paid ten days late: the penalty is charged and settled first, then interest, then principal.
        let mut tx = app.db.begin().await.unwrap();
        let rid = coop::repay(&mut tx, &b.clerk, "r1", loan, first.total, first.due_on + chrono::Duration::days(10)).await.unwrap();
        tx.commit().await.unwrap();
        let rep = coop::repayments(&app.db, loan).await.unwrap()[0];
        let penalty = desmigratif_core::coop::loan::penalty(first.total, 10, 10);
        assert!(penalty > 0);
        assert_eq!((rep.penalty, rep.interest, rep.principal), (penalty, first.interest, first.principal - penalty));
        let entry: Id = on_pool!(&app.db, p => sqlx::query_scalar("SELECT entry_id FROM coop_repayments WHERE id = $1").bind(rid).fetch_one(p).await).unwrap();
        let e = coop::entry(&app.db, entry).await.unwrap();
        let credit = |code: &str| e.lines().iter().filter(|l| l.account == code).map(|l| l.amount).sum::<i64>();
        assert_eq!((credit("4104"), credit("4101"), credit("1201"), credit("1101")), (penalty, first.interest, first.principal - penalty, first.total));
        // A prepayment recomputes the instalments not yet due: same dates, smaller amounts.
        let on = first.due_on + chrono::Duration::days(11);
        let mut tx = app.db.begin().await.unwrap();
        coop::repay(&mut tx, &b.clerk, "r2", loan, penalty + 500_000, on).await.unwrap();
        tx.commit().await.unwrap();
        let (row, s1) = coop::loan_state(&app.db, loan).await.unwrap();
        assert_eq!(row.prepaid, 500_000);
        assert_eq!(s1.schedule.instalments.len(), 12);
        assert_eq!(s1.schedule.instalments[5].due_on, s0.schedule.instalments[5].due_on);
        assert!(s1.schedule.instalments[5].total < s0.schedule.instalments[5].total);
        assert_eq!(s1.outstanding_principal(), 1_200_000 - first.principal - 500_000);
        // Ageing: z's loan, unpaid, is 40 days late on 24 March → kurang lancar (from 30 days).
        let zl = take_loan(&app, &b, z, 1_000_000, 6, d("2025-01-13"), "cair-z").await;
        let aged = coop::ageing(&app.db, KURIPAN, d("2025-03-25")).await.unwrap();
        let za = aged.iter().find(|x| x.loan == zl).unwrap();
        assert_eq!((za.days_past_due, za.class), (40, Collectibility::Substandard));
        assert_eq!(aged[0].loan, zl, "the worst first");
        let aa = aged.iter().find(|x| x.loan == loan).unwrap();
        assert_eq!(aa.class, Collectibility::Current);
        assert_eq!(coop::ageing(&app.db, KURIPAN, d("2025-05-15")).await.unwrap()[0].class, Collectibility::Loss);
        assert_square(&app, d("2025-12-31")).await;
    }

    async fn the_demo_cooperative_has_members_savings_and_a_loan_being_repaid(app) {
        let members = coop::members(&app.db, KENANGA).await.unwrap();
        assert!(members.len() >= 2);
        let behind = coop::mandatory_arrears(&app.db, KENANGA, today()).await.unwrap();
        assert!(!behind.is_empty(), "one demo member is behind on wajib");
        let aged = coop::ageing(&app.db, KENANGA, today()).await.unwrap();
        assert_eq!(aged.len(), 1);
        assert_eq!(aged[0].class, Collectibility::Current);
        assert!(!coop::repayments(&app.db, aged[0].loan).await.unwrap().is_empty());
        assert_square(&app, today()).await;
    }
}

// ---------------------------------------------------------------------------------------------
// Through the pages and the API
// ---------------------------------------------------------------------------------------------

mod desk {
    use crate::support::{PASSWORD, TestApp, page_weight};
    use axum::http::StatusCode;
    use desmigratif_db::audit::Outcome;
    use desmigratif_db::coop;
    use desmigratif_db::demo::{KENANGA, KURIPAN};

    /// The hidden idempotency key of the form posting to `action` on a page.
    fn key_of(body: &str, action: &str) -> String {
        let form = &body[body
            .find(&format!("action=\"{action}\""))
            .unwrap_or_else(|| panic!("no form to {action}"))..];
        let re = regex_lite::Regex::new(r#"name="kunci" value="([^"]+)""#).unwrap();
        re.captures(form).expect("a money form carries a key")[1].to_owned()
    }

    async fn trial_is_square(app: &TestApp) {
        let t = coop::trial_balance(&app.db, KENANGA, crate::support::today())
            .await
            .unwrap();
        assert_eq!(t.debit, t.credit, "the trial balance balances");
    }

    async fn savings_txns(app: &TestApp) -> i64 {
        app.rows("coop_savings_txns").await
    }

    both! {
        async fn a_treasurer_takes_a_member_from_joining_to_a_repaid_instalment(app) {
            let clerk = app.login("bendahara.kenanga", PASSWORD).await;
            let home = app.get("/app/koperasi", Some(&clerk)).await;
            assert_eq!(home.status, StatusCode::OK, "{}", home.body);
            assert!(home.body.contains("Kenanga") && home.body.contains("Kolektibilitas"));
            assert!(home.body.contains("href=\"/app/koperasi\""), "the menu leads to the co-op");

            // Joining: find the villager, then register them with a member number.
            let person = crate::support::new_villager(&app, "Warsinah Kopi", 71).await;
            let found = app.get(&format!("/app/koperasi/anggota?desa={KENANGA}&cari=warsinah"), Some(&clerk)).await;
            assert_eq!(found.status, StatusCode::OK);
            assert!(found.body.contains(&format!("value=\"{person}\"")) && found.body.contains("321216••••••••••") && !found.body.contains("•0071"), "found, NIK masked: {}", found.body);
            let bad = app.post("/app/koperasi/anggota", &clerk, &[("desa", KENANGA), ("orang", &person.to_string()), ("nomor", "42"), ("tanggal_masuk", "2999-01-01")]).await;
            assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(bad.body.contains("KDM-0042") && bad.body.contains("tanggal masuk"), "{}", bad.body);
            let joined = app.post("/app/koperasi/anggota", &clerk, &[("desa", KENANGA), ("orang", &person.to_string()), ("nomor", "kkn-0099"), ("tanggal_masuk", &crate::support::today().to_string())]).await;
            assert_eq!(joined.status, StatusCode::SEE_OTHER, "{}", joined.body);
            let member_url = joined.location().to_owned();
            let again = app.post("/app/koperasi/anggota", &clerk, &[("desa", KENANGA), ("orang", &person.to_string()), ("nomor", "KKN-0100"), ("tanggal_masuk", &crate::support::today().to_string())]).await;
            assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(again.body.contains("sudah menjadi anggota dengan nomor KKN-0099"), "{}", again.body);

            // Savings: pokok once; the same form sent twice posts once.
            let page = app.get(&member_url, Some(&clerk)).await;
            assert_eq!(page.status, StatusCode::OK);
            assert!(page.body.contains("KKN-0099"));
            let savings_url = format!("{member_url}/simpanan");
            let key = key_of(&page.body, &savings_url);
            let before = savings_txns(&app).await;
            let pokok = [("kunci", key.as_str()), ("jenis", "pokok"), ("arah", "setor"), ("jumlah", "100.000"), ("tanggal", &crate::support::today().to_string())];
            for _ in 0..2 {
                let r = app.post(&savings_url, &clerk, &pokok).await;
                assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
            }
            assert_eq!(savings_txns(&app).await, before + 1, "a replayed form posts once");
            let page = app.get(&member_url, Some(&clerk)).await;
            let deposit = [("kunci", key_of(&page.body, &savings_url)), ("jenis", "sukarela".into()), ("arah", "setor".into()), ("jumlah", "250000".into()), ("tanggal", crate::support::today().to_string())];
            let deposit: Vec<(&str, &str)> = deposit.iter().map(|(k, v)| (*k, v.as_str())).collect();
            assert_eq!(app.post(&savings_url, &clerk, &deposit).await.status, StatusCode::SEE_OTHER);
            let page = app.get(&member_url, Some(&clerk)).await;
            assert!(page.body.contains("Rp350.000"), "pokok and sukarela together");
            let over = app.post(&savings_url, &clerk, &[("kunci", &key_of(&page.body, &savings_url)), ("jenis", "sukarela"), ("arah", "tarik"), ("jumlah", "300.000"), ("tanggal", &crate::support::today().to_string())]).await;
            assert_eq!(over.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(over.body.contains("saldo"), "an overdraft is refused with the balance: {}", over.body);
            let wajib_out = app.post(&savings_url, &clerk, &[("kunci", &key_of(&page.body, &savings_url)), ("jenis", "wajib"), ("arah", "tarik"), ("jumlah", "10.000"), ("tanggal", &crate::support::today().to_string())]).await;
            assert_eq!(wajib_out.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(wajib_out.body.contains("simpanan sukarela"), "{}", wajib_out.body);

            // A loan: applied by the treasurer, approved by the chair (maker-checker), disbursed,
            // one instalment paid.
            let bad_loan = app.post(&format!("{member_url}/pinjaman"), &clerk, &[("produk", "KONSUMTIF"), ("jumlah", "50.000.000"), ("tenor", "40"), ("keperluan", "x")]).await;
            assert_eq!(bad_loan.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(bad_loan.body.contains("antara") && bad_loan.body.contains("sampai 12"), "{}", bad_loan.body);
            let applied = app.post(&format!("{member_url}/pinjaman"), &clerk, &[("produk", "KONSUMTIF"), ("jumlah", "1.200.000"), ("tenor", "12"), ("keperluan", "Modal warung sembako")]).await;
            assert_eq!(applied.status, StatusCode::SEE_OTHER, "{}", applied.body);
            let loan_url = applied.location().to_owned();
            let own = app.post(&format!("{loan_url}/putusan"), &clerk, &[("putusan", "setuju")]).await;
            assert_eq!(own.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(own.body.contains("pengurus lain"), "{}", own.body);
            let chair = app.login("ketua.kenanga", PASSWORD).await;
            assert_eq!(app.post(&format!("{loan_url}/putusan"), &chair, &[("putusan", "setuju")]).await.status, StatusCode::SEE_OTHER);
            let page = app.get(&loan_url, Some(&chair)).await;
            let cair = format!("{loan_url}/cair");
            let r = app.post(&cair, &chair, &[("kunci", &key_of(&page.body, &cair)), ("tanggal", &crate::support::today().to_string())]).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
            let page = app.get(&loan_url, Some(&clerk)).await;
            assert!(page.body.contains("Jadwal angsuran") && page.body.contains("Rp100.000"), "12 × Rp100.000 principal: {}", page.body);
            let pay = format!("{loan_url}/angsuran");
            let r = app.post(&pay, &clerk, &[("kunci", &key_of(&page.body, &pay)), ("jumlah", "115.000"), ("tanggal", &crate::support::today().to_string())]).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
            let page = app.get(&loan_url, Some(&clerk)).await;
            assert!(page.body.contains("Rp115.000"), "the payment is listed");
            let zero = app.post(&pay, &clerk, &[("kunci", &key_of(&page.body, &pay)), ("jumlah", "0"), ("tanggal", "")]).await;
            assert_eq!(zero.status, StatusCode::UNPROCESSABLE_ENTITY);

            // The books: balanced, and the page says so.
            trial_is_square(&app).await;
            let books = app.get(&format!("/app/koperasi/pembukuan?desa={KENANGA}"), Some(&clerk)).await;
            assert_eq!(books.status, StatusCode::OK);
            assert!(books.body.contains("Seimbang") && books.body.contains("Neraca") && books.body.contains("Buku kas"));
            let journal = app.get(&format!("/app/koperasi/jurnal?desa={KENANGA}"), Some(&clerk)).await;
            assert!(journal.body.contains("KKN-0099"), "the postings name the member");

            for path in [format!("/app/koperasi?desa={KENANGA}"), member_url.clone(), loan_url.clone(), format!("/app/koperasi/pembukuan?desa={KENANGA}"), format!("/app/koperasi/jurnal?desa={KENANGA}"), format!("/app/koperasi/anggota?desa={KENANGA}")] {
                let r = app.get(&path, Some(&clerk)).await;
                assert_eq!(r.status, StatusCode::OK, "{path}");
                let kb = page_weight(&app, &r.body).await;
                assert!(kb <= 30 * 1024, "{path}: {kb} bytes compressed");
            }
        }

        async fn a_treasurer_adds_an_equal_principal_product_and_lends_with_it(app) {
            let clerk = app.login("bendahara.kenanga", PASSWORD).await;
            let page = app.get(&format!("/app/koperasi/produk?desa={KENANGA}"), Some(&clerk)).await;
            assert_eq!(page.status, StatusCode::OK);
            assert!(page.body.contains("Pinjaman produktif") && page.body.contains("Anuitas"), "the standard products are listed");
            let fields = |code: &'static str, min: &'static str| vec![("desa", KENANGA), ("kode", code), ("nama", "Modal ternak"), ("metode", "efektif"), ("bunga", "12"),
                ("minimal", min), ("maksimal", "8.000.000"), ("tenor", "18"), ("provisi", "1"), ("administrasi", "20.000"), ("denda", "0,1"), ("urutan", "denda,bunga,pokok")];
            let products = app.rows("coop_loan_products").await;
            let bad = app.post("/app/koperasi/produk", &clerk, &fields("ternak", "9.000.000")).await;
            assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(bad.body.contains("batas bawah tidak melebihi") && bad.body.contains("Modal ternak"), "{}", bad.body);
            assert_eq!(app.rows("coop_loan_products").await, products);
            let ok = app.post("/app/koperasi/produk", &clerk, &fields("ternak", "1.000.000")).await;
            assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
            let twice = app.post("/app/koperasi/produk", &clerk, &fields("TERNAK", "1.000.000")).await;
            assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(twice.body.contains("TERNAK sudah dipakai"), "{}", twice.body);
            let member = coop::members(&app.db, KENANGA).await.unwrap().remove(0);
            let applied = app.post(&format!("/app/koperasi/anggota/{}/pinjaman", member.id), &clerk, &[("produk", "TERNAK"), ("jumlah", "1.800.000"), ("tenor", "18"), ("keperluan", "Beli dua ekor kambing")]).await;
            assert_eq!(applied.status, StatusCode::SEE_OTHER, "{}", applied.body);
            let loan: desmigratif_core::id::Id = applied.location().rsplit('/').next().unwrap().parse().unwrap();
            let l = coop::loan(&app.db, loan).await.unwrap().unwrap();
            assert_eq!((l.method.as_str(), l.annual_rate_bp, l.principal), ("efektif", 1_200, 1_800_000));
        }

        async fn a_manual_journal_must_balance_and_a_closed_period_takes_nothing(app) {
            let clerk = app.login("bendahara.kenanga", PASSWORD).await;
            let page = app.get(&format!("/app/koperasi/jurnal?desa={KENANGA}"), Some(&clerk)).await;
            let key = key_of(&page.body, "/app/koperasi/jurnal");
            let s = coop::settings(&app.db, KENANGA).await.unwrap().unwrap();
            let chart = s.chart().unwrap();
            let cash = chart.iter().find(|a| a.name.starts_with("Kas")).unwrap().code;
            let expense = chart.iter().find(|a| a.kind == desmigratif_core::coop::ledger::AccountType::Expense).unwrap().code;
            let today = crate::support::today().to_string();
            let entries = app.rows("coop_journal_entries").await;
            let unbalanced = app.post("/app/koperasi/jurnal", &clerk, &[("desa", KENANGA), ("kunci", &key), ("tanggal", &today), ("keterangan", "Beli buku kas"), ("akun", expense), ("debit", "15.000"), ("kredit", ""), ("akun", cash), ("debit", ""), ("kredit", "14.000")]).await;
            assert_eq!(unbalanced.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(unbalanced.body.contains("Beli buku kas"), "what was typed is kept");
            assert_eq!(app.rows("coop_journal_entries").await, entries, "nothing half-written");
            let ok = app.post("/app/koperasi/jurnal", &clerk, &[("desa", KENANGA), ("kunci", &key), ("tanggal", &today), ("keterangan", "Beli buku kas"), ("akun", expense), ("debit", "15.000"), ("kredit", ""), ("akun", cash), ("debit", ""), ("kredit", "15.000")]).await;
            assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
            let entry = app.get(ok.location(), Some(&clerk)).await;
            assert!(entry.body.contains("Beli buku kas") && entry.body.contains("Rp15.000"));
            trial_is_square(&app).await;

            // Close through yesterday; a back-dated entry is refused.
            let yesterday = (crate::support::today() - chrono::Duration::days(1)).to_string();
            let unconfirmed = app.post("/app/koperasi/tutup-buku", &clerk, &[("desa", KENANGA), ("sampai", &yesterday)]).await;
            assert_eq!(unconfirmed.status, StatusCode::UNPROCESSABLE_ENTITY, "closing needs the box ticked");
            let closed = app.post("/app/koperasi/tutup-buku", &clerk, &[("desa", KENANGA), ("sampai", &yesterday), ("yakin", "ya")]).await;
            // The demo's first year may need closing at its year end first; the page says which.
            if closed.status == StatusCode::UNPROCESSABLE_ENTITY {
                assert!(closed.body.contains("tutup buku akhir tahun"), "{}", closed.body);
                return;
            }
            assert_eq!(closed.status, StatusCode::SEE_OTHER, "{}", closed.body);
            let page = app.get(&format!("/app/koperasi/jurnal?desa={KENANGA}"), Some(&clerk)).await;
            let late = app.post("/app/koperasi/jurnal", &clerk, &[("desa", KENANGA), ("kunci", &key_of(&page.body, "/app/koperasi/jurnal")), ("tanggal", &yesterday), ("keterangan", "Koreksi terlambat"), ("akun", expense), ("debit", "1.000"), ("kredit", ""), ("akun", cash), ("debit", ""), ("kredit", "1.000")]).await;
            assert_eq!(late.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(late.body.contains("ditutup"), "{}", late.body);
        }

        async fn only_the_cooperative_compartment_opens_the_books_and_every_refusal_is_audited(app) {
            let member = coop::members(&app.db, KENANGA).await.unwrap().remove(0);
            let (loans, _) = coop::loans(&app.db, KENANGA, None, None, 0, 10).await.unwrap();
            let loan = loans.first().expect("the demo has a loan").id;
            let pages = [
                format!("/app/koperasi?desa={KENANGA}"),
                format!("/app/koperasi/anggota?desa={KENANGA}"),
                format!("/app/koperasi/anggota/{}", member.id),
                format!("/app/koperasi/pinjaman/{loan}"),
                format!("/app/koperasi/pembukuan?desa={KENANGA}"),
                format!("/app/koperasi/jurnal?desa={KENANGA}"),
                format!("/app/koperasi/shu?desa={KENANGA}"),
            ];
            // Other roles of the same village: no compartment → refused (403 for the co-op's
            // pages, 404 for its records), each refusal audited, and no menu item.
            for who in ["operator.kenanga", "kades.kenanga", "pendamping.kenanga", "advokasi.kenanga", "kab.indramayu"] {
                let s = app.login(who, PASSWORD).await;
                assert!(!app.get("/app", Some(&s)).await.body.contains("/app/koperasi"), "{who} sees no co-op menu");
                for path in &pages {
                    let denied = app.audit_count("access.denied", Outcome::Denied).await;
                    let r = app.get(path, Some(&s)).await;
                    assert!(matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{who} {path}: {}", r.status);
                    assert!(!r.body.contains(&member.name), "{who} {path} shows nothing of the member");
                    assert_eq!(app.audit_count("access.denied", Outcome::Denied).await, denied + 1, "{who} {path} audited");
                }
            }
            // Another village's treasurer: the compartment but not the place → 404, audited.
            let other = app.login("bendahara.kuripan", PASSWORD).await;
            for path in &pages {
                let denied = app.audit_count("access.denied", Outcome::Denied).await;
                let r = app.get(path, Some(&other)).await;
                assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
                assert_eq!(app.audit_count("access.denied", Outcome::Denied).await, denied + 1, "{path} audited");
            }
            let key = [("_csrf", other.csrf.as_str()), ("kunci", "k-1"), ("jenis", "sukarela"), ("arah", "setor"), ("jumlah", "1000"), ("tanggal", "2026-01-01")];
            let r = app.post_raw(&format!("/app/koperasi/anggota/{}/simpanan", member.id), Some(&other.cookie()), &key, &[]).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "no deposit into another village's member");
            let token = app.token_for("bendahara.kuripan").await;
            for path in [format!("/api/v1/coop/members?desa={KENANGA}"), format!("/api/v1/coop/members/{}", member.id), format!("/api/v1/coop/loans/{loan}"), format!("/api/v1/coop/journal?desa={KENANGA}")] {
                assert_eq!(app.api("GET", &path, Some(&token), None).await.status, StatusCode::NOT_FOUND, "{path}");
            }
            let operator = app.token_for("operator.kenanga").await;
            assert_eq!(app.api("GET", &format!("/api/v1/coop/members?desa={KENANGA}"), Some(&operator), None).await.status, StatusCode::FORBIDDEN);
            // Kuripan has no co-op yet: its treasurer sets one up, and fixes a bad amount first.
            let own = app.get("/app/koperasi", Some(&other)).await;
            assert!(own.body.contains("Buat koperasi"), "{}", own.body);
            let bad = app.post("/app/koperasi", &other, &[("desa", KURIPAN), ("pokok", "seratus"), ("wajib", "10.000"), ("simpanan_anggota", "ekuitas")]).await;
            assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(coop::settings(&app.db, KURIPAN).await.unwrap().is_none());
            let ok = app.post("/app/koperasi", &other, &[("desa", KURIPAN), ("pokok", "50.000"), ("wajib", "10.000"), ("simpanan_anggota", "kewajiban"), ("dua_petugas", "ya")]).await;
            assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
            let s = coop::settings(&app.db, KURIPAN).await.unwrap().unwrap();
            assert_eq!((s.principal_savings_amount, s.mandatory_monthly, s.member_capital.as_str()), (50_000, 10_000, "kewajiban"));
            // Its rules change later: thresholds in order, or a message.
            let backwards = app.post("/app/koperasi/aturan", &other, &[("desa", KURIPAN), ("kurang_lancar", "90"), ("diragukan", "60"), ("macet", "30")]).await;
            assert_eq!(backwards.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(backwards.body.contains("batas hari tunggakan harus naik") && backwards.body.contains("value=\"90\""), "{}", backwards.body);
            let changed = app.post("/app/koperasi/aturan", &other, &[("desa", KURIPAN), ("kurang_lancar", "30"), ("diragukan", "60"), ("macet", "90")]).await;
            assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
            let s = coop::settings(&app.db, KURIPAN).await.unwrap().unwrap();
            assert_eq!((s.substandard_from, s.doubtful_from, s.loss_from, s.maker_checker), (30, 60, 90, false));
            let kenanga = app.login("bendahara.kenanga", PASSWORD).await;
            let denied = app.post("/app/koperasi/aturan", &kenanga, &[("desa", KURIPAN), ("kurang_lancar", "1"), ("diragukan", "2"), ("macet", "3")]).await;
            assert_eq!(denied.status, StatusCode::NOT_FOUND, "another village's rules");
        }

        async fn the_api_posts_money_once_per_idempotency_key(app) {
            let token = app.token_for("bendahara.kenanga").await;
            let list = app.api("GET", &format!("/api/v1/coop/members?desa={KENANGA}"), Some(&token), None).await;
            assert_eq!(list.status, StatusCode::OK);
            let member = list.json()[0]["id"].as_str().unwrap().to_owned();
            let body = serde_json::json!({"anggota": member, "jenis": "sukarela", "arah": "setor", "jumlah": "75000", "tanggal": crate::support::today().to_string()});
            let r = app.api("POST", "/api/v1/coop/savings", Some(&token), Some(body.clone())).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "no key, no money");
            assert!(r.body.contains("Idempotency-Key"));
            let before = savings_txns(&app).await;
            let first = app.api_with("POST", "/api/v1/coop/savings", Some(&token), Some(body.clone()), &[("Idempotency-Key", "setor-1")]).await;
            assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
            let second = app.api_with("POST", "/api/v1/coop/savings", Some(&token), Some(body.clone()), &[("Idempotency-Key", "setor-1")]).await;
            assert_eq!(second.status, StatusCode::CREATED);
            assert_eq!(first.json()["balances"], second.json()["balances"], "a retry answers with the same balances");
            assert_eq!(savings_txns(&app).await, before + 1, "a retry posts once");
            let mut other = body.clone();
            other["jumlah"] = "80000".into();
            let clash = app.api_with("POST", "/api/v1/coop/savings", Some(&token), Some(other), &[("Idempotency-Key", "setor-1")]).await;
            assert_eq!(clash.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", clash.body);
            assert!(clash.body.contains("kunci transaksi ini sudah dipakai"));
            let one = app.api("GET", &format!("/api/v1/coop/members/{member}"), Some(&token), None).await;
            assert!(one.json()["statement"].as_array().unwrap().len() >= 2);

            let s = coop::settings(&app.db, KENANGA).await.unwrap().unwrap();
            let chart = s.chart().unwrap();
            let cash = chart.iter().find(|a| a.name.starts_with("Kas")).unwrap().code;
            let expense = chart.iter().find(|a| a.kind == desmigratif_core::coop::ledger::AccountType::Expense).unwrap().code;
            let entry = serde_json::json!({"desa": KENANGA, "tanggal": crate::support::today().to_string(), "keterangan": "Biaya rapat anggota",
                "baris": [{"akun": expense, "debit": "50000"}, {"akun": cash, "kredit": "50000"}]});
            let posted = app.api_with("POST", "/api/v1/coop/journal", Some(&token), Some(entry), &[("Idempotency-Key", "rapat-1")]).await;
            assert_eq!(posted.status, StatusCode::CREATED, "{}", posted.body);
            let balances = app.api("GET", &format!("/api/v1/coop/journal/balances?desa={KENANGA}"), Some(&token), None).await;
            assert_eq!(balances.status, StatusCode::OK);
            let tb = &balances.json()["trial_balance"];
            assert_eq!(tb["debit"], tb["credit"]);
            let neraca = &balances.json()["neraca"];
            assert_eq!(neraca["total_assets"].as_i64().unwrap(), neraca["total_liabilities"].as_i64().unwrap() + neraca["total_equity"].as_i64().unwrap() + neraca["current_result"].as_i64().unwrap(), "assets = liabilities + equity + the year's result");
            let loans = app.api("GET", &format!("/api/v1/coop/loans?desa={KENANGA}&status=dicairkan"), Some(&token), None).await;
            let loan = loans.json()[0]["id"].as_str().unwrap().to_owned();
            let pay = serde_json::json!({"jumlah": "10000", "tanggal": crate::support::today().to_string()});
            let paid = app.api_with("POST", &format!("/api/v1/coop/loans/{loan}/repayments"), Some(&token), Some(pay.clone()), &[("Idempotency-Key", "bayar-1")]).await;
            assert_eq!(paid.status, StatusCode::CREATED, "{}", paid.body);
            let again = app.api_with("POST", &format!("/api/v1/coop/loans/{loan}/repayments"), Some(&token), Some(pay), &[("Idempotency-Key", "bayar-1")]).await;
            assert_eq!(paid.json()["repayments"], again.json()["repayments"], "a retried repayment posts once");
            let bad = app.api("POST", "/api/v1/coop/loans", Some(&token), Some(serde_json::json!({"anggota": member, "produk": "EMAS", "jumlah": "-1", "tenor": "0"}))).await;
            assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
            let error = bad.json();
            let fields: Vec<&str> = error["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
            assert!(fields.contains(&"produk") && fields.contains(&"jumlah") && fields.contains(&"tenor"), "{fields:?}");
            let shu = app.api("GET", &format!("/api/v1/coop/shu?desa={KENANGA}"), Some(&token), None).await;
            assert_eq!(shu.status, StatusCode::OK);
            let plan = serde_json::json!({"desa": KENANGA, "tahun": "2000", "cadangan": "50", "jasa_modal": "20"});
            let refused = app.api("POST", "/api/v1/coop/shu", Some(&token), Some(plan)).await;
            assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "the plan adds up to 70 %: {}", refused.body);
            assert!(refused.body.contains("100"));
        }
    }
}
