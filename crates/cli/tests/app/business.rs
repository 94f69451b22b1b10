//! Pillar 2 businesses through the real router, on SQLite and PostgreSQL: a facilitator records a
//! business, its owner, permits, monthly results (charted), a visit with its follow-up and a KUR
//! referral; equipment aid with condition checks; bad input refused with nothing written; other
//! villages and other compartments refused and audited, on pages and the API.

use crate::support::{PASSWORD, TestApp, today};
use axum::http::StatusCode;
use desmigratif_core::business::Month;
use desmigratif_db::audit::Outcome;

/// The id in a redirect to `/app/usaha/{id}` (or `/app/bantuan/{id}`).
fn id_in(location: &str) -> String {
    location
        .trim_start_matches("/app/usaha/")
        .trim_start_matches("/app/bantuan/")
        .split(['#', '/', '?'])
        .next()
        .unwrap()
        .to_owned()
}

fn decision<'a>(status: &'a str, on: &'a str, approved: &'a str) -> [(&'a str, &'a str); 3] {
    [("status", status), ("tanggal", on), ("disetujui", approved)]
}

async fn person_id(app: &TestApp, village: &str, name: &str) -> String {
    let id: desmigratif_core::id::Id = desmigratif_db::on_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT id FROM persons WHERE village_code = $1 AND name = $2",
    ).bind(village).bind(name).fetch_one(p).await)
    .unwrap();
    id.to_string()
}

both! {
    async fn a_facilitator_follows_a_business_month_by_month(app) {
        let s = app.login("pendamping.kenanga", PASSWORD).await;
        let businesses = app.rows("businesses").await;

        // Bad input: every problem at once, in Indonesian, nothing written.
        let bad = app.post("/app/usaha", &s, &[("nama", "A"), ("sektor", "tambang"), ("produk", ""), ("telepon", "telp saya")]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("nama usaha terlalu pendek"), "{}", bad.body);
        assert!(bad.body.contains("bukan bidang usaha yang dikenal"));
        assert!(bad.body.contains("nomor telepon 8–15 angka"));
        assert!(bad.body.contains("value=\"telp saya\""), "what was typed is kept");
        assert_eq!(app.rows("businesses").await, businesses);

        let r = app.post("/app/usaha", &s, &[
            ("nama", "Rempeyek Bu Darsih"), ("sektor", "olahan_pangan"), ("produk", "rempeyek kacang, rempeyek teri"),
            ("telepon", "0812 0000 0999"), ("aktif", "ya"),
        ]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let id = id_in(r.location());
        let page = format!("/app/usaha/{id}");

        // The owner is found by name among the village's people and added once.
        let rohmah = person_id(&app, "32.12.16.2004", "Rohmah").await;
        let found = app.get(&format!("{page}?cari=rohm"), Some(&s)).await;
        assert!(found.body.contains(&format!("name=\"orang\" value=\"{rohmah}\"")), "{}", found.body);
        for _ in 0..2 {
            assert_eq!(app.post(&format!("{page}/pemilik"), &s, &[("orang", &rohmah)]).await.status, StatusCode::SEE_OTHER);
        }
        let outsider = person_id(&app, "33.07.10.2004", "Joko Susilo").await;
        let refused = app.post(&format!("{page}/pemilik"), &s, &[("orang", &outsider)]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.body.contains("tidak tercatat di desa ini"));
        let owners: i64 = desmigratif_db::on_pool!(&app.db, p => sqlx::query_scalar("SELECT COUNT(*) FROM business_owners WHERE business_id = (SELECT id FROM businesses WHERE name = 'Rempeyek Bu Darsih')").fetch_one(p).await).unwrap();
        assert_eq!(owners, 1);

        // Permits: shape checked; a duplicate is a conflict shown on the page.
        let bad_nib = app.post(&format!("{page}/izin"), &s, &[("jenis", "nib"), ("nomor", "12345"), ("terbit", "2025-01-02")]).await;
        assert_eq!(bad_nib.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad_nib.body.contains("NIB terdiri dari 13 angka"));
        let nib = [("jenis", "nib"), ("nomor", "9120 3012 9999 1"), ("terbit", "2025-01-02")];
        assert_eq!(app.post(&format!("{page}/izin"), &s, &nib).await.status, StatusCode::SEE_OTHER);
        let again = app.post(&format!("{page}/izin"), &s, &nib).await;
        assert!(again.body.contains("sudah tercatat"), "{}", again.body);

        // Monthly results: three months, one corrected; the chart and table show them.
        let month = |k| Month::of(today()).back(k).to_string();
        for (k, omzet, biaya) in [(3, "1.000.000", "600.000"), (2, "1.200.000", "650.000"), (1, "900.000", "1.100.000"), (2, "Rp 1.500.000", "700.000")] {
            let r = app.post(&format!("{page}/laporan"), &s, &[("bulan", &month(k)), ("omzet", omzet), ("biaya", biaya), ("pekerja", "2")]).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        }
        let future = app.post(&format!("{page}/laporan"), &s, &[("bulan", &Month::of(today() + chrono::Duration::days(40)).to_string()), ("omzet", "1"), ("biaya", "0")]).await;
        assert_eq!(future.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(future.body.contains("bulan laporan belum berjalan"));
        let reports: i64 = desmigratif_db::on_pool!(&app.db, p => sqlx::query_scalar("SELECT COUNT(*) FROM business_reports r JOIN businesses b ON b.id = r.business_id WHERE b.name = 'Rempeyek Bu Darsih'").fetch_one(p).await).unwrap();
        assert_eq!(reports, 3, "the second report of a month replaced the first");
        let shown = app.get(&page, Some(&s)).await;
        assert_eq!(shown.status, StatusCode::OK);
        assert!(shown.body.contains("<svg class=\"chart\""), "trend chart drawn");
        assert_eq!(shown.body.matches("<polyline").count(), 3, "revenue, costs and profit lines");
        assert!(shown.body.contains("Rp1.500.000"), "the corrected figure");
        assert!(shown.body.contains("-Rp200.000"), "a loss month shown: {}", shown.body);
        assert!(!shown.body.contains("<script"), "no script");
        let size = crate::support::page_weight(&app, &shown.body).await;
        assert!(size <= 30 * 1024, "business page {size} bytes compressed");

        // A visit with next steps needs a follow-up date; a due follow-up shows on the list.
        let no_date = app.post(&format!("{page}/kunjungan"), &s, &[("tanggal", &(today() - chrono::Duration::days(30)).to_string()), ("catatan", "Kemasan perlu label komposisi."), ("langkah", "Cetak label")]).await;
        assert_eq!(no_date.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(no_date.body.contains("perlu tanggal tindak lanjut"));
        let r = app.post(&format!("{page}/kunjungan"), &s, &[
            ("tanggal", &(today() - chrono::Duration::days(30)).to_string()), ("catatan", "Kemasan perlu label komposisi."),
            ("langkah", "Cetak label komposisi"), ("tindak_lanjut", &(today() - chrono::Duration::days(2)).to_string()),
        ]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let list = app.get("/app/usaha", Some(&s)).await;
        assert!(list.body.contains("Cetak label komposisi"), "due follow-up listed");

        // KUR: referred, approved for less, then disbursed; an illegal move refused.
        let r = app.post(&format!("{page}/kur"), &s, &[("bank", "BRI"), ("jumlah", "10.000.000"), ("tanggal", &(today() - chrono::Duration::days(20)).to_string())]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let kur: desmigratif_core::id::Id = desmigratif_db::on_pool!(&app.db, p => sqlx::query_scalar("SELECT k.id FROM kur_referrals k JOIN businesses b ON b.id = k.business_id WHERE b.name = 'Rempeyek Bu Darsih'").fetch_one(p).await).unwrap();
        let on = today().to_string();
        let skip = app.post(&format!("{page}/kur/{kur}"), &s, &decision("dicairkan", &on, "")).await;
        assert_eq!(skip.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(skip.body.contains("tidak bisa menjadi"), "{}", skip.body);
        assert_eq!(app.post(&format!("{page}/kur/{kur}"), &s, &decision("disetujui", &on, "8.000.000")).await.status, StatusCode::SEE_OTHER);
        assert_eq!(app.post(&format!("{page}/kur/{kur}"), &s, &decision("dicairkan", &on, "")).await.status, StatusCode::SEE_OTHER);
        let (status, approved): (String, Option<i64>) = desmigratif_db::on_pool!(&app.db, p => sqlx::query_as("SELECT status, approved_amount FROM kur_referrals WHERE id = $1").bind(kur).fetch_one(p).await).unwrap();
        assert_eq!((status.as_str(), approved), ("dicairkan", Some(8_000_000)));

        // Every write was audited.
        let changes: i64 = desmigratif_db::on_pool!(&app.db, p => sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE entity = 'business' AND entity_id = $1").bind(&id).fetch_one(p).await).unwrap();
        assert!(changes >= 9, "create, owner, permit, 4 reports, visit, kur…: {changes}");
    }

    async fn equipment_aid_is_checked_for_its_condition(app) {
        let s = app.login("pendamping.kenanga", PASSWORD).await;
        let rohmah = person_id(&app, "32.12.16.2004", "Rohmah").await;
        let aid = app.rows("equipment_aid").await;

        let form = app.get("/app/bantuan/baru?cari=rohmah", Some(&s)).await;
        assert!(form.body.contains(&format!("value=\"{rohmah}\"")), "{}", form.body);
        let bad = app.post("/app/bantuan", &s, &[("barang", "Oven"), ("nilai", "0"), ("sumber", "lainnya"), ("tanggal", "2099-01-01")]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        for m in ["nilai barang harus lebih dari nol", "nama pemberi bantuan wajib diisi", "tanggal terima tidak boleh sesudah hari ini", "pilih warga dari hasil pencarian"] {
            assert!(bad.body.contains(m), "{m}: {}", bad.body);
        }
        assert_eq!(app.rows("equipment_aid").await, aid);

        let r = app.post("/app/bantuan", &s, &[
            ("barang", "Oven gas 2 rak"), ("nilai", "Rp 4.200.000"), ("sumber", "csr"), ("tanggal", &(today() - chrono::Duration::days(400)).to_string()),
            ("penerima", &rohmah), ("usaha", ""),
        ]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let id = id_in(r.location());
        let page = app.get(&format!("/app/bantuan/{id}"), Some(&s)).await;
        assert!(page.body.contains("Rp4.200.000") && page.body.contains("perlu diperiksa"), "a year without a check: {}", page.body);

        let no_note = app.post(&format!("/app/bantuan/{id}/periksa"), &s, &[("tanggal", &today().to_string()), ("kondisi", "rusak_berat"), ("catatan", "")]).await;
        assert_eq!(no_note.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(no_note.body.contains("catatan pemeriksaan wajib diisi"));
        let ok = app.post(&format!("/app/bantuan/{id}/periksa"), &s, &[("tanggal", &today().to_string()), ("kondisi", "rusak_berat"), ("catatan", "Pemantik rusak; oven tidak dipakai.")]).await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER);
        let page = app.get(&format!("/app/bantuan/{id}"), Some(&s)).await;
        assert!(page.body.contains("Rusak berat") && !page.body.contains("perlu diperiksa"));
        let list = app.get("/app/bantuan", Some(&s)).await;
        assert!(list.body.contains("Oven gas 2 rak"));
        assert!(list.body.contains("Continuous sealer"), "the demo's aid too");
    }

    async fn other_villages_and_compartments_are_refused_and_audited(app) {
        let kenanga = app.login("pendamping.kenanga", PASSWORD).await;
        let list = app.get("/app/usaha", Some(&kenanga)).await;
        assert!(list.body.contains("Kerupuk Kulit Ikan Mbak Rohmah"));
        assert!(!list.body.contains("Salak Kuripan"), "only the own village");
        let salak: desmigratif_core::id::Id = desmigratif_db::on_pool!(&app.db, p => sqlx::query_scalar("SELECT id FROM businesses WHERE name = 'Salak Kuripan Makmur'").fetch_one(p).await).unwrap();
        let salak_aid: desmigratif_core::id::Id = desmigratif_db::on_pool!(&app.db, p => sqlx::query_scalar("SELECT id FROM equipment_aid WHERE business_id = $1").bind(salak).fetch_one(p).await).unwrap();

        let denied = app.audit_count("access.denied", Outcome::Denied).await;
        // Another village's facilitator: every door answers 404 and is audited.
        assert_eq!(app.get(&format!("/app/usaha/{salak}"), Some(&kenanga)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.post(&format!("/app/usaha/{salak}/laporan"), &kenanga, &[("bulan", &Month::of(today()).to_string()), ("omzet", "1"), ("biaya", "1")]).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get(&format!("/app/bantuan/{salak_aid}"), Some(&kenanga)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.audit_count("access.denied", Outcome::Denied).await, denied + 3);

        // The same village's operator, without the business compartment: 403 on the list, 404 on a record.
        let operator = app.login("operator.kenanga", PASSWORD).await;
        assert_eq!(app.get("/app/usaha", Some(&operator)).await.status, StatusCode::FORBIDDEN);
        let kerupuk: desmigratif_core::id::Id = desmigratif_db::on_pool!(&app.db, p => sqlx::query_scalar("SELECT id FROM businesses WHERE name = 'Kerupuk Kulit Ikan Mbak Rohmah'").fetch_one(p).await).unwrap();
        assert_eq!(app.get(&format!("/app/usaha/{kerupuk}"), Some(&operator)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get("/app/bantuan", Some(&operator)).await.status, StatusCode::FORBIDDEN);
        assert_eq!(app.audit_count("access.denied", Outcome::Denied).await, denied + 6);
        assert!(!app.get("/app", Some(&operator)).await.body.contains("/app/usaha"), "no menu entry without the compartment");

        // The API: the same gates.
        let token = app.token_for("pendamping.kenanga").await;
        let r = app.api("GET", "/api/v1/businesses", Some(&token), None).await;
        assert_eq!(r.status, StatusCode::OK);
        let names: Vec<String> = r.json()["items"].as_array().unwrap().iter().map(|b| b["name"].as_str().unwrap().to_owned()).collect();
        assert!(names.contains(&"Kerupuk Kulit Ikan Mbak Rohmah".to_owned()) && !names.iter().any(|n| n.contains("Salak")));
        assert_eq!(app.api("GET", &format!("/api/v1/businesses/{salak}"), Some(&token), None).await.status, StatusCode::NOT_FOUND);
        let one = app.api("GET", &format!("/api/v1/businesses/{kerupuk}"), Some(&token), None).await.json();
        assert_eq!(one["owners"][0]["name"], "Rohmah");
        assert_eq!(one["owners"][0]["nik_masked"], "321216••••••••••", "NIK masked: region digits only");
        assert!(!one.to_string().contains("3212166203950002"), "no full NIK");
        assert_eq!(one["kur"][0]["status"], "disetujui");
        assert!(one["reports"].as_array().unwrap().len() >= 10);
        let operator_token = app.token_for("operator.kenanga").await;
        assert_eq!(app.api("GET", "/api/v1/businesses", Some(&operator_token), None).await.status, StatusCode::FORBIDDEN);
        assert_eq!(app.api("GET", "/api/v1/aid", Some(&operator_token), None).await.status, StatusCode::FORBIDDEN);

        // API writes: validated field by field, nothing half-written.
        let before = app.rows("businesses").await;
        let r = app.api("POST", "/api/v1/businesses", Some(&token), Some(serde_json::json!({"nama": "", "sektor": "olahan_pangan", "produk": "abon sapi"}))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(app.rows("businesses").await, before);
        let r = app.api("POST", "/api/v1/businesses", Some(&token), Some(serde_json::json!({"nama": "Abon Sapi Kenanga", "sektor": "olahan_pangan", "produk": "abon sapi"}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let new_id = r.json()["id"].as_str().unwrap().to_owned();
        assert_eq!(r.json()["village_code"], "32.12.16.2004");
        let rep = app.api("POST", &format!("/api/v1/businesses/{new_id}/reports"), Some(&token), Some(serde_json::json!({"bulan": Month::of(today()).back(1).to_string(), "omzet": "2.000.000", "biaya": "1.250.000", "pekerja": "1"}))).await;
        assert_eq!(rep.status, StatusCode::OK, "{}", rep.body);
        assert_eq!(rep.json()["revenue"], 2_000_000);
        let kuripan_token = app.token_for("pendamping.kuripan").await;
        assert_eq!(app.api("POST", &format!("/api/v1/businesses/{new_id}/reports"), Some(&kuripan_token), Some(serde_json::json!({"bulan": Month::of(today()).to_string(), "omzet": "1", "biaya": "1"}))).await.status, StatusCode::NOT_FOUND);

        let rohmah = person_id(&app, "32.12.16.2004", "Rohmah").await;
        let r = app.api("POST", "/api/v1/aid", Some(&token), Some(serde_json::json!({"barang": "Timbangan digital", "nilai": "850.000", "sumber": "kemendes", "tanggal": today().to_string(), "penerima": rohmah, "usaha": salak.to_string()}))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "another village's business refused: {}", r.body);
        let r = app.api("POST", "/api/v1/aid", Some(&token), Some(serde_json::json!({"barang": "Timbangan digital", "nilai": "850.000", "sumber": "kemendes", "tanggal": today().to_string(), "penerima": rohmah, "usaha": new_id}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let aid = app.api("GET", "/api/v1/aid", Some(&kuripan_token), None).await.json();
        assert!(aid["items"].as_array().unwrap().iter().all(|a| a["village_code"] == "33.07.10.2004"), "Kuripan sees its own aid only");
    }
}
