//! Cases: one case.

use super::*;

pub(super) struct EventView {
    pub(super) at: String,
    pub(super) actor: String,
    pub(super) kind: String,
    pub(super) summary: String,
    pub(super) note: String,
}

pub(super) struct ReferralView {
    pub(super) r: ReferralRow,
    pub(super) target: &'static str,
    pub(super) status: &'static str,
    pub(super) consent: &'static str,
    pub(super) next: Vec<ReferralStatus>,
}

#[derive(Template)]
#[template(path = "case.html")]
pub(super) struct CasePage {
    pub(super) page: Page,
    pub(super) c: CaseRow,
    pub(super) line: Line,
    pub(super) chronology: String,
    pub(super) reporter: String,
    pub(super) source: &'static str,
    pub(super) urgency: &'static str,
    pub(super) outcome: String,
    pub(super) events: Vec<EventView>,
    pub(super) referrals: Vec<ReferralView>,
    pub(super) next: Vec<CaseStatus>,
    pub(super) handles: bool,
    pub(super) receiver: bool,
    pub(super) may_override: bool,
    /// The case is in a state a referral can be made from.
    pub(super) can_refer: bool,
    /// The checklist: (code, label, filed).
    pub(super) documents: Vec<(&'static str, &'static str, bool)>,
    /// Case workers of the case's village: (user id, name), for the assignment.
    pub(super) workers: Vec<(String, String)>,
    pub(super) assigned: String,
    pub(super) targets: &'static [ReferralTarget],
    pub(super) outcomes: &'static [OutcomeKind],
    pub(super) errors: FieldErrors,
}

pub(super) async fn case_page(
    state: &AppState,
    staff: &Staff,
    id: &str,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let (c, standing) = case_for(state, staff, id).await?;
    let (chronology, reporter) = cases::open(&state.keys, &c)?;
    let events = cases::events(&state.db, c.id)
        .await?
        .into_iter()
        .map(|e| EventView {
            at: crate::page::when(&e.at),
            note: state
                .keys
                .decrypt_str(cases::NOTE_CONTEXT, &e.note_enc)
                .unwrap_or_default(),
            actor: e.actor,
            kind: e.kind,
            summary: e.summary,
        })
        .collect();
    let office = office_of(staff).unwrap_or_default();
    let referrals = cases::referrals(&state.db, c.id)
        .await?
        .into_iter()
        .map(|r| {
            let s = r.status();
            // The receiving office answers its own referral; the case worker may revoke any.
            let next = ReferralStatus::ALL
                .iter()
                .copied()
                .filter(|to| s.can_move_to(*to))
                .filter(|to| match standing {
                    Standing::Worker => *to == ReferralStatus::Revoked,
                    Standing::Receiver => {
                        r.receiver_region == office && *to != ReferralStatus::Revoked
                    }
                })
                .collect();
            ReferralView {
                target: r
                    .target
                    .parse::<ReferralTarget>()
                    .map(|t| t.label_id())
                    .unwrap_or(""),
                status: s.label_id(),
                consent: r
                    .consent
                    .parse::<Consent>()
                    .map(|k| k.label_id())
                    .unwrap_or(""),
                next,
                r,
            }
        })
        .collect();
    let place = case_place(&c)?;
    let handles = standing == Standing::Worker && staff.principal().may(WRITE, &place);
    let may_override = handles && staff.principal().may(Action::OverrideConsent, &place);
    let workers = case_workers(state, &c.region_code).await?;
    let assigned = c
        .assigned_to
        .and_then(|a| workers.iter().find(|(id, _)| *id == a.to_string()))
        .map(|(_, name)| name.clone())
        .unwrap_or_default();
    let today = crate::features::persons::today();
    let bad = !errors.is_empty();
    render_form(
        CasePage {
            documents: {
                let filed = cases::documents(&state.db, c.id).await?;
                rules::CASE_DOCUMENTS
                    .iter()
                    .map(|(code, label, _)| {
                        (
                            *code,
                            *label,
                            filed.iter().any(|(k, f)| k == code && f.is_some()),
                        )
                    })
                    .collect()
            },
            can_refer: handles
                && (c.status() == CaseStatus::Referred
                    || c.status().can_move_to(CaseStatus::Referred)),
            workers,
            assigned,
            page: Page::new(&staff.ctx, "cases.one"),
            line: line(&c, today),
            chronology,
            reporter: [
                reporter["name"].as_str().unwrap_or_default(),
                reporter["contact"].as_str().unwrap_or_default(),
            ]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" · "),
            source: c
                .source
                .parse::<IntakeSource>()
                .map(|s| s.label_id())
                .unwrap_or(""),
            urgency: c
                .urgency
                .parse::<Urgency>()
                .map(|s| s.label_id())
                .unwrap_or(""),
            outcome: match (&c.outcome, c.outcome_amount) {
                (Some(o), amount) => {
                    let label = o.parse::<OutcomeKind>().map(|k| k.label_id()).unwrap_or("");
                    match amount.filter(|a| *a > 0) {
                        Some(a) => format!("{label}: {}", desmigratif_core::fees::RUPIAH.format(a)),
                        None => label.to_owned(),
                    }
                }
                (None, _) => String::new(),
            },
            next: if handles {
                c.status().next()
            } else {
                Vec::new()
            },
            events,
            referrals,
            handles,
            receiver: standing == Standing::Receiver,
            may_override,
            targets: ReferralTarget::ALL,
            outcomes: OutcomeKind::ALL,
            errors,
            c,
        },
        bad,
    )
}

/// The active case workers of a village, (id, name), to assign cases to.
pub(super) async fn case_workers(
    state: &AppState,
    region: &str,
) -> Result<Vec<(String, String)>, AppError> {
    let Ok(code) = region.parse() else {
        return Ok(Vec::new());
    };
    let (users, _) =
        desmigratif_db::users::list_within(&state.db, &Scope::Region(code), 0, 200).await?;
    Ok(users
        .into_iter()
        .filter(|u| u.role == Role::CaseWorker.as_str() && u.scope == region && !u.disabled)
        .map(|u| (u.id.to_string(), u.display_name))
        .collect())
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct AssignForm {
    pub(super) petugas: String,
}

pub(crate) async fn assign(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(f): Form<AssignForm>,
) -> Result<Response, AppError> {
    let c = case_to_handle(&state, &staff, &id).await?;
    let workers = case_workers(&state, &c.region_code).await?;
    let chosen = workers
        .into_iter()
        .find(|(uid, _)| *uid == f.petugas.trim());
    let Some((uid, name)) = chosen else {
        let mut errors = FieldErrors::default();
        errors.add("petugas", "pilih petugas advokasi desa ini");
        return case_page(&state, &staff, &id, errors).await;
    };
    let to: Id = uid
        .parse()
        .map_err(|_| AppError::Internal("id pengguna rusak".into()))?;
    let (actor, keys) = (staff.actor(), state.keys.clone());
    write_then_show(&state, &staff, &id, async |tx| {
        cases::assign(tx, &actor, &keys, &c, Some(to), &name).await
    })
    .await
}

pub(crate) async fn show(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    case_page(&state, &staff, &id, FieldErrors::default()).await
}

/// Runs one write of a case in its own transaction; a rule the write breaks comes back on the
/// case page (after the transaction has ended, so the page's audited read does not wait on it).
pub(super) async fn write_then_show<F>(
    state: &AppState,
    staff: &Staff,
    id: &str,
    write: F,
) -> Result<Response, AppError>
where
    F: AsyncFnOnce(&mut desmigratif_db::Tx) -> Result<(), desmigratif_db::DbError>,
{
    let refused = {
        let mut tx = state.db.begin().await?;
        match write(&mut tx).await {
            Ok(()) => tx.commit().await.map(|_| None),
            Err(desmigratif_db::DbError::Conflict(m)) => Ok(Some(m)),
            Err(e) => Err(e),
        }
    }?;
    match refused {
        None => Ok(Redirect::to(&format!("/app/kasus/{id}")).into_response()),
        Some(m) => {
            let mut errors = FieldErrors::default();
            errors.add("kasus", m);
            case_page(state, staff, id, errors).await
        }
    }
}

pub(super) fn field_errors(list: Vec<desmigratif_core::Invalid>) -> FieldErrors {
    let mut errors = FieldErrors::default();
    list.into_iter().for_each(|e| errors.push(e));
    errors
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct StatusForm {
    pub(super) status: String,
    pub(super) catatan: String,
}

pub(crate) async fn move_status(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(f): Form<StatusForm>,
) -> Result<Response, AppError> {
    let c = case_to_handle(&state, &staff, &id).await?;
    let to = match f.status.parse::<CaseStatus>() {
        Ok(to) => to,
        Err(e) => return case_page(&state, &staff, &id, field_errors(vec![e])).await,
    };
    let (actor, keys, today) = (
        staff.actor(),
        state.keys.clone(),
        crate::features::persons::today(),
    );
    write_then_show(&state, &staff, &id, async |tx| {
        cases::move_status(tx, &actor, &keys, c.id, to, &f.catatan, today).await
    })
    .await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct NoteForm {
    pub(super) catatan: String,
}

pub(crate) async fn add_note(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(f): Form<NoteForm>,
) -> Result<Response, AppError> {
    let c = case_to_handle(&state, &staff, &id).await?;
    let note = f.catatan.trim().replace("\r\n", "\n");
    if note.is_empty()
        || note.chars().count() > rules::NOTE_MAX
        || desmigratif_core::reports::markup_or_control(&note)
    {
        let mut errors = FieldErrors::default();
        errors.add(
            "catatan",
            "catatan 1–2.000 huruf, tanpa kode atau tanda < >",
        );
        return case_page(&state, &staff, &id, errors).await;
    }
    let (actor, keys, today) = (
        staff.actor(),
        state.keys.clone(),
        crate::features::persons::today(),
    );
    write_then_show(&state, &staff, &id, async |tx| {
        cases::add_note(tx, &actor, &keys, &c, &note, today).await
    })
    .await
}

pub(crate) async fn refer(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(f): Form<RawReferral>,
) -> Result<Response, AppError> {
    let c = case_to_handle(&state, &staff, &id).await?;
    let place = case_place(&c)?;
    let may_override = staff.principal().may(Action::OverrideConsent, &place);
    if f.persetujuan == Consent::Override.as_str() && !may_override {
        // Asking for an override without the grant is refused and audited like any denial.
        staff
            .allow(
                &state,
                Action::OverrideConsent,
                &place,
                Target::Action {
                    name: "case.referral.override",
                },
            )
            .await?;
    }
    let today = crate::features::persons::today();
    let r = match f.check(today, may_override) {
        Ok(r) => r,
        Err(list) => return case_page(&state, &staff, &id, field_errors(list)).await,
    };
    let receiver = receiver_region(r.target, &c.region_code);
    let (actor, keys) = (staff.actor(), state.keys.clone());
    write_then_show(&state, &staff, &id, async |tx| {
        cases::refer(tx, &actor, &keys, &c, &r, &receiver, today)
            .await
            .map(|_| ())
    })
    .await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct ReferralMove {
    pub(super) status: String,
    pub(super) alasan: String,
}

/// The receiving office answers a referral (accepted, rejected with a reason, done); the case
/// worker may revoke it. A rejected or revoked referral sends the case back to handling.
pub(crate) async fn move_referral(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, rid)): Path<(String, String)>,
    Form(f): Form<ReferralMove>,
) -> Result<Response, AppError> {
    let (c, standing) = case_for(&state, &staff, &id).await?;
    let rid: Id = rid.parse().map_err(|_| AppError::NotFound)?;
    let r = cases::referral(&state.db, rid)
        .await?
        .filter(|r| r.case_id == c.id)
        .ok_or(AppError::NotFound)?;
    let to = match f.status.parse::<ReferralStatus>() {
        Ok(to) => to,
        Err(e) => return case_page(&state, &staff, &id, field_errors(vec![e])).await,
    };
    let place = case_place(&c)?;
    let own_referral = office_of(&staff).as_deref() == Some(r.receiver_region.as_str());
    let permission = match standing {
        Standing::Worker if to == ReferralStatus::Revoked => Some(WRITE),
        Standing::Receiver if to != ReferralStatus::Revoked && own_referral => {
            Some(Action::HandleReports)
        }
        _ => None,
    };
    let Some(permission) = permission else {
        return Err(staff
            .refuse(
                &state,
                "case_referral",
                &r.id.to_string(),
                &c.region_code,
                &format!("referral move to {}", to.as_str()),
                AppError::Forbidden,
            )
            .await);
    };
    staff
        .allow(
            &state,
            permission,
            &place,
            Target::Object {
                entity: "case",
                id: &id,
            },
        )
        .await?;
    let (actor, keys, today) = (
        staff.actor(),
        state.keys.clone(),
        crate::features::persons::today(),
    );
    write_then_show(&state, &staff, &id, async |tx| {
        cases::move_referral(tx, &actor, &keys, &c, &r, to, &f.alasan).await?;
        if matches!(to, ReferralStatus::Rejected | ReferralStatus::Revoked)
            && c.status() == CaseStatus::Referred
        {
            cases::move_status(
                tx,
                &actor,
                &keys,
                c.id,
                CaseStatus::InProgress,
                &f.alasan,
                today,
            )
            .await?;
        }
        Ok(())
    })
    .await
}

/// Files a scan of a checklist document (PDF, JPEG or PNG, ≤ 10 MB, type read from the
/// content), encrypted at rest under the case's own context.
pub(crate) async fn upload(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, code)): Path<(String, String)>,
    mut multipart: axum::extract::Multipart,
) -> Result<Response, AppError> {
    let c = case_to_handle(&state, &staff, &id).await?;
    if !rules::CASE_DOCUMENTS.iter().any(|(k, _, _)| *k == code) {
        return Err(AppError::NotFound);
    }
    let cut =
        || AppError::BadRequest("unggahan terputus atau terlalu besar (maksimal 10 MB)".into());
    let mut data = Vec::new();
    while let Some(field) = multipart.next_field().await.map_err(|_| cut())? {
        if field.name() == Some("berkas") {
            data = field.bytes().await.map_err(|_| cut())?.to_vec();
        }
    }
    let mut errors = FieldErrors::default();
    let content_type = desmigratif_core::registry::sniff_scan(&data);
    if data.is_empty() {
        errors.add("berkas", "pilih berkas yang akan diunggah");
    } else if data.len() > crate::UPLOAD_LIMIT {
        errors.add(
            "berkas",
            "berkas lebih dari 10 MB; perkecil atau pindai ulang",
        );
    } else if content_type.is_none() {
        errors.add(
            "berkas",
            "isi berkas bukan PDF, JPEG atau PNG (jenis dilihat dari isinya, bukan dari namanya)",
        );
    }
    let Some(content_type) = content_type.filter(|_| errors.is_empty()) else {
        return case_page(&state, &staff, &id, errors).await;
    };
    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&data));
    let sealed = state.keys.encrypt(cases::FILE_CONTEXT, &data);
    let (actor, keys) = (staff.actor(), state.keys.clone());
    write_then_show(&state, &staff, &id, async |tx| {
        let file = desmigratif_db::registry::store_file(
            tx,
            &actor,
            &c.region_code,
            content_type,
            data.len() as i64,
            &sha,
            &sealed,
        )
        .await?;
        cases::attach(tx, &actor, &keys, &c, &code, file).await
    })
    .await
}

/// Sends a case document to someone who may read the case; every download is audited.
pub(crate) async fn download(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, code)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let (c, _) = case_for(&state, &staff, &id).await?;
    let f = cases::file(&state.db, c.id, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    let data = state
        .keys
        .decrypt(cases::FILE_CONTEXT, &f.data_enc)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    audit::log(
        &state.db,
        &staff.actor(),
        &Event::new("case.document.download", "case", c.id, &c.region_code).detail(code.clone()),
    )
    .await?;
    let ext = match f.content_type.as_str() {
        "application/pdf" => "pdf",
        "image/png" => "png",
        _ => "jpg",
    };
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, f.content_type.clone()),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"kasus-{code}.{ext}\""),
            ),
            (axum::http::header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        data,
    )
        .into_response())
}

/// The case summary as a PDF, for the file or to travel with a referral: an export of case
/// contents, audited like a read.
pub(crate) async fn summary_pdf(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let (c, _) = case_for(&state, &staff, &id).await?;
    let (chronology, reporter) = cases::open(&state.keys, &c)?;
    let label = |raw: &str, of: fn(&str) -> Option<&'static str>| of(raw).unwrap_or("").to_owned();
    let facts = vec![
        ["Pekerja migran".to_owned(), c.worker_name.clone()],
        [
            "Kategori".into(),
            label(&c.category, |s| {
                s.parse::<CaseCategory>().ok().map(|k| k.label_id())
            }),
        ],
        ["Status".into(), c.status().label_id().into()],
        [
            "Urgensi".into(),
            label(&c.urgency, |s| {
                s.parse::<Urgency>().ok().map(|k| k.label_id())
            }),
        ],
        ["Dibuka".into(), c.opened_on.format("%d-%m-%Y").to_string()],
        [
            "Wilayah".into(),
            format!(
                "{} ({})",
                crate::features::dashboard::place_of(&c.region_code, &state.regions),
                c.region_code
            ),
        ],
        ["Negara".into(), c.country.clone()],
        ["Perusahaan penempatan".into(), c.agency.clone()],
        ["Pemberi kerja".into(), c.employer.clone()],
        [
            "Pelapor".into(),
            [
                reporter["name"].as_str().unwrap_or_default(),
                reporter["contact"].as_str().unwrap_or_default(),
            ]
            .join(" ")
            .trim()
            .to_owned(),
        ],
        ["Hasil".into(), c.outcome.clone().unwrap_or_default()],
    ];
    let referrals: Vec<[String; 4]> = cases::referrals(&state.db, c.id)
        .await?
        .into_iter()
        .map(|r| [r.target, r.unit, r.status, r.consent])
        .collect();
    let timeline: Vec<[String; 3]> = cases::events(&state.db, c.id)
        .await?
        .into_iter()
        .map(|e| {
            let note = state
                .keys
                .decrypt_str(cases::NOTE_CONTEXT, &e.note_enc)
                .unwrap_or_default();
            [
                crate::page::when(&e.at),
                e.actor,
                format!("{} {} {}", e.kind, e.summary, note)
                    .trim()
                    .to_owned(),
            ]
        })
        .collect();
    let data = serde_json::json!({
        "title": "Ringkasan Kasus Advokasi",
        "facts": facts,
        "chronology": chronology,
        "referrals": referrals,
        "timeline": timeline,
        "printed": crate::page::when(&desmigratif_core::now()),
        "printed_by": staff.principal().display_name,
    });
    let pdf = state
        .heavy(move || desmigratif_pdf::render(desmigratif_pdf::CASE_SUMMARY, &data, "-"))
        .await?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    audit::log(
        &state.db,
        &staff.actor(),
        &Event::new("case.export", "case", c.id, &c.region_code).detail("pdf"),
    )
    .await?;
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/pdf".to_owned(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"ringkasan-kasus-{}.pdf\"",
                    c.opened_on
                ),
            ),
            (axum::http::header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        pdf,
    )
        .into_response())
}

pub(crate) async fn outcome(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(f): Form<RawOutcome>,
) -> Result<Response, AppError> {
    let c = case_to_handle(&state, &staff, &id).await?;
    let today = crate::features::persons::today();
    let o = match f.check(today) {
        Ok(o) => o,
        Err(list) => return case_page(&state, &staff, &id, field_errors(list)).await,
    };
    let (actor, keys) = (staff.actor(), state.keys.clone());
    write_then_show(&state, &staff, &id, async |tx| {
        cases::record_outcome(tx, &actor, &keys, &c, &o, today).await
    })
    .await
}
