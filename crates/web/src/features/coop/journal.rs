//! The co-operative desk: manual journal entries and one entry's page.

use super::*;

/// Blank lines a manual journal form offers.
pub(super) const FORM_LINES: usize = 6;

#[derive(Template)]
#[template(path = "coop_journal.html")]
pub(super) struct JournalPage {
    pub(super) page: Page,
    pub(super) region: String,
    pub(super) rows: Vec<EntryRow>,
    pub(super) number: i64,
    pub(super) more: bool,
    pub(super) can_write: bool,
    pub(super) accounts: Vec<Account>,
    pub(super) form: RawJournal,
    pub(super) key: String,
    pub(super) errors: FieldErrors,
}

pub(super) async fn journal_page(
    state: &AppState,
    staff: &Staff,
    region: String,
    s: &SettingsRow,
    number: i64,
    mut form: RawJournal,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let (rows, more) =
        coop::journal(&state.db, &region, (number - 1) * PAGE_SIZE, PAGE_SIZE).await?;
    form.baris
        .resize_with(form.baris.len().max(FORM_LINES), RawJournalLine::default);
    let needs_correction = !errors.is_empty();
    render_form(
        JournalPage {
            page: Page::new(&staff.ctx, "coop.journal"),
            can_write: may_write(staff, &region),
            region,
            rows,
            number,
            more,
            accounts: s.chart()?,
            form,
            key: fresh_key(),
            errors,
        },
        needs_correction,
    )
}

pub(crate) async fn journal(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<Where>,
) -> Result<Response, AppError> {
    let region = village(&state, &staff, &q.desa, READ).await?;
    let s = match settings_of(&state, &region).await {
        Ok(s) => s,
        Err(r) => return Ok(r),
    };
    let form = RawJournal {
        tanggal: today().to_string(),
        ..Default::default()
    };
    let number = q.halaman.unwrap_or(1).max(1);
    journal_page(
        &state,
        &staff,
        region,
        &s,
        number,
        form,
        FieldErrors::default(),
    )
    .await
}

/// Reads a journal form: `tanggal`, `keterangan`, `kunci`, `desa`, then `akun`, `debit`,
/// `kredit` once per line, in order.
pub(super) fn journal_form(fields: &[(String, String)]) -> (String, String, RawJournal) {
    let mut desa = String::new();
    let mut key = String::new();
    let mut form = RawJournal::default();
    let (mut accounts, mut debits, mut credits) = (Vec::new(), Vec::new(), Vec::new());
    for (k, v) in fields {
        match k.as_str() {
            "desa" => desa = v.clone(),
            "kunci" => key = v.clone(),
            "tanggal" => form.tanggal = v.clone(),
            "keterangan" => form.keterangan = v.clone(),
            "akun" => accounts.push(v.clone()),
            "debit" => debits.push(v.clone()),
            "kredit" => credits.push(v.clone()),
            _ => {}
        }
    }
    let n = accounts.len().max(debits.len()).max(credits.len());
    form.baris = (0..n)
        .map(|i| RawJournalLine {
            akun: accounts.get(i).cloned().unwrap_or_default(),
            debit: debits.get(i).cloned().unwrap_or_default(),
            kredit: credits.get(i).cloned().unwrap_or_default(),
        })
        .collect();
    (desa, key, form)
}

/// A typed journal entry, checked against the co-op's chart and posted once per key.
pub(super) async fn post_journal(
    state: &AppState,
    staff: &Staff,
    region: &str,
    s: &SettingsRow,
    key: &str,
    raw: &RawJournal,
) -> Result<Result<Id, FieldErrors>, AppError> {
    let entry = match raw.check(&s.chart()?, today()) {
        Ok(e) => e,
        Err(e) => return Ok(Err(e.into())),
    };
    in_books(state, "tanggal", async |tx| {
        coop::manual_entry(tx, &staff.actor(), key, region, &entry).await
    })
    .await
}

pub(crate) async fn add_journal(
    State(state): State<AppState>,
    staff: Staff,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (desa, key, form) = journal_form(&fields);
    let region = village(&state, &staff, &desa, WRITE).await?;
    let s = match settings_of(&state, &region).await {
        Ok(s) => s,
        Err(r) => return Ok(r),
    };
    match post_journal(&state, &staff, &region, &s, &key, &form).await? {
        Ok(id) => Ok(Redirect::to(&format!("/app/koperasi/jurnal/{id}")).into_response()),
        Err(errors) => journal_page(&state, &staff, region, &s, 1, form, errors).await,
    }
}

#[derive(Template)]
#[template(path = "coop_entry.html")]
pub(super) struct EntryPage {
    pub(super) page: Page,
    pub(super) e: EntryRow,
    /// (code, name, debit, credit)
    pub(super) lines: Vec<(String, String, i64, i64)>,
}

guarded!(EntryRow, "coop_entry", coop::entry_head, region_code);

pub(crate) async fn entry(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let e = staff.load::<EntryRow>(&state, &id, READ).await?;
    let chart = coop::settings(&state.db, &e.region_code)
        .await?
        .ok_or(AppError::NotFound)?
        .chart()?;
    let lines = coop::entry(&state.db, e.id)
        .await?
        .lines()
        .iter()
        .map(|l| {
            let name = chart
                .iter()
                .find(|a| a.code == l.account)
                .map_or("", |a| a.name);
            let (d, c) = match l.side {
                desmigratif_core::coop::ledger::Side::Debit => (l.amount, 0),
                desmigratif_core::coop::ledger::Side::Credit => (0, l.amount),
            };
            (l.account.clone(), name.to_owned(), d, c)
        })
        .collect();
    let mut page = Page::new(&staff.ctx, "coop.entry");
    page.title = e.memo.clone();
    render(EntryPage { page, e, lines })
}
