//! The co-operative desk: loans from the chair's decision to disbursement and instalments.

use super::*;

#[derive(Template)]
#[template(path = "coop_loans.html")]
pub(super) struct LoansPage {
    pub(super) page: Page,
    pub(super) region: String,
    pub(super) rows: Vec<LoanListRow>,
    pub(super) status: String,
    pub(super) statuses: Vec<(&'static str, &'static str)>,
    pub(super) number: i64,
    pub(super) more: bool,
}

pub(crate) async fn loans(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<Where>,
) -> Result<Response, AppError> {
    let region = village(&state, &staff, &q.desa, READ).await?;
    if let Err(r) = settings_of(&state, &region).await {
        return Ok(r);
    }
    let status = q
        .status
        .parse::<LoanStatus>()
        .ok()
        .map(|s| s.as_str().to_owned())
        .unwrap_or_default();
    let number = q.halaman.unwrap_or(1).max(1);
    let (rows, more) = coop::loans(
        &state.db,
        &region,
        None,
        Some(status.as_str()).filter(|s| !s.is_empty()),
        (number - 1) * PAGE_SIZE,
        PAGE_SIZE,
    )
    .await?;
    let lang = staff.ctx.lang;
    render(LoansPage {
        page: Page::new(&staff.ctx, "coop.loans"),
        region,
        rows,
        status,
        statuses: LoanStatus::ALL
            .iter()
            .map(|s| (s.as_str(), lang.pick(s.label_id(), s.label_en())))
            .collect(),
        number,
        more,
    })
}

pub struct InstalmentView {
    pub no: u32,
    pub due_on: NaiveDate,
    pub principal: i64,
    pub interest: i64,
    pub total: i64,
    pub paid: i64,
    pub balance_after: i64,
}

#[derive(Template)]
#[template(path = "coop_loan.html")]
pub(super) struct LoanPage {
    pub(super) page: Page,
    pub(super) l: LoanRow,
    pub(super) m: MemberRow,
    pub(super) product: String,
    pub(super) status: &'static str,
    pub(super) schedule: Vec<InstalmentView>,
    pub(super) repayments: Vec<coop::RepaymentRow>,
    pub(super) outstanding: i64,
    pub(super) days_past_due: i64,
    pub(super) class: &'static str,
    pub(super) can_write: bool,
    pub(super) pay: RawPayment,
    pub(super) key: String,
    pub(super) errors: FieldErrors,
    pub(super) today: String,
}

pub(super) async fn loan_page(
    state: &AppState,
    staff: &Staff,
    l: LoanRow,
    m: MemberRow,
    pay: RawPayment,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let lang = staff.ctx.lang;
    let (_, state_now) = coop::loan_state(&state.db, l.id).await?;
    let schedule = state_now
        .schedule
        .instalments
        .iter()
        .enumerate()
        .map(|(k, i)| InstalmentView {
            no: i.no,
            due_on: i.due_on,
            principal: i.principal,
            interest: i.interest,
            total: i.total,
            paid: state_now.paid.get(k).map_or(0, |p| p.total()),
            balance_after: i.balance_after,
        })
        .collect();
    let days_past_due = desmigratif_core::coop::arrears::days_past_due(
        &state_now.schedule,
        &state_now.paid,
        today(),
    );
    let class = match coop::settings(&state.db, &m.region_code).await? {
        Some(s) if l.status == "dicairkan" => {
            let c = s.thresholds()?.classify(days_past_due);
            lang.pick(c.label_id(), c.label_en())
        }
        _ => "—",
    };
    let product = coop::products(&state.db, &m.region_code)
        .await?
        .into_iter()
        .find(|(id, _)| *id == l.product_id)
        .map(|(_, p)| p.name)
        .unwrap_or_default();
    let needs_correction = !errors.is_empty();
    let mut page = Page::new(&staff.ctx, "coop.loan");
    page.title = format!("{} · {}", product, m.name);
    render_form(
        LoanPage {
            page,
            status: status_label(lang, &l.status),
            repayments: coop::repayments(&state.db, l.id).await?,
            outstanding: state_now.outstanding_principal(),
            days_past_due,
            class,
            can_write: may_write(staff, &m.region_code),
            product,
            schedule,
            l,
            m,
            pay,
            key: fresh_key(),
            errors,
            today: today().to_string(),
        },
        needs_correction,
    )
}

pub(crate) async fn loan(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let (l, m) = staff
        .load::<(LoanRow, MemberRow)>(&state, &id, READ)
        .await?;
    let pay = RawPayment {
        tanggal: today().to_string(),
        ..Default::default()
    };
    loan_page(&state, &staff, l, m, pay, FieldErrors::default()).await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct Decision {
    /// `setuju` or `tolak`.
    pub(super) putusan: String,
}

pub(crate) async fn decide(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(f): Form<Decision>,
) -> Result<Response, AppError> {
    let (l, m) = staff
        .load::<(LoanRow, MemberRow)>(&state, &id, WRITE)
        .await?;
    let approve = match f.putusan.as_str() {
        "setuju" => true,
        "tolak" => false,
        _ => {
            return Err(AppError::BadRequest(
                "putusan harus «setuju» atau «tolak»".into(),
            ));
        }
    };
    let done = in_books(&state, "putusan", async |tx| {
        coop::decide(tx, &staff.actor(), l.id, approve).await
    })
    .await?;
    match done {
        Ok(()) => Ok(Redirect::to(&format!("/app/koperasi/pinjaman/{}", l.id)).into_response()),
        Err(errors) => loan_page(&state, &staff, l, m, RawPayment::default(), errors).await,
    }
}

pub(crate) async fn disburse(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(f): Form<Keyed<RawPayment>>,
) -> Result<Response, AppError> {
    let (l, m) = staff
        .load::<(LoanRow, MemberRow)>(&state, &id, WRITE)
        .await?;
    let on = match f.form.check_day(today()) {
        Ok(on) => on,
        Err(e) => return loan_page(&state, &staff, l, m, f.form, e.into()).await,
    };
    let done = in_books(&state, "cair", async |tx| {
        coop::disburse(tx, &staff.actor(), &f.kunci, l.id, on).await
    })
    .await?;
    match done {
        Ok(_) => Ok(Redirect::to(&format!("/app/koperasi/pinjaman/{}", l.id)).into_response()),
        Err(errors) => loan_page(&state, &staff, l, m, f.form, errors).await,
    }
}

/// A repayment, allocated by the product's order and posted once per key.
pub(super) async fn repay_loan(
    state: &AppState,
    staff: &Staff,
    l: &LoanRow,
    key: &str,
    raw: &RawPayment,
) -> Result<Result<Id, FieldErrors>, AppError> {
    let (amount, on) = match raw.check(today()) {
        Ok(v) => v,
        Err(e) => return Ok(Err(e.into())),
    };
    in_books(state, "jumlah", async |tx| {
        coop::repay(tx, &staff.actor(), key, l.id, amount, on).await
    })
    .await
}

pub(crate) async fn repay(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(f): Form<Keyed<RawPayment>>,
) -> Result<Response, AppError> {
    let (l, m) = staff
        .load::<(LoanRow, MemberRow)>(&state, &id, WRITE)
        .await?;
    match repay_loan(&state, &staff, &l, &f.kunci, &f.form).await? {
        Ok(_) => Ok(Redirect::to(&format!("/app/koperasi/pinjaman/{}", l.id)).into_response()),
        Err(errors) => loan_page(&state, &staff, l, m, f.form, errors).await,
    }
}
