//! Products: public.

use super::*;

pub(super) struct VillageLine {
    pub(super) code: String,
    pub(super) name: String,
    pub(super) place: String,
    pub(super) count: i64,
}

#[derive(Template)]
#[template(path = "products.html")]
pub(super) struct CataloguePage {
    pub(super) page: Page,
    pub(super) villages: Vec<VillageLine>,
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
pub(super) struct VillagePage {
    pub(super) page: Page,
    pub(super) place: String,
    pub(super) cards: Vec<Card>,
    /// The list's address up to the page number.
    pub(super) base: String,
    pub(super) page_no: i64,
    pub(super) more: bool,
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
            place: crate::features::dashboard::place_of(&code, &state.regions),
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
    pub(super) pesan: String,
    pub(super) kontak: String,
    pub(super) lewat: String,
    /// The field people never see.
    pub(super) situs: String,
    pub(super) mulai: String,
}

#[derive(Template)]
#[template(path = "product.html")]
pub(super) struct OnePage {
    pub(super) page: Page,
    pub(super) card: Card,
    pub(super) form: InquiryForm,
    pub(super) errors: FieldErrors,
    pub(super) stamp: String,
    pub(super) channels: &'static [Channel],
    pub(super) sent: bool,
}

/// A published product of the village in the address (404 for anything else).
pub(super) async fn published(
    state: &AppState,
    code: &str,
    id: &str,
) -> Result<ProductRow, AppError> {
    let id: Id = id.parse().map_err(|_| AppError::NotFound)?;
    products::get(&state.db, id)
        .await?
        .filter(|p| p.published && p.region_code == code)
        .ok_or(AppError::NotFound)
}

/// The product page carries the question form, whose anonymous CSRF cookie a shared cache must
/// not keep, so it is rendered like `/lapor`, not as public information.
pub(super) async fn one_page(
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
        stamp: crate::features::reports::stamp(state, desmigratif_core::now().timestamp()),
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
    if let Err((message, status)) =
        crate::features::reports::sent_by_a_person(&state, &f.situs, &f.mulai)
    {
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
pub(super) async fn photo_file(
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
