//! Residents: the person page.

use super::*;

pub struct EpisodeLine {
    pub id: String,
    pub stage: String,
    pub destination: String,
    pub occupation: String,
    pub since: String,
}

#[derive(Template)]
#[template(path = "person.html")]
pub(super) struct PersonPage {
    pub(super) page: Page,
    pub(super) p: PersonRow,
    pub(super) nik_masked: String,
    pub(super) full_nik: Option<String>,
    pub(super) village: String,
    pub(super) age: i32,
    pub(super) education: String,
    pub(super) marital: String,
    pub(super) warnings: Vec<String>,
    pub(super) episodes: Vec<EpisodeLine>,
    pub(super) counselling: Vec<(String, String, String, String)>,
    pub(super) topics: &'static [catalog::Choice],
    pub(super) can_write: bool,
    pub(super) notice: Option<&'static str>,
    pub(super) errors: FieldErrors,
    pub(super) today: String,
    pub(super) household: Option<String>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct Notice {
    pub(super) ok: String,
}

pub(super) async fn person_page(
    state: &AppState,
    staff: &Staff,
    p: PersonRow,
    full_nik: Option<String>,
    notice: Option<&'static str>,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let lang = staff.ctx.lang;
    let episodes = registry::episodes_of(&state.db, p.id)
        .await?
        .into_iter()
        .map(|e| EpisodeLine {
            id: e.id.to_string(),
            stage: stage_label(lang, &e.stage),
            destination: catalog::country(&e.destination)
                .map(|c| c.id.to_owned())
                .unwrap_or(e.destination.clone()),
            occupation: catalog::occupation(&e.occupation)
                .map(|o| o.id.to_owned())
                .unwrap_or(e.occupation.clone()),
            since: crate::page::when(&e.updated_at),
        })
        .collect();
    let counselling = registry::counselling_of(&state.db, p.id)
        .await?
        .into_iter()
        .map(|c| {
            let topics = c
                .topics
                .split(',')
                .filter_map(|t| catalog::choice(COUNSELLING_TOPICS, t))
                .map(|t| t.id)
                .collect::<Vec<_>>()
                .join(", ");
            (
                c.held_on.format("%d-%m-%Y").to_string(),
                topics,
                c.counsellor,
                c.notes,
            )
        })
        .collect();
    let can_write = staff.principal().may_in_village(WRITE, &p.village_code);
    let needs_correction = !errors.is_empty();
    render_form(
        PersonPage {
            page: Page::new(&staff.ctx, "persons.detail"),
            nik_masked: desmigratif_core::nik::masked(&p.nik_prefix),
            village: crate::features::dashboard::place_of(&p.village_code, &state.regions),
            age: age(p.birth_date, today()),
            education: catalog::choice(EDUCATION, &p.education)
                .map(|c| c.id.to_owned())
                .unwrap_or_default(),
            marital: catalog::choice(MARITAL, &p.marital_status)
                .map(|c| c.id.to_owned())
                .unwrap_or_default(),
            warnings: p
                .nik_warnings
                .lines()
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect(),
            household: p.household_id.map(|h| h.to_string()),
            full_nik,
            episodes,
            counselling,
            topics: COUNSELLING_TOPICS,
            can_write,
            notice,
            errors,
            today: today().to_string(),
            p,
        },
        needs_correction,
    )
}

pub(crate) async fn show(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Query(n): Query<Notice>,
) -> Result<Response, AppError> {
    let p = staff.load::<PersonRow>(&state, &id, READ).await?;
    let notice = match n.ok.as_str() {
        "dibuat" => Some("persons.created"),
        "tersimpan" => Some("form.saved"),
        "bimbingan" => Some("persons.counselling_saved"),
        _ => None,
    };
    person_page(&state, &staff, p, None, notice, FieldErrors::default()).await
}

/// Shows the full NIK once, on purpose, and leaves an audit entry saying who looked.
pub(crate) async fn reveal_nik(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let p = staff.load::<PersonRow>(&state, &id, READ).await?;
    let nik = state
        .keys
        .decrypt_str(NIK_CONTEXT, &p.nik_enc)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    audit::log(
        &state.db,
        &staff.actor(),
        &Event::new("person.reveal_nik", "person", p.id, &p.village_code),
    )
    .await?;
    person_page(&state, &staff, p, Some(nik), None, FieldErrors::default()).await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(super) struct CounsellingForm {
    pub(super) held_on: String,
    pub(super) counsellor: String,
    pub(super) notes: String,
}

pub(crate) async fn add_counselling(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let p = staff.load::<PersonRow>(&state, &id, WRITE).await?;
    let mut f = CounsellingForm::default();
    let mut topics = Vec::new();
    for (k, v) in pairs {
        match k.as_str() {
            "held_on" => f.held_on = v,
            "counsellor" => f.counsellor = v,
            "notes" => f.notes = v,
            "topics" if catalog::choice(COUNSELLING_TOPICS, &v).is_some() => topics.push(v),
            _ => {}
        }
    }
    let mut errors = FieldErrors::default();
    let held_on = parse_date("held_on", &f.held_on)
        .map_err(|e| errors.push(e))
        .ok();
    if held_on.is_some_and(|d| d > today()) {
        errors.add("held_on", "tanggal bimbingan tidak boleh di masa depan");
    }
    if topics.is_empty() {
        errors.add("topics", "pilih paling sedikit satu topik bimbingan");
    }
    let counsellor = desmigratif_core::text::clean_spaces(&f.counsellor);
    if counsellor.is_empty() {
        errors.add("counsellor", "nama pembimbing wajib diisi");
    }
    match (held_on, errors.is_empty()) {
        (Some(held_on), true) => {
            let mut tx = state.db.begin().await?;
            registry::add_counselling(
                &mut tx,
                &staff.actor(),
                &p,
                held_on,
                &topics.join(","),
                &counsellor,
                f.notes.trim(),
            )
            .await?;
            tx.commit().await?;
            Ok(Redirect::to(&format!("/app/penduduk/{}?ok=bimbingan", p.id)).into_response())
        }
        _ => person_page(&state, &staff, p, None, None, errors).await,
    }
}
