//! Children: new and edit.

use super::*;

#[derive(serde::Deserialize, Default, Clone)]
#[serde(default)]
pub(crate) struct ChildForm {
    pub(super) desa: String,
    #[serde(flatten)]
    pub(super) child: RawChild,
}

#[derive(Template)]
#[template(path = "child_form.html")]
pub(super) struct FormPage {
    pub(super) page: Page,
    /// Where the form posts: `/app/anak` or `/app/anak/{id}`.
    pub(super) action: String,
    pub(super) villages: Vec<(String, String)>,
    pub(super) form: ChildForm,
    pub(super) errors: FieldErrors,
    pub(super) givers: &'static [ConsentBy],
    pub(super) ways: &'static [ConsentHow],
    pub(super) levels: &'static [SchoolLevel],
    pub(super) statuses: &'static [SchoolStatus],
}

pub(super) async fn form_page(
    state: &AppState,
    staff: &Staff,
    action: String,
    title: &str,
    form: ChildForm,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let villages = crate::features::persons::villages_where(state, staff, WRITE).await?;
    let bad = !errors.is_empty();
    render_form(
        FormPage {
            page: Page::new(&staff.ctx, title),
            action,
            villages,
            form,
            errors,
            givers: ConsentBy::ALL,
            ways: ConsentHow::ALL,
            levels: SchoolLevel::ALL,
            statuses: SchoolStatus::ALL,
        },
        bad,
    )
}

pub(crate) async fn new_child(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Response, AppError> {
    staff.allow_here(&state, WRITE, "child.create").await?;
    let form = ChildForm {
        desa: staff.principal().scope.as_stored().to_owned(),
        ..ChildForm::default()
    };
    form_page(
        &state,
        &staff,
        "/app/anak".into(),
        "children.new",
        form,
        FieldErrors::default(),
    )
    .await
}

/// Records a child: consent and child in one transaction, so a child's details never exist
/// without the consent that allows them.
pub(super) async fn save_new(
    state: &AppState,
    staff: &Staff,
    village: &str,
    input: &ChildInput,
    links: Links,
) -> Result<Id, AppError> {
    let mut tx = state.db.begin().await?;
    let id = db::create(&mut tx, &staff.actor(), &state.keys, village, input, links).await?;
    tx.commit().await?;
    Ok(id)
}

pub(crate) async fn create(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<ChildForm>,
) -> Result<Response, AppError> {
    let village = allowed_in(&state, &staff, &f.desa, "desa", WRITE, "child.create").await?;
    let (input, links) = match check_child(&state, &village, &f.child).await? {
        Ok(ok) => ok,
        Err(list) => {
            return form_page(
                &state,
                &staff,
                "/app/anak".into(),
                "children.new",
                f,
                FieldErrors::from(list),
            )
            .await;
        }
    };
    let id = save_new(&state, &staff, &village, &input, links).await?;
    Ok(Redirect::to(&format!("/app/anak/{id}")).into_response())
}

/// The NIK of a linked registry person.
pub(super) async fn linked_nik(state: &AppState, id: Option<Id>) -> Result<Option<Nik>, AppError> {
    let Some(id) = id else { return Ok(None) };
    Ok(registry::person(&state.db, id)
        .await?
        .and_then(|p| {
            state
                .keys
                .decrypt_str(registry::NIK_CONTEXT, &p.nik_enc)
                .ok()
        })
        .and_then(|n| Nik::parse(&n).ok()))
}

/// The edit form shows a linked NIK masked (NIKs are masked by default); sent back unchanged,
/// the mask stands for the link that is already there.
pub(super) async fn unmask(
    state: &AppState,
    typed: &mut String,
    id: Option<Id>,
) -> Result<(), AppError> {
    if let Some(nik) = linked_nik(state, id).await?
        && typed.trim() == nik.masked()
    {
        *typed = nik.as_str().to_owned();
    }
    Ok(())
}

/// The form of a stored child, as it would be typed again (linked NIKs masked).
pub(super) async fn form_of(state: &AppState, c: &ChildRow) -> Result<ChildForm, AppError> {
    let consent = match c.consent_id {
        Some(id) => db::consent(&state.db, id).await?,
        None => None,
    };
    let nik_of = async |id: Option<Id>| -> Result<String, AppError> {
        Ok(linked_nik(state, id)
            .await?
            .map(|n| n.masked())
            .unwrap_or_default())
    };
    Ok(ChildForm {
        desa: c.region_code.clone(),
        child: RawChild {
            nama: c.name.clone(),
            tahun_lahir: c.birth_year.to_string(),
            persetujuan: consent
                .as_ref()
                .map(|k| k.given_by.clone())
                .unwrap_or_default(),
            nama_pemberi: consent
                .as_ref()
                .map(|k| k.giver_name.clone())
                .unwrap_or_default(),
            hubungan: consent
                .as_ref()
                .map(|k| k.relation.clone())
                .unwrap_or_default(),
            tanggal_persetujuan: consent
                .as_ref()
                .map(|k| k.given_on.to_string())
                .unwrap_or_default(),
            cara: consent.as_ref().map(|k| k.how.clone()).unwrap_or_default(),
            nik_orang_tua: nik_of(c.parent_person_id).await?,
            nik_pengasuh: nik_of(c.caregiver_person_id).await?,
            jenjang: c.school_level.clone().unwrap_or_default(),
            nama_sekolah: c.school_name.clone(),
            status_sekolah: c.status.clone(),
            kebutuhan: c.needs(&state.keys)?,
            pengasuh: c.caregiver_name.clone(),
        },
    })
}

pub(crate) async fn edit(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let c = staff.load::<ChildRow>(&state, &id, WRITE).await?;
    let form = form_of(&state, &c).await?;
    form_page(
        &state,
        &staff,
        format!("/app/anak/{}", c.id),
        "children.edit",
        form,
        FieldErrors::default(),
    )
    .await
}

pub(crate) async fn update(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(mut f): Form<ChildForm>,
) -> Result<Response, AppError> {
    let c = staff.load::<ChildRow>(&state, &id, WRITE).await?;
    // A child stays in its village; moving one is a new record there.
    f.desa = c.region_code.clone();
    unmask(&state, &mut f.child.nik_orang_tua, c.parent_person_id).await?;
    unmask(&state, &mut f.child.nik_pengasuh, c.caregiver_person_id).await?;
    let action = format!("/app/anak/{}", c.id);
    let (input, links) = match check_child(&state, &c.region_code, &f.child).await? {
        Ok(ok) => ok,
        Err(list) => {
            return form_page(
                &state,
                &staff,
                action,
                "children.edit",
                f,
                FieldErrors::from(list),
            )
            .await;
        }
    };
    let mut tx = state.db.begin().await?;
    let done = db::update(&mut tx, &staff.actor(), &state.keys, &c, &input, links).await;
    match done {
        Ok(()) => tx.commit().await?,
        Err(desmigratif_db::DbError::Conflict(m)) => {
            drop(tx);
            let mut errors = FieldErrors::default();
            errors.add("nama", m);
            return form_page(&state, &staff, action, "children.edit", f, errors).await;
        }
        Err(e) => return Err(e.into()),
    }
    Ok(Redirect::to(&action).into_response())
}
