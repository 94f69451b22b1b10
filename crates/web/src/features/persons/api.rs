//! Residents: the JSON API (`/api/v1/persons`), over the same rules as the pages.

use super::*;

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct PersonOut {
    pub(super) id: String,
    pub(super) village_code: String,
    /// Masked: the six region digits, then bullets (`321216••••••••••`). Neither the full NIK
    /// nor any digit of its serial is sent by the API.
    pub(super) nik_masked: String,
    pub(super) name: String,
    pub(super) sex: String,
    pub(super) birth_place: String,
    pub(super) birth_date: String,
    pub(super) dusun: String,
    pub(super) rt: String,
    pub(super) rw: String,
    pub(super) address: String,
    pub(super) phone: String,
    pub(super) education: String,
    pub(super) marital_status: String,
    pub(super) skills: String,
    pub(super) household_id: Option<String>,
    pub(super) relationship: String,
    pub(super) passport_expiry: Option<String>,
    pub(super) nik_warnings: Vec<String>,
}

impl From<PersonRow> for PersonOut {
    fn from(p: PersonRow) -> PersonOut {
        PersonOut {
            id: p.id.to_string(),
            village_code: p.village_code,
            nik_masked: desmigratif_core::nik::masked(&p.nik_prefix),
            name: p.name,
            sex: p.sex,
            birth_place: p.birth_place,
            birth_date: p.birth_date.to_string(),
            dusun: p.dusun,
            rt: p.rt,
            rw: p.rw,
            address: p.address,
            phone: p.phone,
            education: p.education,
            marital_status: p.marital_status,
            skills: p.skills,
            household_id: p.household_id.map(|h| h.to_string()),
            relationship: p.relationship,
            passport_expiry: p.passport_expiry.map(|d| d.to_string()),
            nik_warnings: p.nik_warnings.lines().map(str::to_owned).collect(),
        }
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub(super) struct PersonPage_ {
    /// Matches, counted up to 1,001: 1,001 means "more than 1,000" (narrow the search).
    pub(super) total: i64,
    #[schema(value_type = Vec<Object>)]
    pub(super) items: Vec<PersonListRow>,
}

/// People in the caller's scope, filtered like the search page.
#[utoipa::path(get, path = "/api/v1/persons", tag = "registry", security(("bearer" = [])), params(SearchQuery), responses((status = 200, body = PersonPage_), (status = 400), (status = 403)))]
pub(super) async fn api_list(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<SearchQuery>,
) -> Result<Json<PersonPage_>, AppError> {
    staff.allow_here(&state, READ, "person.list").await?;
    let f = q.filter(&state, &staff.principal().scope)?;
    let (items, total) = registry::search_persons(&state.db, &f).await?;
    Ok(Json(PersonPage_ { total, items }))
}

/// One person.
#[utoipa::path(get, path = "/api/v1/persons/{id}", tag = "registry", security(("bearer" = [])), params(("id" = String, Path)), responses((status = 200, body = PersonOut), (status = 404)))]
pub(super) async fn api_one(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Json<PersonOut>, AppError> {
    Ok(Json(
        staff.load::<PersonRow>(&state, &id, READ).await?.into(),
    ))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct PersonIn {
    /// Village code the person is registered in.
    pub(super) village_code: String,
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub(super) input: PersonInput,
}

/// Registers a person. NIK warnings must be confirmed with `"confirm_warnings": "ya"`, otherwise
/// the answer is 422 listing them.
#[utoipa::path(post, path = "/api/v1/persons", tag = "registry", security(("bearer" = [])), request_body = PersonIn, responses((status = 201, body = PersonOut), (status = 403), (status = 409), (status = 422)))]
pub(super) async fn api_create(
    State(state): State<AppState>,
    staff: Staff,
    Json(body): Json<PersonIn>,
) -> Result<Response, AppError> {
    let place = body.village_code.parse().map(Scope::Region).map_err(|_| {
        AppError::Invalid(vec![(
            "village_code".into(),
            "kode desa tidak valid".into(),
        )])
    })?;
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
    if desmigratif_db::villages::by_code(&state.db, &body.village_code.parse()?)
        .await?
        .is_none()
    {
        return Err(AppError::Invalid(vec![(
            "village_code".into(),
            "desa ini tidak dilayani deployment ini".into(),
        )]));
    }
    let v = match checked(&state, &body.input) {
        Ok(v) => v,
        Err((errors, warnings)) => {
            let mut all = errors.0;
            all.extend(
                warnings
                    .into_iter()
                    .map(|w| ("confirm_warnings".to_owned(), w)),
            );
            return Err(AppError::Invalid(all));
        }
    };
    let record = PersonRecord::seal(&body.village_code, &v, &state.keys);
    let mut tx = state.db.begin().await?;
    let id = registry::create_person(&mut tx, &staff.actor(), &record).await?;
    tx.commit().await?;
    let p = registry::person(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(PersonOut::from(p))).into_response())
}

/// Replaces a person's details (same checks and warnings as the edit page).
#[utoipa::path(put, path = "/api/v1/persons/{id}", tag = "registry", security(("bearer" = [])), params(("id" = String, Path)), request_body = Object,
    responses((status = 200, body = PersonOut), (status = 404), (status = 422)))]
pub(super) async fn api_update(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Json(input): Json<PersonInput>,
) -> Result<Json<PersonOut>, AppError> {
    let p = staff.load::<PersonRow>(&state, &id, WRITE).await?;
    if let Err((errors, warnings)) = save_person(&state, &staff, &p, &input).await? {
        let mut all = errors.0;
        all.extend(
            warnings
                .into_iter()
                .map(|w| ("confirm_warnings".to_owned(), w)),
        );
        return Err(AppError::Invalid(all));
    }
    Ok(Json(
        registry::person(&state.db, p.id)
            .await?
            .ok_or(AppError::NotFound)?
            .into(),
    ))
}

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api_list, api_create))
        .routes(routes!(api_one, api_update))
}
