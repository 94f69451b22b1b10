//! The co-operative desk: the JSON API (`/api/v1/coop/…`), over the same steps as the pages.

use super::*;

/// The `Idempotency-Key` header every money request carries: a retried request with the same key
/// and body posts once and answers with what the first one created.
pub(super) fn idempotency_key(headers: &axum::http::HeaderMap) -> Result<String, AppError> {
    headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 200)
        .map(str::to_owned)
        .ok_or_else(|| {
            AppError::BadRequest(
                "kirim header Idempotency-Key (1–200 karakter, unik per transaksi) agar transaksi \
                 yang diulang tidak tercatat dua kali"
                    .into(),
            )
        })
}

/// 201 with what was created.
pub(super) fn created(body: impl serde::Serialize) -> Response {
    (axum::http::StatusCode::CREATED, axum::Json(body)).into_response()
}

/// A member with their savings.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct MemberOut {
    pub id: String,
    pub village_code: String,
    pub number: String,
    pub name: String,
    pub joined_on: NaiveDate,
    pub left_on: Option<NaiveDate>,
    /// Balance per kind: `pokok`, `wajib`, `sukarela` (rupiah).
    pub balances: std::collections::BTreeMap<String, i64>,
    pub total: i64,
}

pub(super) async fn member_out(state: &AppState, m: MemberRow) -> Result<MemberOut, AppError> {
    let balances: std::collections::BTreeMap<String, i64> = coop::balances(&state.db, m.id)
        .await?
        .into_iter()
        .map(|(k, _, b)| (k.as_str().to_owned(), b))
        .collect();
    Ok(MemberOut {
        id: m.id.to_string(),
        village_code: m.region_code,
        number: m.number,
        name: m.name,
        joined_on: m.joined_on,
        left_on: m.left_on,
        total: balances.values().sum(),
        balances,
    })
}

/// The co-op's members by number, 50 a page (`halaman`).
#[utoipa::path(get, path = "/api/v1/coop/members", tag = "coop", security(("bearer" = [])), params(Where),
    responses((status = 200, body = Vec<MemberOut>), (status = 403), (status = 404)))]
pub(super) async fn api_members(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<Where>,
) -> Result<axum::Json<Vec<MemberOut>>, AppError> {
    let region = village(&state, &staff, &q.desa, READ).await?;
    let number = q.halaman.unwrap_or(1).max(1);
    let mut out = Vec::new();
    for m in coop::members(&state.db, &region)
        .await?
        .into_iter()
        .skip(((number - 1) * PAGE_SIZE) as usize)
        .take(PAGE_SIZE as usize)
    {
        out.push(member_out(&state, m).await?);
    }
    Ok(axum::Json(out))
}

/// A villager joins: `desa`, `orang` (the registry person's id), `nomor`, `tanggal_masuk`.
#[utoipa::path(post, path = "/api/v1/coop/members", tag = "coop", security(("bearer" = [])), request_body = Object,
    responses((status = 201, body = MemberOut), (status = 403), (status = 409), (status = 422)))]
pub(super) async fn api_join(
    State(state): State<AppState>,
    staff: Staff,
    axum::Json(f): axum::Json<JoinForm>,
) -> Result<Response, AppError> {
    let region = village(&state, &staff, &f.desa, WRITE).await?;
    let id = join_member(
        &state,
        &staff,
        &region,
        &f.orang,
        &f.nomor,
        &f.tanggal_masuk,
    )
    .await??;
    let m = coop::member(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(created(member_out(&state, m).await?))
}

/// A member with balances and the whole savings statement.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct MemberStatementOut {
    #[serde(flatten)]
    pub member: MemberOut,
    #[schema(value_type = Vec<Object>)]
    pub statement: Vec<coop::StatementLine>,
}

#[utoipa::path(get, path = "/api/v1/coop/members/{id}", tag = "coop", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = MemberStatementOut), (status = 404)))]
pub(super) async fn api_member(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<axum::Json<MemberStatementOut>, AppError> {
    let m = staff.load::<MemberRow>(&state, &id, READ).await?;
    let statement = coop::statement(&state.db, m.id).await?;
    Ok(axum::Json(MemberStatementOut {
        member: member_out(&state, m).await?,
        statement,
    }))
}

/// A savings transaction: `anggota` (member id) and the form's fields.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(super) struct SavingsIn {
    pub(super) anggota: String,
    #[serde(flatten)]
    pub(super) form: RawSavingsTxn,
}

/// Deposits or withdraws savings (`jenis`: pokok, wajib, sukarela; `arah`: setor, tarik;
/// `jumlah` in rupiah as text; `tanggal`). Needs `Idempotency-Key`; answers with the member.
#[utoipa::path(post, path = "/api/v1/coop/savings", tag = "coop", security(("bearer" = [])), request_body = Object,
    params(("Idempotency-Key" = String, Header)),
    responses((status = 201, body = MemberOut), (status = 400), (status = 404), (status = 409), (status = 422)))]
pub(super) async fn api_savings(
    State(state): State<AppState>,
    staff: Staff,
    headers: axum::http::HeaderMap,
    axum::Json(f): axum::Json<SavingsIn>,
) -> Result<Response, AppError> {
    let key = idempotency_key(&headers)?;
    let m = staff.load::<MemberRow>(&state, &f.anggota, WRITE).await?;
    move_savings(&state, &staff, &m, &key, &f.form).await??;
    Ok(created(member_out(&state, m).await?))
}

/// A loan with its schedule and payments.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct LoanOut {
    pub id: String,
    pub member_id: String,
    pub status: String,
    pub method: String,
    pub annual_rate_bp: i32,
    pub principal: i64,
    pub months: i32,
    pub purpose: String,
    pub applied_on: NaiveDate,
    pub disbursed_on: Option<NaiveDate>,
    pub outstanding: i64,
    pub days_past_due: i64,
    /// (no, due_on, principal, interest, total, balance_after)
    #[schema(value_type = Vec<Object>)]
    pub schedule: Vec<serde_json::Value>,
    #[schema(value_type = Vec<Object>)]
    pub repayments: Vec<coop::RepaymentRow>,
}

pub(super) async fn loan_out(state: &AppState, l: LoanRow) -> Result<LoanOut, AppError> {
    let (_, s) = coop::loan_state(&state.db, l.id).await?;
    Ok(LoanOut {
        id: l.id.to_string(),
        member_id: l.member_id.to_string(),
        status: l.status.clone(),
        method: l.method.clone(),
        annual_rate_bp: l.annual_rate_bp,
        principal: l.principal,
        months: l.months,
        purpose: l.purpose.clone(),
        applied_on: l.applied_on,
        disbursed_on: l.disbursed_on,
        outstanding: s.outstanding_principal(),
        days_past_due: desmigratif_core::coop::arrears::days_past_due(
            &s.schedule,
            &s.paid,
            today(),
        ),
        schedule: s
            .schedule
            .instalments
            .iter()
            .map(|i| {
                serde_json::json!({"no": i.no, "due_on": i.due_on, "principal": i.principal,
                    "interest": i.interest, "total": i.total, "balance_after": i.balance_after})
            })
            .collect(),
        repayments: coop::repayments(&state.db, l.id).await?,
    })
}

/// The co-op's loans, newest first, 50 a page; `status` narrows them.
#[utoipa::path(get, path = "/api/v1/coop/loans", tag = "coop", security(("bearer" = [])), params(Where),
    responses((status = 200, body = Vec<Object>), (status = 403), (status = 404)))]
pub(super) async fn api_loans(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<Where>,
) -> Result<axum::Json<Vec<LoanListRow>>, AppError> {
    let region = village(&state, &staff, &q.desa, READ).await?;
    let number = q.halaman.unwrap_or(1).max(1);
    let status = q.status.parse::<LoanStatus>().ok();
    let (rows, _) = coop::loans(
        &state.db,
        &region,
        None,
        status.map(|s| s.as_str()),
        (number - 1) * PAGE_SIZE,
        PAGE_SIZE,
    )
    .await?;
    Ok(axum::Json(rows))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(super) struct LoanIn {
    pub(super) anggota: String,
    #[serde(flatten)]
    pub(super) form: RawLoanApplication,
}

/// A member applies for a loan (`anggota`, `produk` code, `jumlah`, `tenor` months, `keperluan`).
#[utoipa::path(post, path = "/api/v1/coop/loans", tag = "coop", security(("bearer" = [])), request_body = Object,
    responses((status = 201, body = LoanOut), (status = 404), (status = 409), (status = 422)))]
pub(super) async fn api_apply(
    State(state): State<AppState>,
    staff: Staff,
    axum::Json(f): axum::Json<LoanIn>,
) -> Result<Response, AppError> {
    let m = staff.load::<MemberRow>(&state, &f.anggota, WRITE).await?;
    let id = apply_loan(&state, &staff, &m, &f.form).await??;
    let l = coop::loan(&state.db, id).await?.ok_or(AppError::NotFound)?;
    Ok(created(loan_out(&state, l).await?))
}

#[utoipa::path(get, path = "/api/v1/coop/loans/{id}", tag = "coop", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = LoanOut), (status = 404)))]
pub(super) async fn api_loan(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<axum::Json<LoanOut>, AppError> {
    let (l, _) = staff
        .load::<(LoanRow, MemberRow)>(&state, &id, READ)
        .await?;
    Ok(axum::Json(loan_out(&state, l).await?))
}

/// Receives a repayment (`jumlah`, `tanggal`), allocated penalty → interest → principal by the
/// product's order. Needs `Idempotency-Key`.
#[utoipa::path(post, path = "/api/v1/coop/loans/{id}/repayments", tag = "coop", security(("bearer" = [])),
    params(("id" = String, Path), ("Idempotency-Key" = String, Header)), request_body = Object,
    responses((status = 201, body = LoanOut), (status = 400), (status = 404), (status = 422)))]
pub(super) async fn api_repay(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    headers: axum::http::HeaderMap,
    axum::Json(f): axum::Json<RawPayment>,
) -> Result<Response, AppError> {
    let key = idempotency_key(&headers)?;
    let (l, _) = staff
        .load::<(LoanRow, MemberRow)>(&state, &id, WRITE)
        .await?;
    repay_loan(&state, &staff, &l, &key, &f).await??;
    let l = coop::loan(&state.db, l.id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(created(loan_out(&state, l).await?))
}

/// Posted journal entries, latest first, 50 a page.
#[utoipa::path(get, path = "/api/v1/coop/journal", tag = "coop", security(("bearer" = [])), params(Where),
    responses((status = 200, body = Vec<Object>), (status = 403), (status = 404)))]
pub(super) async fn api_journal(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<Where>,
) -> Result<axum::Json<Vec<EntryRow>>, AppError> {
    let region = village(&state, &staff, &q.desa, READ).await?;
    let number = q.halaman.unwrap_or(1).max(1);
    let (rows, _) = coop::journal(&state.db, &region, (number - 1) * PAGE_SIZE, PAGE_SIZE).await?;
    Ok(axum::Json(rows))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(super) struct JournalIn {
    pub(super) desa: String,
    #[serde(flatten)]
    pub(super) form: RawJournal,
}

/// Posts a manual entry: `desa`, `tanggal`, `keterangan`, `baris` = [{`akun`, `debit`, `kredit`}].
/// Needs `Idempotency-Key`; answers with the entry's id.
#[utoipa::path(post, path = "/api/v1/coop/journal", tag = "coop", security(("bearer" = [])), request_body = Object,
    params(("Idempotency-Key" = String, Header)),
    responses((status = 201, body = Object), (status = 400), (status = 403), (status = 422)))]
pub(super) async fn api_add_journal(
    State(state): State<AppState>,
    staff: Staff,
    headers: axum::http::HeaderMap,
    axum::Json(f): axum::Json<JournalIn>,
) -> Result<Response, AppError> {
    let key = idempotency_key(&headers)?;
    let region = village(&state, &staff, &f.desa, WRITE).await?;
    let s = coop::settings(&state.db, &region)
        .await?
        .ok_or(AppError::NotFound)?;
    let id = post_journal(&state, &staff, &region, &s, &key, &f.form).await??;
    Ok(created(serde_json::json!({"id": id.to_string()})))
}

/// The trial balance and the neraca on `tanggal` (today when left out).
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct StatementsOut {
    pub on: NaiveDate,
    #[schema(value_type = Object)]
    pub trial_balance: desmigratif_core::coop::ledger::TrialBalance,
    #[schema(value_type = Object)]
    pub neraca: desmigratif_core::coop::ledger::Neraca,
}

#[utoipa::path(get, path = "/api/v1/coop/journal/balances", tag = "coop", security(("bearer" = [])), params(Where),
    responses((status = 200, body = StatementsOut), (status = 403), (status = 404)))]
pub(super) async fn api_balances(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<Where>,
) -> Result<axum::Json<StatementsOut>, AppError> {
    let region = village(&state, &staff, &q.desa, READ).await?;
    let on = on_day(&q.tanggal)?;
    Ok(axum::Json(StatementsOut {
        on,
        trial_balance: coop::trial_balance(&state.db, &region, on).await?,
        neraca: coop::neraca(&state.db, &region, on).await?,
    }))
}

/// A year's SHU: the run, its parts and the members' shares.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ShuOut {
    #[schema(value_type = Object)]
    pub run: ShuRunRow,
    /// (part, basis points, amount)
    #[schema(value_type = Vec<Object>)]
    pub parts: Vec<(String, i32, i64)>,
    #[schema(value_type = Vec<Object>)]
    pub members: Vec<coop::ShuMemberRow>,
}

pub(super) async fn shu_out(state: &AppState, run: ShuRunRow) -> Result<ShuOut, AppError> {
    Ok(ShuOut {
        parts: coop::shu_parts(&state.db, run.id)
            .await?
            .into_iter()
            .map(|(p, bp, a)| (p.as_str().to_owned(), bp, a))
            .collect(),
        members: coop::shu_members(&state.db, run.id).await?,
        run,
    })
}

#[utoipa::path(get, path = "/api/v1/coop/shu", tag = "coop", security(("bearer" = [])), params(Where),
    responses((status = 200, body = Vec<Object>), (status = 403), (status = 404)))]
pub(super) async fn api_shu_runs(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<Where>,
) -> Result<axum::Json<Vec<ShuRunRow>>, AppError> {
    let region = village(&state, &staff, &q.desa, READ).await?;
    Ok(axum::Json(coop::shu_runs(&state.db, &region).await?))
}

/// Computes a closed year's SHU as a draft to preview (`desa`, `tahun`, the parts' percentages
/// as text — `cadangan`, `jasa_modal`, `jasa_anggota`, … — and `jasa_anggota_bunga`).
#[utoipa::path(post, path = "/api/v1/coop/shu", tag = "coop", security(("bearer" = [])), request_body = Object,
    responses((status = 201, body = ShuOut), (status = 403), (status = 422)))]
pub(super) async fn api_compute_shu(
    State(state): State<AppState>,
    staff: Staff,
    axum::Json(f): axum::Json<PlanForm>,
) -> Result<Response, AppError> {
    let region = village(&state, &staff, &f.desa, WRITE).await?;
    let id = compute_shu(&state, &staff, &region, &f.plan).await??;
    let run = coop::shu_run(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(created(shu_out(&state, run).await?))
}

#[utoipa::path(get, path = "/api/v1/coop/shu/{id}", tag = "coop", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = ShuOut), (status = 404)))]
pub(super) async fn api_shu_run(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<axum::Json<ShuOut>, AppError> {
    let run = staff.load::<ShuRunRow>(&state, &id, READ).await?;
    Ok(axum::Json(shu_out(&state, run).await?))
}

pub fn api() -> utoipa_axum::router::OpenApiRouter<AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(api_members, api_join))
        .routes(routes!(api_member))
        .routes(routes!(api_savings))
        .routes(routes!(api_loans, api_apply))
        .routes(routes!(api_loan))
        .routes(routes!(api_repay))
        .routes(routes!(api_journal, api_add_journal))
        .routes(routes!(api_balances))
        .routes(routes!(api_shu_runs, api_compute_shu))
        .routes(routes!(api_shu_run))
}
