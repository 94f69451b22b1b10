//! Cases: intake.

use super::*;

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct IntakeQuery {
    pub(super) laporan: String,
}

#[derive(serde::Deserialize, Default, Clone)]
#[serde(default)]
pub(crate) struct IntakeForm {
    pub(super) desa: String,
    pub(super) laporan: String,
    /// The worker's NIK, when they are in the registry: the case is then tied to them and to
    /// their latest migration episode.
    pub(super) nik: String,
    #[serde(flatten)]
    pub(super) case: RawCase,
}

#[derive(Template)]
#[template(path = "case_form.html")]
pub(super) struct IntakePage {
    pub(super) page: Page,
    pub(super) villages: Vec<(String, String)>,
    pub(super) form: IntakeForm,
    pub(super) errors: FieldErrors,
    pub(super) sources: &'static [IntakeSource],
    pub(super) categories: &'static [CaseCategory],
    pub(super) urgencies: &'static [Urgency],
    pub(super) countries: &'static [desmigratif_core::catalog::Country],
}

pub(super) async fn intake_page(
    state: &AppState,
    staff: &Staff,
    form: IntakeForm,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let villages = crate::features::persons::villages_where(state, staff, WRITE).await?;
    let bad = !errors.is_empty();
    render_form(
        IntakePage {
            page: Page::new(&staff.ctx, "cases.new"),
            villages,
            form,
            errors,
            sources: IntakeSource::ALL,
            categories: CaseCategory::ALL,
            urgencies: Urgency::ALL,
            countries: desmigratif_core::catalog::COUNTRIES,
        },
        bad,
    )
}

/// A report from `/lapor` the caller may take up, opened (and its read audited).
pub(super) async fn report_for(
    state: &AppState,
    staff: &Staff,
    id: &str,
) -> Result<(reports::ReportRow, reports::Details), AppError> {
    let r = staff
        .load::<reports::ReportRow>(state, id, Action::HandleReports)
        .await?;
    let (details, _) = reports::open(&state.keys, &r)?;
    Ok((r, details))
}

pub(crate) async fn new_case(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<IntakeQuery>,
) -> Result<Response, AppError> {
    staff.allow_here(&state, WRITE, "case.create").await?;
    let mut form = IntakeForm {
        case: RawCase {
            sumber: IntakeSource::Desk.as_str().into(),
            urgensi: Urgency::Normal.as_str().into(),
            ..RawCase::default()
        },
        ..IntakeForm::default()
    };
    if !q.laporan.is_empty() {
        let (r, d) = report_for(&state, &staff, &q.laporan).await?;
        form.laporan = r.id.to_string();
        form.desa = r.region_code.clone();
        form.case.sumber = IntakeSource::PublicReport.as_str().into();
        form.case.negara = r.country.clone();
        form.case.kategori = match r.category.as_str() {
            "masalah_luar_negeri" => "",
            _ => CaseCategory::Fraud.as_str(),
        }
        .into();
        form.case.agensi = d.who.clone();
        form.case.kronologi = [d.what.as_str(), d.when_where.as_str()]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join("\n\n");
    }
    intake_page(&state, &staff, form, FieldErrors::default()).await
}

/// The registry person a NIK names in the case's village, with their latest migration episode;
/// `None` when no NIK is given. A NIK of someone registered elsewhere is refused like an unknown
/// one: the answer must not tell which NIKs another village holds.
pub(super) async fn registry_person(
    state: &AppState,
    village: &str,
    nik: &str,
) -> Result<
    Result<Option<(desmigratif_db::registry::PersonRow, Option<Id>)>, desmigratif_core::Invalid>,
    AppError,
> {
    if nik.trim().is_empty() {
        return Ok(Ok(None));
    }
    let nik = match desmigratif_core::nik::Nik::parse(nik) {
        Ok(n) => n,
        Err(e) => return Ok(Err(desmigratif_core::Invalid::new("nik", e.message))),
    };
    let index = state
        .keys
        .blind_index(desmigratif_db::registry::NIK_CONTEXT, nik.as_str());
    let Some(person) = desmigratif_db::registry::person_by_nik_index(&state.db, &index)
        .await?
        .filter(|p| p.village_code == village)
    else {
        return Ok(Err(desmigratif_core::Invalid::new(
            "nik",
            "NIK ini tidak terdaftar di desa kasus; kosongkan dan tulis nama pekerja",
        )));
    };
    // Newest first: the latest migration is the one the case is about.
    let episode = desmigratif_db::registry::episodes_of(&state.db, person.id)
        .await?
        .first()
        .map(|e| e.id);
    Ok(Ok(Some((person, episode))))
}

/// Opens a case, taking up the report it comes from: the reporter then sees on the tracking
/// page that it is being handled.
pub(super) async fn open_case(
    state: &AppState,
    staff: &Staff,
    region: &str,
    report: Option<reports::ReportRow>,
    person: Option<&(desmigratif_db::registry::PersonRow, Option<Id>)>,
    input: &desmigratif_core::cases::CaseInput,
) -> Result<Id, AppError> {
    use desmigratif_core::reports::ReportStatus;
    let mut tx = state.db.begin().await?;
    let id = cases::create(
        &mut tx,
        &staff.actor(),
        &state.keys,
        &NewCase {
            region_code: region,
            person_id: person.map(|(p, _)| p.id),
            episode_id: person.and_then(|(_, e)| *e),
            report_id: report.as_ref().map(|r| r.id),
            input,
            today: crate::features::persons::today(),
        },
    )
    .await?;
    if let Some(r) = report.filter(|r| r.status().can_move_to(ReportStatus::InReview)) {
        reports::set_status(
            &mut tx,
            &staff.actor(),
            &r,
            ReportStatus::InReview,
            "dibuka sebagai kasus",
        )
        .await?;
    }
    tx.commit().await?;
    Ok(id)
}

pub(crate) async fn create(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<IntakeForm>,
) -> Result<Response, AppError> {
    let place = f
        .desa
        .trim()
        .parse()
        .map(Scope::Region)
        .map_err(|_| AppError::BadRequest("pilih desa kasus".into()))?;
    staff
        .allow(
            &state,
            WRITE,
            &Place::of(&place),
            Target::Action {
                name: "case.create",
            },
        )
        .await?;
    let mut errors = FieldErrors::default();
    let person = match registry_person(&state, f.desa.trim(), &f.nik).await? {
        Ok(p) => p,
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let mut raw = f.case.clone();
    if let Some((p, _)) = &person
        && raw.nama_pekerja.trim().is_empty()
    {
        raw.nama_pekerja = p.name.clone();
    }
    let input = match raw.check(person.is_some()) {
        Ok(i) if errors.is_empty() => i,
        Ok(_) => return intake_page(&state, &staff, f, errors).await,
        Err(list) => {
            list.into_iter().for_each(|e| errors.push(e));
            return intake_page(&state, &staff, f, errors).await;
        }
    };
    let report = if f.laporan.is_empty() {
        None
    } else {
        Some(report_for(&state, &staff, &f.laporan).await?.0)
    };
    let id = open_case(
        &state,
        &staff,
        f.desa.trim(),
        report,
        person.as_ref(),
        &input,
    )
    .await?;
    Ok(Redirect::to(&format!("/app/kasus/{id}")).into_response())
}
