//! Cases: the JSON API (`/api/v1/cases`), over the same rules as the pages.

use super::*;

#[derive(serde::Serialize, utoipa::ToSchema)]
pub(super) struct CaseOut {
    pub(super) id: String,
    pub(super) region_code: String,
    pub(super) worker_name: String,
    pub(super) source: String,
    pub(super) category: String,
    pub(super) urgency: String,
    pub(super) country: String,
    pub(super) agency: String,
    pub(super) employer: String,
    pub(super) status: String,
    pub(super) opened_on: NaiveDate,
    pub(super) due_on: NaiveDate,
    pub(super) overdue: bool,
    pub(super) outcome: Option<String>,
    /// Whole rupiah.
    pub(super) outcome_amount: Option<i64>,
    /// Only when one case is read (and that read is audited).
    pub(super) chronology: Option<String>,
    #[schema(value_type = Option<Vec<Object>>)]
    pub(super) referrals: Option<Vec<serde_json::Value>>,
    #[schema(value_type = Option<Vec<Object>>)]
    pub(super) timeline: Option<Vec<serde_json::Value>>,
    /// The checklist: each document code and whether a file is in.
    #[schema(value_type = Option<Vec<Object>>)]
    pub(super) documents: Option<Vec<serde_json::Value>>,
}

impl CaseOut {
    fn of(c: &CaseRow, today: NaiveDate) -> CaseOut {
        let urgency: Urgency = c.urgency.parse().unwrap_or(Urgency::Normal);
        CaseOut {
            id: c.id.to_string(),
            region_code: c.region_code.clone(),
            worker_name: c.worker_name.clone(),
            source: c.source.clone(),
            category: c.category.clone(),
            urgency: c.urgency.clone(),
            country: c.country.clone(),
            agency: c.agency.clone(),
            employer: c.employer.clone(),
            status: c.status.clone(),
            opened_on: c.opened_on,
            due_on: rules::due_on(urgency, c.last_action_on),
            overdue: rules::is_overdue(c.status(), urgency, c.last_action_on, today),
            outcome: c.outcome.clone(),
            outcome_amount: c.outcome_amount,
            chronology: None,
            referrals: None,
            timeline: None,
            documents: None,
        }
    }
}

/// The caller's cases: a case worker's village, or the cases referred to the caller's office.
#[utoipa::path(get, path = "/api/v1/cases", tag = "cases", security(("bearer" = [])), responses((status = 200, body = Vec<CaseOut>), (status = 403)))]
pub(super) async fn api_list(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<axum::Json<Vec<CaseOut>>, AppError> {
    staff.allow_here(&state, READ, "case.list").await?;
    let today = crate::features::persons::today();
    let p = staff.principal();
    let rows = if p.role == Role::CaseWorker {
        cases::list(&state.db, Some(p.scope.as_stored()), "", 0, 500)
            .await?
            .0
    } else if let Some(office) = office_of(&staff) {
        cases::referred_cases(&state.db, &office).await?
    } else {
        Vec::new()
    };
    Ok(axum::Json(
        rows.iter().map(|c| CaseOut::of(c, today)).collect(),
    ))
}

/// One case with its chronology, referrals and timeline; the read is audited.
#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "cases", security(("bearer" = [])), params(("id" = String, Path)), responses((status = 200, body = CaseOut), (status = 404)))]
pub(super) async fn api_one(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<axum::Json<CaseOut>, AppError> {
    let (c, _) = case_for(&state, &staff, &id).await?;
    let mut out = CaseOut::of(&c, crate::features::persons::today());
    out.chronology = Some(cases::open(&state.keys, &c)?.0);
    out.referrals = Some(
        cases::referrals(&state.db, c.id)
            .await?
            .into_iter()
            .map(|r| {
                serde_json::json!({
                    "id": r.id.to_string(), "target": r.target, "unit": r.unit, "status": r.status,
                    "consent": r.consent, "consent_by": r.consent_by, "consent_on": r.consent_on,
                    "override_reason": r.override_reason, "reason": r.reason, "created_at": r.created_at,
                })
            })
            .collect(),
    );
    out.timeline = Some(
        cases::events(&state.db, c.id)
            .await?
            .into_iter()
            .map(|e| {
                serde_json::json!({
                    "at": e.at, "actor": e.actor, "kind": e.kind, "summary": e.summary,
                    "note": state.keys.decrypt_str(cases::NOTE_CONTEXT, &e.note_enc).unwrap_or_default(),
                })
            })
            .collect(),
    );
    let filed = cases::documents(&state.db, c.id).await?;
    out.documents = Some(
        rules::CASE_DOCUMENTS
            .iter()
            .map(|(code, label, _)| {
                let in_ = filed.iter().any(|(k, f)| k == code && f.is_some());
                serde_json::json!({ "code": code, "label": label, "filed": in_ })
            })
            .collect(),
    );
    Ok(axum::Json(out))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub(super) struct CaseIn {
    /// The village code the case belongs to.
    pub(super) village_code: String,
    /// A public report this case takes up, if any.
    #[serde(default)]
    pub(super) report_id: Option<String>,
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub(super) case: RawCase,
}

/// Opens a case (a case worker of the village).
#[utoipa::path(post, path = "/api/v1/cases", tag = "cases", security(("bearer" = [])), request_body = CaseIn,
    responses((status = 201, body = CaseOut), (status = 403), (status = 422)))]
pub(super) async fn api_create(
    State(state): State<AppState>,
    staff: Staff,
    axum::Json(body): axum::Json<CaseIn>,
) -> Result<Response, AppError> {
    let place = body
        .village_code
        .trim()
        .parse()
        .map(Scope::Region)
        .map_err(|_| {
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
                name: "case.create",
            },
        )
        .await?;
    let input = body.case.check(false).map_err(|list| {
        AppError::Invalid(
            list.into_iter()
                .map(|e| (e.field.to_owned(), e.message))
                .collect(),
        )
    })?;
    let report = match body.report_id.as_deref().filter(|r| !r.is_empty()) {
        Some(r) => Some(report_for(&state, &staff, r).await?.0),
        None => None,
    };
    let id = open_case(
        &state,
        &staff,
        body.village_code.trim(),
        report,
        None,
        &input,
    )
    .await?;
    let today = crate::features::persons::today();
    let c = cases::get(&state.db, id).await?.ok_or(AppError::NotFound)?;
    Ok((
        axum::http::StatusCode::CREATED,
        axum::Json(CaseOut::of(&c, today)),
    )
        .into_response())
}

pub fn api() -> utoipa_axum::router::OpenApiRouter<AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(api_list, api_create))
        .routes(routes!(api_one))
}
