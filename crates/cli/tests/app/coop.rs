//! The village cooperative's books in the database layer, on SQLite and PostgreSQL: every posting
//! balances and the statements stay square through a mixed run of operations; withdrawals at once
//! cannot overdraw; an idempotency key posts once; a closed period takes no back-dated entry; the
//! SHU's member shares add up to the members' pool and its posting balances; maker-checker.

use crate::support::{TestApp, sqlx_pg as sqlx, today};
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
            products: coop::demo_products(),
        },
    )
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
