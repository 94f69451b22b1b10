//! Advocacy cases in the database layer, on SQLite and PostgreSQL: a case opened from a public
//! report, its states and timeline (notes sealed), a referral that needs consent, the receiving
//! office's access from referral to revocation, the outcome, and counts with small cells hidden.

use crate::support::{KEYS, PASSWORD, today};
use axum::http::StatusCode;
use desmigratif_core::cases::{
    CaseStatus, RawCase, RawOutcome, RawReferral, ReferralStatus, suppress_table,
};
use desmigratif_db::audit::Actor;
use desmigratif_db::audit::Outcome;
use desmigratif_db::cases::{self, NewCase};

const KENANGA: &str = "32.12.16.2004";
const SINDANG: &str = "32.12.16";

fn intake() -> RawCase {
    RawCase {
        sumber: "laporan_publik".into(),
        kategori: "gaji_tidak_dibayar".into(),
        urgensi: "tinggi".into(),
        nama_pekerja: "Rasminah (fiktif)".into(),
        negara: "TW".into(),
        agensi: "PT Cahaya Lintas Samudra".into(),
        pemberi_kerja: "Keluarga di Taichung".into(),
        kronologi: "Gaji tiga bulan terakhir belum dibayar; pekerja dilarang memegang ponsel."
            .into(),
        pelapor: "Ibu kandung".into(),
        kontak_pelapor: "0812 0000 2222".into(),
    }
}

both! {
    async fn a_case_moves_from_intake_to_outcome_with_its_timeline_sealed(app) {
        let actor = Actor::system("advokasi.kenanga");
        let input = intake().check(false).unwrap();
        let report: desmigratif_core::id::Id = desmigratif_db::on_pool!(&app.db, p => sqlx::query_scalar("SELECT id FROM public_reports").fetch_one(p).await).unwrap();
        let mut tx = app.db.begin().await.unwrap();
        let id = cases::create(&mut tx, &actor, &KEYS, &NewCase {
            region_code: KENANGA, person_id: None, episode_id: None, report_id: Some(report), input: &input, today: today(),
        }).await.unwrap();
        tx.commit().await.unwrap();

        let c = cases::get(&app.db, id).await.unwrap().unwrap();
        assert_eq!(c.status(), CaseStatus::New);
        assert!(!c.chronology_enc.contains("Gaji"), "sealed at rest");
        let (chronology, reporter) = cases::open(&KEYS, &c).unwrap();
        assert!(chronology.starts_with("Gaji tiga bulan"));
        assert_eq!(reporter["contact"], "0812 0000 2222");

        // Illegal moves are refused and change nothing.
        let mut tx = app.db.begin().await.unwrap();
        assert!(cases::move_status(&mut tx, &actor, &KEYS, id, CaseStatus::Resolved, "", today()).await.is_err());
        drop(tx);
        for to in [CaseStatus::Assessed, CaseStatus::InProgress] {
            let mut tx = app.db.begin().await.unwrap();
            cases::move_status(&mut tx, &actor, &KEYS, id, to, "ditelepon keluarga", today()).await.unwrap();
            tx.commit().await.unwrap();
        }

        // A referral without consent is refused by the rules; with the family's consent it goes,
        // and the kecamatan can read the case from then on.
        let c = cases::get(&app.db, id).await.unwrap().unwrap();
        assert!(!cases::referred_to(&app.db, id, SINDANG).await.unwrap());
        let no_consent = RawReferral { tujuan: "kecamatan".into(), unit: "Kecamatan Sindang".into(), ..Default::default() };
        assert!(no_consent.check(today(), false).is_err());
        let consent = RawReferral {
            persetujuan: "keluarga".into(), nama_pemberi: "Ibu kandung".into(), tanggal_persetujuan: today().to_string(),
            ..no_consent.clone()
        }.check(today(), false).unwrap();
        let mut tx = app.db.begin().await.unwrap();
        let referral = cases::refer(&mut tx, &actor, &KEYS, &c, &consent, SINDANG, today()).await.unwrap();
        tx.commit().await.unwrap();
        assert!(cases::referred_to(&app.db, id, SINDANG).await.unwrap());
        assert!(!cases::referred_to(&app.db, id, "32.12").await.unwrap(), "only the office referred to");
        assert_eq!(cases::get(&app.db, id).await.unwrap().unwrap().status(), CaseStatus::Referred);

        // Revoked: the access ends; a revocation needs its reason.
        let c = cases::get(&app.db, id).await.unwrap().unwrap();
        let r = cases::referral(&app.db, referral).await.unwrap().unwrap();
        let mut tx = app.db.begin().await.unwrap();
        assert!(cases::move_referral(&mut tx, &actor, &KEYS, &c, &r, ReferralStatus::Revoked, "").await.is_err());
        drop(tx);
        let mut tx = app.db.begin().await.unwrap();
        cases::move_referral(&mut tx, &actor, &KEYS, &c, &r, ReferralStatus::Revoked, "keluarga menarik persetujuan").await.unwrap();
        tx.commit().await.unwrap();
        assert!(!cases::referred_to(&app.db, id, SINDANG).await.unwrap());

        // An override needs the permission and a written reason, and is recorded as such.
        let override_raw = RawReferral {
            tujuan: "bp3mi".into(), unit: "BP3MI Jawa Barat".into(), persetujuan: "pengecualian".into(),
            alasan_pengecualian: "Pekerja dalam bahaya dan keluarga tidak dapat dihubungi.".into(), ..Default::default()
        };
        assert!(override_raw.check(today(), false).is_err());
        let overridden = override_raw.check(today(), true).unwrap();
        let mut tx = app.db.begin().await.unwrap();
        cases::refer(&mut tx, &actor, &KEYS, &c, &overridden, "", today()).await.unwrap();
        tx.commit().await.unwrap();
        let all = cases::referrals(&app.db, id).await.unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[1].consent, "pengecualian");
        assert!(all[1].override_reason.contains("dalam bahaya"));

        // The outcome, in whole rupiah; the case is resolved.
        let outcome = RawOutcome { hasil: "gaji_kembali".into(), jumlah: "Rp 24.500.000".into(), tanggal: today().to_string(), catatan: "dibayar lewat KDEI".into() }
            .check(today()).unwrap();
        let c = cases::get(&app.db, id).await.unwrap().unwrap();
        let mut tx = app.db.begin().await.unwrap();
        cases::record_outcome(&mut tx, &actor, &KEYS, &c, &outcome, today()).await.unwrap();
        tx.commit().await.unwrap();
        let c = cases::get(&app.db, id).await.unwrap().unwrap();
        assert_eq!((c.status(), c.outcome.as_deref(), c.outcome_amount), (CaseStatus::Resolved, Some("gaji_kembali"), Some(24_500_000)));

        // The timeline: every step, notes sealed.
        let events = cases::events(&app.db, id).await.unwrap();
        let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(kinds.first(), Some(&"opened"));
        assert!(kinds.contains(&"referral") && kinds.contains(&"outcome"));
        assert!(events.iter().all(|e| !e.note_enc.contains("keluarga")));
        let revoked = events.iter().find(|e| e.summary.contains("revoked")).unwrap();
        assert_eq!(KEYS.decrypt_str(cases::NOTE_CONTEXT, &revoked.note_enc).unwrap(), "keluarga menarik persetujuan");
    }

    async fn case_counts_hide_small_cells(app) {
        let actor = Actor::system("advokasi.kenanga");
        let mut tx = app.db.begin().await.unwrap();
        for (i, category) in ["gaji_tidak_dibayar"; 6].into_iter().chain(["hilang_kontak"; 2]).enumerate() {
            let mut raw = intake();
            raw.kategori = category.into();
            raw.nama_pekerja = format!("Pekerja {i} (fiktif)");
            let input = raw.check(false).unwrap();
            cases::create(&mut tx, &actor, &KEYS, &NewCase {
                region_code: KENANGA, person_id: None, episode_id: None, report_id: None, input: &input, today: today(),
            }).await.unwrap();
        }
        tx.commit().await.unwrap();
        let counts = cases::counts(&app.db, Some("32.12")).await.unwrap();
        let by = |cat: &str| counts.iter().filter(|r| r.category == cat).map(|r| r.n).sum::<i64>();
        assert_eq!((by("gaji_tidak_dibayar"), by("hilang_kontak")), (6, 2));
        let kuripan = cases::counts(&app.db, Some("33.07")).await.unwrap();
        assert_eq!(
            kuripan.iter().map(|r| r.n).sum::<i64>(),
            1,
            "another kabupaten counts only its own (the demo case)"
        );
        let table = suppress_table(&[("Kenanga".into(), vec![by("gaji_tidak_dibayar"), by("hilang_kontak"), 0])]);
        assert_eq!(table[0].1[1], None, "2 is hidden");
        assert!(table[0].1[0].is_none(), "and a second cell with it, so the total does not give it away");
        assert_eq!(table[0].1[2], Some(0));
    }

    async fn case_pages_follow_a_report_to_its_outcome_and_keep_others_out(app) {
        let worker = app.login("advokasi.kenanga", PASSWORD).await;
        // The demo report in Kenanga's queue becomes a case.
        let queue = app.get("/app/laporan", Some(&worker)).await;
        let report = regex_lite::Regex::new(r#"href="/app/laporan/([0-9a-f-]{36})""#).unwrap().captures(&queue.body).unwrap()[1].to_owned();
        let page = app.get(&format!("/app/laporan/{report}"), Some(&worker)).await;
        assert!(page.body.contains(&format!("/app/kasus/baru?laporan={report}")));
        let form = app.get(&format!("/app/kasus/baru?laporan={report}"), Some(&worker)).await;
        assert!(form.body.contains("sponsor"), "the report's account is carried over: {}", form.body);
        // Every problem at once, nothing stored.
        let bad = app.post("/app/kasus", &worker, &[("desa", KENANGA), ("laporan", &report), ("sumber", "laporan_publik"), ("kategori", ""), ("urgensi", "biasa"), ("nama_pekerja", ""), ("kronologi", "pendek")]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.rows("cases").await, 1, "only the demo case of Kuripan");
        let r = app.post("/app/kasus", &worker, &[
            ("desa", KENANGA), ("laporan", &report), ("sumber", "laporan_publik"), ("kategori", "penipuan"), ("urgensi", "tinggi"),
            ("nama_pekerja", "Calon pekerja (fiktif)"), ("negara", "TW"), ("agensi", ""), ("pemberi_kerja", ""),
            ("kronologi", "Sponsor meminta Rp45 juta untuk kerja pabrik di Taiwan tanpa lewat Disnaker."), ("pelapor", "Tetangga"), ("kontak_pelapor", ""),
        ]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let case = r.location().trim_start_matches("/app/kasus/").to_owned();
        let tracking: String = desmigratif_db::on_pool!(&app.db, p => sqlx::query_scalar("SELECT status FROM public_reports").fetch_one(p).await).unwrap();
        assert_eq!(tracking, "in_review", "the reporter sees it is being handled");

        let reads = app.audit_count("case.read", Outcome::Ok).await;
        let page = app.get(&format!("/app/kasus/{case}"), Some(&worker)).await;
        assert!(page.body.contains("Rp45 juta") && page.body.contains("Kasus dibuka"), "{}", page.body);
        assert_eq!(app.audit_count("case.read", Outcome::Ok).await, reads + 1);

        // Outsiders: a treasurer, an operator, another village's case worker, and the kecamatan
        // before the referral — each refused and audited.
        let denied = app.audit_count("access.denied", Outcome::Denied).await;
        let kec = app.login("kec.sindang", PASSWORD).await;
        for user in ["bendahara.kenanga", "operator.kenanga", "advokasi.kuripan"] {
            let s = app.login(user, PASSWORD).await;
            let r = app.get(&format!("/app/kasus/{case}"), Some(&s)).await;
            assert!(matches!(r.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN), "{user}: {}", r.status);
            assert!(!r.body.contains("Rp45 juta"));
        }
        assert_eq!(app.get(&format!("/app/kasus/{case}"), Some(&kec)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.audit_count("access.denied", Outcome::Denied).await, denied + 4);

        // Moves: assessed, in progress; a referral without consent refused; with the family's
        // consent to the kecamatan, which can read it from then on.
        for to in ["assessed", "in_progress"] {
            let r = app.post(&format!("/app/kasus/{case}/status"), &worker, &[("status", to), ("catatan", "")]).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{to}: {}", r.body);
        }
        let illegal = app.post(&format!("/app/kasus/{case}/status"), &worker, &[("status", "closed"), ("catatan", "")]).await;
        assert_eq!(illegal.status, StatusCode::UNPROCESSABLE_ENTITY);
        let no_consent = app.post(&format!("/app/kasus/{case}/rujukan"), &worker, &[("tujuan", "kecamatan"), ("unit", "Kecamatan Sindang"), ("persetujuan", "")]).await;
        assert_eq!(no_consent.status, StatusCode::UNPROCESSABLE_ENTITY);
        let override_try = app.post(&format!("/app/kasus/{case}/rujukan"), &worker, &[("tujuan", "kecamatan"), ("unit", "Kecamatan Sindang"), ("persetujuan", "pengecualian"), ("alasan_pengecualian", "Keadaan darurat, keluarga tidak dapat dihubungi.")]).await;
        assert_eq!(override_try.status, StatusCode::FORBIDDEN, "an override needs its grant");
        assert_eq!(app.rows("case_referrals").await, 1, "only the demo referral");
        let r = app.post(&format!("/app/kasus/{case}/rujukan"), &worker, &[
            ("tujuan", "kecamatan"), ("unit", "Kecamatan Sindang"), ("persetujuan", "keluarga"), ("nama_pemberi", "Ibu pekerja"),
            ("tanggal_persetujuan", &today().to_string()), ("catatan", "mohon pendampingan"),
        ]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let seen = app.get(&format!("/app/kasus/{case}"), Some(&kec)).await;
        assert_eq!(seen.status, StatusCode::OK);
        assert!(seen.body.contains("Rp45 juta") && seen.body.contains("Dirujuk"));
        assert!(app.get("/app/kasus", Some(&kec)).await.body.contains(&case));
        // The kabupaten was not referred to: still counts only.
        let kab = app.login("kab.indramayu", PASSWORD).await;
        assert_eq!(app.get(&format!("/app/kasus/{case}"), Some(&kab)).await.status, StatusCode::NOT_FOUND);

        // The kecamatan accepts; the case worker revokes (with a reason) and the access ends.
        let referral: desmigratif_core::id::Id = desmigratif_db::on_pool!(&app.db, p => sqlx::query_scalar("SELECT id FROM case_referrals WHERE target = 'kecamatan' AND unit = 'Kecamatan Sindang'").fetch_one(p).await).unwrap();
        let r = app.post(&format!("/app/kasus/{case}/rujukan/{referral}"), &kec, &[("status", "accepted")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(app.post(&format!("/app/kasus/{case}/rujukan/{referral}"), &kec, &[("status", "revoked"), ("alasan", "bukan wewenang kami")]).await.status, StatusCode::FORBIDDEN);
        let r = app.post(&format!("/app/kasus/{case}/rujukan/{referral}"), &worker, &[("status", "revoked"), ("alasan", "keluarga menarik persetujuan")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(app.get(&format!("/app/kasus/{case}"), Some(&kec)).await.status, StatusCode::NOT_FOUND);

        // The outcome, a note, an assignment; then the counts, with small numbers hidden.
        let r = app.post(&format!("/app/kasus/{case}/hasil"), &worker, &[("hasil", "kompensasi"), ("jumlah", "Rp 3.000.000"), ("tanggal", &today().to_string()), ("catatan", "uang dikembalikan sponsor")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let r = app.post(&format!("/app/kasus/{case}/catatan"), &worker, &[("catatan", "<b>tebal</b>")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let page = app.get(&format!("/app/kasus/{case}"), Some(&worker)).await;
        assert!(page.body.contains("Rp3.000.000") && page.body.contains("Selesai"), "{}", page.body);
        // The heaviest case page (every form, a full timeline) stays within the page budget.
        let size = crate::support::page_weight(&app, &page.body).await;
        assert!(size <= 30 * 1024, "case page {size} bytes compressed");
        let uid = regex_lite::Regex::new(r#"<option value="([0-9a-f-]{36})">Ahmad Fauzi"#).unwrap().captures(&page.body).unwrap()[1].to_owned();
        assert_eq!(app.post(&format!("/app/kasus/{case}/petugas"), &worker, &[("petugas", &uid)]).await.status, StatusCode::SEE_OTHER);
        // A scan of the passport, sealed under the case's own context; the registry's file route
        // never serves it, and a file that is not a scan is refused.
        let send = |who: &crate::support::Session, file: &[u8]| {
            let (ctype, body) = crate::registry::multipart(file);
            axum::http::Request::post(format!("/app/kasus/{case}/dokumen/paspor?_csrf={}", who.csrf))
                .header(axum::http::header::HOST, "localhost")
                .header(axum::http::header::COOKIE, who.cookie())
                .header(axum::http::header::CONTENT_TYPE, ctype)
                .body(axum::body::Body::from(body))
                .unwrap()
        };
        let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
        assert_eq!(app.send(send(&worker, b"bukan pindaian")).await.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.send(send(&worker, pdf)).await.status, StatusCode::SEE_OTHER);
        let (status, _, body) = crate::support::fetch(&app, &worker, &format!("/app/kasus/{case}/dokumen/paspor")).await;
        assert_eq!((status, body.as_slice()), (StatusCode::OK, pdf.as_slice()));
        assert_eq!(app.audit_count("case.document.download", Outcome::Ok).await, 1);
        let file: desmigratif_core::id::Id = desmigratif_db::on_pool!(&app.db, p => sqlx::query_scalar("SELECT file_id FROM case_documents").fetch_one(p).await).unwrap();
        let operator = app.login("operator.kenanga", PASSWORD).await;
        assert_eq!(app.get(&format!("/app/berkas/{file}"), Some(&operator)).await.status, StatusCode::NOT_FOUND);
        let other = app.login("advokasi.kuripan", PASSWORD).await;
        assert_eq!(app.get(&format!("/app/kasus/{case}/dokumen/paspor"), Some(&other)).await.status, StatusCode::NOT_FOUND);

        // The case summary PDF: a real PDF with the case in it, its export audited; not for outsiders.
        let (status, _, pdf) = crate::support::fetch(&app, &worker, &format!("/app/kasus/{case}/ringkasan.pdf")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(pdf.starts_with(b"%PDF"));
        let text = desmigratif_pdf::text(&pdf).unwrap();
        assert!(text.contains("Ringkasan Kasus Advokasi") && text.contains("Calon pekerja (fiktif)") && text.contains("Kecamatan Sindang"), "{text}");
        assert_eq!(app.audit_count("case.export", Outcome::Ok).await, 1);
        assert_eq!(crate::support::fetch(&app, &other, &format!("/app/kasus/{case}/ringkasan.pdf")).await.0, StatusCode::NOT_FOUND);

        let pusat = app.login("pusat", PASSWORD).await;
        let counts = app.get("/app/kasus/angka", Some(&pusat)).await;
        assert_eq!(counts.status, StatusCode::OK);
        assert!(counts.body.contains("&lt;5") && !counts.body.contains(">1</td>"), "{}", counts.body);
        assert_eq!(app.get("/app/kasus", Some(&pusat)).await.location(), "/app/kasus/angka");
        assert_eq!(app.get("/app/kasus/angka", Some(&app.login("bendahara.kenanga", PASSWORD).await)).await.status, StatusCode::FORBIDDEN);
    }

    async fn the_cases_api_follows_the_same_rules(app) {
        let token = app.token_for("advokasi.kenanga").await;
        let bad = app.api("POST", "/api/v1/cases", Some(&token), Some(serde_json::json!({"village_code": KENANGA, "kategori": "entah"}))).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        let made = app.api("POST", "/api/v1/cases", Some(&token), Some(serde_json::json!({
            "village_code": KENANGA, "sumber": "keluarga", "kategori": "hilang_kontak", "urgensi": "darurat",
            "nama_pekerja": "Sutini (fiktif)", "negara": "MY", "kronologi": "Keluarga tidak bisa menghubungi Sutini sejak dua bulan lalu."
        }))).await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
        let id = made.json()["id"].as_str().unwrap().to_owned();
        assert_eq!(made.json()["chronology"], serde_json::Value::Null, "lists never carry contents");
        let list = app.api("GET", "/api/v1/cases", Some(&token), None).await.json();
        assert!(list.as_array().unwrap().iter().any(|c| c["id"] == id.as_str()));
        let one = app.api("GET", &format!("/api/v1/cases/{id}"), Some(&token), None).await.json();
        assert!(one["chronology"].as_str().unwrap().contains("dua bulan"));
        assert_eq!(one["timeline"][0]["kind"], "opened");
        assert_eq!(one["documents"].as_array().unwrap().len(), 7);
        assert_eq!(one["documents"][0]["filed"], false);
        let other = app.token_for("advokasi.kuripan").await;
        assert_eq!(app.api("GET", &format!("/api/v1/cases/{id}"), Some(&other), None).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.api("POST", "/api/v1/cases", Some(&other), Some(serde_json::json!({"village_code": KENANGA}))).await.status, StatusCode::FORBIDDEN);
    }

    async fn intake_ties_a_registered_worker_and_an_override_needs_its_grant(app) {
        let worker = app.login("advokasi.kenanga", PASSWORD).await;
        let fields = |nik: &'static str| vec![
            ("desa", KENANGA), ("laporan", ""), ("nik", nik), ("sumber", "layanan_desa"), ("kategori", "dokumen_ditahan"),
            ("urgensi", "biasa"), ("nama_pekerja", ""), ("negara", "TW"), ("agensi", ""), ("pemberi_kerja", ""),
            ("kronologi", "Paspor ditahan agensi di Taiwan sejak kedatangan, pekerja minta bantuan."), ("pelapor", "Suami"), ("kontak_pelapor", ""),
        ];
        // A NIK registered in another village answers like an unknown one.
        let r = app.post("/app/kasus", &worker, &fields("3307105001990003")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("tidak terdaftar di desa kasus"));
        let r = app.post("/app/kasus", &worker, &fields("3212164507980001")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let case = r.location().trim_start_matches("/app/kasus/").to_owned();
        let row = cases::get(&app.db, case.parse().unwrap()).await.unwrap().unwrap();
        assert_eq!(row.worker_name, "Siti Aminah");
        assert!(row.person_id.is_some() && row.episode_id.is_some(), "tied to the person and her latest episode");

        // With the explicit grant, an override referral goes through and is recorded as one.
        let grant = "UPDATE users SET compartments = 'cases,consent_override,registry,reports' WHERE username = 'advokasi.kenanga'";
        desmigratif_db::on_pool!(&app.db, p => sqlx::query(sqlx::AssertSqlSafe(grant)).execute(p).await.map(|_| ())).unwrap();
        assert_eq!(app.post(&format!("/app/kasus/{case}/status"), &worker, &[("status", "assessed")]).await.status, StatusCode::SEE_OTHER);
        let short = app.post(&format!("/app/kasus/{case}/rujukan"), &worker, &[("tujuan", "perwakilan_ri"), ("unit", "KDEI Taipei"), ("persetujuan", "pengecualian"), ("alasan_pengecualian", "darurat")]).await;
        assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
        let r = app.post(&format!("/app/kasus/{case}/rujukan"), &worker, &[
            ("tujuan", "perwakilan_ri"), ("unit", "KDEI Taipei"), ("persetujuan", "pengecualian"),
            ("alasan_pengecualian", "Pekerja terancam dan keluarga tidak dapat dihubungi sama sekali."),
        ]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let all = cases::referrals(&app.db, row.id).await.unwrap();
        assert_eq!((all[0].consent.as_str(), all[0].receiver_region.as_str()), ("pengecualian", ""));
        assert_eq!(app.audit_count("case_referral.create", Outcome::Ok).await, 2, "the demo referral and the override");
    }
}
