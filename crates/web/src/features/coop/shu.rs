//! The co-operative desk: the SHU — a plan, its approval by the chair, its posting.

use super::*;

pub struct RunLine {
    pub row: ShuRunRow,
    pub status: &'static str,
}

#[derive(Template)]
#[template(path = "coop_shu.html")]
pub(super) struct ShuPage {
    pub(super) page: Page,
    pub(super) region: String,
    pub(super) runs: Vec<RunLine>,
    pub(super) can_write: bool,
    pub(super) plan: RawShuPlan,
    /// (field, label) of each part of the RAT's plan.
    pub(super) parts: Vec<(&'static str, &'static str)>,
    pub(super) errors: FieldErrors,
}

pub(super) fn shu_status(lang: Lang, status: &str) -> &'static str {
    status
        .parse::<ShuStatus>()
        .map(|s| lang.pick(s.label_id(), s.label_en()))
        .unwrap_or("—")
}

pub(super) async fn shu_page(
    state: &AppState,
    staff: &Staff,
    region: String,
    plan: RawShuPlan,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let lang = staff.ctx.lang;
    let runs = coop::shu_runs(&state.db, &region)
        .await?
        .into_iter()
        .map(|row| RunLine {
            status: shu_status(lang, &row.status),
            row,
        })
        .collect();
    let needs_correction = !errors.is_empty();
    render_form(
        ShuPage {
            page: Page::new(&staff.ctx, "coop.shu"),
            can_write: may_write(staff, &region),
            region,
            runs,
            plan,
            parts: desmigratif_core::coop::shu::ShuPart::ALL
                .iter()
                .map(|p| (p.as_str(), lang.pick(p.label_id(), p.label_en())))
                .collect(),
            errors,
        },
        needs_correction,
    )
}

/// The usual split of co-op articles, offered as a start; the RAT decides.
pub(super) fn usual_plan(year: i32) -> RawShuPlan {
    RawShuPlan {
        tahun: year.to_string(),
        cadangan: "40".into(),
        jasa_modal: "20".into(),
        jasa_anggota: "25".into(),
        dana_pengurus: "5".into(),
        dana_karyawan: "5".into(),
        dana_pendidikan: "2,5".into(),
        dana_sosial: "2,5".into(),
        dana_pembangunan_daerah_kerja: "0".into(),
        jasa_anggota_bunga: "100".into(),
    }
}

pub(crate) async fn shu(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<Where>,
) -> Result<Response, AppError> {
    let region = village(&state, &staff, &q.desa, READ).await?;
    if let Err(r) = settings_of(&state, &region).await {
        return Ok(r);
    }
    let plan = usual_plan(today().year() - 1);
    shu_page(&state, &staff, region, plan, FieldErrors::default()).await
}

/// Computes a year's SHU with the RAT's plan, as a draft to preview.
pub(super) async fn compute_shu(
    state: &AppState,
    staff: &Staff,
    region: &str,
    raw: &RawShuPlan,
) -> Result<Result<Id, FieldErrors>, AppError> {
    let plan = match raw.check(today()) {
        Ok(p) => p,
        Err(e) => return Ok(Err(e.into())),
    };
    in_books(state, "tahun", async |tx| {
        coop::shu_compute(tx, &staff.actor(), region, &plan).await
    })
    .await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct PlanForm {
    pub(super) desa: String,
    #[serde(flatten)]
    pub(super) plan: RawShuPlan,
}

pub(crate) async fn create_shu(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<PlanForm>,
) -> Result<Response, AppError> {
    let region = village(&state, &staff, &f.desa, WRITE).await?;
    match compute_shu(&state, &staff, &region, &f.plan).await? {
        Ok(id) => Ok(Redirect::to(&format!("/app/koperasi/shu/{id}")).into_response()),
        Err(errors) => shu_page(&state, &staff, region, f.plan, errors).await,
    }
}

#[derive(Template)]
#[template(path = "coop_shu_run.html")]
pub(super) struct ShuRunPage {
    pub(super) page: Page,
    pub(super) r: ShuRunRow,
    pub(super) status: &'static str,
    /// (label, percent, amount)
    pub(super) parts: Vec<(&'static str, String, i64)>,
    pub(super) members: Vec<report::ShuMemberLine>,
    pub(super) members_total: i64,
    pub(super) can_write: bool,
    pub(super) key: String,
    pub(super) post_on: String,
    pub(super) errors: FieldErrors,
}

pub(super) async fn shu_run_page(
    state: &AppState,
    staff: &Staff,
    r: ShuRunRow,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let lang = staff.ctx.lang;
    let parts = coop::shu_parts(&state.db, r.id)
        .await?
        .into_iter()
        .map(|(p, bp, amount)| {
            (
                lang.pick(p.label_id(), p.label_en()),
                percent(bp as u64),
                amount,
            )
        })
        .collect();
    let members = shu_shares(state, &r).await?;
    let needs_correction = !errors.is_empty();
    let mut page = Page::new(&staff.ctx, "coop.shu");
    page.title = format!("SHU {}", r.year);
    render_form(
        ShuRunPage {
            page,
            status: shu_status(lang, &r.status),
            parts,
            members_total: members.iter().map(|m| m.total).sum(),
            members,
            can_write: may_write(staff, &r.region_code),
            key: fresh_key(),
            post_on: today().to_string(),
            r,
            errors,
        },
        needs_correction,
    )
}

pub(crate) async fn shu_run(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let r = staff.load::<ShuRunRow>(&state, &id, READ).await?;
    shu_run_page(&state, &staff, r, FieldErrors::default()).await
}

pub(crate) async fn approve_shu(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let r = staff.load::<ShuRunRow>(&state, &id, WRITE).await?;
    let done = in_books(&state, "setujui", async |tx| {
        coop::shu_approve(tx, &staff.actor(), r.id).await
    })
    .await?;
    match done {
        Ok(()) => Ok(Redirect::to(&format!("/app/koperasi/shu/{}", r.id)).into_response()),
        Err(errors) => shu_run_page(&state, &staff, r, errors).await,
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct PostForm {
    pub(super) kunci: String,
    pub(super) tanggal: String,
    pub(super) ke_simpanan: String,
}

pub(crate) async fn post_shu(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(f): Form<PostForm>,
) -> Result<Response, AppError> {
    let r = staff.load::<ShuRunRow>(&state, &id, WRITE).await?;
    let typed = RawPayment {
        tanggal: f.tanggal.clone(),
        ..Default::default()
    };
    let on = match typed.check_day(today()) {
        Ok(on) => on,
        Err(e) => return shu_run_page(&state, &staff, r, e.into()).await,
    };
    let to_savings = !f.ke_simpanan.is_empty();
    let done = in_books(&state, "tanggal", async |tx| {
        coop::shu_post(tx, &staff.actor(), &f.kunci, r.id, on, to_savings).await
    })
    .await?;
    match done {
        Ok(_) => Ok(Redirect::to(&format!("/app/koperasi/shu/{}", r.id)).into_response()),
        Err(errors) => shu_run_page(&state, &staff, r, errors).await,
    }
}
