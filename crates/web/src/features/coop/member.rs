//! The co-operative desk: one member — savings, a loan application, leaving.

use super::*;

pub struct BalanceLine {
    pub label: &'static str,
    pub amount: i64,
}

pub struct StatementView {
    pub on: NaiveDate,
    pub kind: &'static str,
    pub deposit: bool,
    pub amount: i64,
    pub balance: i64,
}

#[derive(Template)]
#[template(path = "coop_member.html")]
pub(super) struct MemberPage {
    pub(super) page: Page,
    pub(super) m: MemberRow,
    pub(super) balances: Vec<BalanceLine>,
    pub(super) total: i64,
    pub(super) lines: Vec<StatementView>,
    pub(super) older: usize,
    pub(super) loans: Vec<LoanListRow>,
    pub(super) products: Vec<LoanProduct>,
    pub(super) kinds: Vec<(&'static str, &'static str)>,
    pub(super) can_write: bool,
    pub(super) savings: RawSavingsTxn,
    pub(super) loan: RawLoanApplication,
    pub(super) key: String,
    pub(super) errors: FieldErrors,
    pub(super) today: String,
}

pub(super) fn status_label(lang: impl Plain<Lang>, status: &str) -> &'static str {
    status
        .parse::<LoanStatus>()
        .map(|s| lang.plain().pick(s.label_id(), s.label_en()))
        .unwrap_or("—")
}

pub(super) fn kind_label(lang: Lang, k: SavingsKind) -> &'static str {
    lang.pick(k.label_id(), k.label_en())
}

pub(super) async fn member_page(
    state: &AppState,
    staff: &Staff,
    m: MemberRow,
    savings: RawSavingsTxn,
    loan: RawLoanApplication,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let lang = staff.ctx.lang;
    let balances: Vec<BalanceLine> = coop::balances(&state.db, m.id)
        .await?
        .into_iter()
        .map(|(k, _, amount)| BalanceLine {
            label: kind_label(lang, k),
            amount,
        })
        .collect();
    let statement = coop::statement(&state.db, m.id).await?;
    let older = statement.len().saturating_sub(RECENT_LINES);
    let lines = statement
        .iter()
        .skip(older)
        .rev()
        .map(|l| StatementView {
            on: l.on,
            kind: kind_label(lang, l.kind),
            deposit: l.direction == Direction::Deposit,
            amount: l.amount,
            balance: l.balance,
        })
        .collect();
    let (loans, _) = coop::loans(&state.db, &m.region_code, Some(m.id), None, 0, 100).await?;
    let products = coop::products(&state.db, &m.region_code)
        .await?
        .into_iter()
        .map(|(_, p)| p)
        .collect();
    let needs_correction = !errors.is_empty();
    let mut page = Page::new(&staff.ctx, "coop.member");
    page.title = format!("{} · {}", m.number, m.name);
    render_form(
        MemberPage {
            page,
            total: balances.iter().map(|b| b.amount).sum(),
            balances,
            lines,
            older,
            loans,
            products,
            kinds: SavingsKind::ALL
                .iter()
                .map(|k| (k.as_str(), kind_label(lang, *k)))
                .collect(),
            can_write: may_write(staff, &m.region_code) && m.left_on.is_none(),
            m,
            savings,
            loan,
            key: fresh_key(),
            errors,
            today: today().to_string(),
        },
        needs_correction,
    )
}

pub(crate) async fn member(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let m = staff.load::<MemberRow>(&state, &id, READ).await?;
    let savings = RawSavingsTxn {
        jenis: SavingsKind::Voluntary.as_str().into(),
        arah: "setor".into(),
        tanggal: today().to_string(),
        ..Default::default()
    };
    member_page(
        &state,
        &staff,
        m,
        savings,
        RawLoanApplication::default(),
        FieldErrors::default(),
    )
    .await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct Keyed<T> {
    pub(super) kunci: String,
    #[serde(flatten)]
    pub(super) form: T,
}

/// A deposit or a withdrawal, checked by `core` and posted once per key by `db`.
pub(super) async fn move_savings(
    state: &AppState,
    staff: &Staff,
    m: &MemberRow,
    key: &str,
    raw: &RawSavingsTxn,
) -> Result<Result<Id, FieldErrors>, AppError> {
    let input = match raw.check(today(), m.left_on.is_some()) {
        Ok(input) => input,
        Err(e) => return Ok(Err(e.into())),
    };
    in_books(state, "jumlah", async |tx| {
        coop::savings_move(tx, &staff.actor(), key, m.id, &input).await
    })
    .await
}

pub(crate) async fn savings(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(f): Form<Keyed<RawSavingsTxn>>,
) -> Result<Response, AppError> {
    let m = staff.load::<MemberRow>(&state, &id, WRITE).await?;
    match move_savings(&state, &staff, &m, &f.kunci, &f.form).await? {
        Ok(_) => Ok(Redirect::to(&format!("/app/koperasi/anggota/{}", m.id)).into_response()),
        Err(errors) => {
            member_page(
                &state,
                &staff,
                m,
                f.form,
                RawLoanApplication::default(),
                errors,
            )
            .await
        }
    }
}

/// A loan application for a member, against the co-op's products.
pub(super) async fn apply_loan(
    state: &AppState,
    staff: &Staff,
    m: &MemberRow,
    raw: &RawLoanApplication,
) -> Result<Result<Id, FieldErrors>, AppError> {
    let products: Vec<LoanProduct> = coop::products(&state.db, &m.region_code)
        .await?
        .into_iter()
        .map(|(_, p)| p)
        .collect();
    let input = match raw.check(&products) {
        Ok(input) => input,
        Err(e) => return Ok(Err(e.into())),
    };
    in_books(state, "jumlah", async |tx| {
        coop::apply(tx, &staff.actor(), m.id, &input, today()).await
    })
    .await
}

pub(crate) async fn apply(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(f): Form<RawLoanApplication>,
) -> Result<Response, AppError> {
    let m = staff.load::<MemberRow>(&state, &id, WRITE).await?;
    match apply_loan(&state, &staff, &m, &f).await? {
        Ok(loan) => Ok(Redirect::to(&format!("/app/koperasi/pinjaman/{loan}")).into_response()),
        Err(errors) => {
            let savings = RawSavingsTxn {
                jenis: SavingsKind::Voluntary.as_str().into(),
                arah: "setor".into(),
                tanggal: today().to_string(),
                ..Default::default()
            };
            member_page(&state, &staff, m, savings, f, errors).await
        }
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct LeaveForm {
    pub(super) tanggal: String,
    pub(super) yakin: String,
}

/// Membership ends (after a confirmation box is ticked); refused while a loan runs.
pub(crate) async fn leave(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(f): Form<LeaveForm>,
) -> Result<Response, AppError> {
    let m = staff.load::<MemberRow>(&state, &id, WRITE).await?;
    let mut errors = FieldErrors::default();
    if f.yakin.is_empty() {
        errors.add(
            "keluar",
            "centang kotak persetujuan dulu untuk mengakhiri keanggotaan",
        );
    }
    let typed = RawPayment {
        tanggal: f.tanggal.clone(),
        ..Default::default()
    };
    let on = typed
        .check_day(today())
        .map_err(|e| e.into_iter().for_each(|e| errors.add("keluar", e.message)))
        .ok();
    if let (Some(on), true) = (on, errors.is_empty()) {
        match in_books(&state, "keluar", async |tx| {
            coop::leave(tx, &staff.actor(), m.id, on).await
        })
        .await?
        {
            Ok(()) => {
                return Ok(Redirect::to(&format!("/app/koperasi/anggota/{}", m.id)).into_response());
            }
            Err(refusal) => errors = refusal,
        }
    }
    member_page(
        &state,
        &staff,
        m,
        RawSavingsTxn::default(),
        RawLoanApplication::default(),
        errors,
    )
    .await
}
