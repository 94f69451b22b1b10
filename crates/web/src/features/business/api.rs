//! Businesses: the JSON API (`/api/v1/businesses`), over the same rules as the pages.

use super::*;

/// A business as the API shows it.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct BusinessOut {
    pub id: String,
    pub village_code: String,
    pub name: String,
    /// olahan_pangan, kerajinan, pertanian, peternakan, perikanan, perdagangan, jasa.
    pub sector: String,
    pub products: String,
    pub address: String,
    pub phone: String,
    pub started_on: Option<NaiveDate>,
    pub active: bool,
}

impl BusinessOut {
    fn of(b: &BusinessRow) -> BusinessOut {
        BusinessOut {
            id: b.id.to_string(),
            village_code: b.region_code.clone(),
            name: b.name.clone(),
            sector: b.sector.clone(),
            products: b.products.clone(),
            address: b.address.clone(),
            phone: b.phone.clone(),
            started_on: b.started_on,
            active: b.active,
        }
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub(super) struct BusinessListOut {
    pub(super) id: String,
    pub(super) village_code: String,
    pub(super) name: String,
    pub(super) sector: String,
    pub(super) products: String,
    pub(super) active: bool,
    /// The latest month with a report (YYYY-MM).
    pub(super) last_report: Option<String>,
    pub(super) last_visit: Option<NaiveDate>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub(super) struct BusinessPage {
    pub(super) items: Vec<BusinessListOut>,
    pub(super) more: bool,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub(super) struct MonthlyOut {
    /// YYYY-MM
    pub(super) month: String,
    pub(super) revenue: i64,
    pub(super) costs: i64,
    pub(super) workers: i32,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub(super) struct KurOut {
    pub(super) id: String,
    pub(super) bank: String,
    pub(super) amount: i64,
    /// diajukan, disetujui, ditolak, dicairkan, dibatalkan.
    pub(super) status: String,
    pub(super) referred_on: NaiveDate,
    pub(super) decided_on: Option<NaiveDate>,
    pub(super) approved_amount: Option<i64>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub(super) struct PermitOut {
    /// nib, pirt, halal.
    pub(super) kind: String,
    pub(super) number: String,
    pub(super) issued_on: NaiveDate,
    pub(super) expires_on: Option<NaiveDate>,
}

/// A business with its owners (names and masked NIK only), permits, the last twelve months of
/// results and its KUR referrals.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub(super) struct BusinessDetailOut {
    pub(super) business: BusinessOut,
    pub(super) owners: Vec<OwnerOut>,
    pub(super) permits: Vec<PermitOut>,
    pub(super) reports: Vec<MonthlyOut>,
    pub(super) kur: Vec<KurOut>,
    pub(super) visits: i64,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub(super) struct OwnerOut {
    pub(super) person_id: String,
    pub(super) name: String,
    pub(super) nik_masked: String,
}

#[derive(serde::Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub(super) struct ApiPage {
    /// Page from 1 (20 a page).
    pub(super) halaman: Option<i64>,
}

impl ApiPage {
    fn offset(&self) -> i64 {
        (self.halaman.unwrap_or(1).max(1) - 1) * PAGE_SIZE
    }
}

/// Businesses in the caller's scope, active first, by name (20 a page).
#[utoipa::path(get, path = "/api/v1/businesses", tag = "business", security(("bearer" = [])), params(ApiPage),
    responses((status = 200, body = BusinessPage), (status = 403)))]
pub(super) async fn api_list(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ApiPage>,
) -> Result<Json<BusinessPage>, AppError> {
    staff.allow_here(&state, READ, "business.list").await?;
    let (rows, more) = db::list(
        &state.db,
        scope_prefix(&staff).as_deref(),
        q.offset(),
        PAGE_SIZE,
    )
    .await?;
    Ok(Json(BusinessPage {
        items: rows
            .into_iter()
            .map(|b| BusinessListOut {
                id: b.id.to_string(),
                village_code: b.region_code,
                name: b.name,
                sector: b.sector,
                products: b.products,
                active: b.active,
                last_report: b.last_month,
                last_visit: b.last_visit,
            })
            .collect(),
        more,
    }))
}

/// Records a business in the caller's village. Fields as the page form: `nama`, `sektor`,
/// `produk`, `alamat`, `telepon`, `mulai` (YYYY-MM-DD), `aktif` ("ya"/"tidak").
#[utoipa::path(post, path = "/api/v1/businesses", tag = "business", security(("bearer" = [])), request_body = Object,
    responses((status = 201, body = BusinessOut), (status = 403), (status = 422)))]
pub(super) async fn api_create(
    State(state): State<AppState>,
    staff: Staff,
    Json(raw): Json<RawBusiness>,
) -> Result<Response, AppError> {
    staff.allow_here(&state, WRITE, "business.create").await?;
    let village = own_village(&staff)?;
    let input = raw.check(today()).map_err(FieldErrors::from)?;
    let mut tx = state.db.begin().await?;
    let id = db::create(&mut tx, &staff.actor(), &village, &input).await?;
    tx.commit().await?;
    let b = db::get(&state.db, id).await?.ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(BusinessOut::of(&b))).into_response())
}

/// One business with its owners, permits, last twelve months of results and KUR referrals.
#[utoipa::path(get, path = "/api/v1/businesses/{id}", tag = "business", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 200, body = BusinessDetailOut), (status = 404)))]
pub(super) async fn api_one(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Json<BusinessDetailOut>, AppError> {
    let b = staff.load::<BusinessRow>(&state, &id, READ).await?;
    let since = Month::of(today()).back(MONTHS_SHOWN - 1);
    Ok(Json(BusinessDetailOut {
        owners: db::owners(&state.db, b.id)
            .await?
            .into_iter()
            .map(|o| OwnerOut {
                person_id: o.person_id.to_string(),
                nik_masked: desmigratif_core::nik::masked(&o.nik_prefix),
                name: o.name,
            })
            .collect(),
        permits: db::permits(&state.db, b.id)
            .await?
            .into_iter()
            .map(|p| PermitOut {
                kind: p.kind,
                number: p.number,
                issued_on: p.issued_on,
                expires_on: p.expires_on,
            })
            .collect(),
        reports: db::reports(&state.db, b.id, since)
            .await?
            .into_iter()
            .map(|r| MonthlyOut {
                month: r.month,
                revenue: r.revenue,
                costs: r.costs,
                workers: r.workers,
            })
            .collect(),
        kur: db::kur_referrals(&state.db, b.id)
            .await?
            .into_iter()
            .map(|k| KurOut {
                id: k.id.to_string(),
                bank: k.bank,
                amount: k.amount,
                status: k.status,
                referred_on: k.referred_on,
                decided_on: k.decided_on,
                approved_amount: k.approved_amount,
            })
            .collect(),
        visits: db::visits(&state.db, b.id).await?.len() as i64,
        business: BusinessOut::of(&b),
    }))
}

/// Records (or corrects) one month's results: `bulan` (YYYY-MM), `omzet`, `biaya` (rupiah),
/// `pekerja`, `catatan`.
#[utoipa::path(post, path = "/api/v1/businesses/{id}/reports", tag = "business", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = Object,
    responses((status = 200, body = MonthlyOut), (status = 404), (status = 422)))]
pub(super) async fn api_report(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Json(raw): Json<RawMonthlyReport>,
) -> Result<Json<MonthlyOut>, AppError> {
    let b = staff.load::<BusinessRow>(&state, &id, WRITE).await?;
    let r = raw.check(today()).map_err(FieldErrors::from)?;
    let mut tx = state.db.begin().await?;
    db::save_report(&mut tx, &staff.actor(), &b, &r).await?;
    tx.commit().await?;
    Ok(Json(MonthlyOut {
        month: r.month.to_string(),
        revenue: r.revenue,
        costs: r.costs,
        workers: r.workers,
    }))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub(super) struct AidOut {
    pub(super) id: String,
    pub(super) village_code: String,
    pub(super) item: String,
    pub(super) value: i64,
    /// kemnaker, kemendes, csr, lainnya.
    pub(super) source: String,
    pub(super) source_detail: String,
    pub(super) received_on: NaiveDate,
    pub(super) recipient_id: String,
    pub(super) recipient: String,
    pub(super) business_id: Option<String>,
    pub(super) last_check: Option<NaiveDate>,
    /// baik, rusak_ringan, rusak_berat, tidak_dipakai, hilang.
    pub(super) last_condition: Option<String>,
}

impl AidOut {
    fn of(a: AidRow) -> AidOut {
        AidOut {
            id: a.id.to_string(),
            village_code: a.region_code,
            item: a.item,
            value: a.value,
            source: a.source,
            source_detail: a.source_detail,
            received_on: a.received_on,
            recipient_id: a.person_id.to_string(),
            recipient: a.recipient,
            business_id: a.business_id.map(|b| b.to_string()),
            last_check: a.last_check,
            last_condition: a.last_condition,
        }
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub(super) struct AidListOut {
    pub(super) items: Vec<AidOut>,
    pub(super) more: bool,
}

/// Equipment aid in the caller's scope, newest first (20 a page).
#[utoipa::path(get, path = "/api/v1/aid", tag = "business", security(("bearer" = [])), params(ApiPage),
    responses((status = 200, body = AidListOut), (status = 403)))]
pub(super) async fn api_aid_list(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ApiPage>,
) -> Result<Json<AidListOut>, AppError> {
    staff.allow_here(&state, READ, "equipment_aid.list").await?;
    let (rows, more) = db::aid_list(
        &state.db,
        scope_prefix(&staff).as_deref(),
        q.offset(),
        PAGE_SIZE,
    )
    .await?;
    Ok(Json(AidListOut {
        items: rows.into_iter().map(AidOut::of).collect(),
        more,
    }))
}

/// Records equipment given to a person of the caller's village: `barang`, `nilai` (rupiah),
/// `sumber` (kemnaker, kemendes, csr, lainnya), `sumber_lain`, `tanggal`, `penerima` (person id),
/// `usaha` (business id, optional).
#[utoipa::path(post, path = "/api/v1/aid", tag = "business", security(("bearer" = [])), request_body = Object,
    responses((status = 201, body = AidOut), (status = 403), (status = 422)))]
pub(super) async fn api_aid_create(
    State(state): State<AppState>,
    staff: Staff,
    Json(form): Json<AidForm>,
) -> Result<Response, AppError> {
    staff
        .allow_here(&state, WRITE, "equipment_aid.create")
        .await?;
    let village = own_village(&staff)?;
    let (to, input) = check_aid(&state, &village, &form).await??;
    let mut tx = state.db.begin().await?;
    let id = db::give_aid(&mut tx, &staff.actor(), &to, &input).await?;
    tx.commit().await?;
    let a = db::aid(&state.db, id).await?.ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(AidOut::of(a))).into_response())
}

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api_list, api_create))
        .routes(routes!(api_one))
        .routes(routes!(api_report))
        .routes(routes!(api_aid_list, api_aid_create))
}
