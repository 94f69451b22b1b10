//! Residents: create and edit.

use super::*;

#[derive(Template)]
#[template(path = "person_form.html")]
pub(super) struct PersonFormPage {
    pub(super) page: Page,
    pub(super) action: String,
    pub(super) input: PersonInput,
    pub(super) village: String,
    pub(super) villages: Vec<(String, String)>,
    pub(super) errors: FieldErrors,
    pub(super) warnings: Vec<String>,
    pub(super) education: &'static [catalog::Choice],
    pub(super) marital: &'static [catalog::Choice],
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct NewQuery {
    pub(super) desa: String,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct PersonForm {
    pub(super) desa: String,
    #[serde(flatten)]
    pub(super) input: PersonInput,
}

pub(super) fn form_page(
    staff: &Staff,
    action: String,
    input: PersonInput,
    village: String,
    villages: Vec<(String, String)>,
    errors: FieldErrors,
    warnings: Vec<String>,
) -> Result<Response, AppError> {
    let needs_correction = !(errors.is_empty() && warnings.is_empty());
    render_form(
        PersonFormPage {
            page: Page::new(
                &staff.ctx,
                if action.ends_with("/penduduk") {
                    "persons.new"
                } else {
                    "persons.edit"
                },
            ),
            action,
            input: PersonInput {
                confirm_warnings: String::new(),
                ..input
            },
            village,
            villages,
            errors,
            warnings,
            education: EDUCATION,
            marital: MARITAL,
        },
        needs_correction,
    )
}

pub(crate) async fn new_form(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<NewQuery>,
) -> Result<Response, AppError> {
    let villages = writable_villages(&state, &staff).await?;
    if villages.is_empty() {
        staff.allow_here(&state, WRITE, "person.create").await?;
        return Err(AppError::Forbidden);
    }
    let village = if q.desa.is_empty() {
        villages[0].0.clone()
    } else {
        q.desa
    };
    form_page(
        &staff,
        "/app/penduduk".into(),
        PersonInput::default(),
        village,
        villages,
        FieldErrors::default(),
        Vec::new(),
    )
}

/// Checks the input; `Ok(None)` means the page was re-rendered (errors or warnings to confirm).
pub(super) fn checked(
    state: &AppState,
    input: &PersonInput,
) -> Result<desmigratif_core::registry::ValidPerson, (FieldErrors, Vec<String>)> {
    match input.check(&state.regions, today()) {
        Err(errs) => {
            let mut fe = FieldErrors::default();
            errs.into_iter().for_each(|e| fe.push(e));
            Err((fe, Vec::new()))
        }
        Ok(v) if !v.warnings.is_empty() && !input.confirmed() => {
            Err((FieldErrors::default(), v.warnings))
        }
        Ok(v) => Ok(v),
    }
}

pub(crate) async fn create(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<PersonForm>,
) -> Result<Response, AppError> {
    let villages = writable_villages(&state, &staff).await?;
    let place = f
        .desa
        .parse()
        .map(Scope::Region)
        .map_err(|_| AppError::BadRequest("pilih desa".into()))?;
    staff
        .allow(
            &state,
            WRITE,
            &Place::of(&place),
            Target::Action {
                name: "person.create",
            },
        )
        .await?;
    let v = match checked(&state, &f.input) {
        Ok(v) => v,
        Err((errors, warnings)) => {
            return form_page(
                &staff,
                "/app/penduduk".into(),
                f.input,
                f.desa,
                villages,
                errors,
                warnings,
            );
        }
    };
    let record = PersonRecord::seal(&f.desa, &v, &state.keys);
    let mut tx = state.db.begin().await?;
    match registry::create_person(&mut tx, &staff.actor(), &record).await {
        Ok(id) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!("/app/penduduk/{id}?ok=dibuat")).into_response())
        }
        Err(desmigratif_db::DbError::Conflict(m)) => {
            let mut errors = FieldErrors::default();
            errors.add("nik", m);
            form_page(
                &staff,
                "/app/penduduk".into(),
                f.input,
                f.desa,
                villages,
                errors,
                Vec::new(),
            )
        }
        Err(e) => Err(e.into()),
    }
}

/// The stored person as form input (the NIK decrypted for the edit form only).
pub(super) fn as_input(state: &AppState, p: &PersonRow) -> Result<PersonInput, AppError> {
    let open = |ctx: &str, s: &str| {
        state
            .keys
            .decrypt_str(ctx, s)
            .map_err(|e| AppError::Internal(e.to_string()))
    };
    Ok(PersonInput {
        nik: open(NIK_CONTEXT, &p.nik_enc)?,
        name: p.name.clone(),
        sex: p.sex.clone(),
        birth_place: p.birth_place.clone(),
        birth_date: p.birth_date.to_string(),
        dusun: p.dusun.clone(),
        rt: p.rt.clone(),
        rw: p.rw.clone(),
        address: p.address.clone(),
        phone: p.phone.clone(),
        education: p.education.clone(),
        marital_status: p.marital_status.clone(),
        skills: p.skills.clone(),
        passport_number: p
            .passport_enc
            .as_deref()
            .map(|s| open(registry::PASSPORT_CONTEXT, s))
            .transpose()?
            .unwrap_or_default(),
        passport_expiry: p.passport_expiry.map(|d| d.to_string()).unwrap_or_default(),
        confirm_warnings: String::new(),
    })
}

pub(crate) async fn edit_form(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let p = staff.load::<PersonRow>(&state, &id, WRITE).await?;
    let event = Event::new("person.open_for_edit", "person", p.id, &p.village_code)
        .detail("nik,passport decrypted for the form");
    audit::log(&state.db, &staff.actor(), &event).await?;
    form_page(
        &staff,
        format!("/app/penduduk/{}", p.id),
        as_input(&state, &p)?,
        p.village_code.clone(),
        Vec::new(),
        FieldErrors::default(),
        Vec::new(),
    )
}

/// Checks and saves changes to a person, naming the fields that changed in the audit log;
/// the one path for the edit page and the API. `Err((errors, warnings))` when nothing was saved.
pub(super) async fn save_person(
    state: &AppState,
    staff: &Staff,
    p: &PersonRow,
    input: &PersonInput,
) -> Result<Result<(), (FieldErrors, Vec<String>)>, AppError> {
    let v = match checked(state, input) {
        Ok(v) => v,
        Err(problems) => return Ok(Err(problems)),
    };
    let before = as_input(state, p)?;
    let changed: Vec<&str> = [
        (
            "nik",
            Nik::parse(&before.nik).ok().map(|n| n.as_str().to_owned())
                != Some(v.nik.as_str().to_owned()),
        ),
        ("name", before.name != v.name),
        ("birth_date", p.birth_date != v.birth_date),
        (
            "address",
            before.address != v.address || before.dusun != v.dusun || p.rt != v.rt || p.rw != v.rw,
        ),
        ("phone", before.phone != v.phone),
        (
            "passport",
            before.passport_number != input.passport_number.trim().to_uppercase()
                || p.passport_expiry != v.passport_expiry,
        ),
        (
            "other",
            before.education != v.education
                || before.marital_status != v.marital_status
                || before.skills != v.skills
                || before.sex != v.sex.as_str(),
        ),
    ]
    .into_iter()
    .filter_map(|(f, c)| c.then_some(f))
    .collect();
    let record = PersonRecord::seal(&p.village_code, &v, &state.keys);
    let mut tx = state.db.begin().await?;
    match registry::update_person(&mut tx, &staff.actor(), p.id, &record, &changed).await {
        Ok(()) => {
            tx.commit().await?;
            Ok(Ok(()))
        }
        Err(desmigratif_db::DbError::Conflict(m)) => {
            let mut errors = FieldErrors::default();
            errors.add("nik", m);
            Ok(Err((errors, Vec::new())))
        }
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn update(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(f): Form<PersonForm>,
) -> Result<Response, AppError> {
    let p = staff.load::<PersonRow>(&state, &id, WRITE).await?;
    match save_person(&state, &staff, &p, &f.input).await? {
        Ok(()) => Ok(Redirect::to(&format!("/app/penduduk/{}?ok=tersimpan", p.id)).into_response()),
        Err((errors, warnings)) => form_page(
            &staff,
            format!("/app/penduduk/{}", p.id),
            f.input,
            p.village_code.clone(),
            Vec::new(),
            errors,
            warnings,
        ),
    }
}
