//! Products: staff.

use super::*;

/// The caller's region as a code prefix; `None` for national staff.
pub(super) fn scope_prefix(staff: &Staff) -> Option<String> {
    Some(staff.principal().scope.as_stored().to_owned()).filter(|s| !s.is_empty())
}

/// The village whose catalogue the caller keeps: write access to the business compartment in
/// their own village (a facilitator), or 403 with an audit entry.
pub(super) async fn own_village(
    state: &AppState,
    staff: &Staff,
    name: &str,
) -> Result<String, AppError> {
    let place = staff.principal().scope.clone();
    staff
        .allow(
            state,
            Action::Write(Compartment::Business),
            &Place::of(&place),
            Target::Action { name },
        )
        .await?;
    match &place {
        Scope::Region(r) if r.level() == desmigratif_core::region::Level::Desa => {
            Ok(r.as_str().to_owned())
        }
        _ => Err(staff
            .refuse(
                state,
                "action",
                "",
                place.as_stored(),
                &format!("not a village account {name}"),
                AppError::Forbidden,
            )
            .await),
    }
}

guarded!(ProductRow, "product", products::get, region_code);

pub(super) fn can_write(staff: &Staff, region: &str) -> bool {
    staff
        .principal()
        .may_in_village(Action::Write(Compartment::Business), region)
}

#[derive(Template)]
#[template(path = "products_staff.html")]
pub(super) struct StaffList {
    pub(super) page: Page,
    pub(super) cards: Vec<Card>,
    pub(super) can_add: bool,
    /// The list's address up to the page number.
    pub(super) base: String,
    pub(super) page_no: i64,
    pub(super) more: bool,
}

pub(crate) async fn staff_list(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    staff
        .allow_here(&state, Action::Read(Compartment::Business), "product.list")
        .await?;
    let page_no = q.page_no();
    let prefix = scope_prefix(&staff);
    let (rows, more) = products::list(
        &state.db,
        prefix.as_deref(),
        false,
        (page_no - 1) * STAFF_PAGE,
        STAFF_PAGE,
    )
    .await?;
    let all = villages(&state).await?;
    let name_of = |code: &str| {
        all.iter()
            .find(|(c, _, _)| c == code)
            .map(|(_, n, _)| n.clone())
            .unwrap_or_default()
    };
    render(StaffList {
        page: Page::new(&staff.ctx, "products.staff_title"),
        cards: rows
            .iter()
            .map(|r| Card::of(r, &name_of(&r.region_code)))
            .collect(),
        can_add: prefix.as_deref().is_some_and(|p| can_write(&staff, p)),
        base: "/app/produk?halaman=".into(),
        page_no,
        more,
    })
}

#[derive(Template)]
#[template(path = "product_form.html")]
pub(super) struct FormPage {
    pub(super) page: Page,
    /// `None` for a new product.
    pub(super) card: Option<Card>,
    pub(super) form: RawProduct,
    pub(super) errors: FieldErrors,
    pub(super) businesses: Vec<(String, String)>,
    pub(super) can_write: bool,
    /// The latest questions about this product.
    pub(super) lines: Vec<InquiryLine>,
}

pub(super) struct InquiryLine {
    pub(super) at: String,
    pub(super) product: String,
    pub(super) product_href: String,
    pub(super) channel: &'static str,
    pub(super) message: String,
    pub(super) contact: String,
}

impl InquiryLine {
    fn of(i: Inquiry) -> InquiryLine {
        InquiryLine {
            at: crate::page::when(&i.created_at),
            product_href: format!("/app/produk/{}", i.product_id),
            product: i.product_name,
            channel: i
                .channel
                .parse::<Channel>()
                .map(Channel::label_id)
                .unwrap_or("—"),
            message: i.message,
            contact: i.contact,
        }
    }
}

pub(super) fn raw_of(r: &ProductRow) -> RawProduct {
    RawProduct {
        nama: r.name.clone(),
        deskripsi: r.description.clone(),
        harga: format_amount(r.price),
        satuan: r.unit.clone(),
        telepon: r.phone.clone(),
        whatsapp: if r.whatsapp {
            "ya".into()
        } else {
            String::new()
        },
        usaha: r.business_id.map(|b| b.to_string()).unwrap_or_default(),
    }
}

pub(super) async fn businesses(
    state: &AppState,
    village: &str,
) -> Result<Vec<(String, String)>, AppError> {
    Ok(products::businesses(&state.db, village)
        .await?
        .into_iter()
        .map(|(id, name)| (id.to_string(), name))
        .collect())
}

pub(super) async fn new_form_page(
    state: &AppState,
    staff: &Staff,
    village: &str,
    form: RawProduct,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let bad = !errors.is_empty();
    render_form(
        FormPage {
            page: Page::new(&staff.ctx, "products.new"),
            card: None,
            form,
            errors,
            businesses: businesses(state, village).await?,
            can_write: true,
            lines: Vec::new(),
        },
        bad,
    )
}

pub(crate) async fn new_form(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Response, AppError> {
    let village = own_village(&state, &staff, "product.create").await?;
    let form = RawProduct {
        whatsapp: "ya".into(),
        ..RawProduct::default()
    };
    new_form_page(&state, &staff, &village, form, FieldErrors::default()).await
}

pub(super) fn field_errors(list: Vec<desmigratif_core::Invalid>) -> FieldErrors {
    let mut errors = FieldErrors::default();
    list.into_iter().for_each(|e| errors.push(e));
    errors
}

/// Runs one write in its own transaction; a conflict (a business of another village) comes
/// back as a message for the form. The transaction is over before any page is rendered.
pub(super) async fn write<T>(
    state: &AppState,
    f: impl AsyncFnOnce(&mut desmigratif_db::Tx) -> desmigratif_db::Result<T>,
) -> Result<Result<T, String>, AppError> {
    let mut tx = state.db.begin().await?;
    match f(&mut tx).await {
        Ok(v) => {
            tx.commit().await?;
            Ok(Ok(v))
        }
        Err(desmigratif_db::DbError::Conflict(m)) => Ok(Err(m)),
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn create(
    State(state): State<AppState>,
    staff: Staff,
    Form(raw): Form<RawProduct>,
) -> Result<Response, AppError> {
    let village = own_village(&state, &staff, "product.create").await?;
    let input = match raw.check() {
        Ok(i) => i,
        Err(list) => {
            return new_form_page(&state, &staff, &village, raw, field_errors(list)).await;
        }
    };
    let actor = staff.actor();
    match write(&state, async |tx| {
        products::create(tx, &actor, &village, &input).await
    })
    .await?
    {
        Ok(id) => Ok(Redirect::to(&format!("/app/produk/{id}")).into_response()),
        Err(m) => {
            let mut errors = FieldErrors::default();
            errors.add("usaha", m);
            new_form_page(&state, &staff, &village, raw, errors).await
        }
    }
}

pub(super) async fn edit_page(
    state: &AppState,
    staff: &Staff,
    row: &ProductRow,
    form: RawProduct,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let (inquiries, _) =
        products::inquiries(&state.db, &state.keys, None, Some(row.id), 0, 10).await?;
    if !inquiries.is_empty() {
        audit::log(
            &state.db,
            &staff.actor(),
            &Event::new("product_inquiry.read", "product", row.id, &row.region_code),
        )
        .await?;
    }
    let village = village_name(state, &row.region_code)
        .await?
        .unwrap_or_default();
    let bad = !errors.is_empty();
    let mut page = Page::new(&staff.ctx, "products.staff_title");
    page.title = row.name.clone();
    render_form(
        FormPage {
            page,
            card: Some(Card::of(row, &village)),
            form,
            errors,
            businesses: businesses(state, &row.region_code).await?,
            can_write: can_write(staff, &row.region_code),
            lines: inquiries.into_iter().map(InquiryLine::of).collect(),
        },
        bad,
    )
}

pub(crate) async fn edit(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let row = staff
        .load::<ProductRow>(&state, &id, Action::Read(Compartment::Business))
        .await?;
    edit_page(&state, &staff, &row, raw_of(&row), FieldErrors::default()).await
}

pub(crate) async fn update(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(raw): Form<RawProduct>,
) -> Result<Response, AppError> {
    let row = staff
        .load::<ProductRow>(&state, &id, Action::Write(Compartment::Business))
        .await?;
    let input = match raw.check() {
        Ok(i) => i,
        Err(list) => {
            return edit_page(&state, &staff, &row, raw, field_errors(list)).await;
        }
    };
    let actor = staff.actor();
    match write(&state, async |tx| {
        products::update(tx, &actor, &row, &input).await
    })
    .await?
    {
        Ok(()) => Ok(Redirect::to(&format!("/app/produk/{}", row.id)).into_response()),
        Err(m) => {
            let mut errors = FieldErrors::default();
            errors.add("usaha", m);
            edit_page(&state, &staff, &row, raw, errors).await
        }
    }
}

/// A new photo for a product (multipart field `foto`), replacing the old one. A refused
/// upload stores nothing and says why beside the photo.
pub(crate) async fn upload(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let row = staff
        .load::<ProductRow>(&state, &id, Action::Write(Compartment::Business))
        .await?;
    let cut =
        || AppError::BadRequest("unggahan terputus atau terlalu besar (maksimal 8 MB)".into());
    let mut data = Vec::new();
    while let Some(field) = multipart.next_field().await.map_err(|_| cut())? {
        if field.name() == Some("foto") {
            data = field.bytes().await.map_err(|_| cut())?.to_vec();
        }
    }
    let prepared = match state.heavy(move || photo::prepare(&data)).await? {
        Ok(p) => p,
        Err(e) => {
            let mut errors = FieldErrors::default();
            errors.push(e);
            return edit_page(&state, &staff, &row, raw_of(&row), errors).await;
        }
    };
    let actor = staff.actor();
    write(&state, async |tx| {
        products::set_photo(tx, &actor, row.id, &row.region_code, &prepared).await
    })
    .await?
    .map_err(AppError::Conflict)?;
    Ok(Redirect::to(&format!("/app/produk/{}", row.id)).into_response())
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct Confirm {
    pub(super) yakin: String,
}

/// Removes a product's photo; the box «yakin» must be ticked.
pub(crate) async fn remove_photo(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(c): Form<Confirm>,
) -> Result<Response, AppError> {
    let row = staff
        .load::<ProductRow>(&state, &id, Action::Write(Compartment::Business))
        .await?;
    if c.yakin != "ya" {
        let mut errors = FieldErrors::default();
        errors.add("yakin", "centang «yakin» untuk menghapus foto");
        return edit_page(&state, &staff, &row, raw_of(&row), errors).await;
    }
    let actor = staff.actor();
    let done = write(&state, async |tx| {
        products::remove_photo(tx, &actor, &row).await
    })
    .await?;
    match done {
        Ok(()) => Ok(Redirect::to(&format!("/app/produk/{}", row.id)).into_response()),
        Err(m) => {
            let mut errors = FieldErrors::default();
            errors.add("foto", m);
            edit_page(&state, &staff, &row, raw_of(&row), errors).await
        }
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct PublishForm {
    pub(super) terbit: String,
}

pub(crate) async fn publish(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(f): Form<PublishForm>,
) -> Result<Response, AppError> {
    let row = staff
        .load::<ProductRow>(&state, &id, Action::Write(Compartment::Business))
        .await?;
    let on = f.terbit == "ya";
    let actor = staff.actor();
    write(&state, async |tx| {
        products::set_published(tx, &actor, row.id, &row.region_code, on).await
    })
    .await?
    .map_err(AppError::Conflict)?;
    Ok(Redirect::to(&format!("/app/produk/{}", row.id)).into_response())
}

#[derive(Template)]
#[template(path = "product_inquiries.html")]
pub(super) struct InquiriesPage {
    pub(super) page: Page,
    pub(super) lines: Vec<InquiryLine>,
    /// The list's address up to the page number.
    pub(super) base: String,
    pub(super) page_no: i64,
    pub(super) more: bool,
}

/// Visitors' questions in the caller's region, newest first; the read is audited (they carry
/// visitors' contacts).
pub(crate) async fn inquiries(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    staff
        .allow_here(
            &state,
            Action::Read(Compartment::Business),
            "product_inquiry.list",
        )
        .await?;
    let page_no = q.page_no();
    let prefix = scope_prefix(&staff);
    let (rows, more) = products::inquiries(
        &state.db,
        &state.keys,
        prefix.as_deref(),
        None,
        (page_no - 1) * STAFF_PAGE,
        STAFF_PAGE,
    )
    .await?;
    audit::log(
        &state.db,
        &staff.actor(),
        &Event::new(
            "product_inquiry.list",
            "product_inquiry",
            "",
            prefix.as_deref().unwrap_or(""),
        ),
    )
    .await?;
    render(InquiriesPage {
        page: Page::new(&staff.ctx, "products.inquiries"),
        lines: rows.into_iter().map(InquiryLine::of).collect(),
        base: "/app/produk/pertanyaan?halaman=".into(),
        page_no,
        more,
    })
}
