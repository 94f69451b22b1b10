//! The village product catalogue. Anyone browses `/produk` (the villages with products), a
//! village's list and a product's page, and may send the producer a question from it; the
//! facilitator of the village (business compartment) keeps the catalogue under `/app/produk`.
//!
//! Photos are decoded, turned upright, shrunk and re-encoded on upload (`core::photo`), so what
//! is served carries no metadata; each photo id is new, so its address is cached for a year.
//! Questions are held off like `/lapor`: a per-address limit, a hidden field, a signed time.

use super::FieldErrors;
use crate::AppState;
use crate::auth::{Ctx, Staff, Target, guarded};
use crate::error::AppError;
use crate::limits::Limited;
use crate::page::{Page, render, render_form, render_public};
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use desmigratif_core::access::{Action, Compartment, Place};
use desmigratif_core::fees::{RUPIAH, format_amount};
use desmigratif_core::id::Id;
use desmigratif_core::photo;
use desmigratif_core::products::{
    Channel, ProductInput, RawInquiry, RawProduct, tel_link, whatsapp_link,
};
use desmigratif_core::region::Scope;
use desmigratif_db::audit::{self, Actor, Event};
use desmigratif_db::products::{self, Inquiry, ProductRow};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

const PUBLIC_PAGE: i64 = 24;
const STAFF_PAGE: i64 = 30;
/// A question is a few lines; the limit bounds a flood.
pub(crate) const INQUIRY_BODY_LIMIT: usize = 16 * 1024;
/// A photo is re-encoded, so the address of one never changes what it shows.
const PHOTO_CACHE: &str = "public, max-age=31536000, immutable";

/// A product as every page shows it.
pub struct Card {
    pub id: String,
    pub href: String,
    pub name: String,
    pub description: String,
    pub price: String,
    pub unit: String,
    pub phone: String,
    pub tel: String,
    pub whatsapp: Option<String>,
    pub region_code: String,
    pub village: String,
    pub published: bool,
    /// (address, width, height) of the thumbnail and of the detail picture.
    pub thumb: Option<(String, i32, i32)>,
    pub photo: Option<(String, i32, i32)>,
}

impl Card {
    fn of(r: &ProductRow, village: &str) -> Card {
        let photo = r.photo_id.map(|p| p.to_string());
        Card {
            id: r.id.to_string(),
            href: format!("/produk/{}/{}", r.region_code, r.id),
            name: r.name.clone(),
            description: r.description.clone(),
            price: RUPIAH.format(r.price),
            unit: r.unit.clone(),
            phone: r.phone.clone(),
            tel: tel_link(&r.phone),
            whatsapp: r.whatsapp.then(|| whatsapp_link(&r.phone)),
            region_code: r.region_code.clone(),
            village: village.to_owned(),
            published: r.published,
            thumb: photo.as_ref().map(|p| {
                (
                    format!("/produk/foto/{p}/kecil"),
                    r.thumb_width.unwrap_or(0),
                    r.thumb_height.unwrap_or(0),
                )
            }),
            photo: photo.map(|p| {
                (
                    format!("/produk/foto/{p}"),
                    r.width.unwrap_or(0),
                    r.height.unwrap_or(0),
                )
            }),
        }
    }
}

/// The deployment's villages: (code, name, place).
async fn villages(state: &AppState) -> Result<Vec<(String, String, String)>, AppError> {
    Ok(desmigratif_db::villages::list(&state.db)
        .await?
        .into_iter()
        .map(|v| {
            let place = super::dashboard::place_of(&v.code, &state.regions);
            (v.code, v.name, place)
        })
        .collect())
}

async fn village_name(state: &AppState, code: &str) -> Result<Option<String>, AppError> {
    Ok(villages(state)
        .await?
        .into_iter()
        .find(|(c, _, _)| c == code)
        .map(|(_, name, _)| name))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct PageQuery {
    halaman: Option<i64>,
}

impl PageQuery {
    fn page_no(&self) -> i64 {
        self.halaman.unwrap_or(1).max(1)
    }
}

// --- public ------------------------------------------------------------------------------------

struct VillageLine {
    code: String,
    name: String,
    place: String,
    count: i64,
}

#[derive(Template)]
#[template(path = "products.html")]
struct CataloguePage {
    page: Page,
    villages: Vec<VillageLine>,
}

pub(crate) async fn catalogue(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Response, AppError> {
    let counts = products::published_counts(&state.db).await?;
    let lines = villages(&state)
        .await?
        .into_iter()
        .filter_map(|(code, name, place)| {
            let count = counts.iter().find(|(c, _)| *c == code)?.1;
            Some(VillageLine {
                code,
                name,
                place,
                count,
            })
        })
        .collect();
    render_public(
        CataloguePage {
            page: Page::new(&ctx, "products.title"),
            villages: lines,
        },
        &ctx,
    )
}

#[derive(Template)]
#[template(path = "product_village.html")]
struct VillagePage {
    page: Page,
    place: String,
    cards: Vec<Card>,
    /// The list's address up to the page number.
    base: String,
    page_no: i64,
    more: bool,
}

pub(crate) async fn village(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let name = village_name(&state, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    let page_no = q.page_no();
    let (rows, more) = products::list(
        &state.db,
        Some(&code),
        true,
        (page_no - 1) * PUBLIC_PAGE,
        PUBLIC_PAGE,
    )
    .await?;
    let mut page = Page::new(&ctx, "products.title");
    page.title = format!("{} {name}", page.t("products.of_village"));
    render_public(
        VillagePage {
            page,
            place: super::dashboard::place_of(&code, &state.regions),
            cards: rows.iter().map(|r| Card::of(r, &name)).collect(),
            base: format!("/produk/{code}?halaman="),
            page_no,
            more,
        },
        &ctx,
    )
}

#[derive(serde::Deserialize, Default, Clone)]
#[serde(default)]
pub(crate) struct InquiryForm {
    pesan: String,
    kontak: String,
    lewat: String,
    /// The field people never see.
    situs: String,
    mulai: String,
}

#[derive(Template)]
#[template(path = "product.html")]
struct OnePage {
    page: Page,
    card: Card,
    form: InquiryForm,
    errors: FieldErrors,
    stamp: String,
    channels: &'static [Channel],
    sent: bool,
}

/// A published product of the village in the address (404 for anything else).
async fn published(state: &AppState, code: &str, id: &str) -> Result<ProductRow, AppError> {
    let id: Id = id.parse().map_err(|_| AppError::NotFound)?;
    products::get(&state.db, id)
        .await?
        .filter(|p| p.published && p.region_code == code)
        .ok_or(AppError::NotFound)
}

/// The product page carries the question form, whose anonymous CSRF cookie a shared cache must
/// not keep, so it is rendered like `/lapor`, not as public information.
async fn one_page(
    state: &AppState,
    ctx: &Ctx,
    row: &ProductRow,
    form: InquiryForm,
    errors: FieldErrors,
    sent: bool,
    status: StatusCode,
) -> Result<Response, AppError> {
    let village = village_name(state, &row.region_code)
        .await?
        .unwrap_or_default();
    let mut page = Page::new(ctx, "products.title");
    page.title = row.name.clone();
    let mut r = render(OnePage {
        page,
        card: Card::of(row, &village),
        form,
        errors,
        stamp: super::reports::stamp(state, desmigratif_core::now().timestamp()),
        channels: Channel::ALL,
        sent,
    })?;
    *r.status_mut() = status;
    Ok(r)
}

pub(crate) async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((code, id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let row = published(&state, &code, &id).await?;
    let form = InquiryForm {
        lewat: Channel::WhatsApp.as_str().into(),
        ..InquiryForm::default()
    };
    one_page(
        &state,
        &ctx,
        &row,
        form,
        FieldErrors::default(),
        false,
        StatusCode::OK,
    )
    .await
}

/// A visitor's question: logged for the facilitator, limited per address like `/lapor`.
pub(crate) async fn ask(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((code, id)): Path<(String, String)>,
    Form(f): Form<InquiryForm>,
) -> Result<Response, AppError> {
    let row = published(&state, &code, &id).await?;
    let key = format!("produk:{}", ctx.client_key);
    state.check(Limited::PublicReport, &key).await?;
    let mut errors = FieldErrors::default();
    if let Err((message, status)) = super::reports::sent_by_a_person(&state, &f.situs, &f.mulai) {
        // A program's answer: counted against the address, nothing stored.
        state.count(Limited::PublicReport, &key).await?;
        errors.add("formulir", message);
        return one_page(&state, &ctx, &row, f, errors, false, status).await;
    }
    let raw = RawInquiry {
        pesan: f.pesan.clone(),
        kontak: f.kontak.clone(),
        lewat: f.lewat.clone(),
    };
    let input = match raw.check() {
        Ok(i) => i,
        Err(list) => {
            list.into_iter().for_each(|e| errors.push(e));
            return one_page(
                &state,
                &ctx,
                &row,
                f,
                errors,
                false,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    state.count(Limited::PublicReport, &key).await?;
    let mut tx = state.db.begin().await?;
    products::add_inquiry(
        &mut tx,
        &Actor::anonymous(&ctx.ip),
        &state.keys,
        &row,
        &input,
    )
    .await?;
    tx.commit().await?;
    one_page(
        &state,
        &ctx,
        &row,
        InquiryForm::default(),
        FieldErrors::default(),
        true,
        StatusCode::OK,
    )
    .await
}

/// A photo (`kecil`: the thumbnail). Photos of published products are public and cached for a
/// year; others only reach staff who may read the product.
async fn photo_file(
    state: &AppState,
    ctx: Ctx,
    id: &str,
    thumb: bool,
) -> Result<Response, AppError> {
    let id: Id = id.parse().map_err(|_| AppError::NotFound)?;
    let file = products::photo_file(&state.db, id, thumb)
        .await?
        .ok_or(AppError::NotFound)?;
    let product = products::get(&state.db, file.product_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let cache = if product.published {
        PHOTO_CACHE
    } else {
        let auth = ctx.auth.clone().ok_or(AppError::NotFound)?;
        Staff { ctx, auth }
            .allow_record(
                state,
                Action::Read(Compartment::Business),
                &product.region_code,
                "product",
                &product.id.to_string(),
            )
            .await?;
        "private, no-store"
    };
    Ok((
        [
            (header::CONTENT_TYPE, "image/jpeg"),
            (header::CACHE_CONTROL, cache),
        ],
        file.bytes,
    )
        .into_response())
}

pub(crate) async fn photo_big(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    photo_file(&state, ctx, &id, false).await
}

pub(crate) async fn photo_small(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    photo_file(&state, ctx, &id, true).await
}

// --- staff -------------------------------------------------------------------------------------

/// The caller's region as a code prefix; `None` for national staff.
fn scope_prefix(staff: &Staff) -> Option<String> {
    Some(staff.principal().scope.as_stored().to_owned()).filter(|s| !s.is_empty())
}

/// The village whose catalogue the caller keeps: write access to the business compartment in
/// their own village (a facilitator), or 403 with an audit entry.
async fn own_village(state: &AppState, staff: &Staff, name: &str) -> Result<String, AppError> {
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

fn can_write(staff: &Staff, region: &str) -> bool {
    staff
        .principal()
        .may_in_village(Action::Write(Compartment::Business), region)
}

#[derive(Template)]
#[template(path = "products_staff.html")]
struct StaffList {
    page: Page,
    cards: Vec<Card>,
    can_add: bool,
    /// The list's address up to the page number.
    base: String,
    page_no: i64,
    more: bool,
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
struct FormPage {
    page: Page,
    /// `None` for a new product.
    card: Option<Card>,
    form: RawProduct,
    errors: FieldErrors,
    businesses: Vec<(String, String)>,
    can_write: bool,
    /// The latest questions about this product.
    lines: Vec<InquiryLine>,
}

struct InquiryLine {
    at: String,
    product: String,
    product_href: String,
    channel: &'static str,
    message: String,
    contact: String,
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

fn raw_of(r: &ProductRow) -> RawProduct {
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

async fn businesses(state: &AppState, village: &str) -> Result<Vec<(String, String)>, AppError> {
    Ok(products::businesses(&state.db, village)
        .await?
        .into_iter()
        .map(|(id, name)| (id.to_string(), name))
        .collect())
}

async fn new_form_page(
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

fn field_errors(list: Vec<desmigratif_core::Invalid>) -> FieldErrors {
    let mut errors = FieldErrors::default();
    list.into_iter().for_each(|e| errors.push(e));
    errors
}

/// Runs one write in its own transaction; a conflict (a business of another village) comes
/// back as a message for the form. The transaction is over before any page is rendered.
async fn write<T>(
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

async fn edit_page(
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
    yakin: String,
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
    terbit: String,
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
struct InquiriesPage {
    page: Page,
    lines: Vec<InquiryLine>,
    /// The list's address up to the page number.
    base: String,
    page_no: i64,
    more: bool,
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

// --- API ---------------------------------------------------------------------------------------

/// A product as the API shows it.
#[derive(serde::Serialize, utoipa::ToSchema)]
struct ProductOut {
    id: String,
    region_code: String,
    business_id: Option<String>,
    name: String,
    description: String,
    /// Whole rupiah.
    price: i64,
    unit: String,
    phone: String,
    whatsapp: bool,
    published: bool,
    /// Address of the detail picture (≤ 800 px), if there is one.
    photo_url: Option<String>,
    /// Address of the list thumbnail (≤ 240 px), if there is one.
    thumb_url: Option<String>,
    updated_at: chrono::DateTime<chrono::Utc>,
}

impl ProductOut {
    fn of(r: &ProductRow) -> ProductOut {
        let c = Card::of(r, "");
        ProductOut {
            id: r.id.to_string(),
            region_code: r.region_code.clone(),
            business_id: r.business_id.map(|b| b.to_string()),
            name: r.name.clone(),
            description: r.description.clone(),
            price: r.price,
            unit: r.unit.clone(),
            phone: r.phone.clone(),
            whatsapp: r.whatsapp,
            published: r.published,
            photo_url: c.photo.map(|p| p.0),
            thumb_url: c.thumb.map(|p| p.0),
            updated_at: r.updated_at,
        }
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
struct ProductPage {
    items: Vec<ProductOut>,
    /// Whether another page follows.
    more: bool,
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ApiListQuery {
    /// Page from 1 (30 a page).
    page: Option<i64>,
}

/// Products of the caller's region, published or not, by name (business compartment).
#[utoipa::path(get, path = "/api/v1/products", tag = "business", security(("bearer" = [])), params(ApiListQuery),
    responses((status = 200, body = ProductPage), (status = 403)))]
async fn api_list(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ApiListQuery>,
) -> Result<Json<ProductPage>, AppError> {
    staff
        .allow_here(&state, Action::Read(Compartment::Business), "product.list")
        .await?;
    let page = q.page.unwrap_or(1).max(1);
    let (rows, more) = products::list(
        &state.db,
        scope_prefix(&staff).as_deref(),
        false,
        (page - 1) * STAFF_PAGE,
        STAFF_PAGE,
    )
    .await?;
    Ok(Json(ProductPage {
        items: rows.iter().map(ProductOut::of).collect(),
        more,
    }))
}

/// A product to store; the village is the caller's own.
#[derive(serde::Deserialize, utoipa::ToSchema)]
struct ProductIn {
    name: String,
    #[serde(default)]
    description: String,
    /// Whole rupiah, more than 0.
    price: i64,
    /// What the price buys: "bungkus 250 g", "botol", "kg".
    unit: String,
    /// Starts 0 or +62.
    phone: String,
    #[serde(default)]
    whatsapp: bool,
    #[serde(default)]
    business_id: Option<String>,
    /// Show it on the public catalogue (default: no).
    #[serde(default)]
    published: Option<bool>,
}

impl ProductIn {
    fn check(&self) -> Result<ProductInput, AppError> {
        RawProduct {
            nama: self.name.clone(),
            deskripsi: self.description.clone(),
            harga: self.price.to_string(),
            satuan: self.unit.clone(),
            telepon: self.phone.clone(),
            whatsapp: if self.whatsapp {
                "ya".into()
            } else {
                String::new()
            },
            usaha: self.business_id.clone().unwrap_or_default(),
        }
        .check()
        .map_err(|list| AppError::Invalid(field_errors(list).0))
    }
}

/// Stores the changes and the publication flag in one transaction, and answers the product.
async fn api_store(
    state: &AppState,
    staff: &Staff,
    village: &str,
    existing: Option<&ProductRow>,
    body: &ProductIn,
) -> Result<ProductOut, AppError> {
    let input = body.check()?;
    let actor = staff.actor();
    let id = write(state, async |tx| {
        let id = match existing {
            Some(row) => {
                products::update(tx, &actor, row, &input).await?;
                row.id
            }
            None => products::create(tx, &actor, village, &input).await?,
        };
        let was = existing.is_some_and(|r| r.published);
        if let Some(on) = body.published.filter(|on| *on != was) {
            products::set_published(tx, &actor, id, village, on).await?;
        }
        Ok(id)
    })
    .await?
    .map_err(|m| AppError::Invalid(vec![("business_id".into(), m)]))?;
    let row = products::get(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(ProductOut::of(&row))
}

/// Add a product to the caller's village (a facilitator: business compartment, write).
#[utoipa::path(post, path = "/api/v1/products", tag = "business", security(("bearer" = [])), request_body = ProductIn,
    responses((status = 201, body = ProductOut), (status = 403), (status = 422)))]
async fn api_create(
    State(state): State<AppState>,
    staff: Staff,
    Json(body): Json<ProductIn>,
) -> Result<Response, AppError> {
    let village = own_village(&state, &staff, "product.create").await?;
    let out = api_store(&state, &staff, &village, None, &body).await?;
    Ok((StatusCode::CREATED, Json(out)).into_response())
}

/// One product of the caller's region.
#[utoipa::path(get, path = "/api/v1/products/{id}", tag = "business", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = ProductOut), (status = 404)))]
async fn api_one(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Json<ProductOut>, AppError> {
    let row = staff
        .load::<ProductRow>(&state, &id, Action::Read(Compartment::Business))
        .await?;
    Ok(Json(ProductOut::of(&row)))
}

/// Replace what a product says (and, with `published`, show or hide it).
#[utoipa::path(put, path = "/api/v1/products/{id}", tag = "business", security(("bearer" = [])), params(("id" = String, Path)),
    request_body = ProductIn, responses((status = 200, body = ProductOut), (status = 404), (status = 422)))]
async fn api_update(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Json(body): Json<ProductIn>,
) -> Result<Json<ProductOut>, AppError> {
    let row = staff
        .load::<ProductRow>(&state, &id, Action::Write(Compartment::Business))
        .await?;
    let village = row.region_code.clone();
    Ok(Json(
        api_store(&state, &staff, &village, Some(&row), &body).await?,
    ))
}

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api_list, api_create))
        .routes(routes!(api_one, api_update))
}
