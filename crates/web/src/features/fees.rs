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
use axum::{Form, Json, Router};
use desmigratif_core::access::Action;
use desmigratif_core::catalog::{self, COUNTRIES, OCCUPATIONS};
use desmigratif_core::fees::{
    self, FEE_KINDS, FeeKind, FeeQuestion, FeeRule, Limit, RawFeeRule, Verdict, currency_of,
    parse_money,
};
use desmigratif_core::letters::indonesian_date;
use desmigratif_core::text::group_thousands;
use desmigratif_db::DbError;
use desmigratif_db::fees as store;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The question as typed on the page or in the API.
#[derive(serde::Deserialize, Default, Clone, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct FeeForm {
    /// Destination, ISO 3166-1 alpha-2 (TW, HK, MY…).
    pub negara: String,
    /// Occupation code (see the catalogue; e.g. pengurus_rumah_tangga).
    pub jabatan: String,
    /// penempatan, komisi_agensi or jasa_bulanan.
    pub jenis_biaya: String,
    /// Amount asked in rupiah ("Rp 9.622.000" is fine).
    pub biaya_rupiah: String,
    /// Amount asked in the destination's currency.
    pub biaya_asing: String,
    /// First month's wage in the destination's currency (percentage rules).
    pub gaji_bulan_pertama: String,
    /// Contract year, from 1 (monthly service fees).
    pub tahun_kontrak: String,
}

impl FeeForm {
    fn asked(&self) -> bool {
        !self.negara.is_empty() || !self.jabatan.is_empty()
    }

    /// The question, or every field error.
    fn question(&self) -> Result<FeeQuestion, Vec<desmigratif_core::Invalid>> {
        let mut errors = Vec::new();
        let mut money = |raw: &str, field| {
            parse_money(raw, field)
                .map_err(|e| errors.push(e))
                .ok()
                .flatten()
        };
        let amount_idr = money(&self.biaya_rupiah, "biaya_rupiah");
        let amount_foreign = money(&self.biaya_asing, "biaya_asing");
        let first_month_wage = money(&self.gaji_bulan_pertama, "gaji_bulan_pertama");
        let contract_year = if self.tahun_kontrak.trim().is_empty() {
            None
        } else {
            match self.tahun_kontrak.trim().parse::<u32>() {
                Ok(y) => Some(y),
                Err(_) => {
                    errors.push(desmigratif_core::Invalid::new(
                        "tahun_kontrak",
                        "tahun kontrak berupa angka, mis. 1 untuk tahun pertama",
                    ));
                    None
                }
            }
        };
        let fee_kind = self
            .jenis_biaya
            .parse::<FeeKind>()
            .map_err(|e| errors.push(e))
            .ok();
        match fee_kind {
            Some(fee_kind) if errors.is_empty() => Ok(FeeQuestion {
                destination: self.negara.trim().to_uppercase(),
                occupation: self.jabatan.trim().to_owned(),
                fee_kind,
                on: super::persons::today(),
                amount_idr,
                amount_foreign,
                first_month_wage,
                contract_year,
            }),
            _ => Err(errors),
        }
    }
}

/// A verdict as shown and as returned by the API.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct FeeVerdict {
    /// within, above, must_be_zero or no_rule.
    pub verdict: &'static str,
    /// One sentence for the person asking, in Indonesian.
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

fn money_text(symbol: &str, n: i64) -> String {
    format!("{symbol}{}", group_thousands(n))
}

/// The verdict on `q` under `rules`.
pub fn verdict(rules: &[FeeRule], q: &FeeQuestion) -> Result<FeeVerdict, Vec<desmigratif_core::Invalid>> {
    let o = fees::check(rules, q)?;
    let symbol = o.currency.as_ref().map(|c| c.symbol).unwrap_or("");
    let limits = {
        let mut parts = Vec::new();
        if let Some(idr) = o.limit_idr {
            parts.push(money_text("Rp", idr));
        }
        if let Some(f) = o.limit_foreign {
            parts.push(money_text(symbol, f));
        }
        parts.join(" + ")
    };
    let (verdict, message, excess_idr, excess_foreign) = match o.verdict {
        Verdict::Within => (
            "within",
            if limits.is_empty() {
                "Sesuai aturan: tidak ada biaya yang diminta.".to_owned()
            } else {
                format!("Masih dalam batas resmi (paling banyak {limits}). Minta kuitansi untuk setiap pembayaran.")
            },
            0,
            0,
        ),
        Verdict::Above {
            excess_idr,
            excess_foreign,
        } => {
            let mut over = Vec::new();
            if excess_idr > 0 {
                over.push(money_text("Rp", excess_idr));
            }
            if excess_foreign > 0 {
                over.push(money_text(symbol, excess_foreign));
            }
            (
                "above",
                format!(
                    "MELEBIHI batas resmi ({limits}) sebesar {}. Jangan bayar; laporkan di /lapor.",
                    over.join(" dan ")
                ),
                excess_idr,
                excess_foreign,
            )
        }
        Verdict::MustBeZero => (
            "must_be_zero",
            "Untuk jabatan dan tujuan ini biaya tersebut HARUS NOL: pekerja tidak boleh dibebani. Jangan bayar; laporkan di /lapor.".to_owned(),
            0,
            0,
        ),
        Verdict::NoRule => (
            "no_rule",
            "Belum ada aturan tercatat untuk pilihan ini. Itu bukan berarti biayanya sah: tanyakan ke Disnaker kabupaten atau BP3MI sebelum membayar.".to_owned(),
            0,
            0,
        ),
    };
    Ok(FeeVerdict {
        verdict,
        message,
        excess_idr,
        excess_foreign,
        limit_idr: o.limit_idr,
        limit_foreign: o.limit_foreign,
        currency: o.currency.as_ref().map(|c| c.code.to_owned()),
        currency_symbol: o.currency.as_ref().map(|c| c.symbol.to_owned()),
        rule: o.rule.map(RuleOut::of),
    })
}

// --- public page -------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "fee_check.html")]
struct CheckPage {
    page: Page,
    form: FeeForm,
    errors: FieldErrors,
    result: Option<FeeVerdict>,
    countries: &'static [catalog::Country],
    occupations: &'static [catalog::Occupation],
    kinds: Vec<(&'static str, &'static str)>,
}

fn kind_choices(lang: crate::Lang) -> Vec<(&'static str, &'static str)> {
    FEE_KINDS
        .iter()
        .map(|k| {
            (
                k.as_str(),
                if lang == crate::Lang::En {
                    k.label_en()
                } else {
                    k.label_id()
                },
            )
        })
        .collect()
}

/// `/biaya`: the question is a GET form, so an answer can be bookmarked, shared and cached.
async fn check_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(mut form): Query<FeeForm>,
) -> Result<Response, AppError> {
    let mut errors = FieldErrors::default();
    let mut result = None;
    if form.asked() {
        let rules = store::active(&state.db).await?;
        match form.question().and_then(|q| verdict(&rules, &q)) {
            Ok(v) => result = Some(v),
            Err(list) => list.into_iter().for_each(|e| errors.push(e)),
        }
    } else {
        form.jenis_biaya = FeeKind::Placement.as_str().to_owned();
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

fn describe_limit(l: &Limit) -> String {
    let symbol = |code: &str| {
        COUNTRIES
            .iter()
            .filter_map(|c| currency_of(c.iso2))
            .find(|c| c.code == code)
            .map(|c| c.symbol.to_owned())
            .unwrap_or_else(|| format!("{code} "))
    };
    match l {
        Limit::Zero => "harus nol".into(),
        Limit::Ceiling { idr, foreign } => {
            let mut parts = Vec::new();
            parts.push(money_text("Rp", idr.unwrap_or(0)));
            if let Some((c, a)) = foreign {
                parts.push(money_text(&symbol(c), *a));
            }
            format!("paling banyak {}", parts.join(" + "))
        }
        Limit::PercentOfFirstMonthWage {
            basis_points,
            currency: _,
        } => format!(
            "paling banyak {},{:02} % gaji bulan pertama",
            basis_points / 100,
            basis_points % 100
        ),
        Limit::MonthlyByContractYear { currency, caps } => format!(
            "per bulan: {}",
            caps.iter()
                .enumerate()
                .map(|(i, c)| format!("tahun {}{}: {}", i + 1, if i + 1 == caps.len() { "+" } else { "" }, money_text(&symbol(currency), *c)))
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

async fn rules_page(State(state): State<AppState>, staff: Staff) -> Result<Response, AppError> {
    staff
        .allow_action(&state, Action::EditReference, "fee_rule.list")
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

async fn new_rule(State(state): State<AppState>, staff: Staff) -> Result<Response, AppError> {
    staff
        .allow_action(&state, Action::EditReference, "fee_rule.create")
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

async fn edit_rule(
    State(state): State<AppState>,
    staff: Staff,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    staff
        .allow_action(&state, Action::EditReference, "fee_rule.update")
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
            store::get(&state.db, code)
                .await?
                .is_none_or(|r| r.active),
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

async fn create_rule(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<RawFeeRule>,
) -> Result<Response, AppError> {
    staff
        .allow_action(&state, Action::EditReference, "fee_rule.create")
        .await?;
    save_rule(state, staff, None, form).await
}

async fn update_rule(
    State(state): State<AppState>,
    staff: Staff,
    Path(code): Path<String>,
    Form(form): Form<RawFeeRule>,
) -> Result<Response, AppError> {
    staff
        .allow_action(&state, Action::EditReference, "fee_rule.update")
        .await?;
    store::get(&state.db, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    save_rule(state, staff, Some(code), form).await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct Toggle {
    aktif: String,
}

async fn toggle_rule(
    State(state): State<AppState>,
    staff: Staff,
    Path(code): Path<String>,
    Form(f): Form<Toggle>,
) -> Result<Response, AppError> {
    staff
        .allow_action(&state, Action::EditReference, "fee_rule.update")
        .await?;
    let mut tx = state.db.begin().await?;
    store::set_active(&mut tx, &staff.actor(), &code, f.aktif == "ya").await?;
    tx.commit().await?;
    Ok(Redirect::to("/app/biaya").into_response())
}

pub fn pages() -> Router<AppState> {
    use axum::routing::{get, post};
    Router::new()
        .route("/biaya", get(check_page))
        .route("/app/biaya", get(rules_page).post(create_rule))
        .route("/app/biaya/baru", get(new_rule))
        .route("/app/biaya/{code}", get(edit_rule).post(update_rule))
        .route("/app/biaya/{code}/aktif", post(toggle_rule))
}

// --- API ---------------------------------------------------------------------------------------

/// Check a fee against the rules in force, as `/biaya` does. Public: no token needed.
#[utoipa::path(get, path = "/api/v1/fee-check", tag = "portal", params(FeeForm),
    responses((status = 200, body = FeeVerdict), (status = 422)))]
async fn api_check(
    State(state): State<AppState>,
    Query(form): Query<FeeForm>,
) -> Result<Json<FeeVerdict>, AppError> {
    let rules = store::active(&state.db).await?;
    form.question()
        .and_then(|q| verdict(&rules, &q))
        .map(Json)
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
