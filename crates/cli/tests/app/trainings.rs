//! Trainings of the village facilitator: sessions, attendance, the completion rule, and the
//! certificate — a village letter, so it verifies at /v/{code}, detects an altered file and shows
//! a revocation exactly like every letter. Each story on SQLite and PostgreSQL.

use crate::letters::upload;
use crate::support::{PASSWORD, Session, TestApp, fetch, today};
use axum::http::{StatusCode, header};
use desmigratif_db::audit::Outcome;

const KENANGA: &str = "32.12.16.2004";

fn day(n: i64) -> String {
    (today() + chrono::Duration::days(n)).to_string()
}

async fn scalar(app: &TestApp, sql: &str, bind: &str) -> String {
    desmigratif_db::on_pool!(&app.db, p => sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql.to_owned())).bind(bind).fetch_one(p).await)
        .unwrap()
}

async fn id_of_person(app: &TestApp, name: &str) -> String {
    let sql = "SELECT CAST(id AS TEXT) FROM persons WHERE name = $1";
    scalar(app, sql, name).await
}

/// A training in Kenanga made through the form, with `sessions` sessions; returns its id.
async fn new_training(app: &TestApp, who: &Session, sessions: usize) -> String {
    let r = app
        .post(
            "/app/pelatihan",
            who,
            &[
                ("desa", KENANGA),
                ("topik", "Pengolahan hasil laut"),
                ("lembaga", "BBPLK Lembang"),
                ("mulai", &day(-10)),
                ("selesai", &day(-8)),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = r
        .location()
        .trim_start_matches("/app/pelatihan/")
        .to_owned();
    for n in 0..sessions {
        let r = app
            .post(
                &format!("/app/pelatihan/{id}/sesi"),
                who,
                &[
                    ("tanggal", &day(-10 + n as i64)),
                    ("materi", &format!("Materi ke-{}", n + 1)),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    id
}

async fn session_ids(app: &TestApp, training: &str) -> Vec<String> {
    desmigratif_db::on_pool!(&app.db, p => sqlx::query_scalar::<_, String>(
        "SELECT CAST(s.id AS TEXT) FROM training_sessions s WHERE CAST(s.training_id AS TEXT) = $1 ORDER BY s.held_on",
    ).bind(training).fetch_all(p).await)
    .unwrap()
}

async fn mark(app: &TestApp, who: &Session, training: &str, session: &str, present: &[&str]) {
    let fields: Vec<(&str, &str)> = present.iter().map(|p| ("hadir", *p)).collect();
    let r = app
        .post(
            &format!("/app/pelatihan/{training}/sesi/{session}"),
            who,
            &fields,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

/// The demo's Kenanga training (made by the demo loader).
async fn kenanga_training(app: &TestApp) -> String {
    scalar(
        app,
        "SELECT CAST(id AS TEXT) FROM trainings WHERE village_code = $1",
        KENANGA,
    )
    .await
}

both! {
    async fn a_certificate_verifies_like_a_letter_and_shows_alteration_and_revocation(app) {
        let pendamping = app.login("pendamping.kenanga", PASSWORD).await;
        let id = new_training(&app, &pendamping, 2).await;
        // The picker finds the village's people by name and shows only the last NIK digits.
        let found = app.get(&format!("/app/pelatihan/{id}?q=siti"), Some(&pendamping)).await;
        assert!(found.body.contains("Siti Aminah") && found.body.contains("321216••••••••••") && !found.body.contains("•0001"), "{}", found.body);
        assert!(!found.body.contains("3212164507980001"));
        let siti = id_of_person(&app, "Siti Aminah").await;
        let r = app.post(&format!("/app/pelatihan/{id}/peserta"), &pendamping, &[("orang", &siti)]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        // Attendance: one submit per session; sending the same list again changes nothing.
        let sessions = session_ids(&app, &id).await;
        assert_eq!(sessions.len(), 2);
        for s in &sessions {
            mark(&app, &pendamping, &id, s, &[&siti]).await;
            mark(&app, &pendamping, &id, s, &[&siti]).await;
        }
        let page = app.get(&format!("/app/pelatihan/{id}/sesi/{}", sessions[0]), Some(&pendamping)).await;
        assert!(page.body.contains("checked") && page.body.contains("Siti Aminah"));
        let letters_before = app.rows("letters").await;
        let r = app.post(&format!("/app/pelatihan/{id}/peserta/{siti}/selesai"), &pendamping, &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(app.rows("letters").await, letters_before + 1, "completion asks for one certificate");
        let letter = scalar(&app, "SELECT CAST(letter_id AS TEXT) FROM training_participants WHERE CAST(training_id AS TEXT) = $1", &id).await;
        let status = scalar(&app, "SELECT status FROM letters WHERE CAST(id AS TEXT) = $1", &letter).await;
        assert_eq!(status, "awaiting_signature");
        // Completing twice is refused.
        let again = app.post(&format!("/app/pelatihan/{id}/peserta/{siti}/selesai"), &pendamping, &[]).await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        assert_eq!(app.rows("letters").await, letters_before + 1);

        // The village head signs it like any letter.
        let head = app.login("kades.kenanga", PASSWORD).await;
        let r = app.post(&format!("/app/surat/{letter}/tandatangan"), &head, &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let code = scalar(&app, "SELECT code FROM letters WHERE CAST(id AS TEXT) = $1", &letter).await;
        let page = app.get(&format!("/app/pelatihan/{id}"), Some(&pendamping)).await;
        assert!(page.body.contains(&format!("/v/{code}")) && page.body.contains("Terbit"), "{}", page.body);
        // The same page in English: its labels, the rule and the certificate's status follow the
        // language switch; dates read like the letters' ("18 November 2026").
        let en = app.send(axum::http::Request::get(format!("/app/pelatihan/{id}")).header(header::COOKIE, format!("{}; dm_lang=en", pendamping.cookie())).body(axum::body::Body::empty()).unwrap()).await;
        assert_eq!(en.status, StatusCode::OK);
        assert!(en.body.contains("Participants") && en.body.contains("Issued") && en.body.contains("attending at least 75% of the sessions."), "{}", en.body);
        assert!(!en.body.contains("Peserta dinyatakan selesai") && !en.body.contains("Terbit"), "{}", en.body);
        let first_session = desmigratif_core::letters::indonesian_date(today() - chrono::Duration::days(10));
        assert!(en.body.contains(&first_session) && page.body.contains(&first_session), "{first_session}: {}", en.body);

        let v = app.get(&format!("/v/{code}"), None).await;
        assert_eq!(v.status, StatusCode::OK);
        assert!(v.body.contains("SAH") && v.body.contains("Siti Aminah") && v.body.contains("Sertifikat Pelatihan"), "{}", v.body);

        let op = app.login("operator.kenanga", PASSWORD).await;
        let (status, headers, pdf) = fetch(&app, &op, &format!("/app/surat/{letter}/pdf")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers[header::CONTENT_TYPE], "application/pdf");
        let text = desmigratif_pdf::text(&pdf).unwrap().split_whitespace().collect::<Vec<_>>().join(" ");
        for expected in ["SERTIFIKAT PELATIHAN", "Siti Aminah", "Pengolahan hasil laut", "BBPLK Lembang", "2 dari 2 sesi", code.as_str()] {
            assert!(text.contains(expected), "the certificate says {expected:?}: {text}");
        }
        assert!(upload(&app, &pdf).await.body.contains("berkas ini sama persis"));
        let mut forged = pdf.clone();
        let middle = forged.len() / 2;
        forged[middle] ^= 0x01;
        let r = upload(&app, &forged).await;
        assert!(r.body.contains("TIDAK COCOK") && !r.body.contains("SAH —"), "{}", r.body);

        let r = app.post(&format!("/app/surat/{letter}/langkah"), &op, &[("to", "revoked"), ("reason", "Peserta ternyata tidak mengikuti sesi kedua"), ("yakin", "ya")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let v = app.get(&format!("/v/{code}"), None).await;
        assert!(v.body.contains("DICABUT") && v.body.contains("tidak mengikuti sesi kedua"), "{}", v.body);
        assert!(upload(&app, &pdf).await.body.contains("DICABUT"));
    }

    async fn completion_is_refused_when_attendance_is_short(app) {
        let pendamping = app.login("pendamping.kenanga", PASSWORD).await;
        let id = new_training(&app, &pendamping, 2).await;
        let siti = id_of_person(&app, "Siti Aminah").await;
        app.post(&format!("/app/pelatihan/{id}/peserta"), &pendamping, &[("orang", &siti)]).await;
        let sessions = session_ids(&app, &id).await;
        mark(&app, &pendamping, &id, &sessions[0], &[&siti]).await;
        mark(&app, &pendamping, &id, &sessions[1], &[]).await;
        let page = app.get(&format!("/app/pelatihan/{id}"), Some(&pendamping)).await;
        assert!(!page.body.contains("Nyatakan selesai"), "no completion button below the rule");
        let letters = app.rows("letters").await;
        let r = app.post(&format!("/app/pelatihan/{id}/peserta/{siti}/selesai"), &pendamping, &[]).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert!(r.body.contains("hadir 1 dari 2 sesi") && r.body.contains("75%"), "{}", r.body);
        assert_eq!(app.rows("letters").await, letters, "no certificate");
        let done: i64 = desmigratif_db::on_pool!(&app.db, p => sqlx::query_scalar("SELECT COUNT(*) FROM training_participants WHERE completed_on IS NOT NULL").fetch_one(p).await).unwrap();
        assert_eq!(done, 0, "nothing written");
        // With both sessions attended the same request succeeds.
        mark(&app, &pendamping, &id, &sessions[1], &[&siti]).await;
        let r = app.post(&format!("/app/pelatihan/{id}/peserta/{siti}/selesai"), &pendamping, &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        // Nobody can ask for a certificate through the letters desk instead.
        let op = app.login("operator.kenanga", PASSWORD).await;
        let r = app.post("/app/surat", &op, &[("desa", KENANGA), ("kind", "sertifikat_pelatihan"), ("nik", "3212164507980001"), ("supersedes", ""),
            ("f_training", "Palsu"), ("f_institution", "X"), ("f_starts_on", "2026-01-01"), ("f_ends_on", "2026-01-02"), ("f_attendance", "1 dari 1 sesi")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains("hanya diminta dari halaman pelatihan"));
        let public = app.get("/surat/minta", None).await;
        assert!(!public.body.contains("sertifikat_pelatihan"), "residents cannot request a certificate");
    }

    async fn other_villages_and_other_compartments_are_refused_and_audited(app) {
        let id = kenanga_training(&app).await;
        let siti = id_of_person(&app, "Siti Aminah").await;
        let kuripan = app.login("pendamping.kuripan", PASSWORD).await;
        let operator = app.login("operator.kenanga", PASSWORD).await;
        let denied = app.audit_count("access.denied", Outcome::Denied).await;
        for path in [format!("/app/pelatihan/{id}"), format!("/app/pelatihan/{id}/ubah")] {
            assert_eq!(app.get(&path, Some(&kuripan)).await.status, StatusCode::NOT_FOUND, "{path}");
        }
        let letters = app.rows("letters").await;
        let r = app.post(&format!("/app/pelatihan/{id}/peserta/{siti}/selesai"), &kuripan, &[]).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = app.post("/app/pelatihan", &kuripan, &[("desa", KENANGA), ("topik", "Batik tulis"), ("lembaga", "BLK Semarang"), ("mulai", &day(1)), ("selesai", &day(2))]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(app.get("/app/pelatihan", Some(&operator)).await.status, StatusCode::FORBIDDEN);
        assert_eq!(app.get(&format!("/app/pelatihan/{id}"), Some(&operator)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.audit_count("access.denied", Outcome::Denied).await, denied + 6, "every page refusal is audited");
        // The dashboard links the trainings only for those who hold the business compartment.
        assert!(app.get("/app", Some(&kuripan)).await.body.contains("href=\"/app/pelatihan\""));
        assert!(!app.get("/app", Some(&operator)).await.body.contains("href=\"/app/pelatihan\""));
        assert_eq!(app.rows("letters").await, letters);

        let token = app.token_for("pendamping.kuripan").await;
        let op_token = app.token_for("operator.kenanga").await;
        let denied = app.audit_count("access.denied", Outcome::Denied).await;
        assert_eq!(app.api("GET", &format!("/api/v1/trainings/{id}"), Some(&token), None).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.api("GET", "/api/v1/trainings", Some(&op_token), None).await.status, StatusCode::FORBIDDEN);
        let r = app.api("POST", "/api/v1/trainings", Some(&token), Some(serde_json::json!({"topik": "Batik tulis", "lembaga": "BLK Semarang", "desa": KENANGA, "mulai": day(1), "selesai": day(2)}))).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(app.audit_count("access.denied", Outcome::Denied).await, denied + 3, "every API refusal is audited");
        // Kuripan's own list shows only Kuripan's training.
        let own = app.api("GET", "/api/v1/trainings", Some(&token), None).await.json();
        let own = own.as_array().unwrap();
        assert_eq!(own.len(), 1);
        assert_eq!(own[0]["village_code"], "33.07.10.2004");
    }

    async fn forms_and_the_api_refuse_bad_input_and_keep_what_was_typed(app) {
        let pendamping = app.login("pendamping.kenanga", PASSWORD).await;
        let before = app.rows("trainings").await;
        let r = app.post("/app/pelatihan", &pendamping, &[("desa", KENANGA), ("topik", " "), ("lembaga", "Koperasi Nelayan Kenanga"), ("mulai", &day(5)), ("selesai", &day(2))]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("topik pelatihan wajib diisi") && r.body.contains("tanggal selesai sebelum tanggal mulai"), "{}", r.body);
        assert!(r.body.contains("value=\"Koperasi Nelayan Kenanga\"") && r.body.contains(&day(5)), "what was typed stays");
        assert_eq!(app.rows("trainings").await, before);

        // A participant from another village is refused.
        let id = new_training(&app, &pendamping, 1).await;
        let outsider = scalar(&app, "SELECT CAST(id AS TEXT) FROM persons WHERE village_code = $1 LIMIT 1", "33.07.10.2004").await;
        let participants = app.rows("training_participants").await;
        let r = app.post(&format!("/app/pelatihan/{id}/peserta"), &pendamping, &[("orang", &outsider)]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("penduduk terdaftar desa tempat pelatihan"), "{}", r.body);
        assert_eq!(app.rows("training_participants").await, participants);
        // A session outside the training's days is refused.
        let r = app.post(&format!("/app/pelatihan/{id}/sesi"), &pendamping, &[("tanggal", &day(3)), ("materi", "Pemasaran")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("masa pelatihan") && r.body.contains("Pemasaran"));

        // The API: the same rules, then a created training with its sessions and counts, no NIK.
        let token = app.token_for("pendamping.kenanga").await;
        let r = app.api("POST", "/api/v1/trainings", Some(&token), Some(serde_json::json!({"topik": "", "lembaga": "BBPLK Lembang", "desa": KENANGA, "mulai": day(3), "selesai": day(1)}))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let fields = r.json()["error"]["fields"].to_string();
        assert!(fields.contains("topik") && fields.contains("selesai"), "{fields}");
        let r = app.api("POST", "/api/v1/trainings", Some(&token), Some(serde_json::json!({"topik": "Kerupuk ikan", "lembaga": "Asosiasi Pemandu Wirausaha Indonesia", "desa": KENANGA, "mulai": day(3), "selesai": day(4)}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let created = r.json();
        assert_eq!(created["participants"], 0);
        let demo = kenanga_training(&app).await;
        let detail = app.api("GET", &format!("/api/v1/trainings/{demo}"), Some(&token), None).await;
        assert_eq!(detail.status, StatusCode::OK);
        let detail_json = detail.json();
        assert_eq!(detail_json["sessions"].as_array().unwrap().len(), 3);
        assert_eq!(detail_json["participants"], 3);
        assert!(!detail.body.to_lowercase().contains("nik") && !detail.body.contains("3212"), "{}", detail.body);
        let list = app.api("GET", "/api/v1/trainings?page=1", Some(&token), None).await.json();
        assert!(list.as_array().unwrap().iter().any(|t| t["id"] == created["id"]));
        assert!(app.api("GET", "/api/v1/trainings?page=2", Some(&token), None).await.json().as_array().unwrap().is_empty());
        // The list page pages and the new name is now a suggestion.
        let page = app.get("/app/pelatihan", Some(&pendamping)).await;
        assert!(page.body.contains("Kerupuk ikan"));
        let form = app.get("/app/pelatihan/baru", Some(&pendamping)).await;
        assert!(form.body.contains("Asosiasi Pemandu Wirausaha Indonesia") && form.body.contains("BBPLK Lembang"));
    }
}
