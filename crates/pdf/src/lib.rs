//! Village letters as PDF. A letter is a [Typst](https://typst.app) template (editable data, seeded
//! from [`TEMPLATES`]) compiled with the letter's data into an A4 PDF. Kept apart from the rest
//! because Typst is the heaviest dependency of the program: an ordinary edit elsewhere never
//! recompiles it. The crate is pure: no database, no network, no files read at run time.
//!
//! # What a template sees
//!
//! Three files, all in the template's own folder:
//!
//! - `data.json` — the letter's data (schema below); read it with `#let data = json("data.json")`.
//!   Values reach the page as text through `json()`, never as Typst source, so a name like
//!   `#exit() *bold*` is printed as it is: nothing a person types into the registry can change
//!   what a template does.
//! - `qr.svg` — the QR code of the verification address: `image("qr.svg", width: 2.5cm)`.
//! - `surat.typ` — the shared parts ([`SHARED`]): the page set-up, letterhead, title and number,
//!   field table, signature blocks and the verification block. `#import "surat.typ": *` and
//!   `#show: surat.with(data)`. It ships with the program, so a stored template keeps working when
//!   the program is upgraded as long as its functions keep their names and arguments.
//!
//! Nothing else can be read: packages (`@preview/…`) and other files fail with a message. The
//! current date is not available (`datetime.today()` fails): a letter's date comes from its data,
//! and the same template and data always give the same bytes.
//!
//! # The data schema
//!
//! Every value is a string (empty where unknown; `village.phone` and `village.email` may be empty
//! and are then left out of the letterhead).
//!
//! ```json
//! {
//!   "village": {"name": "Kenanga", "code": "32.12.16.2004", "kecamatan": "Sindang",
//!               "kabupaten": "Kabupaten Indramayu", "province": "Jawa Barat",
//!               "office_address": "Jl. Raya Kenanga No. 1", "phone": "", "email": ""},
//!   "letter":  {"kind": "izin_keluarga", "title": "SURAT KETERANGAN IZIN KELUARGA",
//!               "number": "470/003/2004/XI/2026", "date": "27 November 2026", "place": "Kenanga"},
//!   "subject": {"name": "…", "nik": "3212…", "birth_place": "…", "birth_date": "12 Maret 1998",
//!               "sex": "Perempuan", "marital_status": "Kawin", "occupation": "…",
//!               "address": "Dusun …, RT 001/RW 002, Desa …"},
//!   "fields":  { kind-specific, below },
//!   "signer":  {"title": "Kuwu Kenanga", "name": "H. Darsono"},
//!   "verify":  {"url": "https://desa.example/v/AbC…", "code": "AbC…"}
//! }
//! ```
//!
//! `village.kabupaten` carries its own prefix ("Kabupaten Indramayu", "Kota Batu"); the letterhead
//! prints it in capitals after "PEMERINTAH". `fields` by `letter.kind`:
//!
//! | kind | fields |
//! |---|---|
//! | `izin_keluarga` | `consenter_name`, `consenter_nik`, `consenter_relationship` ("Suami", "Istri", "Ayah", "Ibu", "Wali"), `consenter_address`, `destination` (country, in Indonesian), `occupation` (the job abroad), `agency` (the P3MI, or "-") |
//! | `status_perkawinan` | `marital_status` (the status the letter attests), `purpose` |
//! | `domisili` | `since` (date text), `purpose` |
//! | `sertifikat_pelatihan` | `training` (the topic), `institution`, `starts_on`, `ends_on` (date text), `attendance` ("4 dari 4 sesi") |
//! | `serah_terima` | `destination`, `employer`, `departed_on`, `returned_on`, `handover_on` (day and date: "Jumat, 27 November 2026"), `received_by` (the family member who receives the returnee), `condition`, `notes` ("-" when none) |
//!
//! [`sample_data`] gives a complete example of each.
//!
//! # Speed, and why not typst-as-lib
//!
//! The standard library, the parsed fonts and the parsed shared part are made once (a
//! `LazyLock`); each letter is a small [`typst::World`] over them plus its own template, data and
//! QR code. typst-as-lib fixes the main file and the readable files when its engine is built, so a
//! letter (an admin-edited template, its own `data.json` and `qr.svg`) would need a new engine,
//! library and font book each time; the `World` here is some forty lines and needs no downloads
//! feature to leave off. Typst's memo cache (comemo) is global and kept between letters, evicting
//! what no letter used in the last `CACHE_AGE` renders, so memory stays bounded while the shared
//! parts are not laid out again for every letter.

use std::sync::LazyLock;

use typst::diag::{FileError, FileResult, Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration, Smart};
use typst::syntax::{DiagSpan, FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_layout::PagedDocument;

/// The five letter templates the program ships, `(kind, Typst source)`, in the order the letters
/// are offered. The web crate seeds its editable copies from these.
pub const TEMPLATES: [(&str, &str); 5] = [
    (
        "izin_keluarga",
        include_str!("../templates/izin_keluarga.typ"),
    ),
    (
        "status_perkawinan",
        include_str!("../templates/status_perkawinan.typ"),
    ),
    ("domisili", include_str!("../templates/domisili.typ")),
    (
        "serah_terima",
        include_str!("../templates/serah_terima.typ"),
    ),
    (
        "sertifikat_pelatihan",
        include_str!("../templates/sertifikat_pelatihan.typ"),
    ),
];

/// The confidential case summary of an advocacy case (not a letter: no signature, no
/// verification code), rendered with [`render`].
pub const CASE_SUMMARY: &str = include_str!("../templates/ringkasan_kasus.typ");

/// The member statement (*rekening anggota*) of the village cooperative, rendered with
/// [`render`]; its data is `desmigratif_core::coop::report::MemberStatement::to_json`, the
/// schema in the template's header comment.
pub const MEMBER_STATEMENT: &str = include_str!("../templates/rekening_anggota.typ");

/// The cooperative's pack for the members' annual meeting (*laporan RAT*): neraca, PHU and the
/// SHU, rendered with [`render`]; its data is `desmigratif_core::coop::report::RatPack::to_json`,
/// the schema in the template's header comment.
pub const RAT_PACK: &str = include_str!("../templates/laporan_rat.typ");

/// The shared parts every template may import, `(file name, Typst source)`: letterhead, title,
/// field table, signatures, verification block. Part of the program, not of the stored data.
pub const SHARED: (&str, &str) = ("surat.typ", include_str!("../templates/surat.typ"));

/// Embedded fonts: Liberation Serif (metrics of Times New Roman, the usual face of village
/// letters) and Liberation Sans (of Arial), SIL OFL 1.1 (`fonts/OFL.txt`).
const FONT_FILES: [&[u8]; 6] = [
    include_bytes!("../fonts/LiberationSerif-Regular.ttf"),
    include_bytes!("../fonts/LiberationSerif-Bold.ttf"),
    include_bytes!("../fonts/LiberationSerif-Italic.ttf"),
    include_bytes!("../fonts/LiberationSerif-BoldItalic.ttf"),
    include_bytes!("../fonts/LiberationSans-Regular.ttf"),
    include_bytes!("../fonts/LiberationSans-Bold.ttf"),
];

/// The largest PDF [`text`] reads, decompressed, per page (a letter's page is a few KB).
const TEXT_LIMIT: usize = 16 << 20;

/// How many renders an unused memoised result survives (Typst's cache is global; without
/// eviction it grows with every letter, with too little the shared parts are re-laid each time).
const CACHE_AGE: usize = 30;

/// Why a letter could not be made or read. Messages are Indonesian: they reach people.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// The template does not compile with this data: each problem names its line.
    #[error("Templat surat tidak bisa disusun: {}", join(.0))]
    Template(Vec<Problem>),
    /// The verification address cannot be a QR code (far too long).
    #[error("Alamat verifikasi terlalu panjang untuk kode QR ({0} karakter)")]
    QrTooLong(usize),
    /// The laid-out letter could not be written as PDF.
    #[error("PDF surat tidak bisa dibuat: {}", join(.0))]
    Export(Vec<Problem>),
    /// The bytes are not a PDF this crate can read the text of.
    #[error("Teks PDF tidak bisa dibaca: {0}")]
    Text(String),
}

/// One error Typst reported, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file it is in when not the template itself (e.g. `surat.typ`).
    pub file: Option<String>,
    /// 1-based line in `file` (or the template), when known.
    pub line: Option<usize>,
    /// Typst's message (English).
    pub message: String,
    /// Typst's suggestions for fixing it.
    pub hints: Vec<String>,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.file, self.line) {
            (Some(file), Some(line)) => write!(f, "{file} baris {line}: ")?,
            (Some(file), None) => write!(f, "{file}: ")?,
            (None, Some(line)) => write!(f, "baris {line}: ")?,
            (None, None) => {}
        }
        f.write_str(&self.message)?;
        for hint in &self.hints {
            write!(f, " (petunjuk: {hint})")?;
        }
        Ok(())
    }
}

/// How many problems a message lists; the first ones matter (a missing bracket makes Typst
/// report every line after it), the rest are counted.
const SHOWN: usize = 3;

fn join(problems: &[Problem]) -> String {
    let mut text = problems
        .iter()
        .take(SHOWN)
        .map(Problem::to_string)
        .collect::<Vec<_>>()
        .join("; ");
    if problems.len() > SHOWN {
        text.push_str(&format!(" (dan {} kesalahan lain)", problems.len() - SHOWN));
    }
    text
}

/// Renders a Typst template to PDF bytes. `data` is given to the template as the JSON file
/// `data.json` (`#let data = json("data.json")`), and `qr_url` as the QR code `qr.svg`
/// (`image("qr.svg", width: 2.5cm)`). The same template, data and address give the same bytes.
pub fn render(template: &str, data: &serde_json::Value, qr_url: &str) -> Result<Vec<u8>, PdfError> {
    let letter = Letter::new(template, data, &qr_code(qr_url)?);
    let compiled = typst::compile::<PagedDocument>(&letter).output;
    let result = compiled
        .map_err(|errors| PdfError::Template(letter.problems(&errors)))
        .and_then(|document| {
            typst_pdf::pdf(&document, &pdf_options())
                .map_err(|errors| PdfError::Export(letter.problems(&errors)))
        });
    comemo::evict(CACHE_AGE);
    result
}

/// Compiles a template with sample data (usually [`sample_data`] of its kind) to check an edit
/// before it is saved: `Err` lists Typst's errors with their lines.
pub fn check(template: &str, sample: &serde_json::Value) -> Result<(), PdfError> {
    let url = sample
        .pointer("/verify/url")
        .and_then(serde_json::Value::as_str)
        .unwrap_or("https://desa.example/v/CONTOH");
    render(template, sample, url).map(drop)
}

/// The text of a PDF, page by page, as its fonts' ToUnicode maps spell it (Typst embeds subset
/// fonts with those maps). For tests, and for checking that a letter says what it should.
pub fn text(pdf: &[u8]) -> Result<String, PdfError> {
    let document = lopdf::Document::load_mem(pdf).map_err(|e| PdfError::Text(e.to_string()))?;
    let pages: Vec<u32> = document.get_pages().keys().copied().collect();
    document
        .extract_text_with_limit(&pages, TEXT_LIMIT)
        .map_err(|e| PdfError::Text(e.to_string()))
}

/// The QR code of `url` as an SVG document (black modules on white, with the quiet zone), for
/// letters and web pages. An address too long for a QR code (over ~2,300 characters) gives an
/// empty white square; [`render`] refuses such an address instead.
pub fn qr_svg(url: &str) -> String {
    qr_code(url).unwrap_or_else(|_| {
        r##"<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="132" height="132" viewBox="0 0 132 132"><rect width="132" height="132" fill="#fff"/></svg>"##.to_owned()
    })
}

fn qr_code(url: &str) -> Result<String, PdfError> {
    // Level M survives a fold or a smudge on paper and keeps a short address at version 3–4.
    let code = qrcode::QrCode::with_error_correction_level(url, qrcode::EcLevel::M)
        .map_err(|_| PdfError::QrTooLong(url.chars().count()))?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .module_dimensions(4, 4)
        .build();
    // Without the XML declaration the same text is an inline `<svg>` element in HTML.
    Ok(match svg.find("<svg") {
        Some(start) => svg[start..].to_owned(),
        None => svg,
    })
}

fn pdf_options() -> typst_pdf::PdfOptions {
    typst_pdf::PdfOptions {
        // No timestamp: the letter's date is in its text; the file carries none, so the bytes
        // depend only on the template, the data and the address.
        timestamp: None,
        creator: Smart::Custom(Some("Desmigratif".into())),
        ..typst_pdf::PdfOptions::default()
    }
}

/// What every letter shares, made once: the standard library, the fonts and the shared parts.
struct Engine {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    shared: Source,
    main_id: FileId,
    data_id: FileId,
    qr_id: FileId,
}

static ENGINE: LazyLock<Engine> = LazyLock::new(|| {
    let fonts: Vec<Font> = FONT_FILES
        .iter()
        .flat_map(|file| Font::iter(Bytes::new(*file)))
        .collect();
    let shared_id = file_id(SHARED.0);
    Engine {
        library: LazyHash::new(Library::default()),
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
        shared: Source::new(shared_id, SHARED.1.to_owned()),
        main_id: file_id("surat-ini.typ"),
        data_id: file_id("data.json"),
        qr_id: file_id("qr.svg"),
    }
});

fn file_id(name: &str) -> FileId {
    let path = VirtualPath::new(format!("/{name}")).expect("a plain file name is a valid path");
    FileId::new(RootedPath::new(VirtualRoot::Project, path))
}

/// One letter being compiled: the shared engine plus this letter's template, data and QR code.
struct Letter {
    engine: &'static Engine,
    main: Source,
    data: Bytes,
    qr: Bytes,
}

impl Letter {
    fn new(template: &str, data: &serde_json::Value, qr_svg: &str) -> Self {
        let engine = &*ENGINE;
        Letter {
            engine,
            main: Source::new(engine.main_id, template.to_owned()),
            // A `Value` always serialises (its keys are strings).
            data: Bytes::new(serde_json::to_vec(data).unwrap_or_default()),
            qr: Bytes::from_string(qr_svg.to_owned()),
        }
    }

    /// Typst's errors, in its order, each reported once per line.
    fn problems(&self, diagnostics: &[SourceDiagnostic]) -> Vec<Problem> {
        let mut problems: Vec<Problem> = Vec::new();
        for d in diagnostics.iter().filter(|d| d.severity == Severity::Error) {
            let (file, line) = self.place(d);
            let problem = Problem {
                file,
                line,
                message: d.message.to_string(),
                hints: d.hints.iter().map(|h| h.v.to_string()).collect(),
            };
            if !problems.contains(&problem) {
                problems.push(problem);
            }
        }
        problems
    }

    /// Where a diagnostic is, preferring a line of the template: an error inside a shared part
    /// is reported at the template's line that called into it, when there is one.
    fn place(&self, d: &SourceDiagnostic) -> (Option<String>, Option<usize>) {
        let main = self.engine.main_id;
        let span = d.span;
        let line_of = |span: DiagSpan| -> Option<usize> {
            let id = span.id()?;
            let range = self.range(span)?;
            let source = self.source(id).ok()?;
            source.lines().byte_to_line(range.start).map(|l| l + 1)
        };
        if span.id() == Some(main) {
            return (None, line_of(span));
        }
        if let Some(call) = d.trace.iter().rev().find(|t| t.span.id() == Some(main)) {
            return (None, line_of(call.span.into()));
        }
        let file = span
            .id()
            .map(|id| id.vpath().get_without_slash().to_owned());
        (file, line_of(span))
    }
}

impl World for Letter {
    fn library(&self) -> &LazyHash<Library> {
        &self.engine.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.engine.book
    }

    fn main(&self) -> FileId {
        self.engine.main_id
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.engine.main_id {
            Ok(self.main.clone())
        } else if id == self.engine.shared.id() {
            Ok(self.engine.shared.clone())
        } else {
            Err(unavailable(id))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.engine.data_id {
            Ok(self.data.clone())
        } else if id == self.engine.qr_id {
            Ok(self.qr.clone())
        } else if id == self.engine.main_id {
            Ok(Bytes::from_string(self.main.text().to_owned()))
        } else if id == self.engine.shared.id() {
            Ok(Bytes::new(SHARED.1.as_bytes()))
        } else {
            Err(unavailable(id))
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.engine.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

fn unavailable(id: FileId) -> FileError {
    let message = match id.root() {
        VirtualRoot::Package(package) => format!(
            "paket {package} tidak tersedia: surat tidak mengunduh apa pun; \
             pakai fungsi dari surat.typ atau tulis sendiri di templat"
        ),
        VirtualRoot::Project => format!(
            "berkas {} tidak tersedia: templat surat hanya bisa membaca data.json, qr.svg dan surat.typ",
            id.vpath().get_without_slash()
        ),
    };
    FileError::Other(Some(message.into()))
}

/// Realistic, fictional data for a letter of `kind` (one of [`TEMPLATES`]), complete to the
/// schema above; used by [`check`], tests and the template editor's preview. An unknown kind
/// gets the common parts with empty `fields`.
pub fn sample_data(kind: &str) -> serde_json::Value {
    use serde_json::json;
    let (title, number, fields) = match kind {
        "izin_keluarga" => (
            "SURAT KETERANGAN IZIN KELUARGA",
            "470/003/2004/XI/2026",
            json!({
                "consenter_name": "Tarsono",
                "consenter_nik": "3212161107950003",
                "consenter_relationship": "Suami",
                "consenter_address": "Blok Karanganyar, RT 003/RW 001, Desa Kenanga, Kecamatan Sindang",
                "destination": "Taiwan",
                "occupation": "Perawat Lansia (Caregiver)",
                "agency": "PT Duta Kenanga Mandiri"
            }),
        ),
        "status_perkawinan" => (
            "SURAT KETERANGAN STATUS PERKAWINAN",
            "474.2/004/2004/XI/2026",
            json!({
                "marital_status": "Kawin",
                "purpose": "Persyaratan pendaftaran calon Pekerja Migran Indonesia"
            }),
        ),
        "domisili" => (
            "SURAT KETERANGAN DOMISILI",
            "474/005/2004/XI/2026",
            json!({
                "since": "5 Maret 1998",
                "purpose": "Rekomendasi pembuatan paspor pada Kantor Imigrasi Cirebon"
            }),
        ),
        "serah_terima" => (
            "BERITA ACARA SERAH TERIMA PEKERJA MIGRAN INDONESIA",
            "560/006/2004/XI/2026",
            json!({
                "destination": "Hong Kong",
                "employer": "Chan Tai Man",
                "departed_on": "14 Februari 2024",
                "returned_on": "20 November 2026",
                "handover_on": "Jumat, 27 November 2026",
                "received_by": "Tarsono",
                "condition": "Sehat jasmani dan rohani",
                "notes": "Paspor, kontrak kerja dan kartu kepesertaan BPJS Ketenagakerjaan dibawa sendiri oleh yang bersangkutan."
            }),
        ),
        "sertifikat_pelatihan" => (
            "SERTIFIKAT PELATIHAN",
            "400.3/007/2004/XI/2026",
            json!({
                "training": "Pengolahan Hasil Laut",
                "institution": "BBPLK Lembang",
                "starts_on": "3 Agustus 2026",
                "ends_on": "5 Agustus 2026",
                "attendance": "3 dari 3 sesi"
            }),
        ),
        _ => ("SURAT KETERANGAN", "470/001/2004/XI/2026", json!({})),
    };
    json!({
        "village": {
            "name": "Kenanga",
            "code": "32.12.16.2004",
            "kecamatan": "Sindang",
            "kabupaten": "Kabupaten Indramayu",
            "province": "Jawa Barat",
            "office_address": "Jl. Raya Kenanga No. 1, Sindang, Indramayu 45222",
            "phone": "(0234) 270001",
            "email": "desa.kenanga@desa.example"
        },
        "letter": {
            "kind": kind,
            "title": title,
            "number": number,
            "date": "27 November 2026",
            "place": "Kenanga"
        },
        "subject": {
            "name": "Siti Nurjanah",
            "nik": "3212164503980002",
            "birth_place": "Indramayu",
            "birth_date": "5 Maret 1998",
            "sex": "Perempuan",
            "marital_status": "Kawin",
            "occupation": "Mengurus Rumah Tangga",
            "address": "Blok Karanganyar, RT 003/RW 001, Desa Kenanga, Kecamatan Sindang"
        },
        "fields": fields,
        "signer": {"title": "Kuwu Kenanga", "name": "H. Darsono"},
        "verify": {"url": "https://desa.example/v/Q7mK2xN4pR8s", "code": "Q7mK2xN4pR8s"}
    })
}
