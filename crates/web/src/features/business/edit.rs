//! Businesses: create and edit.

use super::*;

#[derive(Template)]
#[template(path = "business_form.html")]
pub(super) struct FormPage {
    pub(super) page: Page,
    /// The business being changed; `None` for a new one.
    pub(super) id: Option<String>,
    pub(super) form: RawBusiness,
    pub(super) errors: FieldErrors,
    pub(super) sectors: &'static [Sector],
}

pub(super) fn form_page(
    staff: &Staff,
    id: Option<String>,
    form: RawBusiness,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let bad = !errors.is_empty();
    let title = if id.is_some() {
        "business.edit"
    } else {
        "business.new"
    };
    render_form(
        FormPage {
            page: Page::new(&staff.ctx, title),
            id,
            form,
            errors,
            sectors: Sector::ALL,
        },
        bad,
    )
}

pub(crate) async fn new_form(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Response, AppError> {
    staff.allow_here(&state, WRITE, "business.create").await?;
    let form = RawBusiness {
        aktif: "ya".into(),
        ..RawBusiness::default()
    };
    form_page(&staff, None, form, FieldErrors::default())
}

pub(crate) async fn create(
    State(state): State<AppState>,
    staff: Staff,
    Form(raw): Form<RawBusiness>,
) -> Result<Response, AppError> {
    staff.allow_here(&state, WRITE, "business.create").await?;
    let village = own_village(&staff)?;
    match raw.check(today()) {
        Err(list) => form_page(&staff, None, raw, list.into()),
        Ok(input) => {
            let mut tx = state.db.begin().await?;
            let id = db::create(&mut tx, &staff.actor(), &village, &input).await?;
            tx.commit().await?;
            Ok(Redirect::to(&format!("/app/usaha/{id}")).into_response())
        }
    }
}

pub(crate) async fn edit_form(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let b = staff.load::<BusinessRow>(&state, &id, WRITE).await?;
    let form = RawBusiness {
        nama: b.name.clone(),
        sektor: b.sector.clone(),
        produk: b.products.clone(),
        alamat: b.address.clone(),
        telepon: b.phone.clone(),
        mulai: b.started_on.map(|d| d.to_string()).unwrap_or_default(),
        aktif: if b.active { "ya" } else { "tidak" }.into(),
    };
    form_page(&staff, Some(id), form, FieldErrors::default())
}

pub(crate) async fn update(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(raw): Form<RawBusiness>,
) -> Result<Response, AppError> {
    let b = staff.load::<BusinessRow>(&state, &id, WRITE).await?;
    match raw.check(today()) {
        Err(list) => form_page(&staff, Some(id), raw, list.into()),
        Ok(input) => {
            let mut tx = state.db.begin().await?;
            db::update(&mut tx, &staff.actor(), &b, &input).await?;
            tx.commit().await?;
            Ok(Redirect::to(&format!("/app/usaha/{id}")).into_response())
        }
    }
}
