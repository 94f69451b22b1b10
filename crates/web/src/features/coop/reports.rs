//! The co-operative desk: the member statement and the RAT pack (PDF and XLSX), each export audited.

use super::*;

/// The heading of a report: the co-op, its village, today, and who prints it.
pub(super) async fn heading(
    state: &AppState,
    staff: &Staff,
    region: &str,
) -> Result<report::Heading, AppError> {
    let village = village_name(state, region).await?;
    Ok(report::Heading::new(
        &format!("Koperasi Desa {village}"),
        &village,
        today(),
        &staff.principal().display_name,
    ))
}

/// Renders a report template off the async workers (Typst takes a moment for long packs).
pub(super) async fn pdf(
    state: &AppState,
    template: &'static str,
    data: serde_json::Value,
) -> Result<Vec<u8>, AppError> {
    state
        .heavy(move || desmigratif_pdf::render(template, &data, "-"))
        .await?
        .map_err(|e| AppError::Internal(format!("laporan tidak bisa disusun: {e}")))
}

/// Hands a report over as a file — never cached, it holds members' money — and records who took
/// it out of the system; `of` is (entity, id, village).
pub(super) async fn exported(
    state: &AppState,
    staff: &Staff,
    of: (&str, Id, &str),
    content_type: &str,
    name: String,
    bytes: Vec<u8>,
) -> Result<Response, AppError> {
    use axum::http::header;
    let (entity, id, region) = of;
    audit::log(
        &state.db,
        &staff.actor(),
        &Event::new("coop.export", entity, id, region).detail(&name),
    )
    .await?;
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

/// The member statement (*rekening anggota*) as PDF: every savings line and the loans.
pub(crate) async fn statement_pdf(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let m = staff.load::<MemberRow>(&state, &id, READ).await?;
    let lines = coop::statement(&state.db, m.id).await?;
    let mut loans = Vec::new();
    for l in coop::loans(&state.db, &m.region_code, Some(m.id), None, 0, 1000)
        .await?
        .0
    {
        let (_, s) = coop::loan_state(&state.db, l.id).await?;
        loans.push(report::MemberLoan {
            product: l.product,
            principal: l.principal,
            status: l
                .status
                .parse()
                .map_err(|_| AppError::Internal("status pinjaman rusak".into()))?,
            outstanding: s.outstanding_principal(),
        });
    }
    let doc = report::MemberStatement::new(
        heading(&state, &staff, &m.region_code).await?,
        &report::Member {
            number: m.number.clone(),
            name: m.name.clone(),
            joined_on: m.joined_on,
        },
        &lines,
        &loans,
    );
    let bytes = pdf(&state, desmigratif_pdf::MEMBER_STATEMENT, doc.to_json()).await?;
    exported(
        &state,
        &staff,
        ("coop_member", m.id, &m.region_code),
        "application/pdf",
        format!("rekening-{}.pdf", m.number),
        bytes,
    )
    .await
}

/// Every member's share in a run with their number and name, by member number: what the run's
/// page and the RAT pack list.
pub(super) async fn shu_shares(
    state: &AppState,
    r: &ShuRunRow,
) -> Result<Vec<report::ShuMemberLine>, AppError> {
    let names: std::collections::HashMap<Id, MemberRow> = coop::members(&state.db, &r.region_code)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    let mut members: Vec<report::ShuMemberLine> = coop::shu_members(&state.db, r.id)
        .await?
        .into_iter()
        .map(|row| {
            let m = names.get(&row.member_id);
            report::ShuMemberLine {
                number: m.map(|m| m.number.clone()).unwrap_or_default(),
                name: m.map(|m| m.name.clone()).unwrap_or_default(),
                savings: row.savings,
                interest_paid: row.interest_paid,
                transactions: row.transactions,
                capital: row.capital,
                patronage: row.patronage,
                total: row.total,
            }
        })
        .collect();
    members.sort_by(|a, b| a.number.cmp(&b.number));
    Ok(members)
}

/// The RAT pack of a run's year: neraca at the year's end, PHU of the year, the SHU.
pub(super) async fn rat_pack(
    state: &AppState,
    staff: &Staff,
    r: &ShuRunRow,
) -> Result<report::RatPack, AppError> {
    let start = NaiveDate::from_ymd_opt(r.year, 1, 1).ok_or(AppError::NotFound)?;
    let end = NaiveDate::from_ymd_opt(r.year, 12, 31).ok_or(AppError::NotFound)?;
    let members = shu_shares(state, r).await?;
    let run = report::ShuRun {
        status: r
            .status
            .parse()
            .map_err(|_| AppError::Internal("status SHU rusak".into()))?,
        result: r.result,
        unclaimed: r.unclaimed,
        parts: coop::shu_parts(&state.db, r.id)
            .await?
            .into_iter()
            .map(|(p, bp, a)| (p, bp as u32, a))
            .collect(),
        members,
    };
    Ok(report::RatPack::new(
        heading(state, staff, &r.region_code).await?,
        r.year,
        &coop::neraca(&state.db, &r.region_code, end).await?,
        &coop::phu(&state.db, &r.region_code, start, end).await?,
        Some(&run),
    ))
}

pub(crate) async fn rat_pdf(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let r = staff.load::<ShuRunRow>(&state, &id, READ).await?;
    let pack = rat_pack(&state, &staff, &r).await?;
    let bytes = pdf(&state, desmigratif_pdf::RAT_PACK, pack.to_json()).await?;
    exported(
        &state,
        &staff,
        ("coop_shu_run", r.id, &r.region_code),
        "application/pdf",
        format!("laporan-rat-{}.pdf", r.year),
        bytes,
    )
    .await
}

pub(crate) async fn rat_xlsx(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    use desmigratif_docs::{Cell, SheetOut};
    let r = staff.load::<ShuRunRow>(&state, &id, READ).await?;
    let sheets: Vec<SheetOut> = rat_pack(&state, &staff, &r)
        .await?
        .tables()
        .into_iter()
        .map(|t| SheetOut {
            name: t.name,
            headers: t.headers,
            rows: t
                .rows
                .into_iter()
                .map(|row| {
                    row.into_iter()
                        .map(|c| match c {
                            report::Cell::Text(t) => Cell::Text(t),
                            report::Cell::Money(m) => Cell::Money(m),
                        })
                        .collect()
                })
                .collect(),
            text_columns: Vec::new(),
        })
        .collect();
    let bytes = desmigratif_docs::write_workbook(&sheets);
    exported(
        &state,
        &staff,
        ("coop_shu_run", r.id, &r.region_code),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        format!("laporan-rat-{}.xlsx", r.year),
        bytes,
    )
    .await
}
