//! Fee check `/biaya`: is the amount asked legal for this destination, occupation and kind of
//! fee? The verdict cites the rule in force (regulation, date, source, "to verify" flag). Rules
//! are data national staff keep at `/app/biaya`, every version kept.

use super::FieldErrors;
use crate::AppState;
use crate::auth::{Ctx, Staff};
use crate::error::AppError;
use crate::page::{Page, render, render_form, render_public};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use desmigratif_core::access::Action;
use desmigratif_core::catalog::{self, COUNTRIES, OCCUPATIONS};
use desmigratif_core::fees::{
    self, FEE_KINDS, FeeKind, FeeQuestion, FeeRule, Limit, Outcome, RawFeeQuestion, RawFeeRule,
    Verdict, currency_of, format_amount,
};
use desmigratif_core::letters::indonesian_date;
use desmigratif_db::DbError;
use desmigratif_db::fees as store;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// A verdict as shown and as returned by the API.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct FeeVerdict {
    /// within, above, must_be_zero or no_rule.
    pub verdict: &'static str,
    /// The verdict in one Indonesian sentence, with the limits and the rule's verification status.
    pub message: String,
    pub excess_idr: i64,
    pub excess_foreign: i64,
    /// The ceiling in rupiah, when the rule sets one.
    pub limit_idr: Option<i64>,
    /// The ceiling in the destination's currency, when the rule sets one.
    pub limit_foreign: Option<i64>,
    pub currency: Option<String>,
    pub currency_symbol: Option<String>,
    #[schema(value_type = Object)]
    pub rule: Option<RuleOut>,
}

/// The rule a verdict rests on.
#[derive(Clone, serde::Serialize)]
pub struct RuleOut {
    pub code: String,
    pub title: String,
    pub regulation: String,
    pub source: String,
    pub effective_from: chrono::NaiveDate,
    pub effective_until: Option<chrono::NaiveDate>,
    /// The fact is not yet confirmed against the regulation's text.
    pub to_verify: bool,
    pub note: String,
}

impl RuleOut {
    fn of(r: &FeeRule) -> RuleOut {
        RuleOut {
            code: r.code.clone(),
            title: r.title.clone(),
            regulation: r.regulation.clone(),
            source: r.source.clone(),
            effective_from: r.effective_from,
            effective_until: r.effective_until,
            to_verify: r.to_verify,
            note: r.note.clone(),
        }
    }

    pub fn since(&self) -> String {
        indonesian_date(self.effective_from)
    }
}

impl FeeVerdict {
    pub fn of(o: &Outcome<'_>) -> FeeVerdict {
        let (verdict, excess_idr, excess_foreign) = match o.verdict {
            Verdict::Within => ("within", 0, 0),
            Verdict::Above {
                excess_idr,
                excess_foreign,
            } => ("above", excess_idr, excess_foreign),
            Verdict::MustBeZero => ("must_be_zero", 0, 0),
            Verdict::NoRule => ("no_rule", 0, 0),
        };
        FeeVerdict {
            verdict,
            message: o.message_id(),
            excess_idr,
            excess_foreign,
            limit_idr: o.limit_idr,
            limit_foreign: o.limit_foreign,
            currency: o.currency.map(|c| c.code.to_owned()),
            currency_symbol: o.currency.map(|c| c.symbol.to_owned()),
            rule: o.rule.map(RuleOut::of),
        }
    }
}

/// The verdict on what a job order says the worker pays before departure.
pub fn placement_verdict(rules: &[FeeRule], q: &FeeQuestion) -> Option<FeeVerdict> {
    fees::check(rules, q).ok().map(|o| FeeVerdict::of(&o))
}

fn asked(q: &RawFeeQuestion) -> bool {
    !q.destination.is_empty() || !q.occupation.is_empty()
}

// --- public page -------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "fee_check.html")]
struct CheckPage {
    page: Page,
    form: RawFeeQuestion,
    errors: FieldErrors,
    result: Option<FeeVerdict>,
    countries: &'static [catalog::Country],
    occupations: &'static [catalog::Occupation],
    kinds: Vec<(&'static str, &'static str)>,
}

fn kind_choices(lang: crate::Lang) -> Vec<(&'static str, &'static str)> {
    FEE_KINDS
        .iter()
        .map(|k| (k.as_str(), lang.pick(k.label_id(), k.label_en())))
        .collect()
}

/// `/biaya`: the question is a GET form, so an answer can be bookmarked, shared and cached.
pub(crate) async fn check_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(mut form): Query<RawFeeQuestion>,
) -> Result<Response, AppError> {
    let mut errors = FieldErrors::default();
    let mut result = None;
    if asked(&form) {
        let rules = store::active(&state.db).await?;
        match form.check(&rules, super::persons::today()) {
            Ok(o) => result = Some(FeeVerdict::of(&o)),
            Err(list) => list.into_iter().for_each(|e| errors.push(e)),
        }
    } else {
        form.fee_kind = FeeKind::Placement.as_str().to_owned();
    }
    let page = Page::new(&ctx, "fees.title");
    let kinds = kind_choices(ctx.lang);
    let template = CheckPage {
        page,
        form,
        result,
        countries: COUNTRIES,
        occupations: OCCUPATIONS,
        kinds,
        errors,
    };
    if template.errors.is_empty() {
        render_public(template, &ctx)
    } else {
        render_form(template, true)
    }
}

// --- staff: the rules ---------------------------------------------------------------------------

struct RuleLine {
    rule: FeeRule,
    active: bool,
    updated: String,
    updated_by: String,
    limit: String,
}

/// A rule's limit in a few words, for the staff list.
fn describe_limit(l: &Limit) -> String {
    let money = |code: &str, n: i64| {
        COUNTRIES
            .iter()
            .filter_map(|c| currency_of(c.iso2))
            .find(|c| c.code == code)
            .map(|c| c.format(n))
            .unwrap_or_else(|| format!("{code} {}", format_amount(n)))
    };
    match l {
        Limit::Zero => "harus nol".into(),
        Limit::Ceiling { idr, foreign } => {
            let mut parts = vec![money("IDR", idr.unwrap_or(0))];
            if let Some((c, a)) = foreign {
                parts.push(money(c, *a));
            }
            format!("paling banyak {}", parts.join(" + "))
        }
        Limit::PercentOfFirstMonthWage { basis_points, .. } => format!(
            "paling banyak {},{:02} % gaji bulan pertama",
            basis_points / 100,
            basis_points % 100
        ),
        Limit::MonthlyByContractYear { currency, caps } => format!(
            "per bulan: {}",
            caps.iter()
                .enumerate()
                .map(|(i, c)| {
                    let last = if i + 1 == caps.len() { "+" } else { "" };
                    format!("tahun {}{last}: {}", i + 1, money(currency, *c))
                })
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

#[derive(Template)]
#[template(path = "fee_rules.html")]
struct RulesPage {
    page: Page,
    rules: Vec<RuleLine>,
}

pub(crate) async fn rules_page(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Response, AppError> {
    staff
        .allow_national(&state, Action::EditReference, "fee_rule.list")
        .await?;
    let rules = store::all(&state.db)
        .await?
        .into_iter()
        .map(|r| RuleLine {
            limit: describe_limit(&r.rule.limit),
            updated: crate::page::when(&r.updated_at),
            updated_by: r.updated_by,
            active: r.active,
            rule: r.rule,
        })
        .collect();
    render(RulesPage {
        page: Page::new(&staff.ctx, "fees.rules"),
        rules,
    })
}

#[derive(Template)]
#[template(path = "fee_rule_form.html")]
struct RuleFormPage {
    page: Page,
    /// The code of the rule edited; `None` for a new rule.
    editing: Option<String>,
    active: bool,
    form: RawFeeRule,
    errors: FieldErrors,
    versions: Vec<(String, String, String)>,
    countries: &'static [catalog::Country],
    kinds: Vec<(&'static str, &'static str)>,
}

async fn versions(state: &AppState, code: &str) -> Result<Vec<(String, String, String)>, AppError> {
    Ok(store::versions(&state.db, code)
        .await?
        .into_iter()
        .map(|v| (crate::page::when(&v.at), v.actor, v.rule))
        .collect())
}

pub(crate) async fn new_rule(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Response, AppError> {
    staff
        .allow_national(&state, Action::EditReference, "fee_rule.create")
        .await?;
    render(RuleFormPage {
        page: Page::new(&staff.ctx, "fees.new_rule"),
        editing: None,
        active: true,
        form: RawFeeRule {
            fee_kind: FeeKind::Placement.as_str().into(),
            limit_kind: "ceiling".into(),
            effective_from: super::persons::today().to_string(),
            ..RawFeeRule::default()
        },
        errors: FieldErrors::default(),
        versions: Vec::new(),
        countries: COUNTRIES,
        kinds: kind_choices(staff.ctx.lang),
    })
}

pub(crate) async fn edit_rule(
    State(state): State<AppState>,
    staff: Staff,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    staff
        .allow_national(&state, Action::EditReference, "fee_rule.update")
        .await?;
    let r = store::get(&state.db, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    render(RuleFormPage {
        page: Page::new(&staff.ctx, "fees.edit_rule"),
        editing: Some(code.clone()),
        active: r.active,
        form: RawFeeRule::from_rule(&r.rule),
        errors: FieldErrors::default(),
        versions: versions(&state, &code).await?,
        countries: COUNTRIES,
        kinds: kind_choices(staff.ctx.lang),
    })
}

async fn save_rule(
    state: AppState,
    staff: Staff,
    editing: Option<String>,
    mut form: RawFeeRule,
) -> Result<Response, AppError> {
    if let Some(code) = &editing {
        // The code names the rule in its history; an edit keeps it.
        form.code = code.clone();
    }
    let mut errors = FieldErrors::default();
    match form.check() {
        Ok(rule) => {
            let mut tx = state.db.begin().await?;
            match store::save(&mut tx, &staff.actor(), &rule, editing.is_none()).await {
                Ok(()) => {
                    tx.commit().await?;
                    return Ok(Redirect::to("/app/biaya").into_response());
                }
                Err(DbError::Conflict(m)) => errors.add("code", m),
                Err(e) => return Err(e.into()),
            }
        }
        Err(list) => list.into_iter().for_each(|e| errors.push(e)),
    }
    let (title, versions, active) = match &editing {
        Some(code) => (
            "fees.edit_rule",
            versions(&state, code).await?,
            store::get(&state.db, code).await?.is_none_or(|r| r.active),
        ),
        None => ("fees.new_rule", Vec::new(), true),
    };
    render_form(
        RuleFormPage {
            page: Page::new(&staff.ctx, title),
            editing,
            active,
            form,
            errors,
            versions,
            countries: COUNTRIES,
            kinds: kind_choices(staff.ctx.lang),
        },
        true,
    )
}

pub(crate) async fn create_rule(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<RawFeeRule>,
) -> Result<Response, AppError> {
    staff
        .allow_national(&state, Action::EditReference, "fee_rule.create")
        .await?;
    save_rule(state, staff, None, form).await
}

pub(crate) async fn update_rule(
    State(state): State<AppState>,
    staff: Staff,
    Path(code): Path<String>,
    Form(form): Form<RawFeeRule>,
) -> Result<Response, AppError> {
    staff
        .allow_national(&state, Action::EditReference, "fee_rule.update")
        .await?;
    store::get(&state.db, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    save_rule(state, staff, Some(code), form).await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct Toggle {
    aktif: String,
}

pub(crate) async fn toggle_rule(
    State(state): State<AppState>,
    staff: Staff,
    Path(code): Path<String>,
    Form(f): Form<Toggle>,
) -> Result<Response, AppError> {
    staff
        .allow_national(&state, Action::EditReference, "fee_rule.update")
        .await?;
    let mut tx = state.db.begin().await?;
    store::set_active(&mut tx, &staff.actor(), &code, f.aktif == "ya").await?;
    tx.commit().await?;
    Ok(Redirect::to("/app/biaya").into_response())
}

// --- API ---------------------------------------------------------------------------------------

/// Check a fee against the rules in force, as `/biaya` does. Public: no token needed.
#[utoipa::path(get, path = "/api/v1/fee-check", tag = "portal",
    params(
        ("negara" = String, Query, description = "Destination, ISO 3166-1 alpha-2 (TW, HK, MY…)"),
        ("jabatan" = String, Query, description = "Occupation code, e.g. pengurus_rumah_tangga"),
        ("jenis_biaya" = String, Query, description = "penempatan, komisi_agensi or jasa_bulanan"),
        ("biaya_rupiah" = Option<String>, Query, description = "Amount asked in rupiah (\"Rp 9.622.000\" is fine)"),
        ("biaya_asing" = Option<String>, Query, description = "Amount asked in the destination's currency"),
        ("gaji_bulan_pertama" = Option<String>, Query, description = "First month's wage, destination currency (percentage rules)"),
        ("tahun_kontrak" = Option<String>, Query, description = "Contract year from 1 (monthly service fees)"),
        ("tanggal" = Option<String>, Query, description = "The day the fee is or was asked (YYYY-MM-DD); default today"),
    ),
    responses((status = 200, body = FeeVerdict), (status = 422)))]
async fn api_check(
    State(state): State<AppState>,
    Query(form): Query<RawFeeQuestion>,
) -> Result<Json<FeeVerdict>, AppError> {
    let rules = store::active(&state.db).await?;
    form.check(&rules, super::persons::today())
        .map(|o| Json(FeeVerdict::of(&o)))
        .map_err(|list| {
            AppError::Invalid(
                list.into_iter()
                    .map(|e| (e.field.to_owned(), e.message))
                    .collect(),
            )
        })
}

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(api_check))
}
