//! Village letters: request → review → the village head signs → the PDF with its QR code →
//! public verification (by code, by upload, offline with the public key), revocation, numbering
//! under concurrency, the counselling rule, resident requests and village scope — each on SQLite
//! and PostgreSQL.

use crate::support::{PASSWORD, Session, TestApp, fetch};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use desmigratif_db::audit::Outcome;

const KENANGA: &str = "32.12.16.2004";
/// Siti Aminah of the demo (Kenanga); her demo counselling session is 200 days old.
const SITI_NIK: &str = "3212164507980001";

/// Requests a letter through the form and returns its id.
async fn request(
    app: &TestApp,
    who: &Session,
    kind: &str,
    nik: &str,
    fields: &[(&str, &str)],
) -> String {
    let mut form = vec![
        ("desa", KENANGA),
        ("kind", kind),
        ("nik", nik),
        ("supersedes", ""),
    ];
    form.extend_from_slice(fields);
    let r = app.post("/app/surat", who, &form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    r.location().trim_start_matches("/app/surat/").to_owned()
}

async fn step(
    app: &TestApp,
    who: &Session,
    id: &str,
    to: &str,
    reason: &str,
) -> crate::support::Resp {
    app.post(
        &format!("/app/surat/{id}/langkah"),
        who,
        &[("to", to), ("reason", reason), ("yakin", "ya")],
    )
    .await
}

/// A status letter for Siti, reviewed and sent for signature.
pub(crate) async fn ready_for_signature(app: &TestApp, op: &Session) -> String {
    let id = request(
        app,
        op,
        "status_perkawinan",
        SITI_NIK,
        &[
            ("f_marital_status", "Kawin"),
            ("f_purpose", "Persyaratan bekerja ke luar negeri"),
        ],
    )
    .await;
    for to in ["in_review", "awaiting_signature"] {
        let r = step(app, op, &id, to, "").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{to}: {}", r.body);
    }
    id
}

pub(crate) async fn sign(app: &TestApp, head: &Session, id: &str) {
    let r = app
        .post(&format!("/app/surat/{id}/tandatangan"), head, &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

fn code_of(page: &str) -> String {
    let at = page
        .find("/v/")
        .expect("the letter page shows its verification address");
    page[at + 3..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

/// Uploads a file to the public verification desk.
pub(crate) async fn upload(app: &TestApp, pdf: &[u8]) -> crate::support::Resp {
    let anon = app.get("/verifikasi", None).await;
    let csrf = anon
        .cookie_value("dm_csrf")
        .expect("a visitor gets a CSRF cookie");
    let boundary = "batasverifikasi";
    let mut body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"berkas\"; filename=\"surat.pdf\"\r\nContent-Type: application/pdf\r\n\r\n").into_bytes();
    body.extend_from_slice(pdf);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    app.send(
        Request::post(format!("/verifikasi?_csrf={csrf}"))
            .header(header::HOST, "localhost")
            .header(header::COOKIE, format!("dm_csrf={csrf}"))
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

both! {
    async fn a_signed_letter_verifies_and_a_changed_one_does_not(app) {
        let op = app.login("operator.kenanga", PASSWORD).await;
        let head = app.login("kades.kenanga", PASSWORD).await;
        let id = ready_for_signature(&app, &op).await;
        // The operator prepared it; only the village head may sign.
        let r = app.post(&format!("/app/surat/{id}/tandatangan"), &op, &[]).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "an operator cannot sign");
        sign(&app, &head, &id).await;
        let page = app.get(&format!("/app/surat/{id}"), Some(&op)).await;
        assert!(page.body.contains("474.2/001/2004/"), "first number of the year: {}", page.body);
        let code = code_of(&page.body);
        assert!(code.len() >= 22, "at least 128 random bits");

        // The signed PDF is read through its letter only: as a registry file it does not exist.
        let letter = desmigratif_db::letters::letter(&app.db, id.parse().unwrap()).await.unwrap().unwrap();
        let file = letter.pdf_file_id.expect("an issued letter has its PDF");
        assert_eq!(app.get(&format!("/app/berkas/{file}"), Some(&op)).await.status, StatusCode::NOT_FOUND);

        // The PDF says what the letter is.
        let downloads = app.audit_count("letter.download", Outcome::Ok).await;
        let (status, headers, pdf) = fetch(&app, &op, &format!("/app/surat/{id}/pdf")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers[header::CONTENT_TYPE], "application/pdf");
        assert_eq!(app.audit_count("letter.download", Outcome::Ok).await, downloads + 1, "downloads are audited");
        let text = desmigratif_pdf::text(&pdf).unwrap().split_whitespace().collect::<Vec<_>>().join(" ");
        for expected in ["SURAT KETERANGAN STATUS PERKAWINAN", "Siti Aminah", SITI_NIK, "474.2/001/2004/", code.as_str(), "Kenanga", "Persyaratan bekerja ke luar negeri"] {
            assert!(text.contains(expected), "the PDF text has {expected:?}: {text}");
        }

        // Anyone can check it by its code: valid, with the NIK masked.
        let v = app.get(&format!("/v/{code}"), None).await;
        assert_eq!(v.status, StatusCode::OK);
        assert!(v.body.contains("SAH") && v.body.contains("Siti Aminah") && v.body.contains("321216••••••••••") && !v.body.contains("•0001"));
        assert!(!v.body.contains(SITI_NIK), "the public page never shows the full NIK");
        assert!(v.body.contains("noindex"));

        // The exact file verifies; one changed byte does not.
        assert!(upload(&app, &pdf).await.body.contains("berkas ini sama persis"));
        let mut forged = pdf.clone();
        let middle = forged.len() / 2;
        forged[middle] ^= 0x01;
        let r = upload(&app, &forged).await;
        assert!(r.body.contains("TIDAK COCOK") && !r.body.contains("SAH —"), "{}", r.body);

        // Offline: the published key checks the signed payload; any change to it fails.
        let keys = app.get("/.well-known/desmigratif-keys.json", None).await.json();
        let key = keys["keys"].as_array().unwrap().iter().find(|k| k["village_code"] == KENANGA).expect("Kenanga's key is published");
        let public = key["public_key"].as_str().unwrap();
        let (payload, signature): (String, String) = desmigratif_db::on_pool!(&app.db, p => sqlx::query_as("SELECT payload, signature FROM letters WHERE code = $1").bind(&code).fetch_one(p).await).unwrap();
        desmigratif_core::letters::verify_bytes(public, payload.as_bytes(), &signature).expect("the signature verifies offline");
        let altered = payload.replace(SITI_NIK, "3212164507980002");
        assert_ne!(altered, payload);
        assert!(desmigratif_core::letters::verify_bytes(public, altered.as_bytes(), &signature).is_err(), "an altered payload fails");
        let unbroken: String = text.split_whitespace().collect();
        assert!(unbroken.contains(&signature), "the PDF carries its signature for offline checks");

        // Every verification is logged: method and result, never the file.
        let logged: Vec<(String, String)> = desmigratif_db::on_pool!(&app.db, p => sqlx::query_as("SELECT method, result FROM verifications ORDER BY at").fetch_all(p).await).unwrap();
        assert_eq!(logged, vec![("code".into(), "valid".into()), ("upload".into(), "valid".into()), ("upload".into(), "unknown".into())]);

        // Collected, then revoked by the village: the check says so, with the reason.
        assert_eq!(step(&app, &op, &id, "collected", "").await.status, StatusCode::SEE_OTHER);
        let no_reason = step(&app, &op, &id, "revoked", "").await;
        assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY, "a revocation needs a reason");
        assert_eq!(step(&app, &op, &id, "revoked", "Data status perkawinan keliru").await.status, StatusCode::SEE_OTHER);
        let v = app.get(&format!("/v/{code}"), None).await;
        assert!(v.body.contains("DICABUT") && v.body.contains("Data status perkawinan keliru"));
        assert!(upload(&app, &pdf).await.body.contains("DICABUT"));
    }

    async fn unknown_codes_verify_nothing_and_warn(app) {
        // 10,000 fresh random codes match no letter.
        for _ in 0..10_000 {
            let code = desmigratif_core::letters::new_code();
            assert!(desmigratif_db::letters::by_code(&app.db, &code).await.unwrap().is_none());
        }
        for junk in ["AAAAAAAAAAAAAAAAAAAAAA", "1", "..%2F..%2Fetc", "'%20OR%201=1--"] {
            let r = app.get(&format!("/v/{junk}"), None).await;
            assert_eq!(r.status, StatusCode::OK);
            assert!(r.body.contains("tidak terdaftar") || r.body.contains("TIDAK TERDAFTAR"), "{junk}: {}", r.body);
        }
        // Guessing is slowed: past 60 lookups a minute from one address the answer is 429.
        let mut last = StatusCode::OK;
        for _ in 0..60 {
            last = app.get("/v/AAAAAAAAAAAAAAAAAAAAAA", None).await.status;
        }
        assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
        // The desk sends a pasted QR address to its page.
        let r = app.get("/verifikasi?kode=https%3A%2F%2Fdesa.example%2Fv%2FAbCd", None).await;
        assert_eq!(r.location(), "/v/AbCd");
    }

    async fn a_consent_letter_needs_recent_counselling(app) {
        let op = app.login("operator.kenanga", PASSWORD).await;
        let fields = [
            ("f_consenter_name", "Darto"), ("f_consenter_nik", "3212160101900001"), ("f_consenter_relationship", "Suami"),
            ("f_destination", "Taiwan"), ("f_occupation", "Pengasuh lansia"),
        ];
        let id = request(&app, &op, "izin_keluarga", SITI_NIK, &fields).await;
        step(&app, &op, &id, "in_review", "").await;
        let refused = step(&app, &op, &id, "awaiting_signature", "").await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.body.contains("bimbingan"), "{}", refused.body);
        // After a session today it goes through.
        let person: String = desmigratif_db::on_pool!(&app.db, p => sqlx::query_scalar("SELECT CAST(id AS TEXT) FROM persons WHERE name = 'Siti Aminah'").fetch_one(p).await).unwrap();
        let r = app.post(&format!("/app/penduduk/{person}/bimbingan"), &op, &[("held_on", &crate::support::today().to_string()), ("topics", "hak"), ("counsellor", "Siti")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(step(&app, &op, &id, "awaiting_signature", "").await.status, StatusCode::SEE_OTHER);
        let head = app.login("kades.kenanga", PASSWORD).await;
        sign(&app, &head, &id).await;
        // A request missing a required field is shown back, nothing stored.
        let before: i64 = desmigratif_db::on_pool!(&app.db, p => sqlx::query_scalar("SELECT COUNT(*) FROM letters").fetch_one(p).await).unwrap();
        let r = app.post("/app/surat", &op, &[("desa", KENANGA), ("kind", "izin_keluarga"), ("nik", SITI_NIK), ("f_consenter_nik", "123")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Nama yang memberi izin wajib diisi") && r.body.contains("NIK harus 16 angka"));
        let after: i64 = desmigratif_db::on_pool!(&app.db, p => sqlx::query_scalar("SELECT COUNT(*) FROM letters").fetch_one(p).await).unwrap();
        assert_eq!(before, after);
    }

    async fn a_consent_letter_signs_every_field_and_a_changed_one_fails(app) {
        use desmigratif_core::letters::{Payload, V1, V2, verify};
        let op = app.login("operator.kenanga", PASSWORD).await;
        let head = app.login("kades.kenanga", PASSWORD).await;
        let consenter_nik = "3212160101900001";
        let fields = [
            ("f_consenter_name", "Darto"), ("f_consenter_nik", consenter_nik), ("f_consenter_relationship", "Suami"),
            ("f_destination", "Taiwan"), ("f_occupation", "Pengasuh lansia"), ("f_agency", "PT Amanah Jaya"),
        ];
        let id = request(&app, &op, "izin_keluarga", SITI_NIK, &fields).await;
        let person: String = desmigratif_db::on_pool!(&app.db, p => sqlx::query_scalar("SELECT CAST(id AS TEXT) FROM persons WHERE name = 'Siti Aminah'").fetch_one(p).await).unwrap();
        let r = app.post(&format!("/app/penduduk/{person}/bimbingan"), &op, &[("held_on", &crate::support::today().to_string()), ("topics", "hak"), ("counsellor", "Siti")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        for to in ["in_review", "awaiting_signature"] {
            assert_eq!(step(&app, &op, &id, to, "").await.status, StatusCode::SEE_OTHER);
        }
        sign(&app, &head, &id).await;
        let code = code_of(&app.get(&format!("/app/surat/{id}"), Some(&op)).await.body);
        let (text, signature): (String, String) = desmigratif_db::on_pool!(&app.db, p => sqlx::query_as("SELECT payload, signature FROM letters WHERE code = $1").bind(&code).fetch_one(p).await).unwrap();
        let signed: Payload = serde_json::from_str(&text).unwrap();
        assert_eq!(signed.version, V2);
        assert_eq!(signed.fields["destination"], "Taiwan");
        assert_eq!(signed.fields["consenter_nik"], consenter_nik);
        assert_eq!(signed.fields["consenter_address"], "", "an empty field is signed as empty");
        assert_eq!(signed.subject["sex"], "Perempuan");
        assert_eq!(signed.subject.len(), 6);

        // The paper prints what was signed, and the signature under it.
        let (_, _, pdf) = fetch(&app, &op, &format!("/app/surat/{id}/pdf")).await;
        let printed = desmigratif_pdf::text(&pdf).unwrap().split_whitespace().collect::<Vec<_>>().join(" ");
        for value in ["Darto", "Suami", "Taiwan", "Pengasuh lansia", "PT Amanah Jaya", signed.subject["birth_date"].as_str()] {
            assert!(printed.contains(value), "the PDF prints {value:?}: {printed}");
        }
        assert!(printed.split_whitespace().collect::<String>().contains(&signature));

        // Offline: the printed signature holds for the printed facts and fails for any one changed.
        let keys = app.get("/.well-known/desmigratif-keys.json", None).await.json();
        let public = keys["keys"].as_array().unwrap().iter().find(|k| k["village_code"] == KENANGA).unwrap()["public_key"].as_str().unwrap().to_owned();
        verify(&public, &signed, &signature).expect("the printed signature holds");
        for name in signed.fields.keys().chain(signed.subject.keys()) {
            let mut changed = signed.clone();
            if let Some(v) = changed.fields.get_mut(name) { v.push_str(" (diubah)") }
            if let Some(v) = changed.subject.get_mut(name) { v.push_str(" (diubah)") }
            assert!(verify(&public, &changed, &signature).is_err(), "changing {name} breaks the signature");
        }

        // Online: every field but the NIKs, and what the signature covers.
        let v = app.get(&format!("/v/{code}"), None).await;
        assert!(v.body.contains("SAH — surat ini"), "{}", v.body);
        for value in ["Darto", "Suami", "Taiwan", "Pengasuh lansia", "PT Amanah Jaya", "Negara tujuan", "meliputi seluruh isi surat"] {
            assert!(v.body.contains(value), "/v shows {value:?}");
        }
        assert!(!v.body.contains(consenter_nik) && !v.body.contains(SITI_NIK), "no NIK on the public page");
        let at = |text: &str| v.body.find(text).unwrap();
        assert!(at("Darto") < at("Taiwan") && at("Taiwan") < at("PT Amanah Jaya"), "in the order the letter prints them");

        // The stored letter changed behind the application: the online check says so.
        let tamper = async |from: &str, to: &str| {
            desmigratif_db::on_pool!(&app.db, p => sqlx::query("UPDATE letters SET fields = REPLACE(fields, $1, $2) WHERE code = $3").bind(from).bind(to).bind(&code).execute(p).await.map(|_| ())).unwrap()
        };
        tamper("Taiwan", "Malaysia").await;
        let v = app.get(&format!("/v/{code}"), None).await;
        assert!(v.body.contains("TIDAK SAH") && !v.body.contains("SAH — surat ini") && !v.body.contains("Malaysia"), "{}", v.body);
        tamper("Malaysia", "Taiwan").await;
        assert!(app.get(&format!("/v/{code}"), None).await.body.contains("SAH — surat ini"));
        let last: String = desmigratif_db::on_pool!(&app.db, p => sqlx::query_scalar("SELECT result FROM verifications ORDER BY at DESC LIMIT 1 OFFSET 1").fetch_one(p).await).unwrap();
        assert_eq!(last, "altered", "the broken check is logged as such");

        // A letter signed before v2 still verifies, as the header it signed.
        let key = {
            let mut tx = app.db.begin().await.unwrap();
            desmigratif_db::letters::signing_key(&mut tx, KENANGA, &crate::support::KEYS).await.unwrap()
        };
        let old = Payload { version: V1, fields: Default::default(), subject: Default::default(), ..signed.clone() };
        let old_text = String::from_utf8(old.canonical()).unwrap();
        let old_signature = key.sign(&old);
        desmigratif_db::on_pool!(&app.db, p => sqlx::query("UPDATE letters SET payload = $1, signature = $2 WHERE code = $3").bind(&old_text).bind(&old_signature).bind(&code).execute(p).await.map(|_| ())).unwrap();
        let v = app.get(&format!("/v/{code}"), None).await;
        assert!(v.body.contains("SAH — surat ini") && v.body.contains("format lama (v1)") && !v.body.contains("Pengasuh lansia"), "{}", v.body);
        // …and a v1 header carried over a changed number does not.
        desmigratif_db::on_pool!(&app.db, p => sqlx::query("UPDATE letters SET payload = $1 WHERE code = $2").bind(old_text.replace("/2004/", "/2005/")).bind(&code).execute(p).await.map(|_| ())).unwrap();
        assert!(app.get(&format!("/v/{code}"), None).await.body.contains("TIDAK SAH"));
    }

    async fn another_village_cannot_see_revoke_or_download(app) {
        let op = app.login("operator.kenanga", PASSWORD).await;
        let head = app.login("kades.kenanga", PASSWORD).await;
        let id = ready_for_signature(&app, &op).await;
        sign(&app, &head, &id).await;
        let other = app.login("operator.kuripan", PASSWORD).await;
        let other_head = app.login("kades.kuripan", PASSWORD).await;
        let denied = app.audit_count("access.denied", Outcome::Denied).await;
        assert_eq!(app.get(&format!("/app/surat/{id}"), Some(&other)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(fetch(&app, &other, &format!("/app/surat/{id}/pdf")).await.0, StatusCode::NOT_FOUND);
        assert_eq!(step(&app, &other, &id, "revoked", "Bukan surat kami").await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.post(&format!("/app/surat/{id}/tandatangan"), &other_head, &[]).await.status, StatusCode::NOT_FOUND);
        assert!(!app.get("/app/surat", Some(&other)).await.body.contains(&id), "not in their list");
        let token = app.token_for("operator.kuripan").await;
        assert_eq!(app.api("GET", &format!("/api/v1/letters/{id}"), Some(&token), None).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.api("GET", &format!("/api/v1/letters/{id}/pdf"), Some(&token), None).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.api("POST", &format!("/api/v1/letters/{id}/revoke"), Some(&token), Some(serde_json::json!({"reason": "Bukan surat kami"}))).await.status, StatusCode::NOT_FOUND);
        assert!(app.api("GET", "/api/v1/letters", Some(&token), None).await.json().as_array().unwrap().is_empty());
        assert_eq!(app.audit_count("access.denied", Outcome::Denied).await, denied + 7, "every attempt is audited");
        // Still valid for everyone else.
        let page = app.get(&format!("/app/surat/{id}"), Some(&op)).await;
        assert!(app.get(&format!("/v/{}", code_of(&page.body)), None).await.body.contains("SAH"));
    }

    async fn concurrent_signatures_number_without_gaps_or_duplicates(app) {
        let op = app.login("operator.kenanga", PASSWORD).await;
        let mut ids = Vec::new();
        for _ in 0..50 {
            ids.push(ready_for_signature(&app, &op).await);
        }
        let token = app.token_for("kades.kenanga").await;
        let mut tasks = tokio::task::JoinSet::new();
        for id in ids {
            let router = app.router.clone();
            let token = token.clone();
            tasks.spawn(async move {
                use tower::ServiceExt;
                let request = Request::post(format!("/api/v1/letters/{id}/issue"))
                    .header(header::HOST, "localhost")
                    .header(header::AUTHORIZATION, format!("Bearer {token}"))
                    .body(Body::empty())
                    .unwrap();
                router.oneshot(request).await.unwrap().status()
            });
        }
        while let Some(status) = tasks.join_next().await {
            assert_eq!(status.unwrap(), StatusCode::OK);
        }
        let mut seqs: Vec<i64> = desmigratif_db::on_pool!(&app.db, p => sqlx::query_scalar("SELECT seq FROM letters WHERE status = 'issued'").fetch_all(p).await).unwrap();
        seqs.sort();
        assert_eq!(seqs, (1..=50).collect::<Vec<i64>>(), "1 to 50, each once");
        let keys: i64 = desmigratif_db::on_pool!(&app.db, p => sqlx::query_scalar("SELECT COUNT(*) FROM village_keys").fetch_one(p).await).unwrap();
        assert_eq!(keys, 1, "the first signatures made one key between them");
    }

    async fn the_letters_api_follows_the_same_rules(app) {
        let op = app.token_for("operator.kenanga").await;
        let head = app.token_for("kades.kenanga").await;
        let bad = app.api("POST", "/api/v1/letters", Some(&op), Some(serde_json::json!({"village_code": KENANGA, "kind": "domisili", "nik": SITI_NIK, "fields": {}}))).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("Keperluan wajib diisi"));
        let r = app.api("POST", "/api/v1/letters", Some(&op), Some(serde_json::json!({"village_code": KENANGA, "kind": "domisili", "nik": SITI_NIK, "fields": {"purpose": "Melamar kerja"}}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let id = r.json()["id"].as_str().unwrap().to_owned();
        let skip = app.api("POST", &format!("/api/v1/letters/{id}/steps"), Some(&op), Some(serde_json::json!({"to": "collected"}))).await;
        assert_eq!(skip.status, StatusCode::CONFLICT, "no skipping steps: {}", skip.body);
        for to in ["in_review", "awaiting_signature"] {
            let r = app.api("POST", &format!("/api/v1/letters/{id}/steps"), Some(&op), Some(serde_json::json!({"to": to}))).await;
            assert_eq!(r.status, StatusCode::OK, "{to}: {}", r.body);
        }
        assert_eq!(app.api("POST", &format!("/api/v1/letters/{id}/issue"), Some(&op), None).await.status, StatusCode::NOT_FOUND, "operators do not sign");
        // Signed through a request that names another host: the QR code still points to the
        // deployment's own address, never to the Host header.
        let issued = app.send(axum::http::Request::post(format!("/api/v1/letters/{id}/issue"))
            .header(header::HOST, "evil.example")
            .header(header::AUTHORIZATION, format!("Bearer {head}"))
            .body(Body::empty()).unwrap()).await;
        assert_eq!(issued.status, StatusCode::OK, "{}", issued.body);
        let body = issued.json();
        assert_eq!(body["status"], "issued");
        assert!(body["verification_url"].as_str().unwrap().starts_with("http://localhost/v/"), "{body}");
        assert!(!issued.body.contains("evil.example"));
        let pdf = app.api("GET", &format!("/api/v1/letters/{id}/pdf"), Some(&op), None).await;
        assert_eq!(pdf.status, StatusCode::OK);
        let revoked = app.api("POST", &format!("/api/v1/letters/{id}/revoke"), Some(&op), Some(serde_json::json!({"reason": "Diterbitkan ganda"}))).await;
        assert_eq!(revoked.json()["status"], "revoked");
        let listed = app.api("GET", "/api/v1/letters?status=revoked", Some(&op), None).await.json();
        assert_eq!(listed.as_array().unwrap().len(), 1);
    }

    async fn a_replacement_supersedes_the_old_letter(app) {
        let op = app.login("operator.kenanga", PASSWORD).await;
        let head = app.login("kades.kenanga", PASSWORD).await;
        let old = ready_for_signature(&app, &op).await;
        sign(&app, &head, &old).await;
        let old_code = code_of(&app.get(&format!("/app/surat/{old}"), Some(&op)).await.body);
        let form = app.get(&format!("/app/surat/baru?jenis=status_perkawinan&ganti={old}"), Some(&op)).await;
        assert!(form.body.contains("Persyaratan bekerja ke luar negeri"), "starts from the old letter");
        let new = request(&app, &op, "status_perkawinan", SITI_NIK, &[("f_marital_status", "Cerai hidup"), ("f_purpose", "Persyaratan bekerja ke luar negeri"), ("supersedes", &old)]).await;
        step(&app, &op, &new, "in_review", "").await;
        step(&app, &op, &new, "awaiting_signature", "").await;
        sign(&app, &head, &new).await;
        assert!(app.get(&format!("/v/{old_code}"), None).await.body.contains("DIGANTIKAN"));
        assert!(app.get(&format!("/app/surat/{new}"), Some(&op)).await.body.contains("474.2/002/2004/"));
    }

    async fn residents_request_and_track_without_learning_who_is_registered(app) {
        let form = app.get("/surat/minta", None).await;
        let csrf = form.csrf();
        let filled = crate::support::form_stamp(30);
        let send_as = |nik: &'static str, stamp: String, hidden: &'static str| {
            let csrf = csrf.clone();
            let app = &app;
            async move {
                app.post_raw("/surat/minta", Some(&format!("dm_csrf={csrf}")), &[("_csrf", &csrf), ("mulai", &stamp), ("situs", hidden), ("desa", KENANGA), ("jenis", "domisili"), ("nik", nik), ("telepon", "0812 3456 7890"), ("keperluan", "Melamar kerja")], &[]).await
            }
        };
        let send = |nik: &'static str| send_as(nik, filled.clone(), "");
        // A program's request: the hidden field filled, sent as the page loaded, a forged or an
        // old stamp; each is refused with what to do, and nothing is stored.
        let fresh = regex_lite::Regex::new(r#"name="mulai" value="([^"]+)""#).unwrap().captures(&form.body).expect("the form carries a stamp")[1].to_owned();
        let before = app.rows("letters").await;
        let r = send_as(SITI_NIK, filled.clone(), "http://spam.example").await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.body.contains("muat ulang halaman"), "{}", r.body);
        let r = send_as(SITI_NIK, fresh, "").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("terlalu cepat"), "{}", r.body);
        assert!(r.body.contains("Melamar kerja"), "what was typed comes back");
        let r = send_as(SITI_NIK, format!("{}.00", desmigratif_core::now().timestamp() - 60), "").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.rows("letters").await, before, "nothing stored");
        // Each counted against the address: past three an hour, even a person's request waits.
        assert_eq!(send(SITI_NIK).await.status, StatusCode::TOO_MANY_REQUESTS);
        let forget = || async { desmigratif_db::on_pool!(&app.db, p => sqlx::query("DELETE FROM rate_limits WHERE action = 'letter_request'").execute(p).await.map(|_| ())).unwrap() };
        forget().await;
        let r = send_as(SITI_NIK, crate::support::form_stamp(3 * 24 * 3600), "").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("terlalu lama"), "{}", r.body);
        forget().await;
        let registered = send(SITI_NIK).await;
        let unknown = send("3212160101900009").await;
        assert_eq!(registered.status, StatusCode::OK);
        assert_eq!(unknown.status, StatusCode::OK);
        let tracking = |body: &str| body.split("secret mono\">").nth(1).unwrap().split('<').next().unwrap().to_owned();
        let (a, b) = (tracking(&registered.body), tracking(&unknown.body));
        assert_ne!(a, b);
        assert_eq!(registered.body.replace(&a, ""), unknown.body.replace(&b, ""), "the same answer either way");
        let t = app.get(&format!("/surat/lacak?kode={}", a.to_lowercase().replace('-', "")), None).await;
        assert!(t.body.contains("Diminta"), "{}", t.body);
        assert!(!t.body.contains("Siti"), "tracking shows the status only");
        let bad = send("123").await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        // The village sees both; the unmatched one asks to be matched before signature.
        let op = app.login("operator.kenanga", PASSWORD).await;
        let list = app.get("/app/surat", Some(&op)).await;
        assert_eq!(list.body.matches("dari warga").count(), 2);
        let unmatched: String = desmigratif_db::on_pool!(&app.db, p => sqlx::query_scalar("SELECT CAST(id AS TEXT) FROM letters WHERE person_id IS NULL").fetch_one(p).await).unwrap();
        step(&app, &op, &unmatched, "in_review", "").await;
        let r = step(&app, &op, &unmatched, "awaiting_signature", "").await;
        assert!(r.body.contains("belum terhubung"), "{}", r.body);
    }

    async fn admins_edit_templates_that_compile(app) {
        let admin = app.login("admin", PASSWORD).await;
        let page = app.get("/app/surat/jenis/domisili", Some(&admin)).await;
        assert_eq!(page.status, StatusCode::OK);
        let broken = app.post("/app/surat/jenis/domisili", &admin, &[("title", "Surat Keterangan Domisili"), ("template", "#import \"surat.typ\": *\n#let data = json(\"data.json\")\n#nam"), ("needs_counselling", "")]).await;
        assert_eq!(broken.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(broken.body.contains("baris 3"), "{}", broken.body);
        let kind = desmigratif_db::letters::kind(&app.db, "domisili").await.unwrap().unwrap();
        assert!(!kind.template.contains("#nam"), "a broken template is not saved");
        let edited = kind.template.replace("SURAT", "SURAT").replacen("#show", "// disunting admin\n#show", 1);
        let ok = app.post("/app/surat/jenis/domisili", &admin, &[("title", "Surat Keterangan Domisili"), ("template", &edited), ("needs_counselling", "")]).await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
        assert!(desmigratif_db::letters::kind(&app.db, "domisili").await.unwrap().unwrap().template.contains("disunting admin"));
        let op = app.login("operator.kenanga", PASSWORD).await;
        assert_eq!(app.get("/app/surat/jenis", Some(&op)).await.status, StatusCode::FORBIDDEN);
    }
}
