//! Businesses: equipment aid.

use super::*;

#[derive(Template)]
#[template(path = "aid_list.html")]
pub(super) struct AidListPage {
    pub(super) page: Page,
    pub(super) lines: Vec<AidLine>,
    pub(super) page_no: i64,
    pub(super) more: bool,
    pub(super) can_write: bool,
}

pub(crate) async fn aid_list(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    staff.allow_here(&state, READ, "equipment_aid.list").await?;
    let page_no = q.page_no();
    let (rows, more) = db::aid_list(
        &state.db,
        scope_prefix(&staff).as_deref(),
        (page_no - 1) * PAGE_SIZE,
        PAGE_SIZE,
    )
    .await?;
    let today = today();
    render(AidListPage {
        page: Page::new(&staff.ctx, "aid.title"),
        lines: rows.iter().map(|a| AidLine::of(a, today)).collect(),
        page_no,
        more,
        can_write: staff.principal().may_here(WRITE),
    })
}

/// The aid form: the equipment, and who received it, picked by searching the village's people.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct AidForm {
    #[serde(flatten)]
    pub(super) aid: RawAid,
    pub(super) penerima: String,
    pub(super) usaha: String,
    pub(super) cari: String,
}

#[derive(Template)]
#[template(path = "aid_form.html")]
pub(super) struct AidFormPage {
    pub(super) page: Page,
    pub(super) form: AidForm,
    pub(super) candidates: Vec<PersonListRow>,
    pub(super) businesses: Vec<(String, String)>,
    pub(super) errors: FieldErrors,
    pub(super) sources: &'static [AidSource],
}

pub(super) async fn aid_form_page(
    state: &AppState,
    staff: &Staff,
    village: &str,
    form: AidForm,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let candidates = candidates(state, village, &form.cari).await?;
    let businesses = db::list(&state.db, Some(village), 0, 500)
        .await?
        .0
        .into_iter()
        .map(|b| (b.id.to_string(), b.name))
        .collect();
    let bad = !errors.is_empty();
    render_form(
        AidFormPage {
            page: Page::new(&staff.ctx, "aid.new"),
            form,
            candidates,
            businesses,
            errors,
            sources: AidSource::ALL,
        },
        bad,
    )
}

pub(crate) async fn aid_new(
    State(state): State<AppState>,
    staff: Staff,
    Query(form): Query<AidForm>,
) -> Result<Response, AppError> {
    staff
        .allow_here(&state, WRITE, "equipment_aid.create")
        .await?;
    let village = own_village(&staff)?;
    aid_form_page(&state, &staff, &village, form, FieldErrors::default()).await
}

/// Checks the whole aid form: the equipment, the recipient (a person of the village) and the
/// business it serves (one of the village's, or none).
pub(super) async fn check_aid(
    state: &AppState,
    village: &str,
    form: &AidForm,
) -> Result<Result<(AidRecipient, desmigratif_core::business::AidInput), FieldErrors>, AppError> {
    let mut errors = FieldErrors::default();
    let input = form
        .aid
        .check(today())
        .map_err(|list| list.into_iter().for_each(|e| errors.push(e)))
        .ok();
    let person = match person_of_village(state, &form.penerima, village, "penerima").await? {
        Ok(id) => Some(id),
        Err(e) => {
            errors.0.extend(e.0);
            None
        }
    };
    let business = match form.usaha.trim() {
        "" => None,
        raw => match raw.parse::<Id>() {
            Ok(id) => match db::get(&state.db, id).await? {
                Some(b) if b.region_code == village => Some(id),
                _ => {
                    errors.add("usaha", "usaha ini tidak tercatat di desa ini");
                    None
                }
            },
            Err(_) => {
                errors.add("usaha", "pilih usaha dari daftar");
                None
            }
        },
    };
    Ok(match (input, person) {
        (Some(input), Some(person_id)) if errors.is_empty() => Ok((
            AidRecipient {
                region_code: village.to_owned(),
                person_id,
                business_id: business,
            },
            input,
        )),
        _ => Err(errors),
    })
}

pub(crate) async fn aid_create(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<AidForm>,
) -> Result<Response, AppError> {
    staff
        .allow_here(&state, WRITE, "equipment_aid.create")
        .await?;
    let village = own_village(&staff)?;
    match check_aid(&state, &village, &form).await? {
        Err(errors) => aid_form_page(&state, &staff, &village, form, errors).await,
        Ok((to, input)) => {
            let mut tx = state.db.begin().await?;
            let id = db::give_aid(&mut tx, &staff.actor(), &to, &input).await?;
            tx.commit().await?;
            Ok(Redirect::to(&format!("/app/bantuan/{id}")).into_response())
        }
    }
}

#[derive(Template)]
#[template(path = "aid.html")]
pub(super) struct AidPage {
    pub(super) page: Page,
    pub(super) a: AidLine,
    pub(super) business_id: String,
    pub(super) checks: Vec<(String, &'static str, String)>,
    pub(super) form: RawAidCheck,
    pub(super) errors: FieldErrors,
    pub(super) conditions: &'static [AidCondition],
    pub(super) can_write: bool,
}

pub(super) async fn aid_page(
    state: &AppState,
    staff: &Staff,
    a: AidRow,
    form: RawAidCheck,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let checks = db::aid_checks(&state.db, a.id)
        .await?
        .into_iter()
        .map(|k| {
            (
                date(k.checked_on),
                k.condition
                    .parse::<AidCondition>()
                    .map(AidCondition::label_id)
                    .unwrap_or("—"),
                k.note,
            )
        })
        .collect();
    let bad = !errors.is_empty();
    render_form(
        AidPage {
            page: Page::new(&staff.ctx, "aid.one"),
            business_id: a.business_id.map(|b| b.to_string()).unwrap_or_default(),
            a: AidLine::of(&a, today()),
            checks,
            form,
            errors,
            conditions: AidCondition::ALL,
            can_write: staff.principal().may_here(WRITE),
        },
        bad,
    )
}

pub(crate) async fn aid_detail(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let a = staff.load::<AidRow>(&state, &id, READ).await?;
    aid_page(
        &state,
        &staff,
        a,
        RawAidCheck::default(),
        FieldErrors::default(),
    )
    .await
}

pub(crate) async fn aid_check(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(raw): Form<RawAidCheck>,
) -> Result<Response, AppError> {
    let a = staff.load::<AidRow>(&state, &id, WRITE).await?;
    match raw.check(today(), a.received_on) {
        Err(list) => aid_page(&state, &staff, a, raw, list.into()).await,
        Ok(k) => {
            let mut tx = state.db.begin().await?;
            db::check_aid(&mut tx, &staff.actor(), &a, &k).await?;
            tx.commit().await?;
            Ok(Redirect::to(&format!("/app/bantuan/{id}")).into_response())
        }
    }
}
