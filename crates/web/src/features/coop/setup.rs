//! The co-operative desk: overview and set-up.

use super::*;

pub struct ClassLine {
    pub label: &'static str,
    pub loans: usize,
    pub outstanding: i64,
}

#[derive(Template)]
#[template(path = "coop.html")]
pub(super) struct OverviewPage {
    pub(super) page: Page,
    pub(super) region: String,
    pub(super) village_name: String,
    pub(super) settings: Option<SettingsRow>,
    pub(super) can_write: bool,
    pub(super) members: usize,
    pub(super) active: usize,
    pub(super) savings: i64,
    pub(super) classes: Vec<ClassLine>,
    pub(super) pending: i64,
    pub(super) in_arrears: usize,
    pub(super) setup: RawSetup,
    pub(super) rules: RawRules,
    pub(super) errors: FieldErrors,
}

pub(super) async fn village_name(state: &AppState, region: &str) -> Result<String, AppError> {
    Ok(
        desmigratif_db::villages::by_code(&state.db, &region.parse()?)
            .await?
            .map(|v| v.name)
            .unwrap_or_else(|| region.to_owned()),
    )
}

pub(super) async fn overview_page(
    state: &AppState,
    staff: &Staff,
    region: String,
    setup: RawSetup,
    rules: Option<RawRules>,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let settings = coop::settings(&state.db, &region).await?;
    let rules = match (rules, &settings) {
        (Some(typed), _) => typed,
        (None, Some(s)) => RawRules::of(s.thresholds()?, s.maker_checker),
        (None, None) => RawRules::default(),
    };
    let lang = staff.ctx.lang;
    let (mut members, mut active, mut savings, mut pending, mut in_arrears) = (0, 0, 0, 0, 0);
    let mut classes = Vec::new();
    if settings.is_some() {
        let list = coop::members(&state.db, &region).await?;
        members = list.len();
        active = list.iter().filter(|m| m.left_on.is_none()).count();
        savings = coop::savings_total(&state.db, &region).await?;
        let ageing = coop::ageing(&state.db, &region, today()).await?;
        classes = desmigratif_core::coop::arrears::Collectibility::ALL
            .iter()
            .map(|c| {
                let of: Vec<_> = ageing.iter().filter(|a| a.class == *c).collect();
                ClassLine {
                    label: lang.pick(c.label_id(), c.label_en()),
                    loans: of.len(),
                    outstanding: of.iter().map(|a| a.outstanding).sum(),
                }
            })
            .collect();
        pending = coop::loan_count(&state.db, &region, LoanStatus::Applied.as_str()).await?;
        in_arrears = coop::mandatory_arrears(&state.db, &region, today())
            .await?
            .len();
    }
    let needs_correction = !errors.is_empty();
    render_form(
        OverviewPage {
            page: Page::new(&staff.ctx, "coop.title"),
            village_name: village_name(state, &region).await?,
            can_write: may_write(staff, &region),
            region,
            settings,
            members,
            active,
            savings,
            classes,
            pending,
            in_arrears,
            setup,
            rules,
            errors,
        },
        needs_correction,
    )
}

pub(crate) async fn overview(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<Where>,
) -> Result<Response, AppError> {
    let region = village(&state, &staff, &q.desa, READ).await?;
    let setup = RawSetup {
        pokok: "100.000".into(),
        wajib: "20.000".into(),
        simpanan_anggota: MemberCapital::Equity.as_str().into(),
        dua_petugas: "ya".into(),
    };
    overview_page(&state, &staff, region, setup, None, FieldErrors::default()).await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct SetupForm {
    pub(super) desa: String,
    #[serde(flatten)]
    pub(super) form: RawSetup,
}

/// Sets up the village's co-op: the chart of accounts, the amounts, and the standard products.
pub(crate) async fn create_coop(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<SetupForm>,
) -> Result<Response, AppError> {
    let region = village(&state, &staff, &f.desa, WRITE).await?;
    let input = match f.form.check() {
        Ok(input) => input,
        Err(e) => return overview_page(&state, &staff, region, f.form, None, e.into()).await,
    };
    let setup = coop::Setup {
        capital: input.capital,
        principal_savings: input.principal_savings,
        mandatory_monthly: input.mandatory_monthly,
        thresholds: AgeingThresholds::default(),
        maker_checker: input.maker_checker,
        products: coop::standard_products(),
    };
    let done = in_books(&state, "pokok", async |tx| {
        coop::setup(tx, &staff.actor(), &region, &setup).await
    })
    .await?;
    match done {
        Ok(()) => Ok(Redirect::to(&format!("/app/koperasi?desa={region}")).into_response()),
        Err(errors) => overview_page(&state, &staff, region, f.form, None, errors).await,
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct RulesForm {
    pub(super) desa: String,
    #[serde(flatten)]
    pub(super) form: RawRules,
}

/// Changes the collectibility thresholds and maker-checker of a running co-op.
pub(crate) async fn change_rules(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<RulesForm>,
) -> Result<Response, AppError> {
    let region = village(&state, &staff, &f.desa, WRITE).await?;
    let errors = match f.form.check() {
        Ok((thresholds, maker_checker)) => {
            let done = in_books(&state, "kolektibilitas", async |tx| {
                coop::change_rules(tx, &staff.actor(), &region, thresholds, maker_checker).await
            })
            .await?;
            match done {
                Ok(()) => {
                    return Ok(
                        Redirect::to(&format!("/app/koperasi?desa={region}")).into_response()
                    );
                }
                Err(errors) => errors,
            }
        }
        Err(e) => e.into(),
    };
    overview_page(
        &state,
        &staff,
        region,
        RawSetup::default(),
        Some(f.form),
        errors,
    )
    .await
}
