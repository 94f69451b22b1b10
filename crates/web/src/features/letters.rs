//! Pillar 1 — village letters: requests (by an operator, or by a resident on the public site),
//! review, the village head's approval and signature, the signed PDF with its QR code, collection
//! and revocation; the kinds and their Typst templates as data an admin edits. The public side
//! (verification, resident requests, tracking) is in `verify.rs`.

use super::FieldErrors;
use super::persons::today;
use crate::AppState;
use crate::auth::{Staff, Target, guarded};
use crate::error::AppError;
use crate::page::{Page, render, render_form, when};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use chrono::Datelike;
use desmigratif_core::access::{Action, Compartment, Place};
use desmigratif_core::catalog::{self, MARITAL};
use desmigratif_core::id::Id;
use desmigratif_core::letters::{
    LetterStatus, Payload, check_counselling, check_reason, format_number, indonesian_date,
    new_code,
};
use desmigratif_core::nik::Nik;
use desmigratif_core::region::Scope;
use desmigratif_core::text::clean_spaces;
use desmigratif_db::audit::{self, Event};
use desmigratif_db::letters::{self, FieldSpec, KindRow, KindSeed, LetterRow, NewLetter};
use desmigratif_db::registry::{self, NIK_CONTEXT, PersonRow};
use desmigratif_db::villages::VillageRow;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

const READ: Action = Action::Read(Compartment::Letters);
const WRITE: Action = Action::Write(Compartment::Letters);
const PAGE_SIZE: i64 = 50;
/// Encryption context of the stored signed PDFs (they carry the full NIK).
pub const LETTER_FILE_CONTEXT: &str = "letter.pdf";
/// Deployment setting: how recent the counselling session before a consent letter must be.
pub const COUNSELLING_DAYS: &str = "letters.counselling_days";
const DEFAULT_COUNSELLING_DAYS: u32 = 90;
/// What one kind-specific value may hold.
const FIELD_MAX: usize = 200;

/// The kinds a new deployment starts with (then its own data: an admin edits the templates).
/// Classification codes follow the village archive classification (470 population, 474
/// civil status, 560 labour).
pub fn kind_seeds() -> Vec<KindSeed<'static>> {
    let template = |code: &str| {
        desmigratif_pdf::TEMPLATES
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, t)| *t)
            .expect("every seeded kind has a template")
    };
    vec![
        KindSeed {
            code: "izin_keluarga",
            title: "Surat Keterangan Izin Suami/Istri/Orang Tua/Wali",
            classification: "474.4",
            needs_counselling: true,
            fields: &[
                ("consenter_name", "Nama yang memberi izin", true),
                ("consenter_nik", "NIK yang memberi izin", true),
                (
                    "consenter_relationship",
                    "Hubungan (Suami, Istri, Ayah, Ibu, Wali)",
                    true,
                ),
                ("consenter_address", "Alamat yang memberi izin", false),
                ("destination", "Negara tujuan", true),
                ("occupation", "Jabatan/pekerjaan di luar negeri", true),
                ("agency", "Perusahaan penempatan (P3MI)", false),
            ],
            template: template("izin_keluarga"),
        },
        KindSeed {
            code: "status_perkawinan",
            title: "Surat Keterangan Status Perkawinan",
            classification: "474.2",
            needs_counselling: false,
            fields: &[
                ("marital_status", "Status perkawinan", true),
                ("purpose", "Keperluan", true),
            ],
            template: template("status_perkawinan"),
        },
        KindSeed {
            code: "domisili",
            title: "Surat Keterangan Domisili / Rekomendasi",
            classification: "470",
            needs_counselling: false,
            fields: &[
                ("since", "Berdomisili sejak", false),
                ("purpose", "Keperluan", true),
            ],
            template: template("domisili"),
        },
        KindSeed {
            code: "serah_terima",
            title: "Berita Acara Serah Terima PMI",
            classification: "560",
            needs_counselling: false,
            fields: &[
                ("destination", "Negara penempatan", true),
                ("employer", "Pemberi kerja", false),
                ("departed_on", "Tanggal berangkat", false),
                ("returned_on", "Tanggal kembali", true),
                ("handover_on", "Tanggal serah terima", true),
                ("received_by", "Diterima oleh (nama dan hubungan)", true),
                ("condition", "Kondisi saat diterima", true),
                ("notes", "Catatan", false),
            ],
            template: template("serah_terima"),
        },
        // Issued from a training's page when a participant completes it (features::trainings):
        // a letter so that the village key, the QR code, /v/{code}, the altered-file check and
        // revocation are the letters' own. 400.3: education and training.
        KindSeed {
            code: desmigratif_core::trainings::CERTIFICATE_KIND,
            title: "Sertifikat Pelatihan",
            classification: "400.3",
            needs_counselling: false,
            fields: &[
                ("training", "Pelatihan", true),
                ("institution", "Penyelenggara", true),
                ("starts_on", "Tanggal mulai", true),
                ("ends_on", "Tanggal selesai", true),
                ("attendance", "Kehadiran", true),
            ],
            template: template("sertifikat_pelatihan"),
        },
    ]
}

/// Puts the shipped letter kinds into a deployment that lacks them (at every start, harmless).
pub async fn seed(db: &desmigratif_db::Db) -> Result<(), desmigratif_db::DbError> {
    letters::seed_kinds(db, &kind_seeds()).await
}

guarded!(LetterRow, "letter", letters::letter, village_code);

async fn kind_of(state: &AppState, code: &str) -> Result<KindRow, AppError> {
    letters::kind(&state.db, code)
        .await?
        .ok_or_else(|| AppError::BadRequest(format!("jenis surat «{code}» tidak dikenal")))
}

async fn counselling_days(state: &AppState) -> Result<u32, AppError> {
    Ok(desmigratif_db::settings::get(&state.db, COUNSELLING_DAYS)
        .await?
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_COUNSELLING_DAYS))
}

// ---------------------------------------------------------------------------------------------
// The steps, shared by pages and the API

/// What a request says: the village, the kind, the person (by NIK) and the kind's own fields.
#[derive(serde::Deserialize, Default, Clone, utoipa::ToSchema)]
#[serde(default)]
pub struct RequestIn {
    /// Village code (13 characters, e.g. 32.12.16.2004).
    pub village_code: String,
    /// Letter kind code (see GET /api/v1/letters/kinds).
    pub kind: String,
    /// NIK of the person the letter is about (registered in that village).
    pub nik: String,
    /// The kind's own fields by name.
    pub fields: BTreeMap<String, String>,
}

/// Checks the kind-specific values against the kind's field list: required ones present, each
/// at most 200 characters, fields named `*_nik` valid NIKs. Unknown names are dropped.
fn check_fields(
    specs: &[FieldSpec],
    raw: &BTreeMap<String, String>,
    errors: &mut FieldErrors,
) -> serde_json::Map<String, serde_json::Value> {
    let mut out = serde_json::Map::new();
    for spec in specs {
        let v = clean_spaces(raw.get(&spec.name).map(String::as_str).unwrap_or(""));
        if v.is_empty() {
            if spec.required {
                errors.add(&spec.name, format!("{} wajib diisi", spec.label));
            }
        } else if v.chars().count() > FIELD_MAX {
            errors.add(
                &spec.name,
                format!("{} paling banyak {FIELD_MAX} karakter", spec.label),
            );
        } else if spec.name.ends_with("_nik") && Nik::parse(&v).is_err() {
            errors.add(
                &spec.name,
                format!("{}: NIK harus 16 angka yang sah", spec.label),
            );
        }
        out.insert(spec.name.clone(), serde_json::Value::String(v));
    }
    out
}

/// The registered person of a village with this NIK.
async fn person_by_nik(
    state: &AppState,
    village_code: &str,
    raw: &str,
    errors: &mut FieldErrors,
) -> Result<Option<PersonRow>, AppError> {
    let nik = match Nik::parse(raw) {
        Ok(n) => n,
        Err(e) => {
            errors.add("nik", e.message);
            return Ok(None);
        }
    };
    let found = registry::person_by_nik_index(
        &state.db,
        &state.keys.blind_index(NIK_CONTEXT, nik.as_str()),
    )
    .await?
    .filter(|p| p.village_code == village_code);
    if found.is_none() {
        errors.add(
            "nik",
            "NIK ini belum terdaftar sebagai penduduk desa ini; daftarkan dulu orangnya di menu Penduduk",
        );
    }
    Ok(found)
}

/// Records a staff request. `Ok(Err(errors))` when the input needs correcting.
async fn create_request(
    state: &AppState,
    staff: &Staff,
    input: &RequestIn,
    supersedes: Option<&LetterRow>,
) -> Result<Result<Id, FieldErrors>, AppError> {
    let place = input
        .village_code
        .parse()
        .map(Scope::Region)
        .map_err(|_| AppError::BadRequest("pilih desa".into()))?;
    staff
        .allow(
            state,
            WRITE,
            &Place::of(&place),
            Target::Action {
                name: "letter.create",
            },
        )
        .await?;
    let kind = kind_of(state, &input.kind).await?;
    let mut errors = FieldErrors::default();
    if !kind.active {
        errors.add("kind", "jenis surat ini sedang tidak dipakai");
    }
    if desmigratif_core::trainings::only_from_training(&kind.code) {
        errors.add(
            "kind",
            "sertifikat pelatihan hanya diminta dari halaman pelatihan, saat peserta dinyatakan selesai",
        );
    }
    let person = person_by_nik(state, &input.village_code, &input.nik, &mut errors).await?;
    let fields = check_fields(&kind.field_specs(), &input.fields, &mut errors);
    let Some(person) = person.filter(|_| errors.is_empty()) else {
        return Ok(Err(errors));
    };
    let mut tx = state.db.begin().await?;
    let id = letters::create(
        &mut tx,
        &staff.actor(),
        &NewLetter {
            village_code: input.village_code.clone(),
            kind: kind.code,
            person_id: Some(person.id),
            fields: serde_json::Value::Object(fields).to_string(),
            requested_via: "staff",
            requested_by: staff.principal().username.clone(),
            requester_nik_enc: None,
            requester_phone_enc: None,
            tracking_code: None,
            supersedes: supersedes.map(|l| l.id),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(id))
}

/// Refuses a consent letter without a recent counselling session.
async fn check_counselled(
    state: &AppState,
    tx: &mut desmigratif_db::Tx,
    kind: &KindRow,
    person_id: Id,
) -> Result<(), AppError> {
    if !kind.needs_counselling {
        return Ok(());
    }
    let last = letters::last_counselling(tx, person_id).await?;
    check_counselling(last, today(), counselling_days(state).await?)
        .map_err(|e| AppError::Conflict(e.message))
}

/// One step other than signing (review, send for signature, send back, reject, collected,
/// revoke). Rejections and revocations need a reason.
async fn advance(
    state: &AppState,
    staff: &Staff,
    l: &LetterRow,
    to: LetterStatus,
    reason: &str,
) -> Result<(), AppError> {
    let note = if matches!(to, LetterStatus::Rejected | LetterStatus::Revoked) {
        check_reason("reason", reason)
            .map_err(|e| AppError::Invalid(vec![(e.field.into(), e.message)]))?
    } else {
        clean_spaces(reason)
    };
    if to == LetterStatus::Issued {
        return Err(AppError::BadRequest(
            "surat terbit hanya lewat persetujuan dan tanda tangan kepala desa".into(),
        ));
    }
    let kind = kind_of(state, &l.kind).await?;
    let mut tx = state.db.begin().await?;
    let current = letters::letter_in_tx(&mut tx, l.id).await?;
    if to == LetterStatus::AwaitingSignature {
        let person = current.person_id.ok_or_else(|| {
            AppError::Conflict(
                "permintaan ini belum terhubung ke penduduk terdaftar; cocokkan NIK-nya dulu"
                    .into(),
            )
        })?;
        check_counselled(state, &mut tx, &kind, person).await?;
    }
    letters::step(&mut tx, &staff.actor(), &current, to, &note).await?;
    tx.commit().await?;
    Ok(())
}

/// The address line of a person on a letter.
fn address_of(p: &PersonRow, village: &VillageRow) -> String {
    let mut parts = Vec::new();
    if !p.address.is_empty() {
        parts.push(p.address.clone());
    }
    if !p.dusun.is_empty() {
        parts.push(format!("Dusun {}", p.dusun));
    }
    if !p.rt.is_empty() {
        parts.push(format!("RT {}/RW {}", p.rt, p.rw));
    }
    parts.push(format!("Desa {}", village.name));
    parts.join(", ")
}

/// The public address the QR code and the letter point to: the configured one, never the `Host`
/// of whatever request happened to sign the letter.
fn public_base(state: &AppState) -> &str {
    state.config.public_url.trim_end_matches('/')
}

/// The village head approves: the letter gets its number, the village's signature over its
/// canonical content, and its PDF (with the QR code to `/v/{code}`), all in one transaction.
async fn sign_and_issue(state: &AppState, staff: &Staff, l: &LetterRow) -> Result<(), AppError> {
    staff
        .allow_record(
            state,
            Action::SignLetters,
            &l.village_code,
            "letter",
            &l.id.to_string(),
        )
        .await?;
    let kind = kind_of(state, &l.kind).await?;
    let village = desmigratif_db::villages::by_code(&state.db, &l.village_code.parse()?)
        .await?
        .ok_or(AppError::NotFound)?;
    if village.head_name.trim().is_empty() || village.head_title.trim().is_empty() {
        return Err(AppError::Conflict(
            "lengkapi profil desa (jabatan dan nama kepala desa) sebelum menandatangani".into(),
        ));
    }
    let person_id = l.person_id.ok_or_else(|| {
        AppError::Conflict("permintaan ini belum terhubung ke penduduk terdaftar".into())
    })?;
    let person = registry::person(&state.db, person_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let nik = state
        .keys
        .decrypt_str(NIK_CONTEXT, &person.nik_enc)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    // The key is made outside the issuing transaction, so concurrent first signatures of a
    // village cannot both make one.
    letters::ensure_signing_key(&state.db, &l.village_code, &state.keys).await?;
    let mut tx = state.db.begin().await?;
    let current = letters::letter_in_tx(&mut tx, l.id).await?;
    if current.status() != LetterStatus::AwaitingSignature {
        return Err(AppError::Conflict(format!(
            "surat ini berstatus «{}», bukan menunggu tanda tangan",
            current.status().label_id()
        )));
    }
    check_counselled(state, &mut tx, &kind, person_id).await?;
    let key = letters::signing_key(&mut tx, &l.village_code, &state.keys).await?;
    let issued_on = today();
    let seq = letters::next_number(&mut tx, &l.village_code, &l.kind, issued_on.year()).await?;
    let number = format_number(&kind.classification, seq, &l.village_code, issued_on);
    let code = new_code();
    let signer_title = format!("{} {}", village.head_title, village.name);
    let payload = Payload {
        version: desmigratif_core::letters::V2,
        fields: printed_fields(&kind, &current),
        subject: printed_subject(&person, &village),
        kind: l.kind.clone(),
        number: number.clone(),
        issued_on,
        village_code: l.village_code.clone(),
        village_name: village.name.clone(),
        subject_name: person.name.clone(),
        subject_nik: nik.clone(),
        signer_name: village.head_name.clone(),
        signer_title: signer_title.clone(),
        code: code.clone(),
        key_id: key.key_id.clone(),
    };
    let signature = key.sign(&payload);
    let url = format!("{}/v/{code}", public_base(state));
    let data = letter_data(state, &kind, &village, &payload, &signature, &url);
    let template = kind.template.clone();
    let pdf = state
        .heavy(move || desmigratif_pdf::render(&template, &data, &url))
        .await?
        .map_err(|e| AppError::Conflict(format!("surat tidak bisa disusun: {e}")))?;
    let sha = hex::encode(Sha256::digest(&pdf));
    let sealed = state.keys.encrypt(LETTER_FILE_CONTEXT, &pdf);
    let actor = staff.actor();
    let file_id = registry::store_file(
        &mut tx,
        &actor,
        &l.village_code,
        "application/pdf",
        pdf.len() as i64,
        &sha,
        &sealed,
    )
    .await?;
    letters::issue(
        &mut tx,
        &actor,
        &current,
        &letters::Issue {
            seq,
            year: issued_on.year(),
            number: &number,
            issued_on,
            code: &code,
            payload: &String::from_utf8_lossy(&payload.canonical()),
            signature: &signature,
            key_id: &key.key_id,
            pdf_file_id: file_id,
            pdf_sha256: &sha,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The kind's fields as the letter prints them, by name: every field of the kind (one left empty
/// is `""`) and whatever else the request stored; dates typed as 2026-08-17 read as
/// "17 Agustus 2026". What is signed is what is printed.
pub fn printed_fields(kind: &KindRow, l: &LetterRow) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = l
        .field_values()
        .into_iter()
        .map(|(name, v)| {
            let text = match v {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            (name, text)
        })
        .collect();
    for spec in kind.field_specs() {
        out.entry(spec.name).or_default();
    }
    for v in out.values_mut() {
        if let Ok(d) = desmigratif_core::registry::parse_date("", v) {
            *v = indonesian_date(d);
        }
    }
    out
}

/// What every letter prints about the person beyond the name and NIK (the payload's `subject`).
fn printed_subject(p: &PersonRow, village: &VillageRow) -> BTreeMap<String, String> {
    let sex = if p.sex == "P" {
        "Perempuan"
    } else {
        "Laki-laki"
    };
    let marital = catalog::choice(MARITAL, &p.marital_status).map_or("-", |c| c.id);
    let occupation = if p.skills.is_empty() {
        "-"
    } else {
        p.skills.as_str()
    };
    [
        ("address", address_of(p, village)),
        ("birth_date", indonesian_date(p.birth_date)),
        ("birth_place", p.birth_place.clone()),
        ("marital_status", marital.to_owned()),
        ("occupation", occupation.to_owned()),
        ("sex", sex.to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// The values a letter template reads from `data.json` (schema in `desmigratif_pdf`): the person
/// and the fields come from the signed payload, so the paper cannot say what was not signed.
fn letter_data(
    state: &AppState,
    kind: &KindRow,
    village: &VillageRow,
    payload: &Payload,
    signature: &str,
    url: &str,
) -> serde_json::Value {
    let path: Vec<String> = village
        .code
        .parse()
        .ok()
        .and_then(|c| state.regions.view(&c))
        .map(|v| v.path.into_iter().map(|s| s.name).collect())
        .unwrap_or_default();
    let level = |i: usize| path.get(i).cloned().unwrap_or_default();
    let mut subject =
        serde_json::json!({ "name": payload.subject_name, "nik": payload.subject_nik });
    for (k, v) in &payload.subject {
        subject[k] = serde_json::Value::String(v.clone());
    }
    serde_json::json!({
        "village": {
            "name": village.name, "code": village.code, "kecamatan": level(2), "kabupaten": level(1),
            "province": level(0), "office_address": village.office_address, "phone": village.phone, "email": village.email,
        },
        "letter": {
            "kind": kind.code, "title": kind.title.to_uppercase(), "number": payload.number,
            "date": indonesian_date(payload.issued_on), "place": village.name,
        },
        "subject": subject,
        "fields": payload.fields,
        "signer": { "title": payload.signer_title, "name": payload.signer_name },
        "verify": { "url": url, "code": payload.code },
        "signature": { "key_id": payload.key_id, "value": signature },
    })
}

/// The stored PDF of an issued letter (read is audited: it carries the full NIK).
async fn pdf_of(state: &AppState, staff: &Staff, l: &LetterRow) -> Result<Response, AppError> {
    let file_id = l.pdf_file_id.ok_or(AppError::NotFound)?;
    let file = registry::file(&state.db, file_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let bytes = state
        .keys
        .decrypt(LETTER_FILE_CONTEXT, &file.data_enc)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    audit::log(
        &state.db,
        &staff.actor(),
        &Event::new("letter.download", "letter", l.id, &l.village_code),
    )
    .await?;
    let name = format!(
        "surat-{}.pdf",
        l.number.as_deref().unwrap_or("draf").replace('/', "-")
    );
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

// ---------------------------------------------------------------------------------------------
// Pages

pub struct Line {
    pub id: String,
    pub kind: String,
    pub subject: String,
    pub number: String,
    pub status: &'static str,
    pub via_public: bool,
    pub created: String,
}

#[derive(Template)]
#[template(path = "letters.html")]
struct LettersPage {
    page: Page,
    lines: Vec<Line>,
    total: i64,
    kinds: Vec<(String, String)>,
    statuses: Vec<(&'static str, &'static str)>,
    status: String,
    can_write: bool,
    can_edit_kinds: bool,
    page_no: i64,
    pages: i64,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct ListQuery {
    status: String,
    halaman: Option<i64>,
}

fn status_label(staff: &Staff, s: LetterStatus) -> &'static str {
    staff.ctx.lang.pick(s.label_id(), s.label_en())
}

pub(crate) async fn list(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    staff.allow_here(&state, READ, "letter.list").await?;
    let status = LetterStatus::parse(&q.status).ok();
    let page_no = q.halaman.unwrap_or(1).max(1);
    let (rows, total) = letters::list(
        &state.db,
        staff.principal().scope.as_stored(),
        status,
        (page_no - 1) * PAGE_SIZE,
        PAGE_SIZE,
    )
    .await?;
    let kinds = letters::kinds(&state.db)
        .await?
        .into_iter()
        .filter(|k| k.active)
        .map(|k| (k.code, k.title))
        .collect();
    render(LettersPage {
        page: Page::new(&staff.ctx, "letters.title"),
        lines: rows
            .into_iter()
            .map(|r| Line {
                id: r.id.to_string(),
                kind: r.kind_title,
                subject: r.subject_name.unwrap_or_else(|| "—".into()),
                number: r.number.unwrap_or_default(),
                status: status_label(
                    &staff,
                    LetterStatus::parse(&r.status).unwrap_or(LetterStatus::Requested),
                ),
                via_public: r.requested_via == "public",
                created: when(&r.created_at),
            })
            .collect(),
        total,
        kinds,
        statuses: LetterStatus::ALL
            .iter()
            .map(|s| (s.as_str(), status_label(&staff, *s)))
            .collect(),
        status: status.map(|s| s.as_str().to_owned()).unwrap_or_default(),
        can_write: staff.principal().may_here(WRITE),
        can_edit_kinds: staff
            .principal()
            .may(Action::EditLetterKinds, &Place::National),
        page_no,
        pages: (total + PAGE_SIZE - 1) / PAGE_SIZE,
    })
}

#[derive(Template)]
#[template(path = "letter_form.html")]
struct LetterFormPage {
    page: Page,
    kind: KindRow,
    specs: Vec<FieldSpec>,
    villages: Vec<(String, String)>,
    input: RequestIn,
    errors: FieldErrors,
    supersedes: String,
}

impl LetterFormPage {
    fn value(&self, name: &str) -> &str {
        self.input
            .fields
            .get(name)
            .map(String::as_str)
            .unwrap_or("")
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct NewQuery {
    jenis: String,
    ganti: String,
}

async fn form_page(
    state: &AppState,
    staff: &Staff,
    kind: KindRow,
    input: RequestIn,
    errors: FieldErrors,
    supersedes: String,
) -> Result<Response, AppError> {
    let villages = super::persons::villages_where(state, staff, WRITE).await?;
    let needs_correction = !errors.is_empty();
    render_form(
        LetterFormPage {
            page: Page::new(&staff.ctx, "letters.new"),
            specs: kind.field_specs(),
            kind,
            villages,
            input,
            errors,
            supersedes,
        },
        needs_correction,
    )
}

pub(crate) async fn new_form(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<NewQuery>,
) -> Result<Response, AppError> {
    staff.allow_here(&state, WRITE, "letter.create").await?;
    let kind = kind_of(&state, &q.jenis).await?;
    let mut input = RequestIn {
        kind: kind.code.clone(),
        ..Default::default()
    };
    // A replacement starts from the letter it replaces.
    if !q.ganti.is_empty() {
        let old = staff.load::<LetterRow>(&state, &q.ganti, WRITE).await?;
        input.village_code = old.village_code.clone();
        input.fields = old
            .field_values()
            .into_iter()
            .map(|(k, v)| (k, v.as_str().unwrap_or("").to_owned()))
            .collect();
    }
    form_page(&state, &staff, kind, input, FieldErrors::default(), q.ganti).await
}

/// The request form as posted: fixed fields plus `f_<name>` for the kind's own fields.
fn request_from_form(form: Vec<(String, String)>) -> (RequestIn, String) {
    let mut input = RequestIn::default();
    let mut supersedes = String::new();
    for (k, v) in form {
        match k.as_str() {
            "desa" => input.village_code = v,
            "kind" => input.kind = v,
            "nik" => input.nik = v,
            "supersedes" => supersedes = v,
            _ => {
                if let Some(name) = k.strip_prefix("f_") {
                    input.fields.insert(name.to_owned(), v);
                }
            }
        }
    }
    (input, supersedes)
}

pub(crate) async fn create(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (input, supersedes) = request_from_form(form);
    let old = if supersedes.is_empty() {
        None
    } else {
        Some(staff.load::<LetterRow>(&state, &supersedes, WRITE).await?)
    };
    match create_request(&state, &staff, &input, old.as_ref()).await? {
        Ok(id) => Ok(Redirect::to(&format!("/app/surat/{id}")).into_response()),
        Err(errors) => {
            let kind = kind_of(&state, &input.kind).await?;
            form_page(&state, &staff, kind, input, errors, supersedes).await
        }
    }
}

pub struct Step {
    pub to: &'static str,
    pub label: &'static str,
    pub needs_reason: bool,
}

#[derive(Template)]
#[template(path = "letter.html")]
struct LetterPage {
    page: Page,
    l: LetterRow,
    kind_title: String,
    status: &'static str,
    valid: bool,
    subject: Option<(String, String, String)>,
    requester_nik: String,
    /// Name, label and value of the kind's fields.
    fields: Vec<(String, String, String)>,
    events: Vec<(String, String, String, String)>,
    steps: Vec<Step>,
    can_sign: bool,
    can_write: bool,
    editable: bool,
    verify_url: String,
    verifications: i64,
    error: Option<String>,
}

async fn letter_page(
    state: &AppState,
    staff: &Staff,
    l: LetterRow,
    error: Option<String>,
) -> Result<Response, AppError> {
    let kind = kind_of(state, &l.kind).await?;
    let place = Scope::Region(l.village_code.parse()?);
    let can_write = staff.principal().may(WRITE, &Place::of(&place));
    let status = l.status();
    let subject = match l.person_id {
        Some(id) => registry::person(&state.db, id).await?.map(|p| {
            (
                p.id.to_string(),
                p.name,
                desmigratif_core::nik::masked(&p.nik_prefix),
            )
        }),
        None => None,
    };
    let requester_nik = match &l.requester_nik_enc {
        Some(sealed) => state
            .keys
            .decrypt_str(letters::REQUESTER_NIK_CONTEXT, sealed)
            .map(|n| desmigratif_core::nik::masked(&n))
            .unwrap_or_default(),
        None => String::new(),
    };
    let values = l.field_values();
    let fields = kind
        .field_specs()
        .into_iter()
        .map(|s| {
            let v = values
                .get(&s.name)
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_owned();
            (s.name, s.label, v)
        })
        .collect();
    let events = letters::events_of(&state.db, l.id)
        .await?
        .into_iter()
        .map(|e| {
            (
                when(&e.at),
                e.actor,
                LetterStatus::parse(&e.to_status)
                    .map(|s| status_label(staff, s))
                    .unwrap_or("?")
                    .to_owned(),
                e.note,
            )
        })
        .collect();
    let steps = if can_write {
        status
            .next()
            .into_iter()
            .filter(|s| *s != LetterStatus::Issued && *s != LetterStatus::Superseded)
            .map(|s| Step {
                to: s.as_str(),
                label: step_label(staff, s),
                needs_reason: matches!(s, LetterStatus::Rejected | LetterStatus::Revoked),
            })
            .collect()
    } else {
        Vec::new()
    };
    let verifications = letters::verification_count(&state.db, l.id).await?;
    render(LetterPage {
        page: Page::new(&staff.ctx, "letters.letter"),
        kind_title: kind.title,
        status: status_label(staff, status),
        valid: status.is_valid_letter(),
        subject,
        requester_nik,
        fields,
        events,
        steps,
        can_sign: status == LetterStatus::AwaitingSignature
            && staff
                .principal()
                .may(Action::SignLetters, &Place::of(&place)),
        can_write,
        editable: can_write && matches!(status, LetterStatus::Requested | LetterStatus::InReview),
        verify_url: l
            .code
            .as_ref()
            .map(|c| format!("{}/v/{c}", public_base(state)))
            .unwrap_or_default(),
        verifications,
        error,
        l,
    })
}

/// The button that moves a letter to `to`.
fn step_label(staff: &Staff, to: LetterStatus) -> &'static str {
    staff.ctx.lang.t(match to {
        LetterStatus::InReview => "letters.step.review",
        LetterStatus::AwaitingSignature => "letters.step.submit",
        LetterStatus::Rejected => "letters.step.reject",
        LetterStatus::Collected => "letters.step.collected",
        LetterStatus::Revoked => "letters.step.revoke",
        _ => "letters.step.back",
    })
}

pub(crate) async fn show(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let l = staff.load::<LetterRow>(&state, &id, READ).await?;
    letter_page(&state, &staff, l, None).await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct StepForm {
    to: String,
    reason: String,
    /// The confirmation box of a revocation.
    yakin: String,
}

/// A refused step is shown on the letter page (what to do), not as an error page.
async fn after_step(
    state: &AppState,
    staff: &Staff,
    id: Id,
    result: Result<(), AppError>,
) -> Result<Response, AppError> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/app/surat/{id}")).into_response()),
        Err(AppError::Conflict(m) | AppError::BadRequest(m)) => {
            let l = letters::letter(&state.db, id)
                .await?
                .ok_or(AppError::NotFound)?;
            let mut r = letter_page(state, staff, l, Some(m)).await?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(AppError::Invalid(list)) => {
            let l = letters::letter(&state.db, id)
                .await?
                .ok_or(AppError::NotFound)?;
            let m = list
                .into_iter()
                .map(|(_, m)| m)
                .collect::<Vec<_>>()
                .join("; ");
            let mut r = letter_page(state, staff, l, Some(m)).await?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(e),
    }
}

pub(crate) async fn step(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(f): Form<StepForm>,
) -> Result<Response, AppError> {
    let l = staff.load::<LetterRow>(&state, &id, WRITE).await?;
    let to = LetterStatus::parse(&f.to).map_err(|e| AppError::BadRequest(e.message))?;
    let result = if to == LetterStatus::Revoked && f.yakin != "ya" {
        Err(AppError::BadRequest(
            "centang konfirmasi untuk mencabut surat; pencabutan tidak bisa dibatalkan".into(),
        ))
    } else {
        advance(&state, &staff, &l, to, &f.reason).await
    };
    after_step(&state, &staff, l.id, result).await
}

pub(crate) async fn sign(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let l = staff.load::<LetterRow>(&state, &id, READ).await?;
    let result = sign_and_issue(&state, &staff, &l).await;
    after_step(&state, &staff, l.id, result).await
}

/// Corrects a request before it goes for signature: the person (by NIK) and the kind's fields.
pub(crate) async fn edit(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let l = staff.load::<LetterRow>(&state, &id, WRITE).await?;
    let (input, _) = request_from_form(form);
    let kind = kind_of(&state, &l.kind).await?;
    let mut errors = FieldErrors::default();
    let person = person_by_nik(&state, &l.village_code, &input.nik, &mut errors).await?;
    let fields = check_fields(&kind.field_specs(), &input.fields, &mut errors);
    let result = match person.filter(|_| errors.is_empty()) {
        None => Err(AppError::Invalid(errors.0)),
        Some(p) => {
            let mut tx = state.db.begin().await?;
            letters::update_request(
                &mut tx,
                &staff.actor(),
                &l,
                Some(p.id),
                &serde_json::Value::Object(fields).to_string(),
            )
            .await?;
            tx.commit().await.map_err(AppError::from)
        }
    };
    after_step(&state, &staff, l.id, result).await
}

pub(crate) async fn download(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let l = staff.load::<LetterRow>(&state, &id, READ).await?;
    pdf_of(&state, &staff, &l).await
}

// --- kinds and templates (admin) ---

#[derive(Template)]
#[template(path = "letter_kinds.html")]
struct KindsPage {
    page: Page,
    kinds: Vec<KindRow>,
    counselling_days: u32,
    error: Option<String>,
}

async fn kinds_page(
    state: &AppState,
    staff: &Staff,
    error: Option<String>,
) -> Result<Response, AppError> {
    let needs_correction = error.is_some();
    render_form(
        KindsPage {
            page: Page::new(&staff.ctx, "letters.kinds"),
            kinds: letters::kinds(&state.db).await?,
            counselling_days: counselling_days(state).await?,
            error,
        },
        needs_correction,
    )
}

pub(crate) async fn kinds(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Response, AppError> {
    staff
        .allow_national(&state, Action::EditLetterKinds, "letter_kind.list")
        .await?;
    kinds_page(&state, &staff, None).await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct SettingsForm {
    counselling_days: String,
}

pub(crate) async fn save_settings(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<SettingsForm>,
) -> Result<Response, AppError> {
    staff
        .allow_national(&state, Action::EditLetterKinds, "letter.settings")
        .await?;
    match f.counselling_days.trim().parse::<u32>() {
        Ok(days) if (1..=730).contains(&days) => {
            let mut tx = state.db.begin().await?;
            desmigratif_db::settings::set(
                &mut tx,
                &staff.actor(),
                COUNSELLING_DAYS,
                &days.to_string(),
            )
            .await?;
            tx.commit().await?;
            Ok(Redirect::to("/app/surat/jenis").into_response())
        }
        _ => {
            kinds_page(
                &state,
                &staff,
                Some("batas hari bimbingan harus angka 1–730".into()),
            )
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "letter_kind.html")]
struct KindPage {
    page: Page,
    kind: KindRow,
    error: Option<String>,
}

pub(crate) async fn kind_page(
    State(state): State<AppState>,
    staff: Staff,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    staff
        .allow_national(&state, Action::EditLetterKinds, "letter_kind.read")
        .await?;
    let kind = letters::kind(&state.db, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    render(KindPage {
        page: Page::new(&staff.ctx, "letters.kinds"),
        kind,
        error: None,
    })
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct KindForm {
    title: String,
    template: String,
    needs_counselling: String,
}

/// Saves a kind's template after compiling it with sample data: a template with a mistake is
/// shown back with Typst's message and its line, and the letter in use stays as it was.
pub(crate) async fn save_kind(
    State(state): State<AppState>,
    staff: Staff,
    Path(code): Path<String>,
    Form(f): Form<KindForm>,
) -> Result<Response, AppError> {
    staff
        .allow_national(&state, Action::EditLetterKinds, "letter_kind.update")
        .await?;
    let mut kind = letters::kind(&state.db, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    let title = clean_spaces(&f.title);
    let template = f.template.replace("\r\n", "\n");
    let sample = desmigratif_pdf::sample_data(&code);
    let checked = if title.is_empty() || title.chars().count() > 120 {
        Err("judul surat wajib diisi, paling banyak 120 karakter".to_owned())
    } else {
        let t = template.clone();
        state
            .heavy(move || desmigratif_pdf::check(&t, &sample))
            .await?
            .map_err(|e| e.to_string())
    };
    if let Err(message) = checked {
        kind.title = title;
        kind.template = template;
        return render_form(
            KindPage {
                page: Page::new(&staff.ctx, "letters.kinds"),
                kind,
                error: Some(message),
            },
            true,
        );
    }
    let mut tx = state.db.begin().await?;
    letters::update_kind(
        &mut tx,
        &staff.actor(),
        &code,
        &title,
        &template,
        f.needs_counselling == "ya",
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/app/surat/jenis").into_response())
}

// ---------------------------------------------------------------------------------------------
// API

#[derive(serde::Serialize, utoipa::ToSchema)]
struct LetterOut {
    id: String,
    village_code: String,
    kind: String,
    status: String,
    person_id: Option<String>,
    number: Option<String>,
    issued_on: Option<chrono::NaiveDate>,
    /// The public verification address (issued letters only).
    verification_url: Option<String>,
    pdf_sha256: Option<String>,
    reason: String,
    requested_via: String,
    #[schema(value_type = Object)]
    fields: serde_json::Value,
    #[schema(value_type = Vec<Object>)]
    events: Vec<letters::EventRow>,
}

async fn letter_out(state: &AppState, l: LetterRow) -> Result<LetterOut, AppError> {
    let events = letters::events_of(&state.db, l.id).await?;
    Ok(LetterOut {
        id: l.id.to_string(),
        verification_url: l
            .code
            .as_ref()
            .map(|c| format!("{}/v/{c}", public_base(state))),
        fields: serde_json::Value::Object(l.field_values()),
        village_code: l.village_code,
        kind: l.kind,
        status: l.status,
        person_id: l.person_id.map(|p| p.to_string()),
        number: l.number,
        issued_on: l.issued_on,
        pdf_sha256: l.pdf_sha256,
        reason: l.reason,
        requested_via: l.requested_via,
        events,
    })
}

#[derive(serde::Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
struct ApiListQuery {
    /// Only letters with this status.
    status: String,
    /// Page number from 1 (50 a page).
    page: Option<i64>,
}

/// Letters in the caller's scope, newest first.
#[utoipa::path(get, path = "/api/v1/letters", tag = "letters", security(("bearer" = [])), params(ApiListQuery), responses((status = 200, body = Vec<Object>), (status = 403)))]
async fn api_list(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ApiListQuery>,
) -> Result<Json<Vec<letters::LetterListRow>>, AppError> {
    staff.allow_here(&state, READ, "letter.list").await?;
    let page = q.page.unwrap_or(1).max(1);
    let status = if q.status.is_empty() {
        None
    } else {
        Some(
            LetterStatus::parse(&q.status)
                .map_err(|e| AppError::Invalid(vec![("status".into(), e.message)]))?,
        )
    };
    Ok(Json(
        letters::list(
            &state.db,
            staff.principal().scope.as_stored(),
            status,
            (page - 1) * PAGE_SIZE,
            PAGE_SIZE,
        )
        .await?
        .0,
    ))
}

/// Requests a letter for a registered person.
#[utoipa::path(post, path = "/api/v1/letters", tag = "letters", security(("bearer" = [])), request_body = RequestIn,
    responses((status = 201, body = LetterOut), (status = 403), (status = 422)))]
async fn api_create(
    State(state): State<AppState>,
    staff: Staff,
    Json(input): Json<RequestIn>,
) -> Result<Response, AppError> {
    let id = create_request(&state, &staff, &input, None)
        .await?
        .map_err(|e| AppError::Invalid(e.0))?;
    let l = letters::letter(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(letter_out(&state, l).await?)).into_response())
}

/// One letter with its history.
#[utoipa::path(get, path = "/api/v1/letters/{id}", tag = "letters", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = LetterOut), (status = 404)))]
async fn api_one(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Json<LetterOut>, AppError> {
    let l = staff.load::<LetterRow>(&state, &id, READ).await?;
    Ok(Json(letter_out(&state, l).await?))
}

#[derive(serde::Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
struct StepIn {
    /// in_review, awaiting_signature, rejected, collected or revoked.
    to: String,
    /// Required for rejected and revoked (5–500 characters).
    reason: String,
}

/// Moves a letter one step (signing is `/issue`).
#[utoipa::path(post, path = "/api/v1/letters/{id}/steps", tag = "letters", security(("bearer" = [])), params(("id" = String, Path)), request_body = StepIn,
    responses((status = 200, body = LetterOut), (status = 404), (status = 409), (status = 422)))]
async fn api_step(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Json(body): Json<StepIn>,
) -> Result<Json<LetterOut>, AppError> {
    let l = staff.load::<LetterRow>(&state, &id, WRITE).await?;
    let to = LetterStatus::parse(&body.to)
        .map_err(|e| AppError::Invalid(vec![("to".into(), e.message)]))?;
    advance(&state, &staff, &l, to, &body.reason).await?;
    let l = letters::letter(&state.db, l.id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(letter_out(&state, l).await?))
}

/// The village head approves and signs: number, signature, PDF.
#[utoipa::path(post, path = "/api/v1/letters/{id}/issue", tag = "letters", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = LetterOut), (status = 403), (status = 404), (status = 409)))]
async fn api_issue(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Json<LetterOut>, AppError> {
    let l = staff.load::<LetterRow>(&state, &id, READ).await?;
    sign_and_issue(&state, &staff, &l).await?;
    let l = letters::letter(&state.db, l.id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(letter_out(&state, l).await?))
}

#[derive(serde::Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
struct RevokeIn {
    /// Why the letter no longer holds (5–500 characters); shown on the verification page.
    reason: String,
}

/// Revokes an issued letter (the issuing village only).
#[utoipa::path(post, path = "/api/v1/letters/{id}/revoke", tag = "letters", security(("bearer" = [])), params(("id" = String, Path)), request_body = RevokeIn,
    responses((status = 200, body = LetterOut), (status = 404), (status = 409), (status = 422)))]
async fn api_revoke(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Json(body): Json<RevokeIn>,
) -> Result<Json<LetterOut>, AppError> {
    let l = staff.load::<LetterRow>(&state, &id, WRITE).await?;
    advance(&state, &staff, &l, LetterStatus::Revoked, &body.reason).await?;
    let l = letters::letter(&state.db, l.id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(letter_out(&state, l).await?))
}

/// The signed PDF (audited: it carries the full NIK).
#[utoipa::path(get, path = "/api/v1/letters/{id}/pdf", tag = "letters", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, content_type = "application/pdf"), (status = 404)))]
async fn api_pdf(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let l = staff.load::<LetterRow>(&state, &id, READ).await?;
    pdf_of(&state, &staff, &l).await
}

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api_list, api_create))
        .routes(routes!(api_one))
        .routes(routes!(api_step))
        .routes(routes!(api_issue))
        .routes(routes!(api_revoke))
        .routes(routes!(api_pdf))
}

/// Used by the public request form: a resident's request, matched to a registered person when
/// the NIK is one of the village's (the answer never says whether it was).
pub async fn create_public_request(
    state: &AppState,
    village_code: &str,
    kind: &KindRow,
    nik: &Nik,
    phone: &str,
    purpose: &str,
    tracking_code: &str,
) -> Result<(), AppError> {
    let person = registry::person_by_nik_index(
        &state.db,
        &state.keys.blind_index(NIK_CONTEXT, nik.as_str()),
    )
    .await?
    .filter(|p| p.village_code == village_code);
    let mut fields = serde_json::Map::new();
    if kind.field_specs().iter().any(|s| s.name == "purpose") {
        fields.insert(
            "purpose".into(),
            serde_json::Value::String(purpose.to_owned()),
        );
    }
    fields.insert(
        "request_note".into(),
        serde_json::Value::String(purpose.to_owned()),
    );
    let mut tx = state.db.begin().await?;
    letters::create(
        &mut tx,
        &desmigratif_db::audit::Actor::system("warga"),
        &NewLetter {
            village_code: village_code.to_owned(),
            kind: kind.code.clone(),
            person_id: person.map(|p| p.id),
            fields: serde_json::Value::Object(fields).to_string(),
            requested_via: "public",
            requested_by: "warga".into(),
            requester_nik_enc: Some(
                state
                    .keys
                    .encrypt_str(letters::REQUESTER_NIK_CONTEXT, nik.as_str()),
            ),
            requester_phone_enc: Some(
                state
                    .keys
                    .encrypt_str(letters::REQUESTER_PHONE_CONTEXT, phone),
            ),
            tracking_code: Some(tracking_code.to_owned()),
            supersedes: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
