//! Products: the JSON API (`/api/v1/products`), over the same rules as the pages.

use super::*;

/// A product as the API shows it.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub(super) struct ProductOut {
    pub(super) id: String,
    pub(super) region_code: String,
    pub(super) business_id: Option<String>,
    pub(super) name: String,
    pub(super) description: String,
    /// Whole rupiah.
    pub(super) price: i64,
    pub(super) unit: String,
    pub(super) phone: String,
    pub(super) whatsapp: bool,
    pub(super) published: bool,
    /// Address of the detail picture (≤ 800 px), if there is one.
    pub(super) photo_url: Option<String>,
    /// Address of the list thumbnail (≤ 240 px), if there is one.
    pub(super) thumb_url: Option<String>,
    pub(super) updated_at: chrono::DateTime<chrono::Utc>,
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
pub(super) struct ProductPage {
    pub(super) items: Vec<ProductOut>,
    /// Whether another page follows.
    pub(super) more: bool,
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ApiListQuery {
    /// Page from 1 (30 a page).
    pub(super) page: Option<i64>,
}

/// Products of the caller's region, published or not, by name (business compartment).
#[utoipa::path(get, path = "/api/v1/products", tag = "business", security(("bearer" = [])), params(ApiListQuery),
    responses((status = 200, body = ProductPage), (status = 403)))]
pub(super) async fn api_list(
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
pub(super) struct ProductIn {
    pub(super) name: String,
    #[serde(default)]
    pub(super) description: String,
    /// Whole rupiah, more than 0.
    pub(super) price: i64,
    /// What the price buys: "bungkus 250 g", "botol", "kg".
    pub(super) unit: String,
    /// Starts 0 or +62.
    pub(super) phone: String,
    #[serde(default)]
    pub(super) whatsapp: bool,
    #[serde(default)]
    pub(super) business_id: Option<String>,
    /// Show it on the public catalogue (default: no).
    #[serde(default)]
    pub(super) published: Option<bool>,
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
pub(super) async fn api_store(
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
pub(super) async fn api_create(
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
pub(super) async fn api_one(
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
pub(super) async fn api_update(
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
