//! The cooperative's books: the demo co-operative of Kenanga (members, savings, loans, a closed year).

use super::*;

/// The two products a new co-op starts with (the set-up page and the demo): a productive loan
/// on declining balance and a consumer loan at a flat rate.
pub fn standard_products() -> Vec<LoanProduct> {
    use desmigratif_core::coop::loan::{FeeBasis, FeeKind, LoanFee};
    vec![
        LoanProduct {
            code: "PRODUKTIF".into(),
            name: "Pinjaman produktif".into(),
            method: Method::Annuity,
            annual_rate_bp: 1_800,
            min_amount: 500_000,
            max_amount: 20_000_000,
            max_term: 24,
            fees: vec![
                LoanFee {
                    kind: FeeKind::Provision,
                    basis: FeeBasis::Bp(100),
                },
                LoanFee {
                    kind: FeeKind::Administration,
                    basis: FeeBasis::Fixed(25_000),
                },
            ],
            penalty_bp_per_day: 10,
            order: AllocationOrder::default(),
        },
        LoanProduct {
            code: "KONSUMTIF".into(),
            name: "Pinjaman konsumtif".into(),
            method: Method::Flat,
            annual_rate_bp: 1_500,
            min_amount: 100_000,
            max_amount: 5_000_000,
            max_term: 12,
            fees: vec![LoanFee {
                kind: FeeKind::Administration,
                basis: FeeBasis::Fixed(10_000),
            }],
            penalty_bp_per_day: 10,
            order: AllocationOrder::default(),
        },
    ]
}

/// A user of the demo by username, as the actor of the books.
pub async fn demo_actor(db: &Db, username: &str) -> Result<Actor> {
    let id: Id = on_pool!(db, p => sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
        .bind(username).fetch_optional(p).await)?
    .ok_or_else(|| DbError::Setup(format!("demo: pengguna {username} tidak ada")))?;
    Ok(Actor {
        user_id: Some(id),
        label: username.to_owned(),
        ip: String::new(),
    })
}

/// A co-op in `region` kept by its treasurer `treasurer` and approved by `head`: four demo
/// villagers join four months before `today`, pay pokok and wajib (one falls behind), save
/// sukarela; one takes a productive loan three months ago and has paid the instalments due.
pub async fn demo(
    db: &Db,
    region: &str,
    treasurer: &str,
    head: &str,
    today: NaiveDate,
) -> Result<()> {
    let clerk = demo_actor(db, treasurer).await?;
    let chief = demo_actor(db, head).await?;
    let setup_err = |e: DbError| DbError::Setup(format!("demo koperasi: {e}"));
    let mut tx = db.begin().await?;
    setup(
        &mut tx,
        &clerk,
        region,
        &Setup {
            capital: MemberCapital::Equity,
            principal_savings: 100_000,
            mandatory_monthly: 20_000,
            thresholds: AgeingThresholds::default(),
            maker_checker: true,
            products: standard_products(),
        },
    )
    .await
    .map_err(setup_err)?;
    tx.commit().await?;
    let people: Vec<Id> = on_pool!(db, p => sqlx::query_scalar(
        "SELECT id FROM persons WHERE village_code = $1 ORDER BY name, id LIMIT 4",
    ).bind(region).fetch_all(p).await)?;
    let joined = (today - chrono::Duration::days(120))
        .with_day(1)
        .expect("the first of a month");
    let month = |k: u32| {
        joined
            .checked_add_months(chrono::Months::new(k))
            .expect("a demo date")
    };
    let mut key = 0;
    let mut next = || {
        key += 1;
        format!("demo-{key}")
    };
    // The village's start-up grant (Dana Desa), so the co-op lends money it has.
    let grant = JournalEntry::new(
        joined,
        "Hibah modal awal dari Dana Desa",
        vec![
            Line::debit(
                AccountMap::standard(MemberCapital::Equity).account(Role::Cash, None),
                5_000_000,
            ),
            Line::credit("3301", 5_000_000),
        ],
    )
    .map_err(|e| DbError::Setup(format!("demo koperasi: {}", e.message)))?;
    let mut tx = db.begin().await?;
    manual_entry(&mut tx, &clerk, "demo-hibah", region, &grant)
        .await
        .map_err(setup_err)?;
    tx.commit().await?;
    let mut members = Vec::new();
    for (n, person) in people.iter().enumerate() {
        let mut tx = db.begin().await?;
        let m = join(
            &mut tx,
            &clerk,
            region,
            *person,
            &format!("KKN-{:04}", n + 1),
            joined,
        )
        .await
        .map_err(setup_err)?;
        deposit(
            &mut tx,
            &clerk,
            &next(),
            m,
            SavingsKind::Principal,
            100_000,
            joined,
        )
        .await
        .map_err(setup_err)?;
        // The last member has paid wajib only for the first month; the others are up to date.
        let months = if n + 1 == people.len() { 1 } else { 12 };
        for k in (0..months).take_while(|&k| month(k) <= today) {
            deposit(
                &mut tx,
                &clerk,
                &next(),
                m,
                SavingsKind::Mandatory,
                20_000,
                month(k),
            )
            .await
            .map_err(setup_err)?;
        }
        deposit(
            &mut tx,
            &clerk,
            &next(),
            m,
            SavingsKind::Voluntary,
            250_000 * (n as i64 + 1),
            month(1),
        )
        .await
        .map_err(setup_err)?;
        tx.commit().await?;
        members.push(m);
    }
    let Some(&borrower) = members.first() else {
        return Ok(());
    };
    let mut tx = db.begin().await?;
    let applied = today - chrono::Duration::days(95);
    let loan = apply(
        &mut tx,
        &clerk,
        borrower,
        &desmigratif_core::coop::forms::LoanApplicationInput {
            product: "PRODUKTIF".into(),
            amount: 3_000_000,
            months: 12,
            purpose: "Modal usaha kerupuk kulit ikan".into(),
        },
        applied,
    )
    .await
    .map_err(setup_err)?;
    decide(&mut tx, &chief, loan, true)
        .await
        .map_err(setup_err)?;
    disburse(
        &mut tx,
        &clerk,
        &next(),
        loan,
        applied + chrono::Duration::days(5),
    )
    .await
    .map_err(setup_err)?;
    tx.commit().await?;
    let (_, state) = loan_state(db, loan).await?;
    for i in state
        .schedule
        .instalments
        .iter()
        .filter(|i| i.due_on <= today)
    {
        let mut tx = db.begin().await?;
        repay(&mut tx, &clerk, &next(), loan, i.total, i.due_on)
            .await
            .map_err(setup_err)?;
        tx.commit().await?;
    }
    Ok(())
}
