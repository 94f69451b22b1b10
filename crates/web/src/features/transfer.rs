//! Import and export of people and migration episodes as spreadsheets (CSV, XLSX): the upload
//! page with its report, the templates, and the audited exports. Reading and writing files is
//! `desmigratif_docs`; checking and storing rows is `desmigratif_db::transfer`.

use super::persons::list::{SearchQuery, stage_label};
use super::persons::{today, writable_villages};
use crate::AppState;
use crate::auth::{Staff, Target};
use crate::error::AppError;
use crate::page::{Page, render_form};
use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use desmigratif_core::access::{Action, Compartment, Place};
use desmigratif_core::id::Id;
use desmigratif_core::region::{RegionCode, Scope};
use desmigratif_db::audit::{self, Event};
use desmigratif_db::registry::{self, NIK_CONTEXT, PASSPORT_CONTEXT, PersonRow};
use desmigratif_db::transfer::{
    self, EPISODE_COLUMNS, MAX_ROWS, Mode, PERSON_COLUMNS, Problem, Report, Table,
};
use std::collections::HashMap;

const READ: Action = Action::Read(Compartment::Registry);
const WRITE: Action = Action::Write(Compartment::Registry);
/// Problems listed on the page; the counts above the list are always complete.
const SHOWN: usize = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Format {
    Csv,
    Xlsx,
}

impl Format {
    fn ext(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

/// A file to download; never cached (it holds personal data).
pub(super) fn download(format: Format, stem: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, format.content_type().to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{stem}.{}\"", format.ext()),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

pub(super) fn sheet_file(
    format: Format,
    sheet: &str,
    headers: &[&str],
    rows: Vec<Vec<String>>,
    text_columns: &[&str],
) -> Vec<u8> {
    match format {
        Format::Csv => desmigratif_docs::write_csv(headers, rows.into_iter()),
        Format::Xlsx => {
            let text: Vec<usize> = headers
                .iter()
                .enumerate()
                .filter(|(_, h)| text_columns.contains(h))
                .map(|(i, _)| i)
                .collect();
            desmigratif_docs::write_xlsx(sheet, headers, rows.into_iter(), &text)
        }
    }
}

/// Columns Excel must keep as typed: long numbers and numbers with leading zeros.
const TEXT_COLUMNS: &[&str] = &[
    "nik",
    "telepon",
    "nomor_paspor",
    "nomor_siapkerja",
    "rt",
    "rw",
    "kode_desa",
];

// --- the page ----------------------------------------------------------------------------------

pub struct ProblemLine {
    pub row: String,
    pub column: String,
    pub message: String,
}

fn line(p: &Problem) -> ProblemLine {
    ProblemLine {
        row: if p.row == 0 {
            "—".into()
        } else {
            p.row.to_string()
        },
        column: p.column.clone(),
        message: p.message.clone(),
    }
}

pub struct ReportView {
    pub file: String,
    pub village: String,
    pub mode_key: String,
    pub outcome_key: &'static str,
    pub wrote: bool,
    pub r: Report,
    pub errors: Vec<ProblemLine>,
    pub warnings: Vec<ProblemLine>,
    pub more_errors: usize,
    pub more_warnings: usize,
}

impl ReportView {
    fn new(file: String, village: String, r: Report) -> ReportView {
        let errors: Vec<ProblemLine> = r.errors().take(SHOWN).map(line).collect();
        let warnings: Vec<ProblemLine> = r.warnings().take(SHOWN).map(line).collect();
        let outcome_key = match (r.mode, r.has_errors(), r.wrote()) {
            (_, _, true) => "transfer.outcome.written",
            (Mode::DryRun, false, _) if r.valid > 0 => "transfer.outcome.dry_ok",
            (Mode::DryRun, true, _) => "transfer.outcome.dry_errors",
            (Mode::AllOrNothing, true, _) => "transfer.outcome.refused",
            _ => "transfer.outcome.nothing",
        };
        ReportView {
            more_errors: r.errors().count() - errors.len(),
            more_warnings: r.warnings().count() - warnings.len(),
            mode_key: format!("transfer.mode.{}", r.mode.code()),
            wrote: r.wrote(),
            file,
            village,
            outcome_key,
            errors,
            warnings,
            r,
        }
    }
}

#[derive(Template)]
#[template(path = "transfer.html")]
struct TransferPage {
    page: Page,
    villages: Vec<(String, String)>,
    village: String,
    mode: &'static str,
    modes: Vec<(&'static str, String)>,
    error: Option<String>,
    report: Option<ReportView>,
}

fn transfer_page(
    staff: &Staff,
    villages: Vec<(String, String)>,
    village: String,
    mode: Mode,
    error: Option<String>,
    report: Option<ReportView>,
) -> Result<Response, AppError> {
    let needs_correction = error.is_some();
    render_form(
        TransferPage {
            page: Page::new(&staff.ctx, "transfer.title"),
            villages,
            village,
            mode: mode.code(),
            modes: Mode::ALL
                .iter()
                .map(|m| (m.code(), format!("transfer.mode.{}", m.code())))
                .collect(),
            error,
            report,
        },
        needs_correction,
    )
}

pub(crate) async fn show(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Response, AppError> {
    staff.allow_here(&state, READ, "person.transfer").await?;
    let villages = writable_villages(&state, &staff).await?;
    let village = villages.first().map(|v| v.0.clone()).unwrap_or_default();
    transfer_page(&staff, villages, village, Mode::DryRun, None, None)
}

/// What the upload form sends.
#[derive(Default)]
pub(super) struct Upload {
    pub village: String,
    pub mode: String,
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// An uploaded spreadsheet as an import table, or the message that says why it cannot be read;
/// read on a turn of [`AppState::heavy`], where the bytes are dropped once read.
pub(super) async fn table_of(
    state: &AppState,
    bytes: Vec<u8>,
    file_name: &str,
) -> Result<Result<Table, String>, AppError> {
    if bytes.is_empty() {
        return Ok(Err("pilih berkas .xlsx atau .csv yang akan diimpor".into()));
    }
    let name = file_name.to_owned();
    state
        .heavy(move || {
            desmigratif_docs::read(&bytes, &name)
                .map(table)
                .map_err(|e| e.to_string())
        })
        .await
}

fn table(sheet: desmigratif_docs::Sheet) -> Table {
    Table {
        headers: sheet.headers,
        rows: sheet.rows,
        unreadable: sheet
            .problems
            .into_iter()
            .map(|p| (p.row, p.column, p.message))
            .collect(),
    }
}

/// The file's own name, without the folders some browsers send.
pub(super) fn file_stem(u: &Upload) -> String {
    u.file_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .to_owned()
}

const CUT_OFF: &str = "unggahan terputus atau terlalu besar (maksimal 10 MB); untuk berkas besar pakai perintah «desmigratif import»";

pub(super) async fn read_upload(mut multipart: Multipart) -> Result<Upload, AppError> {
    let mut u = Upload::default();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| AppError::BadRequest(CUT_OFF.into()))?
    {
        match field.name() {
            Some("desa") => {
                u.village = field
                    .text()
                    .await
                    .map_err(|_| AppError::BadRequest(CUT_OFF.into()))?
            }
            Some("mode") => {
                u.mode = field
                    .text()
                    .await
                    .map_err(|_| AppError::BadRequest(CUT_OFF.into()))?
            }
            Some("berkas") => {
                u.file_name = field.file_name().unwrap_or("berkas").to_owned();
                u.bytes = field
                    .bytes()
                    .await
                    .map_err(|_| AppError::BadRequest(CUT_OFF.into()))?
                    .to_vec();
            }
            _ => {}
        }
    }
    Ok(u)
}

/// Receives a spreadsheet and imports it into one village the caller may write to.
pub(crate) async fn import(
    State(state): State<AppState>,
    staff: Staff,
    multipart: Multipart,
) -> Result<Response, AppError> {
    let mut u = read_upload(multipart).await?;
    let bytes = std::mem::take(&mut u.bytes);
    let code: RegionCode = u
        .village
        .trim()
        .parse()
        .map_err(|_| AppError::BadRequest("pilih desa tujuan impor".into()))?;
    staff
        .allow(
            &state,
            WRITE,
            &Place::of(&Scope::Region(code.clone())),
            Target::Action {
                name: "person.import",
            },
        )
        .await?;
    let villages = writable_villages(&state, &staff).await?;
    let mode = Mode::parse(&u.mode).unwrap_or(Mode::DryRun);
    let again = |error: String| {
        transfer_page(
            &staff,
            villages.clone(),
            u.village.clone(),
            mode,
            Some(error),
            None,
        )
    };
    let Some(village_name) = villages
        .iter()
        .find(|(c, _)| *c == code.as_str())
        .map(|(_, n)| n.clone())
    else {
        return again(format!("desa {code} tidak dilayani deployment ini"));
    };
    let table = match table_of(&state, bytes, &u.file_name).await? {
        Ok(t) => t,
        Err(e) => return again(e),
    };
    let target = transfer::Target {
        village: &code,
        actor: &staff.actor(),
        keys: &state.keys,
        regions: &state.regions,
        today: today(),
    };
    let report = transfer::import(&state.db, &target, &table, mode, &|_, _, _| {}).await?;
    let view = ReportView::new(file_stem(&u), village_name, report);
    transfer_page(
        &staff,
        villages.clone(),
        u.village.clone(),
        mode,
        None,
        Some(view),
    )
}

// --- templates ---------------------------------------------------------------------------------

/// The import columns and one fictional person of Kenanga who is about to leave for Taiwan.
fn template_rows() -> (Vec<&'static str>, Vec<Vec<String>>) {
    let headers: Vec<&str> = PERSON_COLUMNS
        .iter()
        .chain(EPISODE_COLUMNS.iter())
        .copied()
        .collect();
    let example = [
        "3212164507980001",
        "Siti Aminah",
        "P",
        "Indramayu",
        "1998-07-05",
        "Blok Kenanga I",
        "3",
        "2",
        "Jl. Raya Kenanga No. 12",
        "0812 3456 7890",
        "smp",
        "kawin",
        "merawat lansia, memasak",
        "",
        "",
        "TW",
        "pengasuh_lansia",
        "",
        "PT Contoh Penempatan Sejahtera (fiktif)",
        "p3mi",
        "ya",
        "",
        "",
        "",
    ];
    (
        headers,
        vec![example.iter().map(|s| (*s).to_owned()).collect()],
    )
}

async fn import_template(
    state: &AppState,
    staff: &Staff,
    format: Format,
) -> Result<Response, AppError> {
    staff.allow_here(state, READ, "person.transfer").await?;
    let (headers, rows) = template_rows();
    Ok(download(
        format,
        "templat-impor-penduduk",
        sheet_file(format, "Penduduk", &headers, rows, TEXT_COLUMNS),
    ))
}

pub(crate) async fn template_xlsx(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Response, AppError> {
    import_template(&state, &staff, Format::Xlsx).await
}

pub(crate) async fn template_csv(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Response, AppError> {
    import_template(&state, &staff, Format::Csv).await
}

// --- exports -----------------------------------------------------------------------------------

/// `?nik=lengkap` asks for full NIKs and passport numbers; anything else in `nik` is the
/// person list's exact-NIK filter.
fn take_full_flag(nik: &mut String) -> bool {
    let full = nik.trim().eq_ignore_ascii_case("lengkap");
    if full {
        nik.clear();
    }
    full
}

/// A person's NIK cell: [`personal`] with the NIK's masked form.
fn nik_cell(state: &AppState, p: &PersonRow, full: bool) -> Result<String, AppError> {
    let masked = desmigratif_core::nik::masked(&p.nik_prefix);
    personal(state, NIK_CONTEXT, &p.nik_enc, Some(masked), full)
}

/// The NIK or passport number as the export shows it: whole only when asked for. Masked, a NIK
/// is its `masked` form (region digits only: with the birth date and village in the same row,
/// any digit of the serial would rebuild it); a passport number shows its last four digits.
fn personal(
    state: &AppState,
    context: &str,
    sealed: &str,
    masked: Option<String>,
    full: bool,
) -> Result<String, AppError> {
    if !full {
        let tail: String = match masked {
            Some(m) => return Ok(m),
            None => {
                let plain = state
                    .keys
                    .decrypt_str(context, sealed)
                    .map_err(|e| AppError::Internal(e.to_string()))?;
                plain
                    .chars()
                    .rev()
                    .take(4)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect()
            }
        };
        return Ok(format!("…{tail}"));
    }
    state
        .keys
        .decrypt_str(context, sealed)
        .map_err(|e| AppError::Internal(e.to_string()))
}

fn too_many() -> AppError {
    AppError::BadRequest(format!(
        "lebih dari {MAX_ROWS} baris; persempit dengan filter (dusun, tahap, negara) lalu ekspor lagi"
    ))
}

fn scope_stem(scope: &Scope) -> String {
    match scope.as_stored() {
        "" => "nasional".into(),
        s => s.to_owned(),
    }
}

const PERSON_EXPORT_EXTRA: [&str; 2] = ["tahap_terakhir", "negara_terakhir"];

async fn export_persons(
    state: &AppState,
    staff: &Staff,
    mut q: SearchQuery,
    format: Format,
) -> Result<Response, AppError> {
    staff.allow_here(state, READ, "person.export").await?;
    let full = take_full_flag(&mut q.nik);
    let scope = staff.principal().scope.clone();
    let mut filter = q.filter(state, &scope)?;
    filter.offset = 0;
    filter.limit = MAX_ROWS as i64 + 1;
    let (list, _) = registry::search_persons(&state.db, &filter).await?;
    if list.len() > MAX_ROWS {
        return Err(too_many());
    }
    let ids: Vec<Id> = list.iter().map(|r| r.id).collect();
    let mut people: HashMap<Id, PersonRow> = transfer::persons_by_ids(&state.db, &ids)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let mut rows = Vec::with_capacity(list.len());
    for l in &list {
        let Some(p) = people.remove(&l.id) else {
            continue;
        };
        let passport = match &p.passport_enc {
            Some(sealed) => personal(state, PASSPORT_CONTEXT, sealed, None, full)?,
            None => String::new(),
        };
        rows.push(vec![
            p.village_code.clone(),
            super::dashboard::region_name(&p.village_code, &state.regions),
            nik_cell(state, &p, full)?,
            p.name,
            p.sex,
            p.birth_place,
            p.birth_date.to_string(),
            p.dusun,
            p.rt,
            p.rw,
            p.address,
            p.phone,
            p.education,
            p.marital_status,
            p.skills,
            passport,
            p.passport_expiry.map(|d| d.to_string()).unwrap_or_default(),
            l.stage.clone().unwrap_or_default(),
            l.destination.clone().unwrap_or_default(),
        ]);
    }
    let mut headers: Vec<&str> = vec!["kode_desa", "desa"];
    headers.extend(PERSON_COLUMNS);
    headers.extend(PERSON_EXPORT_EXTRA);
    let filters: Vec<&str> = [
        ("q", &q.q),
        ("nik", &q.nik),
        ("tahap", &q.tahap),
        ("negara", &q.negara),
        ("dusun", &q.dusun),
    ]
    .into_iter()
    .filter(|(_, v)| !v.trim().is_empty())
    .map(|(k, _)| k)
    .collect();
    let detail = format!(
        "format={} nik={} rows={} filters={}",
        format.ext(),
        if full { "lengkap" } else { "tersamar" },
        rows.len(),
        filters.join(",")
    );
    audit::log(
        &state.db,
        &staff.actor(),
        &Event::new("person.export", "person", "", scope.as_stored()).detail(detail),
    )
    .await?;
    let stem = format!("penduduk-{}-{}", scope_stem(&scope), today());
    Ok(download(
        format,
        &stem,
        sheet_file(format, "Penduduk", &headers, rows, TEXT_COLUMNS),
    ))
}

pub(crate) async fn persons_csv(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<SearchQuery>,
) -> Result<Response, AppError> {
    export_persons(&state, &staff, q, Format::Csv).await
}

pub(crate) async fn persons_xlsx(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<SearchQuery>,
) -> Result<Response, AppError> {
    export_persons(&state, &staff, q, Format::Xlsx).await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct EpisodeExportQuery {
    /// `lengkap` for full NIKs.
    nik: String,
}

const EPISODE_EXPORT_COLUMNS: [&str; 18] = [
    "kode_desa",
    "nik",
    "nama",
    "negara_tujuan",
    "jabatan",
    "pemberi_kerja",
    "agensi",
    "jalur",
    "prosedural",
    "nomor_siapkerja",
    "awal_kontrak",
    "akhir_kontrak",
    "tahap",
    "nama_tahap",
    "berangkat",
    "pulang",
    "kontak_terakhir",
    "serah_terima",
];

async fn export_episodes(
    state: &AppState,
    staff: &Staff,
    mut q: EpisodeExportQuery,
    format: Format,
) -> Result<Response, AppError> {
    staff.allow_here(state, READ, "episode.export").await?;
    let full = take_full_flag(&mut q.nik);
    let scope = staff.principal().scope.clone();
    let episodes =
        registry::list_episodes(&state.db, scope.as_stored(), 0, MAX_ROWS as i64 + 1).await?;
    if episodes.len() > MAX_ROWS {
        return Err(too_many());
    }
    let mut ids: Vec<Id> = episodes.iter().map(|e| e.person_id).collect();
    ids.sort_by_key(|i| i.to_string());
    ids.dedup();
    let people: HashMap<Id, PersonRow> = transfer::persons_by_ids(&state.db, &ids)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let lang = staff.ctx.lang;
    let mut rows = Vec::with_capacity(episodes.len());
    for e in episodes {
        let Some(p) = people.get(&e.person_id) else {
            continue;
        };
        let stage_name = stage_label(lang, &e.stage);
        rows.push(vec![
            e.village_code.clone(),
            nik_cell(state, p, full)?,
            p.name.clone(),
            e.destination,
            e.occupation,
            e.employer,
            e.agency,
            e.route,
            if e.procedural { "ya" } else { "tidak" }.to_owned(),
            e.siapkerja_id,
            date(e.contract_start),
            date(e.contract_end),
            e.stage,
            stage_name,
            date(e.departed_on),
            date(e.returned_on),
            date(e.last_contact_on),
            date(e.handover_on),
        ]);
    }
    let detail = format!(
        "format={} nik={} rows={}",
        format.ext(),
        if full { "lengkap" } else { "tersamar" },
        rows.len()
    );
    audit::log(
        &state.db,
        &staff.actor(),
        &Event::new("episode.export", "episode", "", scope.as_stored()).detail(detail),
    )
    .await?;
    let stem = format!("migrasi-{}-{}", scope_stem(&scope), today());
    Ok(download(
        format,
        &stem,
        sheet_file(
            format,
            "Migrasi",
            &EPISODE_EXPORT_COLUMNS,
            rows,
            TEXT_COLUMNS,
        ),
    ))
}

pub(crate) async fn episodes_csv(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<EpisodeExportQuery>,
) -> Result<Response, AppError> {
    export_episodes(&state, &staff, q, Format::Csv).await
}

pub(crate) async fn episodes_xlsx(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<EpisodeExportQuery>,
) -> Result<Response, AppError> {
    export_episodes(&state, &staff, q, Format::Xlsx).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_of_the_page_exists() {
        let sources = [
            include_str!("../../templates/transfer.html"),
            include_str!("../../templates/persons.html"),
        ];
        let mut keys: Vec<String> = Vec::new();
        for src in sources {
            for part in src.split("page.t(\"").skip(1) {
                keys.push(part[..part.find('"').unwrap()].to_owned());
            }
        }
        keys.extend(
            Mode::ALL
                .iter()
                .map(|m| format!("transfer.mode.{}", m.code())),
        );
        keys.extend(
            ["dry_ok", "dry_errors", "refused", "written", "nothing"]
                .iter()
                .map(|o| format!("transfer.outcome.{o}")),
        );
        for k in keys {
            assert_ne!(crate::Lang::Id.t(&k), k, "{k} missing from the locales");
        }
    }

    #[test]
    fn the_template_row_is_a_valid_person_with_an_episode() {
        let (headers, rows) = template_rows();
        assert_eq!(headers.len(), rows[0].len());
        let get = |c: &str| rows[0][headers.iter().position(|h| *h == c).unwrap()].clone();
        let p = desmigratif_core::registry::PersonInput {
            nik: get("nik"),
            name: get("nama"),
            sex: get("jenis_kelamin"),
            birth_date: get("tanggal_lahir"),
            education: get("pendidikan"),
            marital_status: get("status_perkawinan"),
            ..Default::default()
        };
        let tree = desmigratif_core::region::RegionTree::official();
        let v = p
            .check(
                &tree,
                chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
            )
            .unwrap();
        assert!(v.warnings.is_empty(), "{:?}", v.warnings);
    }

    #[test]
    fn only_the_word_lengkap_asks_for_full_numbers() {
        let mut n = "Lengkap".to_owned();
        assert!(take_full_flag(&mut n) && n.is_empty());
        let mut n = "3212164507980001".to_owned();
        assert!(!take_full_flag(&mut n) && !n.is_empty());
    }
}
