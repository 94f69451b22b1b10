//! Importing people (and their migration episodes) from a spreadsheet already read into rows,
//! and the bulk reads exports need. Every row goes through the same checks as the person and
//! episode forms (`PersonInput::check`, `EpisodeInput::check`); this module only maps columns
//! to fields and adds what a whole file can get wrong: unknown or missing columns, the same NIK
//! twice, a NIK already registered.
//!
//! Three modes: a dry run writes nothing; all-or-nothing writes every row in one transaction or,
//! if any row has an error, nothing; valid-only writes the rows without errors in one
//! transaction. Rows are written in batches of multi-row statements ([`bulk`], the writer of
//! the synthetic loader too), inside that one transaction. Every person and episode written
//! has the change-log row and audit entry a form would leave, and the import itself leaves one
//! `person.import` entry with counts (never personal values).

use crate::audit::{self, Actor, Event, Outcome};
use crate::bulk::{self, Batch, DocumentOut, PersonOut, TransitionOut};
use crate::registry::{EpisodeRow, NIK_CONTEXT, PersonRecord, PersonRow, RequirementRow};
use crate::{Db, DbError, Result, is_unique_violation, on_pool};
use chrono::NaiveDate;
use desmigratif_core::crypto::Keys;
use desmigratif_core::id::Id;
use desmigratif_core::migration::Stage;
use desmigratif_core::region::{RegionCode, RegionTree};
use desmigratif_core::registry::{EpisodeInput, PersonInput, ValidEpisode, ValidPerson};
use std::collections::{HashMap, HashSet};

/// Person columns, in template order; the first four must be present.
pub const PERSON_COLUMNS: [&str; 15] = [
    "nik",
    "nama",
    "jenis_kelamin",
    "tempat_lahir",
    "tanggal_lahir",
    "dusun",
    "rt",
    "rw",
    "alamat",
    "telepon",
    "pendidikan",
    "status_perkawinan",
    "keterampilan",
    "nomor_paspor",
    "paspor_berlaku_sampai",
];

/// Optional episode columns: a row with `negara_tujuan` filled also opens an episode.
pub const EPISODE_COLUMNS: [&str; 9] = [
    "negara_tujuan",
    "jabatan",
    "pemberi_kerja",
    "agensi",
    "jalur",
    "prosedural",
    "nomor_siapkerja",
    "awal_kontrak",
    "akhir_kontrak",
];

pub const REQUIRED_COLUMNS: [&str; 4] = ["nik", "nama", "jenis_kelamin", "tanggal_lahir"];

/// Columns our own exports add; recognised on re-import and ignored without a remark.
pub const EXPORT_ONLY_COLUMNS: [&str; 4] =
    ["kode_desa", "desa", "tahap_terakhir", "negara_terakhir"];

/// The most rows one import takes (the spreadsheet reader enforces the same limit).
pub const MAX_ROWS: usize = 200_000;

/// The column a validation field is reported under.
fn column_of(field: &str) -> &'static str {
    match field {
        "nik" => "nik",
        "name" => "nama",
        "sex" | "jenis_kelamin" => "jenis_kelamin",
        "birth_place" => "tempat_lahir",
        "birth_date" => "tanggal_lahir",
        "dusun" => "dusun",
        "rt" => "rt",
        "rw" => "rw",
        "address" => "alamat",
        "phone" => "telepon",
        "education" => "pendidikan",
        "marital_status" => "status_perkawinan",
        "skills" => "keterampilan",
        "passport_number" => "nomor_paspor",
        "passport_expiry" => "paspor_berlaku_sampai",
        "destination" => "negara_tujuan",
        "occupation" => "jabatan",
        "employer" => "pemberi_kerja",
        "agency" => "agensi",
        "route" => "jalur",
        "procedural" => "prosedural",
        "siapkerja_id" => "nomor_siapkerja",
        "contract_start" => "awal_kontrak",
        "contract_end" => "akhir_kontrak",
        _ => "",
    }
}

/// "Tanggal Lahir", "TANGGAL-LAHIR" and "tanggal_lahir" are the same column.
pub fn normalise_header(h: &str) -> String {
    h.trim()
        .to_lowercase()
        .split(|c: char| c.is_whitespace() || c == '-' || c == '_')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("_")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Mode {
    /// Check only; write nothing.
    DryRun,
    /// Write every row, or nothing if any row has an error.
    AllOrNothing,
    /// Write the rows without errors; report the others.
    ValidOnly,
}

impl Mode {
    pub const ALL: [Mode; 3] = [Mode::DryRun, Mode::AllOrNothing, Mode::ValidOnly];

    pub fn code(self) -> &'static str {
        match self {
            Mode::DryRun => "dry-run",
            Mode::AllOrNothing => "all-or-nothing",
            Mode::ValidOnly => "valid-only",
        }
    }

    pub fn parse(s: &str) -> Option<Mode> {
        Mode::ALL.into_iter().find(|m| m.code() == s.trim())
    }
}

/// A sheet as the spreadsheet reader returns it.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub headers: Vec<String>,
    /// `(row number as the file shows it, cells)`, one cell per header.
    pub rows: Vec<(usize, Vec<String>)>,
    /// Cells the reader could not trust: `(row, column index, reason)`.
    pub unreadable: Vec<(usize, usize, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Severity {
    /// The row is not imported.
    Error,
    /// Reported, but does not stop the row (NIK mismatches, ignored columns).
    Warning,
}

/// One thing wrong with the file, a row or a cell.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// Row number as the file shows it (the header row is 1).
    pub row: usize,
    /// The column's name as the template spells it (or as the file does, for unknown columns).
    pub column: String,
    /// In Indonesian.
    pub message: String,
    pub severity: Severity,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Report {
    pub mode: Mode,
    /// Data rows in the file.
    pub rows: usize,
    /// Rows without errors: imported, or that would be in a dry run.
    pub valid: usize,
    /// Rows with at least one error.
    pub invalid: usize,
    /// Rows accepted with NIK warnings (stored with the record, as the form does once confirmed).
    pub warned: usize,
    /// Valid rows that also open a migration episode.
    pub valid_episodes: usize,
    pub persons_written: usize,
    pub episodes_written: usize,
    /// Errors first by row, then warnings by row.
    pub problems: Vec<Problem>,
}

impl Report {
    pub fn errors(&self) -> impl Iterator<Item = &Problem> {
        self.problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Problem> {
        self.problems
            .iter()
            .filter(|p| p.severity == Severity::Warning)
    }

    pub fn has_errors(&self) -> bool {
        self.errors().next().is_some()
    }

    pub fn wrote(&self) -> bool {
        self.persons_written > 0
    }
}

/// Where rows go and who writes them.
pub struct Target<'a> {
    pub village: &'a RegionCode,
    pub actor: &'a Actor,
    pub keys: &'a Keys,
    pub regions: &'a RegionTree,
    /// Today in the village's time zone, for birth-date checks.
    pub today: NaiveDate,
}

/// Progress reports while importing: `(phase, done, total)`; the phase is Indonesian.
pub type Progress<'a> = &'a (dyn Fn(&str, usize, usize) + Sync);

/// A row that passed every check.
struct Accepted {
    row: usize,
    /// The NIK's blind index.
    nik_index: String,
    person: ValidPerson,
    episode: Option<ValidEpisode>,
}

fn problem(row: usize, column: &str, message: impl Into<String>, severity: Severity) -> Problem {
    Problem {
        row,
        column: column.to_owned(),
        message: message.into(),
        severity,
    }
}

/// Codes in pick lists are stored lower-case with underscores; spreadsheets write "SMP" or
/// "Belum Kawin". The check itself stays `PersonInput::check`'s.
fn code_text(s: &str) -> String {
    normalise_header(s)
}

/// Checks and (depending on `mode`) writes the rows into `target.village`.
pub async fn import(
    db: &Db,
    target: &Target<'_>,
    table: &Table,
    mode: Mode,
    progress: Progress<'_>,
) -> Result<Report> {
    if crate::villages::by_code(db, target.village)
        .await?
        .is_none()
    {
        return Err(DbError::Conflict(format!(
            "desa {} tidak dilayani deployment ini",
            target.village
        )));
    }
    let mut report = Report {
        mode,
        rows: table.rows.len(),
        valid: 0,
        invalid: 0,
        warned: 0,
        valid_episodes: 0,
        persons_written: 0,
        episodes_written: 0,
        problems: Vec::new(),
    };
    if table.rows.len() > MAX_ROWS {
        report.problems.push(problem(
            0,
            "",
            format!("berkas berisi lebih dari {MAX_ROWS} baris data; bagi menjadi beberapa berkas"),
            Severity::Error,
        ));
        report.invalid = table.rows.len();
        return finish(db, target, report).await;
    }

    // --- columns ---------------------------------------------------------------------------
    let mut index: HashMap<&'static str, usize> = HashMap::new();
    let mut file_errors = Vec::new();
    let known = PERSON_COLUMNS.iter().chain(EPISODE_COLUMNS.iter());
    let known: Vec<&'static str> = known.copied().collect();
    for (i, raw) in table.headers.iter().enumerate() {
        let name = normalise_header(raw);
        if let Some(col) = known.iter().find(|k| **k == name) {
            if index.insert(col, i).is_some() {
                file_errors.push(problem(
                    1,
                    col,
                    format!("kolom «{col}» ada dua kali; hapus salah satunya"),
                    Severity::Error,
                ));
            }
        } else if name.is_empty() {
            if table
                .rows
                .iter()
                .any(|(_, cells)| cells.get(i).is_some_and(|c| !c.trim().is_empty()))
            {
                let at = format!("kolom ke-{}", i + 1);
                report.problems.push(problem(
                    1,
                    &at,
                    "kolom tanpa judul berisi data; isinya diabaikan",
                    Severity::Warning,
                ));
            }
        } else if !EXPORT_ONLY_COLUMNS.contains(&name.as_str()) {
            let message = format!(
                "kolom «{}» tidak dikenal dan isinya diabaikan; kolom yang dikenal: {}",
                raw.trim(),
                known.join(", ")
            );
            report
                .problems
                .push(problem(1, raw.trim(), message, Severity::Warning));
        }
    }
    for col in REQUIRED_COLUMNS {
        if !index.contains_key(col) {
            file_errors.push(problem(
                1,
                col,
                format!("kolom wajib «{col}» tidak ada di baris judul"),
                Severity::Error,
            ));
        }
    }
    if !file_errors.is_empty() {
        report.problems.splice(0..0, file_errors);
        report.invalid = table.rows.len();
        return finish(db, target, report).await;
    }

    // --- rows ------------------------------------------------------------------------------
    let mut unreadable: HashMap<usize, Vec<(usize, &str)>> = HashMap::new();
    for (row, col, message) in &table.unreadable {
        unreadable
            .entry(*row)
            .or_default()
            .push((*col, message.as_str()));
    }
    let header_name = |i: usize| -> String {
        let known_name = index
            .iter()
            .find(|(_, at)| **at == i)
            .map(|(name, _)| (*name).to_owned());
        known_name.unwrap_or_else(|| {
            match table
                .headers
                .get(i)
                .map(|h| h.trim())
                .filter(|h| !h.is_empty())
            {
                Some(h) => h.to_owned(),
                None => format!("kolom ke-{}", i + 1),
            }
        })
    };
    let mut errors: Vec<Problem> = Vec::new();
    let mut warnings: Vec<Problem> = Vec::new();
    let mut accepted: Vec<Accepted> = Vec::new();
    let mut bad_rows: HashSet<usize> = HashSet::new();
    let total = table.rows.len();
    for (n, (row, cells)) in table.rows.iter().enumerate() {
        if n % 500 == 0 {
            progress("memeriksa", n, total);
        }
        let row = *row;
        let get = |col: &str| {
            index
                .get(col)
                .and_then(|i| cells.get(*i))
                .cloned()
                .unwrap_or_default()
        };
        let mut row_errors: Vec<Problem> = Vec::new();
        // Cells the reader distrusts are reported once, in its words, not again by the checks.
        let mut silenced: HashSet<String> = HashSet::new();
        for (col, message) in unreadable.get(&row).into_iter().flatten() {
            let name = header_name(*col);
            let relevant = index.values().any(|i| i == col);
            if relevant {
                silenced.insert(name.clone());
                row_errors.push(problem(row, &name, *message, Severity::Error));
            } else {
                warnings.push(problem(row, &name, *message, Severity::Warning));
            }
        }
        let input = PersonInput {
            nik: get("nik"),
            name: get("nama"),
            sex: get("jenis_kelamin"),
            birth_place: get("tempat_lahir"),
            birth_date: get("tanggal_lahir"),
            dusun: get("dusun"),
            rt: get("rt"),
            rw: get("rw"),
            address: get("alamat"),
            phone: get("telepon"),
            education: code_text(&get("pendidikan")),
            marital_status: code_text(&get("status_perkawinan")),
            skills: get("keterampilan"),
            passport_number: get("nomor_paspor"),
            passport_expiry: get("paspor_berlaku_sampai"),
            confirm_warnings: String::new(),
        };
        let person = match input.check(target.regions, target.today) {
            Ok(p) => Some(p),
            Err(errs) => {
                for e in errs {
                    let col = column_of(e.field);
                    if !silenced.contains(col) {
                        row_errors.push(problem(row, col, e.message, Severity::Error));
                    }
                }
                None
            }
        };
        let episode_cells: Vec<(&str, String)> =
            EPISODE_COLUMNS.iter().map(|c| (*c, get(c))).collect();
        let episode = if get("negara_tujuan").trim().is_empty() {
            if let Some((col, _)) = episode_cells.iter().find(|(_, v)| !v.trim().is_empty()) {
                row_errors.push(problem(row, "negara_tujuan", format!("kolom «{col}» terisi: isi juga negara tujuan untuk membuka episode migrasi, atau kosongkan kolom episode"), Severity::Error));
            }
            None
        } else {
            let procedural = get("prosedural").trim().to_lowercase();
            let procedural = match procedural.as_str() {
                "ya" | "y" | "true" | "1" => "ya".to_owned(),
                "" | "tidak" | "t" | "false" | "0" => String::new(),
                other => {
                    row_errors.push(problem(
                        row,
                        "prosedural",
                        format!("«{other}» tidak dikenal; isi ya atau tidak"),
                        Severity::Error,
                    ));
                    String::new()
                }
            };
            let input = EpisodeInput {
                destination: get("negara_tujuan"),
                occupation: code_text(&get("jabatan")),
                employer: get("pemberi_kerja"),
                agency: get("agensi"),
                route: code_text(&get("jalur")),
                procedural,
                siapkerja_id: get("nomor_siapkerja"),
                contract_start: get("awal_kontrak"),
                contract_end: get("akhir_kontrak"),
                ..Default::default()
            };
            match input.check() {
                Ok(e) => Some(e),
                Err(errs) => {
                    for e in errs {
                        let col = column_of(e.field);
                        if !silenced.contains(col) {
                            row_errors.push(problem(row, col, e.message, Severity::Error));
                        }
                    }
                    None
                }
            }
        };
        let wants_episode = !get("negara_tujuan").trim().is_empty();
        match (person, row_errors.is_empty()) {
            (Some(person), true) if episode.is_some() || !wants_episode => {
                accepted.push(Accepted {
                    row,
                    nik_index: target.keys.blind_index(NIK_CONTEXT, person.nik.as_str()),
                    person,
                    episode,
                })
            }
            _ => {
                bad_rows.insert(row);
                errors.extend(row_errors);
            }
        }
    }
    progress("memeriksa", total, total);

    // --- the same NIK twice in the file: every occurrence is refused (which one is right
    // cannot be known from here) --------------------------------------------------------------
    let mut by_nik: HashMap<&str, Vec<usize>> = HashMap::new();
    for a in &accepted {
        by_nik.entry(a.person.nik.as_str()).or_default().push(a.row);
    }
    let mut duplicated: HashSet<usize> = HashSet::new();
    for rows in by_nik.values().filter(|r| r.len() > 1) {
        for &row in rows {
            let others: Vec<String> = rows
                .iter()
                .filter(|r| **r != row)
                .map(|r| r.to_string())
                .collect();
            errors.push(problem(
                row,
                "nik",
                format!(
                    "NIK yang sama juga ada di baris {}; satu orang hanya satu baris",
                    others.join(", ")
                ),
                Severity::Error,
            ));
            duplicated.insert(row);
        }
    }
    accepted.retain(|a| !duplicated.contains(&a.row));

    // --- already registered -------------------------------------------------------------------
    let indexes: Vec<String> = accepted.iter().map(|a| a.nik_index.clone()).collect();
    let registered = registered_nik_indexes(db, &indexes).await?;
    let mut keep = Vec::with_capacity(accepted.len());
    for a in accepted {
        if registered.contains(&a.nik_index) {
            errors.push(problem(a.row, "nik", "NIK ini sudah terdaftar di deployment ini; perbarui data orangnya lewat halaman penduduk", Severity::Error));
            bad_rows.insert(a.row);
        } else {
            keep.push(a);
        }
    }
    let accepted = keep;
    bad_rows.extend(duplicated);

    for a in &accepted {
        for w in &a.person.warnings {
            warnings.push(problem(
                a.row,
                "nik",
                format!("{w} (diterima; catatan ini disimpan bersama datanya)"),
                Severity::Warning,
            ));
        }
    }
    report.valid = accepted.len();
    report.invalid = bad_rows.len();
    report.warned = accepted
        .iter()
        .filter(|a| !a.person.warnings.is_empty())
        .count();
    report.valid_episodes = accepted.iter().filter(|a| a.episode.is_some()).count();
    errors.sort_by_key(|p| p.row);
    warnings.sort_by_key(|p| p.row);
    report.problems.splice(0..0, errors);
    report.problems.extend(warnings);

    // --- writing ------------------------------------------------------------------------------
    let write = match mode {
        Mode::DryRun => false,
        Mode::AllOrNothing => !report.has_errors(),
        Mode::ValidOnly => true,
    };
    if write && !accepted.is_empty() {
        match write_rows(db, target, accepted, progress).await {
            Ok((persons, episodes)) => {
                report.persons_written = persons;
                report.episodes_written = episodes;
            }
            // Someone registered one of these NIKs while we were checking: nothing was written.
            Err((row, DbError::Conflict(message))) => {
                report.problems.insert(
                    0,
                    problem(
                        row,
                        "nik",
                        format!("{message}; tidak ada yang disimpan, ulangi impor"),
                        Severity::Error,
                    ),
                );
            }
            Err((_, e)) => return Err(e),
        }
    }
    finish(db, target, report).await
}

/// Leaves the `person.import` audit entry: mode and counts, never personal values.
async fn finish(db: &Db, target: &Target<'_>, report: Report) -> Result<Report> {
    if !report.wrote() {
        let event = Event::new(
            "person.import",
            "village",
            target.village,
            target.village.as_str(),
        )
        .outcome(if report.has_errors() {
            Outcome::Failed
        } else {
            Outcome::Ok
        })
        .detail(summary(&report));
        audit::log(db, target.actor, &event).await?;
    }
    Ok(report)
}

fn summary(r: &Report) -> String {
    format!(
        "mode={} rows={} valid={} invalid={} persons_written={} episodes_written={}",
        r.mode.code(),
        r.rows,
        r.valid,
        r.invalid,
        r.persons_written,
        r.episodes_written
    )
}

/// Writes all accepted rows in one transaction, in batches of multi-row writes ([`bulk`]) sealed
/// on a thread of their own while the previous batch is written; each person and episode with the
/// change-log row and audit entry a form would leave. On failure nothing is written and the row
/// that failed is returned (0 when it is not one row's fault).
async fn write_rows(
    db: &Db,
    target: &Target<'_>,
    rows: Vec<Accepted>,
    progress: Progress<'_>,
) -> std::result::Result<(usize, usize), (usize, DbError)> {
    let total = rows.len();
    let niks: Vec<(usize, String)> = rows.iter().map(|a| (a.row, a.nik_index.clone())).collect();
    let mut sealer = Sealer {
        village: target.village.as_str().to_owned(),
        actor: target.actor.clone(),
        keys: target.keys.clone(),
        requirements: bulk::requirements(db).await.map_err(|e| (0, e))?,
    };
    let mut tx = db.begin().await.map_err(|e| (0, e))?;
    let mut chain = bulk::Chain::open(&mut tx).await.map_err(|e| (0, e))?;
    let mut pipeline = bulk::Pipeline::start("import-sealer", move |feed| {
        for chunk in rows.chunks(bulk::BATCH_PERSONS) {
            let mut batch = Batch::default();
            for a in chunk {
                sealer.row(&mut batch, &mut chain, a);
            }
            if !feed.send(batch) {
                return;
            }
        }
    })
    .map_err(|e| (0, e))?;
    let (mut persons, mut episodes) = (0, 0);
    progress("menyimpan", 0, total);
    while let Some(batch) = pipeline.next().await {
        match bulk::write(&mut tx, &batch).await {
            Ok(()) => {}
            // Someone registered one of these NIKs meanwhile: find whose, after the rollback.
            Err(DbError::Sql(e)) if is_unique_violation(&e) => {
                drop(tx);
                return Err(registered_meanwhile(db, &niks).await);
            }
            Err(e) => return Err((0, e)),
        }
        persons += batch.persons.len();
        episodes += batch.episodes.len();
        progress("menyimpan", persons, total);
    }
    pipeline.finish().map_err(|e| (0, e))?;
    let report =
        format!("mode=import rows={total} persons_written={persons} episodes_written={episodes}");
    let village = target.village.as_str();
    audit::append(
        &mut tx,
        target.actor,
        &Event::new("person.import", "village", target.village, village).detail(report),
    )
    .await
    .map_err(|e| (0, e))?;
    tx.commit().await.map_err(|e| (0, e))?;
    Ok((persons, episodes))
}

/// What the sealing thread needs of the [`Target`], owned.
struct Sealer {
    village: String,
    actor: Actor,
    keys: Keys,
    requirements: Vec<RequirementRow>,
}

impl Sealer {
    /// Adds one row as `registry::create_person` and `registry::create_episode` would write it:
    /// the person (no household yet), and the episode in the `interested` stage with its first
    /// transition and the checklist that applies, each audited.
    fn row(&mut self, batch: &mut Batch, chain: &mut bulk::Chain, a: &Accepted) {
        let (village, actor, at) = (self.village.as_str(), &self.actor, batch.at);
        let person_id = Id::new();
        batch.persons.push(PersonOut {
            id: person_id,
            household_id: None,
            relationship: "",
            rec: PersonRecord::seal(village, &a.person, &self.keys),
        });
        let fields = "nik,name,birth_date,address";
        batch.record_change(chain, actor, "person", person_id, "create", village, fields);
        let Some(v) = &a.episode else {
            return;
        };
        let id = Id::new();
        for r in bulk::checklist(&self.requirements, &v.destination, &v.occupation) {
            batch.documents.push(DocumentOut::missing(id, r, at));
        }
        batch.transitions.push(TransitionOut {
            id: Id::new(),
            episode_id: id,
            from: "",
            to: Stage::Interested.as_str(),
            at,
            actor_id: actor.user_id,
            actor: actor.label.clone(),
            note: "episode dibuka",
        });
        batch.episodes.push(EpisodeRow {
            id,
            person_id,
            village_code: village.to_owned(),
            stage: Stage::Interested.as_str().to_owned(),
            destination: v.destination.clone(),
            occupation: v.occupation.clone(),
            employer: v.employer.clone(),
            agency: v.agency.clone(),
            route: v.route.clone(),
            procedural: v.procedural,
            siapkerja_id: v.siapkerja_id.clone(),
            contract_start: v.contract_start,
            contract_end: v.contract_end,
            departed_on: None,
            returned_on: None,
            last_contact_on: v.last_contact_on,
            handover_on: v.handover_on,
            handover_note: v.handover_note.clone(),
            created_at: at,
            updated_at: at,
        });
        let fields = "destination,occupation,route";
        batch.record_change(chain, actor, "episode", id, "create", village, fields);
    }
}

/// The first row whose NIK (`(row, blind index)`) is registered now, for a write refused as a
/// duplicate.
async fn registered_meanwhile(db: &Db, niks: &[(usize, String)]) -> (usize, DbError) {
    let indexes: Vec<String> = niks.iter().map(|(_, idx)| idx.clone()).collect();
    match registered_nik_indexes(db, &indexes).await {
        Ok(found) => {
            let row = niks
                .iter()
                .find(|(_, idx)| found.contains(idx))
                .map_or(0, |(row, _)| *row);
            let message = "NIK ini baru saja didaftarkan di deployment ini selama impor berjalan";
            (row, DbError::Conflict(message.into()))
        }
        Err(e) => (0, e),
    }
}

/// The person columns of [`PersonRow`], in its field order.
const PERSON_SELECT: &str = "id, village_code, nik_enc, nik_prefix, name, sex, birth_place, birth_date, dusun, rt, rw, address, \
     phone, education, marital_status, skills, household_id, relationship, passport_enc, passport_expiry, nik_warnings, created_at, updated_at";

/// `$1, $2, …, $n`.
fn placeholders(n: usize) -> String {
    (1..=n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

const CHUNK: usize = 500;

/// Which of these NIK blind indexes are already registered, anywhere in the deployment.
pub async fn registered_nik_indexes(db: &Db, indexes: &[String]) -> Result<HashSet<String>> {
    let mut found = HashSet::new();
    for chunk in indexes.chunks(CHUNK) {
        let sql = format!(
            "SELECT nik_index FROM persons WHERE nik_index IN ({})",
            placeholders(chunk.len())
        );
        let rows: Vec<String> = on_pool!(db, p => {
            let mut q = sqlx::query_scalar(sqlx::AssertSqlSafe(sql));
            for idx in chunk {
                q = q.bind(idx);
            }
            q.fetch_all(p).await
        })?;
        found.extend(rows);
    }
    Ok(found)
}

/// Full rows of these people (for exports), in no particular order.
pub async fn persons_by_ids(db: &Db, ids: &[Id]) -> Result<Vec<PersonRow>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        let sql = format!(
            "SELECT {PERSON_SELECT} FROM persons WHERE id IN ({})",
            placeholders(chunk.len())
        );
        let rows: Vec<PersonRow> = on_pool!(db, p => {
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
            for id in chunk {
                q = q.bind(*id);
            }
            q.fetch_all(p).await
        })?;
        out.extend(rows);
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
