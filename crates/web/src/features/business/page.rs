//! Businesses: one business — owners, permits, monthly results, mentoring visits, KUR referrals.

use super::*;

/// What the business page's forms hold: empty, or what was typed into the one that failed.
#[derive(Default)]
pub(super) struct Forms {
    pub(super) permit: RawPermit,
    pub(super) report: RawMonthlyReport,
    pub(super) visit: RawVisit,
    pub(super) kur: RawKur,
    /// Which form the errors belong to (its anchor), so only that one shows them and opens.
    pub(super) open: &'static str,
    pub(super) errors: FieldErrors,
}

impl Forms {
    fn failed(open: &'static str, errors: FieldErrors) -> Forms {
        Forms {
            open,
            errors,
            ..Forms::default()
        }
    }
}

pub struct PermitLine {
    pub id: String,
    pub kind: &'static str,
    pub number: String,
    pub issued: String,
    pub expires: String,
    /// "", "soon" or "expired".
    pub standing: &'static str,
}

impl PermitLine {
    fn of(p: &PermitRow, today: NaiveDate) -> PermitLine {
        PermitLine {
            id: p.id.to_string(),
            kind: p
                .kind
                .parse::<PermitKind>()
                .map(PermitKind::label_id)
                .unwrap_or("—"),
            number: p.number.clone(),
            issued: date(p.issued_on),
            expires: p.expires_on.map(date).unwrap_or_default(),
            standing: match permit_standing(p.expires_on, today) {
                PermitStanding::Valid => "",
                PermitStanding::ExpiresSoon => "soon",
                PermitStanding::Expired => "expired",
            },
        }
    }
}

pub struct ReportLine {
    pub month: String,
    pub revenue: String,
    pub costs: String,
    pub profit: String,
    pub loss: bool,
    pub workers: i32,
    pub note: String,
}

pub struct VisitLine {
    pub on: String,
    pub facilitator: String,
    pub notes: String,
    pub next_steps: String,
    pub follow_up: String,
    pub due: bool,
}

pub struct KurLine {
    pub id: String,
    pub bank: String,
    pub amount: String,
    pub status: &'static str,
    pub referred: String,
    pub decided: String,
    pub approved: String,
    pub next: Vec<KurStatus>,
}

impl KurLine {
    fn of(k: &KurRow) -> KurLine {
        let status = k.status();
        KurLine {
            id: k.id.to_string(),
            bank: k.bank.clone(),
            amount: rupiah(k.amount),
            status: status.label_id(),
            referred: date(k.referred_on),
            decided: k.decided_on.map(date).unwrap_or_default(),
            approved: k.approved_amount.map(rupiah).unwrap_or_default(),
            next: KurStatus::ALL
                .iter()
                .copied()
                .filter(|to| status.can_move_to(*to))
                .collect(),
        }
    }
}

pub struct AidLine {
    pub id: String,
    pub item: String,
    pub value: String,
    pub source: String,
    pub received: String,
    pub recipient: String,
    pub business: String,
    pub condition: String,
    pub check_due: bool,
}

impl AidLine {
    pub(super) fn of(a: &AidRow, today: NaiveDate) -> AidLine {
        let source = a
            .source
            .parse::<AidSource>()
            .map(AidSource::label_id)
            .unwrap_or("—");
        AidLine {
            id: a.id.to_string(),
            item: a.item.clone(),
            value: rupiah(a.value),
            source: if a.source_detail.is_empty() {
                source.to_owned()
            } else {
                format!("{source}: {}", a.source_detail)
            },
            received: date(a.received_on),
            recipient: a.recipient.clone(),
            business: a.business.clone().unwrap_or_default(),
            condition: a
                .last_condition
                .as_deref()
                .and_then(|c| c.parse::<AidCondition>().ok())
                .map(|c| c.label_id().to_owned())
                .unwrap_or_default(),
            check_due: desmigratif_core::business::aid_check_due(
                a.received_on,
                a.last_check,
                today,
            ),
        }
    }
}

#[derive(Template)]
#[template(path = "business.html")]
pub(super) struct DetailPage {
    pub(super) page: Page,
    pub(super) b: BusinessRow,
    pub(super) sector: &'static str,
    pub(super) started: String,
    pub(super) owners: Vec<OwnerRow>,
    pub(super) cari: String,
    pub(super) candidates: Vec<PersonListRow>,
    pub(super) permits: Vec<PermitLine>,
    pub(super) chart: String,
    pub(super) reports: Vec<ReportLine>,
    pub(super) missing: Vec<String>,
    pub(super) visits: Vec<VisitLine>,
    pub(super) kur: Vec<KurLine>,
    pub(super) aid: Vec<AidLine>,
    pub(super) forms: Forms,
    /// The failed form's problems (taken out of `forms` for the page's error summary).
    pub(super) errors: FieldErrors,
    pub(super) can_write: bool,
    pub(super) permit_kinds: &'static [PermitKind],
    pub(super) banks: &'static [&'static str],
    pub(super) this_month: String,
}

impl DetailPage {
    /// A field's message, shown only inside the form that failed.
    fn error(&self, form: &str, field: &str) -> Option<&str> {
        (self.forms.open == form)
            .then(|| self.errors.get(field))
            .flatten()
    }
}

pub(super) fn report_lines(rows: &[ReportRow]) -> Vec<ReportLine> {
    rows.iter()
        .rev()
        .map(|r| ReportLine {
            month: month_label(&r.month),
            revenue: rupiah(r.revenue),
            costs: rupiah(r.costs),
            profit: rupiah(r.revenue - r.costs),
            loss: r.revenue < r.costs,
            workers: r.workers,
            note: r.note.clone(),
        })
        .collect()
}

/// Revenue, costs and profit over the last [`MONTHS_SHOWN`] months, with gaps where a month was
/// not reported.
pub(super) fn trend_chart(rows: &[ReportRow], today: NaiveDate, lang: crate::Lang) -> String {
    let months = Month::of(today).last(MONTHS_SHOWN);
    let value = |m: &Month, f: fn(&ReportRow) -> i64| {
        let key = m.to_string();
        rows.iter().find(|r| r.month == key).map(f)
    };
    let series = |label, colour, f: fn(&ReportRow) -> i64| Series {
        label,
        colour,
        values: months.iter().map(|m| value(m, f)).collect(),
    };
    line_chart(
        lang.t("business.chart_title"),
        &months.iter().map(|m| m.short_label()).collect::<Vec<_>>(),
        &[
            series(lang.t("business.revenue"), "#0b62a4", |r| r.revenue),
            series(lang.t("business.costs"), "#b35900", |r| r.costs),
            series(lang.t("business.profit"), "#2e7d32", |r| {
                r.revenue - r.costs
            }),
        ],
        |n| {
            // Axis ends in millions read faster on a phone than full rupiah.
            if n.abs() >= 1_000_000 {
                format!("Rp{} jt", n / 1_000_000)
            } else {
                rupiah(n)
            }
        },
    )
}

pub(super) async fn detail_page(
    state: &AppState,
    staff: &Staff,
    b: BusinessRow,
    cari: String,
    mut forms: Forms,
) -> Result<Response, AppError> {
    let today = today();
    let errors = std::mem::take(&mut forms.errors);
    let since = Month::of(today).back(MONTHS_SHOWN - 1);
    let reports = db::reports(&state.db, b.id, since).await?;
    let reported: Vec<Month> = reports
        .iter()
        .filter_map(|r| r.month.parse().ok())
        .collect();
    let visits: Vec<VisitRow> = db::visits(&state.db, b.id).await?;
    let last_visit = visits.first().map(|v| v.visited_on);
    let candidates = if cari.trim().is_empty() {
        Vec::new()
    } else {
        candidates(state, &b.region_code, &cari).await?
    };
    let bad = !errors.is_empty();
    let page = DetailPage {
        page: Page::new(&staff.ctx, "business.one"),
        sector: sector_label(&b.sector),
        started: b.started_on.map(date).unwrap_or_default(),
        owners: db::owners(&state.db, b.id).await?,
        cari,
        candidates,
        permits: db::permits(&state.db, b.id)
            .await?
            .iter()
            .map(|p| PermitLine::of(p, today))
            .collect(),
        chart: trend_chart(&reports, today, staff.ctx.lang),
        reports: report_lines(&reports),
        missing: missing_months(&reported, today, 6)
            .into_iter()
            .map(Month::short_label)
            .collect(),
        visits: visits
            .iter()
            .map(|v| VisitLine {
                on: date(v.visited_on),
                facilitator: v.facilitator.clone(),
                notes: v.notes.clone(),
                next_steps: v.next_steps.clone(),
                follow_up: v.follow_up_on.map(date).unwrap_or_default(),
                due: follow_up_due(
                    v.follow_up_on,
                    last_visit.unwrap_or(v.visited_on),
                    v.visited_on,
                    today,
                ),
            })
            .collect(),
        kur: db::kur_referrals(&state.db, b.id)
            .await?
            .iter()
            .map(KurLine::of)
            .collect(),
        aid: db::aid_of_business(&state.db, b.id)
            .await?
            .iter()
            .map(|a| AidLine::of(a, today))
            .collect(),
        forms,
        errors,
        can_write: staff.principal().may_here(WRITE),
        permit_kinds: PermitKind::ALL,
        banks: KUR_BANKS,
        this_month: Month::of(today).to_string(),
        b,
    };
    render_form(page, bad)
}

pub(crate) async fn detail(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let b = staff.load::<BusinessRow>(&state, &id, READ).await?;
    detail_page(&state, &staff, b, q.cari, Forms::default()).await
}

/// Runs one write to a business in its own transaction and goes back to its page at `anchor`;
/// a conflict the write reports (a duplicate, a record changed meanwhile) comes back on the page
/// under that form, after the transaction has ended.
pub(super) async fn write_then_show<F>(
    state: &AppState,
    staff: &Staff,
    b: BusinessRow,
    anchor: &'static str,
    write: F,
) -> Result<Response, AppError>
where
    F: AsyncFnOnce(&mut Tx, &BusinessRow) -> Result<(), DbError>,
{
    let refused = {
        let mut tx = state.db.begin().await?;
        match write(&mut tx, &b).await {
            Ok(()) => tx.commit().await.map(|_| None),
            Err(DbError::Conflict(m)) => Ok(Some(m)),
            Err(e) => Err(e),
        }
    }?;
    match refused {
        None => Ok(Redirect::to(&format!("/app/usaha/{}#{anchor}", b.id)).into_response()),
        Some(m) => {
            let mut errors = FieldErrors::default();
            errors.add(anchor, m);
            detail_page(
                state,
                staff,
                b,
                String::new(),
                Forms::failed(anchor, errors),
            )
            .await
        }
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct OwnerForm {
    pub(super) orang: String,
}

pub(crate) async fn add_owner(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(f): Form<OwnerForm>,
) -> Result<Response, AppError> {
    let b = staff.load::<BusinessRow>(&state, &id, WRITE).await?;
    match person_of_village(&state, &f.orang, &b.region_code, "pemilik").await? {
        Err(errors) => {
            detail_page(
                &state,
                &staff,
                b,
                String::new(),
                Forms::failed("pemilik", errors),
            )
            .await
        }
        Ok(person) => {
            let actor = staff.actor();
            write_then_show(&state, &staff, b, "pemilik", async |tx, b| {
                db::add_owner(tx, &actor, b, person).await
            })
            .await
        }
    }
}

pub(crate) async fn remove_owner(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, person)): Path<(String, String)>,
    Form(c): Form<Confirm>,
) -> Result<Response, AppError> {
    let b = staff.load::<BusinessRow>(&state, &id, WRITE).await?;
    let person: Id = person.parse().map_err(|_| AppError::NotFound)?;
    if c.yakin != "ya" {
        let mut errors = FieldErrors::default();
        errors.add(
            "pemilik",
            "centang «yakin» untuk melepas pemilik dari usaha ini",
        );
        return detail_page(
            &state,
            &staff,
            b,
            String::new(),
            Forms::failed("pemilik", errors),
        )
        .await;
    }
    let actor = staff.actor();
    write_then_show(&state, &staff, b, "pemilik", async |tx, b| {
        db::remove_owner(tx, &actor, b, person).await
    })
    .await
}

pub(crate) async fn add_permit(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(raw): Form<RawPermit>,
) -> Result<Response, AppError> {
    let b = staff.load::<BusinessRow>(&state, &id, WRITE).await?;
    match raw.check(today()) {
        Err(list) => {
            let forms = Forms {
                permit: raw,
                ..Forms::failed("izin", list.into())
            };
            detail_page(&state, &staff, b, String::new(), forms).await
        }
        Ok(p) => {
            let actor = staff.actor();
            write_then_show(&state, &staff, b, "izin", async |tx, b| {
                db::add_permit(tx, &actor, b, &p).await.map(|_| ())
            })
            .await
        }
    }
}

pub(crate) async fn remove_permit(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, permit)): Path<(String, String)>,
    Form(c): Form<Confirm>,
) -> Result<Response, AppError> {
    let b = staff.load::<BusinessRow>(&state, &id, WRITE).await?;
    let permit: Id = permit.parse().map_err(|_| AppError::NotFound)?;
    if c.yakin != "ya" {
        let mut errors = FieldErrors::default();
        errors.add("izin", "centang «yakin» untuk menghapus izin ini");
        return detail_page(
            &state,
            &staff,
            b,
            String::new(),
            Forms::failed("izin", errors),
        )
        .await;
    }
    let actor = staff.actor();
    write_then_show(&state, &staff, b, "izin", async |tx, b| {
        db::remove_permit(tx, &actor, b, permit).await
    })
    .await
}

pub(crate) async fn save_report(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(raw): Form<RawMonthlyReport>,
) -> Result<Response, AppError> {
    let b = staff.load::<BusinessRow>(&state, &id, WRITE).await?;
    match raw.check(today()) {
        Err(list) => {
            let forms = Forms {
                report: raw,
                ..Forms::failed("laporan", list.into())
            };
            detail_page(&state, &staff, b, String::new(), forms).await
        }
        Ok(r) => {
            let actor = staff.actor();
            write_then_show(&state, &staff, b, "laporan", async |tx, b| {
                db::save_report(tx, &actor, b, &r).await
            })
            .await
        }
    }
}

pub(crate) async fn add_visit(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(raw): Form<RawVisit>,
) -> Result<Response, AppError> {
    let b = staff.load::<BusinessRow>(&state, &id, WRITE).await?;
    match raw.check(today()) {
        Err(list) => {
            let forms = Forms {
                visit: raw,
                ..Forms::failed("kunjungan", list.into())
            };
            detail_page(&state, &staff, b, String::new(), forms).await
        }
        Ok(v) => {
            let actor = staff.actor();
            let facilitator = staff.principal().display_name.clone();
            write_then_show(&state, &staff, b, "kunjungan", async |tx, b| {
                db::add_visit(tx, &actor, b, &facilitator, &v)
                    .await
                    .map(|_| ())
            })
            .await
        }
    }
}

pub(crate) async fn refer_kur(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(raw): Form<RawKur>,
) -> Result<Response, AppError> {
    let b = staff.load::<BusinessRow>(&state, &id, WRITE).await?;
    match raw.check(today()) {
        Err(list) => {
            let forms = Forms {
                kur: raw,
                ..Forms::failed("kur", list.into())
            };
            detail_page(&state, &staff, b, String::new(), forms).await
        }
        Ok(k) => {
            let actor = staff.actor();
            write_then_show(&state, &staff, b, "kur", async |tx, b| {
                db::refer_kur(tx, &actor, b, &k).await.map(|_| ())
            })
            .await
        }
    }
}

pub(crate) async fn decide_kur(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, kur)): Path<(String, String)>,
    Form(raw): Form<RawKurDecision>,
) -> Result<Response, AppError> {
    let b = staff.load::<BusinessRow>(&state, &id, WRITE).await?;
    let kur: Id = kur.parse().map_err(|_| AppError::NotFound)?;
    let actor = staff.actor();
    let today = today();
    // The decision is checked against the referral as it stands inside the transaction, so
    // two people recording different outcomes at once cannot both win.
    let mut invalid = None;
    let response = write_then_show(&state, &staff, b.clone(), "kur", async |tx, b| {
        let k = db::kur_in_tx(tx, kur).await?;
        if k.business_id != b.id {
            return Err(DbError::NotFound);
        }
        match raw.check(k.status(), k.referred_on, k.amount, today) {
            Ok(d) => db::decide_kur(tx, &actor, b, &k, &d).await,
            Err(list) => {
                invalid = Some(list);
                Ok(())
            }
        }
    })
    .await;
    match invalid {
        None => response,
        Some(list) => {
            detail_page(
                &state,
                &staff,
                b,
                String::new(),
                Forms::failed("kur", list.into()),
            )
            .await
        }
    }
}
