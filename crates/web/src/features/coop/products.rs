//! The co-operative desk: loan products.

use super::*;

pub struct ProductLine {
    pub p: LoanProduct,
    pub method: &'static str,
    pub fees: String,
}

#[derive(Template)]
#[template(path = "coop_products.html")]
pub(super) struct ProductsPage {
    pub(super) page: Page,
    pub(super) region: String,
    pub(super) rows: Vec<ProductLine>,
    pub(super) methods: Vec<(&'static str, &'static str)>,
    pub(super) can_write: bool,
    pub(super) form: RawProduct,
    pub(super) errors: FieldErrors,
}

pub(super) async fn products_page(
    state: &AppState,
    staff: &Staff,
    region: String,
    form: RawProduct,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let lang = staff.ctx.lang;
    let rows = coop::products(&state.db, &region)
        .await?
        .into_iter()
        .map(|(_, p)| ProductLine {
            method: lang.pick(p.method.label_id(), p.method.label_en()),
            fees: p
                .fees
                .iter()
                .map(|f| {
                    let what = lang.pick(f.kind.label_id(), f.kind.label_en());
                    match f.basis {
                        FeeBasis::Fixed(a) => format!("{what} {}", rupiah(a)),
                        FeeBasis::Bp(bp) => format!("{what} {}", percent(bp as u64)),
                    }
                })
                .collect::<Vec<_>>()
                .join(", "),
            p,
        })
        .collect();
    let needs_correction = !errors.is_empty();
    render_form(
        ProductsPage {
            page: Page::new(&staff.ctx, "coop.products"),
            can_write: may_write(staff, &region),
            region,
            rows,
            methods: Method::ALL
                .iter()
                .map(|m| (m.as_str(), lang.pick(m.label_id(), m.label_en())))
                .collect(),
            form,
            errors,
        },
        needs_correction,
    )
}

pub(crate) async fn products(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<Where>,
) -> Result<Response, AppError> {
    let region = village(&state, &staff, &q.desa, READ).await?;
    if let Err(r) = settings_of(&state, &region).await {
        return Ok(r);
    }
    let form = RawProduct {
        metode: Method::Annuity.as_str().into(),
        urutan: "denda,bunga,pokok".into(),
        ..Default::default()
    };
    products_page(&state, &staff, region, form, FieldErrors::default()).await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct ProductForm {
    pub(super) desa: String,
    #[serde(flatten)]
    pub(super) form: RawProduct,
}

/// A new loan product; its postings use the co-op's standard accounts.
pub(crate) async fn add_product(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<ProductForm>,
) -> Result<Response, AppError> {
    let region = village(&state, &staff, &f.desa, WRITE).await?;
    if let Err(r) = settings_of(&state, &region).await {
        return Ok(r);
    }
    let product = match f.form.check() {
        Ok(p) => p,
        Err(e) => return products_page(&state, &staff, region, f.form, e.into()).await,
    };
    let done = in_books(&state, "kode", async |tx| {
        coop::add_product(tx, &staff.actor(), &region, &product).await
    })
    .await?;
    match done {
        Ok(_) => Ok(Redirect::to(&format!("/app/koperasi/produk?desa={region}")).into_response()),
        Err(errors) => products_page(&state, &staff, region, f.form, errors).await,
    }
}
