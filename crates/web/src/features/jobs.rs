//! Vacancies `/lowongan`: job orders district or national staff publish for licensed companies.
//! Each shows what the worker is asked to pay and the fee verdict on it; an order past its
//! deadline, withdrawn, or of a company no longer licensed leaves the public list by itself.

use super::FieldErrors;
use super::agencies::{AgencyOut, may_recruit};
use super::fees::{FeeVerdict, placement_verdict};
use crate::AppState;
use crate::auth::{Ctx, Staff, guarded};
use crate::error::AppError;
use crate::page::{Page, render_form, render_public};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use desmigratif_core::access::Action;
use desmigratif_core::agencies::licence_key;
use desmigratif_core::catalog::{self, COUNTRIES, OCCUPATIONS};
use desmigratif_core::fees::{FeeKind, FeeQuestion, RUPIAH, currency_of, format_amount};
use desmigratif_core::id::Id;
use desmigratif_core::jobs::{JobInput, RawJob};
use desmigratif_core::region::Scope;
use desmigratif_db::jobs::{self, JobFilter, JobRow};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

const PAGE_SIZE: i64 = 20;

/// A vacancy as shown to anyone.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct JobOut {
    pub id: String,
    pub title: String,
    pub destination: String,
    pub destination_name: String,
    pub occupation: String,
    pub occupation_name: String,
    pub employer: String,
    pub wage: i64,
    pub wage_currency: String,
    /// What the worker is asked to pay before departure, in rupiah.
    pub cost_idr: i64,
    /// What the worker is asked to pay in the destination's currency.
    pub cost_foreign: i64,
    pub quota: i32,
    pub deadline: chrono::NaiveDate,
    pub requirements: String,
    pub withdrawn: bool,
    pub agency: Option<AgencyOut>,
    /// The fee verdict on what the worker is asked to pay.
    pub fee: Option<FeeVerdict>,
}

impl JobOut {
    fn foreign(&self, n: i64) -> String {
        match currency_of(&self.destination) {
            Some(c) => c.format(n),
            None => format_amount(n),
        }
    }

    pub fn wage_text(&self) -> String {
        self.foreign(self.wage)
    }

    pub fn cost_text(&self) -> String {
        let mut parts = vec![RUPIAH.format(self.cost_idr)];
        if self.cost_foreign > 0 {
            parts.push(self.foreign(self.cost_foreign));
        }
        parts.join(" + ")
    }

    pub fn deadline_text(&self) -> String {
        desmigratif_core::letters::indonesian_date(self.deadline)
    }
}

fn out(
    agencies: &super::agencies::Loaded,
    rules: &[desmigratif_core::fees::FeeRule],
    j: JobRow,
    lang: crate::Lang,
    today: chrono::NaiveDate,
) -> JobOut {
    let agency = agencies
        .rows
        .get(&j.agency_id)
        .map(|a| AgencyOut::of(a, today));
    let fee = placement_verdict(
        rules,
        &FeeQuestion {
            destination: j.destination.clone(),
            occupation: j.occupation.clone(),
            fee_kind: FeeKind::Placement,
            on: today,
            amount_idr: Some(j.cost_idr),
            amount_foreign: Some(j.cost_foreign),
            first_month_wage: None,
            contract_year: None,
        },
    );
    let country = catalog::country(&j.destination);
    let occupation = catalog::occupation(&j.occupation);
    let en = lang == crate::Lang::En;
    JobOut {
        id: j.id.to_string(),
        destination_name: country
            .map(|c| if en { c.en } else { c.id })
            .unwrap_or_default()
            .to_owned(),
        occupation_name: occupation
            .map(|o| if en { o.en } else { o.id })
            .unwrap_or_default()
            .to_owned(),
        title: j.title,
        destination: j.destination,
        occupation: j.occupation,
        employer: j.employer,
        wage: j.wage,
        wage_currency: j.wage_currency,
        cost_idr: j.cost_idr,
        cost_foreign: j.cost_foreign,
        quota: j.quota,
        deadline: j.deadline,
        requirements: j.requirements,
        withdrawn: j.withdrawn,
        agency,
        fee,
    }
}

async fn outs(
    state: &AppState,
    rows: Vec<JobRow>,
    lang: crate::Lang,
) -> Result<Vec<JobOut>, AppError> {
    // The rules and the agency index once for the whole page.
    let rules = desmigratif_db::fees::active(&state.db).await?;
    let agencies = super::agencies::loaded(state).await?;
    let today = super::persons::today();
    Ok(rows
        .into_iter()
        .map(|j| out(&agencies, &rules, j, lang, today))
        .collect())
}

/// One job order as shown.
async fn one_out(state: &AppState, row: JobRow, lang: crate::Lang) -> Result<JobOut, AppError> {
    outs(state, vec![row], lang)
        .await?
        .pop()
        .ok_or(AppError::NotFound)
}

#[derive(serde::Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub(crate) struct ListQuery {
    /// Destination ISO2.
    negara: String,
    /// Occupation code.
    jabatan: String,
    /// Page from 1.
    halaman: Option<i64>,
}

impl ListQuery {
    fn filter(&self, open: bool) -> JobFilter {
        JobFilter {
            destination: catalog::country(&self.negara)
                .map(|c| c.iso2.to_owned())
                .unwrap_or_default(),
            occupation: catalog::occupation(self.jabatan.trim())
                .map(|o| o.code.to_owned())
                .unwrap_or_default(),
            open_on: open.then(super::persons::today),
            region_prefix: None,
        }
    }

    fn page_no(&self) -> i64 {
        self.halaman.unwrap_or(1).max(1)
    }
}

#[derive(Template)]
#[template(path = "jobs.html")]
struct ListPage {
    page: Page,
    jobs: Vec<JobOut>,
    negara: String,
    jabatan: String,
    page_no: i64,
    more: bool,
    countries: &'static [catalog::Country],
    occupations: &'static [catalog::Occupation],
}

impl ListPage {
    fn page_href(&self, n: i64) -> String {
        format!(
            "/lowongan?negara={}&jabatan={}&halaman={n}",
            crate::error::urlencode(&self.negara),
            crate::error::urlencode(&self.jabatan)
        )
    }
}

pub(crate) async fn list_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let f = q.filter(true);
    let page_no = q.page_no();
    let (rows, more) = jobs::list(&state.db, &f, (page_no - 1) * PAGE_SIZE, PAGE_SIZE).await?;
    render_public(
        ListPage {
            page: Page::new(&ctx, "jobs.title"),
            jobs: outs(&state, rows, ctx.lang).await?,
            negara: f.destination,
            jabatan: f.occupation,
            page_no,
            more,
            countries: COUNTRIES,
            occupations: OCCUPATIONS,
        },
        &ctx,
    )
}

#[derive(Template)]
#[template(path = "job.html")]
struct OnePage {
    page: Page,
    j: JobOut,
    open: bool,
}

pub(crate) async fn one_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id: Id = id.parse().map_err(|_| AppError::NotFound)?;
    let row = jobs::get(&state.db, id).await?.ok_or(AppError::NotFound)?;
    let j = one_out(&state, row, ctx.lang).await?;
    let open = !j.withdrawn
        && j.deadline >= super::persons::today()
        && j.agency.as_ref().is_some_and(|a| a.may_recruit);
    render_public(
        OnePage {
            page: Page::new(&ctx, "jobs.title"),
            j,
            open,
        },
        &ctx,
    )
}

// --- staff -------------------------------------------------------------------------------------

/// Where a publisher's orders belong: their own region (a kabupaten), or nowhere in particular
/// for national staff.
fn region_of(staff: &Staff) -> String {
    match &staff.principal().scope {
        Scope::National => String::new(),
        Scope::Region(r) => r.as_str().to_owned(),
    }
}

#[derive(Template)]
#[template(path = "jobs_staff.html")]
struct StaffPage {
    page: Page,
    jobs: Vec<JobOut>,
    form: RawJob,
    errors: FieldErrors,
    countries: &'static [catalog::Country],
    occupations: &'static [catalog::Occupation],
    page_no: i64,
    more: bool,
}

async fn staff_page(
    state: &AppState,
    staff: &Staff,
    form: RawJob,
    errors: FieldErrors,
    page_no: i64,
) -> Result<Response, AppError> {
    let region = region_of(staff);
    let f = JobFilter {
        region_prefix: Some(region).filter(|r| !r.is_empty()),
        ..JobFilter::default()
    };
    let (rows, more) = jobs::list(&state.db, &f, (page_no - 1) * PAGE_SIZE, PAGE_SIZE).await?;
    let bad = !errors.is_empty();
    render_form(
        StaffPage {
            page: Page::new(&staff.ctx, "jobs.staff_title"),
            jobs: outs(state, rows, staff.ctx.lang).await?,
            form,
            errors,
            countries: COUNTRIES,
            occupations: OCCUPATIONS,
            page_no,
            more,
        },
        bad,
    )
}

pub(crate) async fn staff_list(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    staff
        .allow_here(&state, Action::PublishJobs, "job_order.list")
        .await?;
    staff_page(
        &state,
        &staff,
        RawJob::default(),
        FieldErrors::default(),
        q.page_no(),
    )
    .await
}

/// Checks a job order: the licence number must name a company licensed today.
async fn check(state: &AppState, raw: &RawJob) -> Result<Result<JobInput, FieldErrors>, AppError> {
    let today = super::persons::today();
    let agencies = super::agencies::loaded(state).await?;
    let key = licence_key(&raw.agensi);
    let agency = match agencies
        .rows
        .values()
        .find(|a| a.licence_key == key && !key.is_empty())
    {
        None => Err("nomor izin ini tidak ada di daftar P3MI; periksa di /agensi".to_owned()),
        Some(a) if !may_recruit(a, today) => Err(format!(
            "{} tidak berizin hari ini (izin dibekukan, dicabut atau kedaluwarsa); lowongannya tidak boleh diumumkan",
            a.name
        )),
        Some(a) => Ok(a.id),
    };
    Ok(raw.check(today, agency).map_err(|list| {
        let mut errors = FieldErrors::default();
        list.into_iter().for_each(|e| errors.push(e));
        errors
    }))
}

async fn publish(state: &AppState, staff: &Staff, j: &JobInput) -> Result<Id, AppError> {
    let region = region_of(staff);
    let mut tx = state.db.begin().await?;
    let id = jobs::create(&mut tx, &staff.actor(), &region, j).await?;
    tx.commit().await?;
    Ok(id)
}

pub(crate) async fn create(
    State(state): State<AppState>,
    staff: Staff,
    Form(raw): Form<RawJob>,
) -> Result<Response, AppError> {
    staff
        .allow_here(&state, Action::PublishJobs, "job_order.create")
        .await?;
    match check(&state, &raw).await? {
        Ok(j) => {
            let id = publish(&state, &staff, &j).await?;
            Ok(Redirect::to(&format!("/lowongan/{id}")).into_response())
        }
        Err(errors) => staff_page(&state, &staff, raw, errors, 1).await,
    }
}

// A job order is changed only by staff of the region it was posted for (national staff post
// national ones).
guarded!(JobRow, "job_order", jobs::get, region_code);

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct Confirm {
    yakin: String,
}

/// Takes an order off the public list; the box "yakin" must be ticked, since people may already
/// be preparing to apply.
pub(crate) async fn withdraw(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(c): Form<Confirm>,
) -> Result<Response, AppError> {
    let row = staff
        .load::<JobRow>(&state, &id, Action::PublishJobs)
        .await?;
    if c.yakin != "ya" {
        let mut errors = FieldErrors::default();
        errors.add("yakin", "centang «yakin» untuk menarik lowongan");
        return staff_page(&state, &staff, RawJob::default(), errors, 1).await;
    }
    let mut tx = state.db.begin().await?;
    match jobs::withdraw(&mut tx, &staff.actor(), &row).await {
        Ok(()) => tx.commit().await?,
        Err(desmigratif_db::DbError::Conflict(_)) => {}
        Err(e) => return Err(e.into()),
    }
    Ok(Redirect::to("/app/lowongan").into_response())
}

// --- API ---------------------------------------------------------------------------------------

#[derive(serde::Serialize, utoipa::ToSchema)]
struct JobPage {
    items: Vec<JobOut>,
    /// Whether another page follows.
    more: bool,
}

/// Open vacancies of licensed companies, soonest deadline first (20 a page). Public.
#[utoipa::path(get, path = "/api/v1/jobs", tag = "portal", params(ListQuery), responses((status = 200, body = JobPage)))]
async fn api_list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> Result<Json<JobPage>, AppError> {
    let (rows, more) = jobs::list(
        &state.db,
        &q.filter(true),
        (q.page_no() - 1) * PAGE_SIZE,
        PAGE_SIZE,
    )
    .await?;
    Ok(Json(JobPage {
        items: outs(&state, rows, ctx.lang).await?,
        more,
    }))
}

/// One vacancy, open or not. Public.
#[utoipa::path(get, path = "/api/v1/jobs/{id}", tag = "portal", params(("id" = String, Path)), responses((status = 200, body = JobOut), (status = 404)))]
async fn api_one(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<JobOut>, AppError> {
    let id: Id = id.parse().map_err(|_| AppError::NotFound)?;
    let row = jobs::get(&state.db, id).await?.ok_or(AppError::NotFound)?;
    Ok(Json(one_out(&state, row, ctx.lang).await?))
}

/// Publish a job order (district or national staff). `agensi` is the company's licence number.
#[utoipa::path(post, path = "/api/v1/jobs", tag = "portal", security(("bearer" = [])), request_body = Object,
    responses((status = 201, body = JobOut), (status = 403), (status = 422)))]
async fn api_create(
    State(state): State<AppState>,
    staff: Staff,
    Json(raw): Json<RawJob>,
) -> Result<Response, AppError> {
    staff
        .allow_here(&state, Action::PublishJobs, "job_order.create")
        .await?;
    let j = check(&state, &raw)
        .await?
        .map_err(|e| AppError::Invalid(e.0))?;
    let id = publish(&state, &staff, &j).await?;
    let row = jobs::get(&state.db, id).await?.ok_or(AppError::NotFound)?;
    Ok((
        StatusCode::CREATED,
        Json(one_out(&state, row, staff.ctx.lang).await?),
    )
        .into_response())
}

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api_list, api_create))
        .routes(routes!(api_one))
}
