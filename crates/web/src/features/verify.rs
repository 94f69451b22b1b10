//! The public side of village letters: anyone holding a letter checks it at `/v/{code}` (the QR
//! code) or by uploading the PDF at `/verifikasi`; the villages' public keys for offline checks;
//! a resident's own request and its tracking. Every verification is logged (time, method,
//! result — never the file, never who asked) and rate-limited per address.

use crate::AppState;
use crate::auth::Ctx;
use crate::error::AppError;
use crate::limits::Limited;
use crate::page::{Page, render, render_form};
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use desmigratif_core::letters::{
    LetterStatus, Payload, V1, indonesian_date, is_nik_field, new_tracking_code,
    normalise_tracking_code,
};
use desmigratif_core::nik::Nik;
use desmigratif_core::text::clean_spaces;
use desmigratif_db::letters::{self, LetterRow};
use sha2::{Digest, Sha256};

/// What a verification found, as logged and as shown.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Valid,
    Revoked,
    Superseded,
    /// Known code or file, but the letter was never issued (should not happen: codes are given
    /// at issue).
    NotIssued,
    Unknown,
    /// Issued, but what is stored no longer matches the village's signature: the row was changed
    /// behind the application's back.
    Altered,
}

impl Verdict {
    fn of(l: Option<&LetterRow>) -> Verdict {
        match l.map(LetterRow::status) {
            None => Verdict::Unknown,
            Some(s) if s.is_valid_letter() => Verdict::Valid,
            Some(LetterStatus::Revoked) => Verdict::Revoked,
            Some(LetterStatus::Superseded) => Verdict::Superseded,
            Some(_) => Verdict::NotIssued,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Verdict::Valid => "valid",
            Verdict::Revoked => "revoked",
            Verdict::Superseded => "superseded",
            Verdict::NotIssued => "not_issued",
            Verdict::Unknown => "unknown",
            Verdict::Altered => "altered",
        }
    }
}

/// What the verification page shows of a letter: never a NIK in full.
pub struct Shown {
    pub kind: String,
    pub number: String,
    pub date: String,
    pub village: String,
    pub place: String,
    pub signer: String,
    pub signer_title: String,
    pub subject: String,
    pub nik_masked: String,
    /// The kind's own fields as signed, by their labels; NIKs left out.
    pub fields: Vec<(String, String)>,
    /// Whether the signature covers the fields too (v2) or the header only (v1).
    pub whole_content: bool,
    pub reason: String,
    pub key_id: String,
}

#[derive(Template)]
#[template(path = "verify.html")]
struct VerifyPage {
    page: Page,
    verdict: &'static str,
    letter: Option<Shown>,
    by_upload: bool,
}

/// What an issued letter's record says about its signature.
enum Signed {
    /// Nothing signed yet (not issued).
    Not,
    /// The signature holds under the village's published key, and the letter's own record
    /// (number, date, code, key, and in v2 every field as printed) says what the payload says.
    Holds(Payload),
    /// Either fails: the stored letter was changed after the village signed it.
    Broken,
}

async fn as_signed(
    state: &AppState,
    l: &LetterRow,
    kind: Option<&letters::KindRow>,
) -> Result<Signed, AppError> {
    let (Some(text), Some(signature)) = (l.payload.as_deref(), l.signature.as_deref()) else {
        return Ok(Signed::Not);
    };
    let Ok(p) = serde_json::from_str::<Payload>(text) else {
        return Ok(Signed::Broken);
    };
    let key = letters::public_key(&state.db, &p.key_id).await?;
    let signed = key.is_some_and(|k| {
        k.village_code == l.village_code
            && desmigratif_core::letters::verify(&k.public_key, &p, signature).is_ok()
    });
    let record_agrees = p.kind == l.kind
        && p.village_code == l.village_code
        && Some(&p.number) == l.number.as_ref()
        && Some(p.issued_on) == l.issued_on
        && Some(&p.code) == l.code.as_ref()
        && Some(&p.key_id) == l.key_id.as_ref()
        && (p.version == V1
            || kind.is_some_and(|k| super::letters::printed_fields(k, l) == p.fields));
    Ok(if signed && record_agrees {
        Signed::Holds(p)
    } else {
        Signed::Broken
    })
}

/// The facts of a letter from its signed payload: what the village signed is what is shown.
fn shown(state: &AppState, l: &LetterRow, kind: Option<&letters::KindRow>, p: Payload) -> Shown {
    // In the kind's order (as the letter prints them), then anything else the letter carried.
    let specs = kind.map(|k| k.field_specs()).unwrap_or_default();
    let mut names: Vec<&String> = specs
        .iter()
        .map(|f| &f.name)
        .filter(|n| p.fields.contains_key(*n))
        .collect();
    names.extend(
        p.fields
            .keys()
            .filter(|n| !specs.iter().any(|f| &f.name == *n)),
    );
    let fields = names
        .into_iter()
        .filter(|name| !is_nik_field(name) && !p.fields[*name].is_empty())
        .map(|name| {
            let label = specs
                .iter()
                .find(|f| &f.name == name)
                .map_or_else(|| name.clone(), |f| f.label.clone());
            (label, p.fields[name].clone())
        })
        .collect();
    Shown {
        kind: kind.map(|k| k.title.clone()).unwrap_or_default(),
        number: p.number,
        date: indonesian_date(p.issued_on),
        place: super::dashboard::place_of(&p.village_code, &state.regions),
        village: p.village_name,
        signer: p.signer_name,
        signer_title: p.signer_title,
        subject: p.subject_name,
        nik_masked: desmigratif_core::nik::masked(&p.subject_nik),
        fields,
        whole_content: p.version != V1,
        reason: l.reason.clone(),
        key_id: p.key_id,
    }
}

/// Counts a public lookup against the caller's address; 429 past the limit.
pub(super) async fn throttled(state: &AppState, ctx: &Ctx) -> Result<(), AppError> {
    state.take(Limited::PublicLookup, &ctx.client_key).await
}

/// Answers a lookup. A known and an unknown code take the same path: one indexed query, one log
/// row, one page, so the answer time says nothing about which codes exist.
async fn answer(
    state: &AppState,
    ctx: &Ctx,
    method: &str,
    found: Option<LetterRow>,
) -> Result<Response, AppError> {
    let mut verdict = Verdict::of(found.as_ref());
    let mut letter = None;
    if let Some(l) = &found {
        let kind = letters::kind(&state.db, &l.kind).await?;
        match as_signed(state, l, kind.as_ref()).await? {
            Signed::Holds(p) => letter = Some(shown(state, l, kind.as_ref(), p)),
            Signed::Not => {}
            Signed::Broken => verdict = Verdict::Altered,
        }
    }
    letters::log_verification(
        &state.db,
        method,
        verdict.as_str(),
        found.as_ref().map(|l| l.id),
    )
    .await?;
    if verdict == Verdict::Altered {
        tracing::warn!(method, "a letter no longer matches its signature");
    }
    let mut page = Page::new(ctx, "verify.title");
    page.noindex = true;
    let r = render(VerifyPage {
        page,
        verdict: verdict.as_str(),
        letter,
        by_upload: method == "upload",
    })?;
    Ok(r)
}

pub(crate) async fn by_code(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    throttled(&state, &ctx).await?;
    // Junk is looked up too (and found nowhere), so it answers like any unknown code.
    let found = letters::by_code(&state.db, code.trim()).await?;
    answer(&state, &ctx, "code", found).await
}

#[derive(Template)]
#[template(path = "verify_form.html")]
struct VerifyFormPage {
    page: Page,
    error: Option<String>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct CodeQuery {
    kode: String,
}

/// The verification desk: type the code printed on the letter, or upload its PDF.
pub(crate) async fn desk(
    State(_state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<CodeQuery>,
) -> Result<Response, AppError> {
    let code: String = q.kode.chars().filter(|c| !c.is_whitespace()).collect();
    if !code.is_empty() {
        let code: String = code.rsplit('/').next().unwrap_or("").to_owned();
        return Ok(Redirect::to(&format!("/v/{}", crate::error::urlencode(&code))).into_response());
    }
    render(VerifyFormPage {
        page: Page::new(&ctx, "verify.title"),
        error: None,
    })
}

/// An uploaded PDF is valid only if it is byte for byte a letter the village issued: its
/// SHA-256 is looked up, the file itself is neither kept nor logged.
pub(crate) async fn upload(
    State(state): State<AppState>,
    ctx: Ctx,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    throttled(&state, &ctx).await?;
    let mut bytes = None;
    while let Some(field) = multipart.next_field().await.map_err(|_| {
        AppError::BadRequest("unggahan terputus atau terlalu besar (maksimal 10 MB)".into())
    })? {
        if field.name() == Some("berkas") {
            bytes = Some(field.bytes().await.map_err(|_| {
                AppError::BadRequest("unggahan terputus atau terlalu besar (maksimal 10 MB)".into())
            })?);
        }
    }
    let Some(data) = bytes.filter(|b| !b.is_empty()) else {
        return render_form(
            VerifyFormPage {
                page: Page::new(&ctx, "verify.title"),
                error: Some("pilih berkas PDF surat yang akan diperiksa".into()),
            },
            true,
        );
    };
    let sha = hex::encode(Sha256::digest(&data));
    let found = letters::by_pdf_sha256(&state.db, &sha).await?;
    answer(&state, &ctx, "upload", found).await
}

#[derive(serde::Serialize)]
struct PublishedKey {
    key_id: String,
    village_code: String,
    village_name: String,
    algorithm: &'static str,
    /// The 32-byte Ed25519 public key, standard base64.
    public_key: String,
    created_at: chrono::DateTime<chrono::Utc>,
    retired_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(serde::Serialize)]
pub(crate) struct PublishedKeys {
    /// Where the signed payload format is described.
    format: &'static str,
    keys: Vec<PublishedKey>,
}

/// The villages' public keys, for anyone who checks a letter's signature offline.
pub(crate) async fn public_keys(
    State(state): State<AppState>,
) -> Result<Json<PublishedKeys>, AppError> {
    let names: std::collections::HashMap<String, String> =
        desmigratif_db::villages::list(&state.db)
            .await?
            .into_iter()
            .map(|v| (v.code, v.name))
            .collect();
    Ok(Json(PublishedKeys {
        format: "docs/letters.md: canonical JSON payload signed with Ed25519",
        keys: letters::public_keys(&state.db)
            .await?
            .into_iter()
            .map(|k| PublishedKey {
                village_name: names.get(&k.village_code).cloned().unwrap_or_default(),
                key_id: k.key_id,
                village_code: k.village_code,
                algorithm: "Ed25519",
                public_key: k.public_key,
                created_at: k.created_at,
                retired_at: k.retired_at,
            })
            .collect(),
    }))
}

// --- a resident's own request ---

#[derive(Template)]
#[template(path = "letter_request.html")]
struct RequestPage {
    page: Page,
    villages: Vec<(String, String)>,
    kinds: Vec<(String, String)>,
    form: PublicRequest,
    errors: super::FieldErrors,
    tracking_code: Option<String>,
    stamp: String,
}

#[derive(serde::Deserialize, Default, Clone)]
#[serde(default)]
pub(crate) struct PublicRequest {
    desa: String,
    jenis: String,
    nik: String,
    telepon: String,
    keperluan: String,
    /// The field people never see, and the form's signed stamp, as on `/lapor`.
    situs: String,
    mulai: String,
}

async fn request_page(
    state: &AppState,
    ctx: &Ctx,
    form: PublicRequest,
    errors: super::FieldErrors,
    tracking_code: Option<String>,
) -> Result<Response, AppError> {
    let villages = desmigratif_db::villages::list(&state.db)
        .await?
        .into_iter()
        .map(|v| (v.code, v.name))
        .collect();
    let kinds = letters::kinds(&state.db)
        .await?
        .into_iter()
        .filter(|k| k.active && !desmigratif_core::trainings::only_from_training(&k.code))
        .map(|k| (k.code, k.title))
        .collect();
    let needs_correction = !errors.is_empty();
    render_form(
        RequestPage {
            page: Page::new(ctx, "letters.request"),
            villages,
            kinds,
            form,
            errors,
            tracking_code,
            stamp: super::reports::stamp(state, desmigratif_core::now().timestamp()),
        },
        needs_correction,
    )
}

pub(crate) async fn request_form(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Response, AppError> {
    request_page(
        &state,
        &ctx,
        PublicRequest::default(),
        Default::default(),
        None,
    )
    .await
}

/// A resident asks for a letter with their NIK and phone and gets a tracking code. The answer is
/// the same whether the NIK is registered or not; the village matches it during review.
pub(crate) async fn request_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(f): Form<PublicRequest>,
) -> Result<Response, AppError> {
    state.check(Limited::LetterRequest, &ctx.client_key).await?;
    let mut errors = super::FieldErrors::default();
    if let Err((message, status)) = super::reports::sent_by_a_person(&state, &f.situs, &f.mulai) {
        // A program's answer: counted against the address, nothing stored.
        state.count(Limited::LetterRequest, &ctx.client_key).await?;
        errors.add("formulir", message);
        let mut r = request_page(&state, &ctx, f, errors, None).await?;
        *r.status_mut() = status;
        return Ok(r);
    }
    let village = desmigratif_db::villages::list(&state.db)
        .await?
        .into_iter()
        .find(|v| v.code == f.desa);
    if village.is_none() {
        errors.add("desa", "pilih desa tempat Anda terdaftar");
    }
    let kind = letters::kind(&state.db, &f.jenis)
        .await?
        .filter(|k| k.active && !desmigratif_core::trainings::only_from_training(&k.code));
    if kind.is_none() {
        errors.add("jenis", "pilih jenis surat");
    }
    let nik = Nik::parse(&f.nik)
        .map_err(|e| errors.add("nik", e.message))
        .ok();
    let phone: String = f
        .telepon
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    if !(9..=16).contains(&phone.len()) {
        errors.add("telepon", "nomor telepon 9–16 angka, mis. 0812 3456 7890");
    }
    let purpose = clean_spaces(&f.keperluan);
    if purpose.chars().count() > 300 {
        errors.add("keperluan", "keperluan paling banyak 300 karakter");
    }
    let (Some(village), Some(kind), Some(nik), true) = (village, kind, nik, errors.is_empty())
    else {
        return request_page(&state, &ctx, f, errors, None).await;
    };
    state.take(Limited::LetterRequest, &ctx.client_key).await?;
    let tracking = new_tracking_code();
    super::letters::create_public_request(
        &state,
        &village.code,
        &kind,
        &nik,
        &phone,
        &purpose,
        &tracking,
    )
    .await?;
    request_page(
        &state,
        &ctx,
        PublicRequest::default(),
        Default::default(),
        Some(tracking),
    )
    .await
}

#[derive(Template)]
#[template(path = "letter_track.html")]
struct TrackPage {
    page: Page,
    code: String,
    status: Option<&'static str>,
    reason: String,
    ready: bool,
    searched: bool,
}

/// Status of a resident's request by its tracking code: the status only, no personal data.
pub(crate) async fn track(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<CodeQuery>,
) -> Result<Response, AppError> {
    let searched = !q.kode.trim().is_empty();
    let mut status = None;
    let mut reason = String::new();
    let mut ready = false;
    if searched {
        throttled(&state, &ctx).await?;
        let found = match normalise_tracking_code(&q.kode) {
            Some(code) => letters::by_tracking_code(&state.db, &code).await?,
            None => None,
        };
        if let Some(l) = found {
            let s = l.status();
            status = Some(ctx.lang.pick(s.label_id(), s.label_en()));
            ready = s == LetterStatus::Issued;
            if s == LetterStatus::Rejected {
                reason = l.reason;
            }
        }
    }
    let mut page = Page::new(&ctx, "letters.track");
    page.noindex = true;
    render(TrackPage {
        page,
        code: q.kode,
        status,
        reason,
        ready,
        searched,
    })
}
