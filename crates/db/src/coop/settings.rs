//! The cooperative's books: settings and set-up.

use super::*;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SettingsRow {
    pub region_code: String,
    pub member_capital: String,
    pub principal_savings_amount: i64,
    pub mandatory_monthly: i64,
    pub substandard_from: i32,
    pub doubtful_from: i32,
    pub loss_from: i32,
    pub closed_through: Option<NaiveDate>,
    pub maker_checker: bool,
}

impl SettingsRow {
    pub fn capital(&self) -> Result<MemberCapital> {
        self.member_capital.parse().map_err(|_| {
            corrupt(format_args!(
                "penyajian simpanan «{}» tidak dikenal",
                self.member_capital
            ))
        })
    }

    pub fn chart(&self) -> Result<Vec<Account>> {
        Ok(ledger::chart_of_accounts(self.capital()?))
    }

    pub fn thresholds(&self) -> Result<AgeingThresholds> {
        AgeingThresholds::new(
            self.substandard_from as u32,
            self.doubtful_from as u32,
            self.loss_from as u32,
        )
        .map_err(|e| corrupt(e.message))
    }
}

pub(super) const SETTINGS: &str = "region_code, member_capital, principal_savings_amount, mandatory_monthly, substandard_from, \
     doubtful_from, loss_from, closed_through, maker_checker";

/// What a co-op decides when it starts keeping its books here.
#[derive(Debug, Clone)]
pub struct Setup {
    pub capital: MemberCapital,
    pub principal_savings: i64,
    pub mandatory_monthly: i64,
    pub thresholds: AgeingThresholds,
    pub maker_checker: bool,
    pub products: Vec<LoanProduct>,
}

pub async fn settings(db: &Db, region: &str) -> Result<Option<SettingsRow>> {
    let sql = format!("SELECT {SETTINGS} FROM coop_settings WHERE region_code = $1");
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(region).fetch_optional(p).await)?,
    )
}

/// How [`settings_in`] reads the settings row on PostgreSQL (SQLite's BEGIN IMMEDIATE already
/// holds the whole database): postings take it shared, a period close exclusive and first, so a
/// close waits for the postings in flight and no posting lands behind a close.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Lock {
    None,
    Share,
    Update,
}

pub(super) async fn settings_in(tx: &mut Tx, region: &str, lock: Lock) -> Result<SettingsRow> {
    let suffix = match lock {
        _ if !is_pg(tx) => "",
        Lock::None => "",
        Lock::Share => " FOR SHARE",
        Lock::Update => " FOR UPDATE",
    };
    let sql = format!("SELECT {SETTINGS} FROM coop_settings WHERE region_code = $1{suffix}");
    on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(region).fetch_optional(c).await)?
        .ok_or_else(|| conflict("koperasi desa ini belum dibuat"))
}

/// Starts a co-op's books: its settings, its chart of accounts and its loan products.
pub async fn setup(tx: &mut Tx, actor: &Actor, region: &str, s: &Setup) -> Result<()> {
    if s.principal_savings <= 0 || s.mandatory_monthly <= 0 {
        return Err(conflict(
            "simpanan pokok dan simpanan wajib harus lebih dari nol",
        ));
    }
    let [sub, doubt, loss] = s.thresholds.days();
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO coop_settings (region_code, member_capital, principal_savings_amount, mandatory_monthly,
                                    substandard_from, doubtful_from, loss_from, closed_through, maker_checker, updated_at, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8, $9, $10)",
    )
    .bind(region).bind(s.capital.as_str()).bind(s.principal_savings).bind(s.mandatory_monthly)
    .bind(sub as i32).bind(doubt as i32).bind(loss as i32).bind(s.maker_checker).bind(now()).bind(actor.user_id)
    .execute(c).await.map(|_| ()))
    .map_err(|e| crate::conflict_on_duplicate(e, "koperasi desa ini sudah ada"))?;
    for a in ledger::chart_of_accounts(s.capital) {
        on_tx!(tx, c => sqlx::query(
            "INSERT INTO coop_accounts (region_code, code, name, kind, normal) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(region).bind(a.code).bind(a.name).bind(a.kind.as_str()).bind(a.normal.as_str())
        .execute(c).await.map(|_| ()))?;
    }
    audit::record_change(
        tx,
        actor,
        "coop_settings",
        region,
        "create",
        region,
        &["member_capital", "savings", "thresholds", "maker_checker"],
    )
    .await?;
    for p in &s.products {
        add_product(tx, actor, region, p).await?;
    }
    Ok(())
}

/// Changes the collectibility thresholds and maker-checker. Loans already applied for keep the
/// maker-checker they were applied under.
pub async fn change_rules(
    tx: &mut Tx,
    actor: &Actor,
    region: &str,
    thresholds: AgeingThresholds,
    maker_checker: bool,
) -> Result<()> {
    settings_in(tx, region, Lock::Update).await?;
    let [sub, doubt, loss] = thresholds.days();
    on_tx!(tx, c => sqlx::query(
        "UPDATE coop_settings SET substandard_from = $1, doubtful_from = $2, loss_from = $3, maker_checker = $4,
                updated_at = $5, updated_by = $6 WHERE region_code = $7",
    )
    .bind(sub as i32).bind(doubt as i32).bind(loss as i32).bind(maker_checker).bind(now()).bind(actor.user_id).bind(region)
    .execute(c).await.map(|_| ()))?;
    audit::record_change(
        tx,
        actor,
        "coop_settings",
        region,
        "update",
        region,
        &["thresholds", "maker_checker"],
    )
    .await
}

/// A loan product of the co-op.
pub async fn add_product(tx: &mut Tx, actor: &Actor, region: &str, p: &LoanProduct) -> Result<Id> {
    p.validate().map_err(|e| {
        conflict(
            e.into_iter()
                .map(|i| i.message)
                .collect::<Vec<_>>()
                .join("; "),
        )
    })?;
    let id = Id::new();
    let fees = serde_json::to_string(&p.fees).map_err(corrupt)?;
    let order = serde_json::to_string(&p.order).map_err(corrupt)?;
    let at = now();
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO coop_loan_products (id, region_code, code, name, method, annual_rate_bp, min_amount, max_amount, max_term,
                                         fees, penalty_bp_per_day, allocation_order, active, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, TRUE, $13, $13)",
    )
    .bind(id).bind(region).bind(&p.code).bind(&p.name).bind(p.method.as_str()).bind(p.annual_rate_bp as i32)
    .bind(p.min_amount).bind(p.max_amount).bind(p.max_term as i32).bind(&fees).bind(p.penalty_bp_per_day as i32)
    .bind(&order).bind(at)
    .execute(c).await.map(|_| ()))
    .map_err(|e| crate::conflict_on_duplicate(e, format!("kode produk {} sudah dipakai", p.code)))?;
    audit::record_change(tx, actor, "coop_loan_product", id, "create", region, &[]).await?;
    Ok(id)
}

/// Maps a loan role of one product to its own account of the chart.
pub async fn map_product_account(
    tx: &mut Tx,
    actor: &Actor,
    region: &str,
    product: Id,
    role: Role,
    code: &str,
) -> Result<()> {
    let s = settings_in(tx, region, Lock::None).await?;
    let (_, p) = product_in(tx, product).await?;
    let map = account_map_in(tx, region, s.capital()?)
        .await?
        .with_product(&p.code, role, code);
    map.validate(&s.chart()?).map_err(|e| {
        conflict(
            e.into_iter()
                .map(|i| i.message)
                .collect::<Vec<_>>()
                .join("; "),
        )
    })?;
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO coop_product_accounts (product_id, role, account_code) VALUES ($1, $2, $3)
         ON CONFLICT (product_id, role) DO UPDATE SET account_code = excluded.account_code",
    )
    .bind(product).bind(role.as_str()).bind(code)
    .execute(c).await.map(|_| ()))?;
    audit::record_change(
        tx,
        actor,
        "coop_loan_product",
        product,
        "update",
        region,
        &["accounts"],
    )
    .await
}

pub(super) async fn account_map_in(
    tx: &mut Tx,
    region: &str,
    capital: MemberCapital,
) -> Result<AccountMap> {
    let rows: Vec<(String, String, String)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT p.code, a.role, a.account_code FROM coop_product_accounts a
         JOIN coop_loan_products p ON p.id = a.product_id WHERE p.region_code = $1",
    ).bind(region).fetch_all(c).await)?;
    let mut map = AccountMap::standard(capital);
    for (product, role, code) in rows {
        let role: Role = role
            .parse()
            .map_err(|_| corrupt(format_args!("peran akun «{role}»")))?;
        map = map.with_product(&product, role, &code);
    }
    Ok(map)
}

#[derive(sqlx::FromRow)]
pub(super) struct ProductRow {
    pub(super) id: Id,
    pub(super) code: String,
    pub(super) name: String,
    pub(super) method: String,
    pub(super) annual_rate_bp: i32,
    pub(super) min_amount: i64,
    pub(super) max_amount: i64,
    pub(super) max_term: i32,
    pub(super) fees: String,
    pub(super) penalty_bp_per_day: i32,
    pub(super) allocation_order: String,
}

impl ProductRow {
    fn product(self) -> Result<(Id, LoanProduct)> {
        let bad = |what: &str| corrupt(format_args!("produk {}: {what}", self.code));
        let method: Method = self.method.parse().map_err(|_| bad("metode"))?;
        let fees = serde_json::from_str(&self.fees).map_err(|_| bad("biaya"))?;
        let order: AllocationOrder =
            serde_json::from_str(&self.allocation_order).map_err(|_| bad("urutan"))?;
        Ok((
            self.id,
            LoanProduct {
                code: self.code,
                name: self.name,
                method,
                annual_rate_bp: self.annual_rate_bp as u32,
                min_amount: self.min_amount,
                max_amount: self.max_amount,
                max_term: self.max_term as u32,
                fees,
                penalty_bp_per_day: self.penalty_bp_per_day as u32,
                order,
            },
        ))
    }
}

pub(super) const PRODUCT: &str = "id, code, name, method, annual_rate_bp, min_amount, max_amount, max_term, fees, penalty_bp_per_day, allocation_order";

/// The co-op's active loan products, by code.
pub async fn products(db: &Db, region: &str) -> Result<Vec<(Id, LoanProduct)>> {
    let sql = format!(
        "SELECT {PRODUCT} FROM coop_loan_products WHERE region_code = $1 AND active ORDER BY code"
    );
    let rows: Vec<ProductRow> = on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(region).fetch_all(p).await)?;
    rows.into_iter().map(ProductRow::product).collect()
}

pub(super) async fn product_in(tx: &mut Tx, id: Id) -> Result<(Id, LoanProduct)> {
    let sql = format!("SELECT {PRODUCT} FROM coop_loan_products WHERE id = $1");
    let row: ProductRow =
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(c).await)?
            .ok_or(DbError::NotFound)?;
    row.product()
}
