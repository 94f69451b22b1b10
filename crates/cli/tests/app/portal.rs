//! The public information and anti-fraud portal, each story on SQLite and PostgreSQL: the agency
//! check with look-alike warnings and licence standing, the agency list kept by national staff
//! (form, import, API, history), the fee check on every seeded rule at its boundaries, job
//! orders, country guides and scam alerts, and public reports with their abuse protection.

use crate::support::{PASSWORD, TestApp, form_stamp as stamp, today};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use desmigratif_db::audit::Outcome;

/// A browser without a login: its anonymous CSRF cookie and token from a page with a form.
async fn anonymous(app: &TestApp, path: &str) -> (String, String) {
    let page = app.get(path, None).await;
    let cookie = page.cookie_value("dm_csrf").expect("anonymous CSRF cookie");
    (format!("dm_csrf={cookie}"), page.csrf())
}

fn report_fields<'a>(
    csrf: &'a str,
    stamp: &'a str,
    details: &'a str,
) -> Vec<(&'static str, &'a str)> {
    vec![
        ("_csrf", csrf),
        ("mulai", stamp),
        ("kategori", "calo"),
        ("wilayah", "32.12.16.2004"),
        ("negara", "TW"),
        ("isi", details),
        ("pihak", "Sponsor dari desa sebelah"),
        ("waktu_tempat", "Kemarin sore"),
        ("kontak", ""),
        ("situs", ""),
    ]
}

fn owned(fields: Vec<(&'static str, &str)>) -> Vec<(&'static str, String)> {
    fields.into_iter().map(|(a, b)| (a, b.to_owned())).collect()
}

const DETAILS: &str =
    "Ada sponsor menawarkan kerja pabrik di Taiwan dengan biaya Rp40 juta tanpa lewat Disnaker.";

async fn fee(app: &TestApp, query: &str) -> serde_json::Value {
    let r = app.get(&format!("/api/v1/fee-check?{query}"), None).await;
    assert_eq!(r.status, StatusCode::OK, "{query}: {}", r.body);
    r.json()
}

both! {
    async fn agency_check_shows_standing_and_warns_of_look_alikes(app) {
        let exact = app.get("/agensi?q=PT+Cahaya+Lintas+Samudra", None).await;
        assert_eq!(exact.status, StatusCode::OK);
        assert!(exact.body.contains("BERIZIN — boleh merekrut"), "{}", exact.body);
        assert!(!exact.body.contains("id=\"mirip\""));
        // Public information: cacheable, and no cookie of anyone's in it.
        assert_eq!(exact.headers[header::CACHE_CONTROL], "public, max-age=300");
        assert!(exact.cookie_value("dm_csrf").is_none());

        // One letter off, a word added, a word dropped: each only looks like the licensed name.
        for q in ["PT+Cahaya+Lintas+Samudera", "PT+Cahaya+Lintas+Samudra+Jaya", "PT+Mitra+Sejahtera+Andalan"] {
            let r = app.get(&format!("/agensi?q={q}"), None).await;
            assert!(r.body.contains("id=\"mirip\"") && r.body.contains("hanya MIRIP"), "{q}: {}", r.body);
            assert!(r.body.contains("tidak ada di daftar perusahaan berizin"), "{q}");
        }
        let near = app.get("/agensi?q=PT+Cahaya+Lintas+Samudera", None).await;
        assert!(near.body.contains("PT Cahaya Lintas Samudra"));

        // Expired, suspended and revoked companies are never shown as licensed.
        for (q, shown) in [
            ("PT+Tirta+Kencana+Abadi", "IZIN KEDALUWARSA"),
            ("PT+Bintang+Selatan+Penempatan", "IZIN DIBEKUKAN"),
            ("PT+Sinar+Harapan+Rantau", "IZIN DICABUT"),
        ] {
            let r = app.get(&format!("/agensi?q={q}"), None).await;
            assert!(r.body.contains(shown), "{q}: {}", r.body);
            assert!(!r.body.contains("BERIZIN — boleh merekrut"), "{q} shown as licensed");
        }
        // Unlisted: what the law says and what to do.
        let none = app.get("/agensi?q=PT+Pelangi+Nusantara+Makmur+Abadi", None).await;
        assert!(none.body.contains("UU 18/2017") && none.body.contains("0800-1000"), "{}", none.body);
        // By licence number, typed any which way.
        let by_licence = app.get("/agensi?q=kep+1021+demo+2026", None).await;
        assert!(by_licence.body.contains("PT Cahaya Lintas Samudra") && by_licence.body.contains("BERIZIN"));
        // Too long a query is refused with a message, not searched.
        let long = app.get(&format!("/agensi?q={}", "a".repeat(150)), None).await;
        assert!(long.body.contains("paling banyak 100 huruf"));

        let api = app.get("/api/v1/agencies?q=PT%20Tirta%20Kencana%20Abadi", None).await.json();
        assert_eq!(api["exact"][0]["standing"], "expired");
        assert_eq!(api["exact"][0]["may_recruit"], false);
        let api = app.get("/api/v1/agencies?q=PT%20Cahaya%20Lintas%20Samudera", None).await.json();
        assert!(api["exact"].as_array().unwrap().is_empty());
        assert_eq!(api["look_alikes"][0]["agency"]["name"], "PT Cahaya Lintas Samudra");
        assert_eq!(app.get("/api/v1/agencies", None).await.json()["listed"], 10);
        let id = api["look_alikes"][0]["agency"]["id"].as_str().unwrap().to_owned();
        let one = app.get(&format!("/api/v1/agencies/{id}"), None).await.json();
        assert_eq!(one["history"].as_array().unwrap().len(), 1);
        assert_eq!(app.get("/agensi/1", None).await.status, StatusCode::NOT_FOUND);
    }

    async fn national_staff_keep_the_agency_list_with_history(app) {
        let pusat = app.login("pusat", PASSWORD).await;
        let list = app.get("/app/agensi?q=Cahaya", Some(&pusat)).await;
        let id = regex_lite::Regex::new(r#"href="/app/agensi/([0-9a-f-]{36})""#).unwrap().captures(&list.body).unwrap()[1].to_owned();
        let form = app.get(&format!("/app/agensi/{id}"), Some(&pusat)).await;
        assert_eq!(form.status, StatusCode::OK);
        // Suspend it: the public check changes at once, and the history keeps both states.
        let until = (today() + chrono::Duration::days(100)).to_string();
        let r = app.post(&format!("/app/agensi/{id}"), &pusat, &[
            ("nama", "PT Cahaya Lintas Samudra"), ("nomor_izin", "KEP.1021/DEMO/2026"), ("alamat", "Jl. Contoh No. 1"),
            ("berlaku_mulai", ""), ("berlaku_sampai", &until), ("status", "suspended"), ("cabang", ""), ("catatan", "Surat pembekuan (contoh)"),
        ]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let public = app.get("/agensi?q=PT+Cahaya+Lintas+Samudra", None).await;
        assert!(public.body.contains("IZIN DIBEKUKAN"), "{}", public.body);
        let detail = app.get(&format!("/api/v1/agencies/{id}"), None).await.json();
        let history = detail["history"].as_array().unwrap();
        assert_eq!(history.len(), 2);
        assert_eq!(history[0]["status"], "suspended");
        assert_eq!(history[1]["status"], "active");
        // Bad input: every problem named, nothing saved.
        let bad = app.post("/app/agensi", &pusat, &[
            ("nama", ""), ("nomor_izin", ""), ("berlaku_sampai", "kemarin"), ("status", "entah"),
        ]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.rows("agencies").await, 10);
        // Another company's licence number cannot be taken over by an edit.
        let clash = app.post(&format!("/app/agensi/{id}"), &pusat, &[
            ("nama", "PT Cahaya Lintas Samudra"), ("nomor_izin", "KEP.1022/DEMO/2026"), ("berlaku_sampai", &until), ("status", "active"),
        ]).await;
        assert_eq!(clash.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(clash.body.contains("sudah dipakai"));

        // Only national staff edit it; a district officer is refused and the refusal audited.
        let kab = app.login("kab.indramayu", PASSWORD).await;
        let denied_before = app.audit_count("access.denied", Outcome::Denied).await;
        assert_eq!(app.get("/app/agensi", Some(&kab)).await.status, StatusCode::FORBIDDEN);
        let token = app.token_for("kab.indramayu").await;
        let api = app.api("POST", "/api/v1/agencies", Some(&token), Some(serde_json::json!({
            "name": "PT Baru", "licence_number": "KEP.9/2026", "valid_until": until, "status": "aktif"
        }))).await;
        assert_eq!(api.status, StatusCode::FORBIDDEN);
        assert_eq!(app.audit_count("access.denied", Outcome::Denied).await, denied_before + 2);

        // The API for national staff: created, then updated by the same licence number.
        let token = app.token_for("pusat").await;
        let made = app.api("POST", "/api/v1/agencies", Some(&token), Some(serde_json::json!({
            "name": "PT Lentera Kasih Rantau", "licence_number": "KEP.7777/DEMO/2026", "address": "Jl. Contoh 9",
            "valid_until": until, "status": "aktif", "branches": "Indramayu: Jl. Contoh 10"
        }))).await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
        assert_eq!(made.json()["branches"][0]["city"], "Indramayu");
        let again = app.api("POST", "/api/v1/agencies", Some(&token), Some(serde_json::json!({
            "name": "PT Lentera Kasih Rantau", "licence_number": "kep 7777 demo 2026", "valid_until": until, "status": "dicabut", "note": "dicabut"
        }))).await;
        assert_eq!(again.status, StatusCode::OK, "{}", again.body);
        assert_eq!(again.json()["standing"], "revoked");
        let invalid = app.api("POST", "/api/v1/agencies", Some(&token), Some(serde_json::json!({
            "name": "x", "licence_number": "", "valid_until": "31-31-2026"
        }))).await;
        assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
        let fields: Vec<String> = invalid.json()["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap_or_default().to_owned()).collect();
        assert!(fields.contains(&"nomor_izin".to_owned()) && fields.contains(&"berlaku_sampai".to_owned()), "{fields:?}");
    }

    async fn agency_import_checks_every_row_and_writes_nothing_half(app) {
        let pusat = app.login("pusat", PASSWORD).await;
        let until = (today() + chrono::Duration::days(300)).to_string();
        let csv = format!(
            "nama;nomor_izin;alamat;berlaku_mulai;berlaku_sampai;status;cabang\n\
             PT Angin Timur Sentosa;KEP.5001/DEMO/2026;Jl. Satu;;{until};aktif;Semarang: Jl. Dua\n\
             ;KEP.5002/DEMO/2026;Jl. Tiga;;{until};aktif;\n\
             PT Ombak Biru Lestari;KEP.5003/DEMO/2026;Jl. Empat;;bukan-tanggal;aktif;\n\
             PT Ombak Biru Lestari Dua;KEP.5001/DEMO/2026;Jl. Lima;;{until};aktif;\n\
             PT Sinar Harapan Rantau;KEP.1029/DEMO/2025;Jl. Contoh;;{until};dicabut;\n"
        );
        let upload = |mode: &'static str| {
            let boundary = "xXbatasXx";
            let body = format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"mode\"\r\n\r\n{mode}\r\n\
                 --{boundary}\r\nContent-Disposition: form-data; name=\"berkas\"; filename=\"p3mi.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n--{boundary}--\r\n"
            );
            Request::post(format!("/app/agensi/impor?_csrf={}", pusat.csrf))
                .header(header::HOST, "localhost")
                .header(header::COOKIE, pusat.cookie())
                .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
                .body(Body::from(body))
                .unwrap()
        };
        for mode in ["dry-run", "all-or-nothing"] {
            let r = app.send(upload(mode)).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{mode}");
            // Row 3: no name; row 4: bad date; row 5: licence of row 2 again.
            for expected in ["<td class=\"num\">3</td><td class=\"mono\">nama</td>", "<td class=\"num\">4</td><td class=\"mono\">berlaku_sampai</td>", "<td class=\"num\">5</td><td class=\"mono\">nomor_izin</td>"] {
                assert!(r.body.contains(expected), "{mode}: {expected} in {}", r.body);
            }
            assert_eq!(app.rows("agencies").await, 10, "{mode} wrote nothing");
        }
        let r = app.send(upload("valid-only")).await;
        assert!(r.body.contains("Impor selesai dan tersimpan"), "{}", r.body);
        assert_eq!(app.rows("agencies").await, 11);
        // The valid rows: one new company, one known company updated (already revoked: unchanged).
        let api = app.get("/api/v1/agencies?q=PT%20Angin%20Timur%20Sentosa", None).await.json();
        assert_eq!(api["exact"][0]["standing"], "licensed");
        // The template downloads for national staff.
        let t = app.get("/app/agensi/impor/templat.csv", Some(&pusat)).await;
        assert_eq!(t.status, StatusCode::OK);
        assert!(t.body.trim_start_matches('\u{feff}').starts_with("nama,nomor_izin"), "{}", t.body);
    }

    async fn fee_check_applies_every_seeded_rule_at_its_boundaries(app) {
        let cases: &[(&str, &str)] = &[
            // Taiwan informal sector: Rp9,622,000 + NT$20,000 (Kepka BP2MI 50/2023, to verify).
            ("negara=TW&jabatan=pengasuh_lansia&jenis_biaya=penempatan&biaya_rupiah=9.622.000&biaya_asing=20000", "within"),
            ("negara=TW&jabatan=pengurus_rumah_tangga&jenis_biaya=penempatan&biaya_rupiah=9622001&biaya_asing=20000", "above"),
            ("negara=TW&jabatan=pengasuh_bayi&jenis_biaya=penempatan&biaya_rupiah=0&biaya_asing=20001", "above"),
            // Perban BP2MI 9/2020: zero for the ten occupations elsewhere.
            ("negara=MY&jabatan=pengurus_rumah_tangga&jenis_biaya=penempatan&biaya_rupiah=0", "within"),
            ("negara=MY&jabatan=pengurus_rumah_tangga&jenis_biaya=penempatan&biaya_rupiah=1", "must_be_zero"),
            ("negara=HK&jabatan=awak_kapal_perikanan&jenis_biaya=penempatan&biaya_rupiah=Rp+500.000", "must_be_zero"),
            // Hong Kong: at most 10 % of the first month's wage.
            ("negara=HK&jabatan=pengurus_rumah_tangga&jenis_biaya=komisi_agensi&biaya_asing=510&gaji_bulan_pertama=5100", "within"),
            ("negara=HK&jabatan=pengurus_rumah_tangga&jenis_biaya=komisi_agensi&biaya_asing=511&gaji_bulan_pertama=5100", "above"),
            // Taiwan broker service fee: NT$1,800 / 1,700 / 1,500 a month by contract year.
            ("negara=TW&jabatan=operator_pabrik&jenis_biaya=jasa_bulanan&biaya_asing=1800&tahun_kontrak=1", "within"),
            ("negara=TW&jabatan=operator_pabrik&jenis_biaya=jasa_bulanan&biaya_asing=1801&tahun_kontrak=1", "above"),
            ("negara=TW&jabatan=operator_pabrik&jenis_biaya=jasa_bulanan&biaya_asing=1700&tahun_kontrak=2", "within"),
            ("negara=TW&jabatan=operator_pabrik&jenis_biaya=jasa_bulanan&biaya_asing=1701&tahun_kontrak=2", "above"),
            ("negara=TW&jabatan=operator_pabrik&jenis_biaya=jasa_bulanan&biaya_asing=1500&tahun_kontrak=5", "within"),
            ("negara=TW&jabatan=operator_pabrik&jenis_biaya=jasa_bulanan&biaya_asing=1501&tahun_kontrak=3", "above"),
            // Taiwan: no brokerage fee at all.
            ("negara=TW&jabatan=operator_pabrik&jenis_biaya=komisi_agensi&biaya_asing=1", "must_be_zero"),
            // Nothing recorded is not "legal".
            ("negara=TW&jabatan=operator_pabrik&jenis_biaya=penempatan&biaya_rupiah=30000000", "no_rule"),
        ];
        for (q, expected) in cases {
            let v = fee(&app, q).await;
            assert_eq!(v["verdict"], *expected, "{q}: {v}");
            if *expected != "no_rule" {
                assert!(!v["rule"]["regulation"].as_str().unwrap().is_empty(), "{q} cites its rule");
            }
        }
        let over = fee(&app, "negara=TW&jabatan=pengurus_rumah_tangga&jenis_biaya=penempatan&biaya_rupiah=9622001&biaya_asing=20000").await;
        assert_eq!(over["excess_idr"], 1);
        assert_eq!(over["excess_foreign"], 0);
        assert_eq!(over["rule"]["to_verify"], true);

        let page = app.get("/biaya?negara=MY&jabatan=pengasuh_anak&jenis_biaya=penempatan&biaya_rupiah=2.000.000", None).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("HARUS NOL") && page.body.contains("9/2020"), "{}", page.body);
        let bad = app.get("/biaya?negara=TW&jabatan=pengasuh_lansia&jenis_biaya=penempatan&biaya_rupiah=sepuluh+juta", None).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("field-error"), "{}", bad.body);
        let api_bad = app.get("/api/v1/fee-check?negara=XX&jabatan=pilot&jenis_biaya=penempatan", None).await;
        assert_eq!(api_bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    }

    async fn fee_rules_are_edited_by_national_staff_with_every_version_kept(app) {
        let pusat = app.login("pusat", PASSWORD).await;
        let list = app.get("/app/biaya", Some(&pusat)).await;
        assert_eq!(list.status, StatusCode::OK);
        let code = regex_lite::Regex::new(r#"href="/app/biaya/([a-z0-9-]+)">[^<]*Taiwan"#).unwrap();
        let tw = code.captures_iter(&list.body).map(|c| c[1].to_owned()).find(|c| app_rule_is_ceiling(c)).expect("the Taiwan ceiling rule");
        let form = app.get(&format!("/app/biaya/{tw}"), Some(&pusat)).await;
        assert_eq!(form.status, StatusCode::OK);
        let field = |name: &str| {
            regex_lite::Regex::new(&format!(r#"name="{name}"[^>]*value="([^"]*)""#)).unwrap()
                .captures(&form.body).map(|c| c[1].to_owned()).unwrap_or_default()
        };
        let mut fields: Vec<(String, String)> = ["title", "occupations", "max_foreign", "currency", "basis_points", "year_caps", "regulation", "source", "effective_from", "effective_until"]
            .iter().map(|n| (n.to_string(), field(n))).collect();
        fields.extend([
            ("destination".into(), "TW".into()), ("fee_kind".into(), "penempatan".into()), ("limit_kind".into(), "ceiling".into()),
            ("max_idr".into(), "10000000".into()), ("to_verify".into(), "ya".into()), ("note".into(), "uji".into()),
        ]);
        let borrowed: Vec<(&str, &str)> = fields.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        let r = app.post(&format!("/app/biaya/{tw}"), &pusat, &borrowed).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let v = fee(&app, "negara=TW&jabatan=pengasuh_lansia&jenis_biaya=penempatan&biaya_rupiah=9.700.000&biaya_asing=20000").await;
        assert_eq!(v["verdict"], "within", "{v}");
        let versions = desmigratif_db::fees::versions(&app.db, &tw).await.unwrap();
        assert_eq!(versions.len(), 2, "seed version and the edit");
        // Switched off, the rule no longer decides.
        let off = app.post(&format!("/app/biaya/{tw}/aktif"), &pusat, &[("aktif", "tidak")]).await;
        assert_eq!(off.status, StatusCode::SEE_OTHER);
        let v = fee(&app, "negara=TW&jabatan=pengasuh_lansia&jenis_biaya=penempatan&biaya_rupiah=9.700.000&biaya_asing=20000").await;
        assert_ne!(v["rule"]["code"], tw.as_str());
        // A bad rule is refused whole; a village operator may not edit.
        let bad = app.post("/app/biaya", &pusat, &[("code", "x"), ("limit_kind", "percent"), ("basis_points", "20000")]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        let op = app.login("operator.kenanga", PASSWORD).await;
        assert_eq!(app.get("/app/biaya", Some(&op)).await.status, StatusCode::FORBIDDEN);
    }

    async fn job_orders_need_a_licensed_company_and_leave_the_list_when_closed(app) {
        let public = app.get("/lowongan", None).await;
        assert!(public.body.contains("Perawat lansia (live-in) di Taichung"), "{}", public.body);
        assert!(public.body.contains("SESUAI ATURAN"));
        let kab = app.login("kab.indramayu", PASSWORD).await;
        let deadline = (today() + chrono::Duration::days(20)).to_string();
        let job = |licence: &str, deadline: &str| vec![
            ("agensi".to_owned(), licence.to_owned()), ("judul".into(), "Pengasuh anak di Hong Kong".into()), ("negara".into(), "HK".into()),
            ("jabatan".into(), "pengasuh_anak".into()), ("pemberi_kerja".into(), "".into()), ("gaji".into(), "5.100".into()),
            ("biaya_rupiah".into(), "0".into()), ("biaya_asing".into(), "".into()), ("kuota".into(), "3".into()),
            ("batas_akhir".into(), deadline.to_owned()), ("persyaratan".into(), "Sehat".into()),
        ];
        let post = |fields: Vec<(String, String)>| {
            let kab = kab.clone();
            let app = &app;
            async move {
                let f: Vec<(&str, &str)> = fields.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
                app.post("/app/lowongan", &kab, &f).await
            }
        };
        for (licence, deadline, message) in [
            ("KEP.1028/DEMO/2025", deadline.as_str(), "tidak berizin hari ini"),
            ("KEP.1030/DEMO/2025", deadline.as_str(), "tidak berizin hari ini"),
            ("KEP.0000/TIDAK/ADA", deadline.as_str(), "tidak ada di daftar"),
            ("KEP.1021/DEMO/2026", "2020-01-01", "batas akhir"),
        ] {
            let r = post(job(licence, deadline)).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{licence}");
            assert!(r.body.contains(message), "{licence}: {}", r.body);
        }
        let before = app.rows("job_orders").await;
        let r = post(job("kep 1021 demo 2026", &deadline)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(app.rows("job_orders").await, before + 1);
        let page = app.get(r.location(), None).await;
        assert!(page.body.contains("Pengasuh anak di Hong Kong") && page.body.contains("SESUAI ATURAN"), "{}", page.body);
        let id = r.location().trim_start_matches("/lowongan/").to_owned();
        let listed = app.get("/api/v1/jobs?negara=HK", None).await.json();
        assert!(listed["items"].as_array().unwrap().iter().any(|j| j["id"] == id.as_str()));

        // The company loses its licence: the vacancy leaves the public list by itself.
        let pusat = app.login("pusat", PASSWORD).await;
        let agency = app.get("/api/v1/agencies?q=KEP.1021%2FDEMO%2F2026", None).await.json()["exact"][0]["id"].as_str().unwrap().to_owned();
        let until = (today() + chrono::Duration::days(100)).to_string();
        app.post(&format!("/app/agensi/{agency}"), &pusat, &[
            ("nama", "PT Cahaya Lintas Samudra"), ("nomor_izin", "KEP.1021/DEMO/2026"), ("berlaku_sampai", &until), ("status", "revoked"), ("catatan", "uji"),
        ]).await;
        let listed = app.get("/api/v1/jobs", None).await.json();
        assert!(!listed["items"].as_array().unwrap().iter().any(|j| j["id"] == id.as_str()));
        assert!(app.get(&format!("/lowongan/{id}"), None).await.body.contains("sudah ditutup"));

        // Withdrawing needs the box ticked; a village operator may not publish at all.
        let r = app.post(&format!("/app/lowongan/{id}/tarik"), &kab, &[]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let r = app.post(&format!("/app/lowongan/{id}/tarik"), &kab, &[("yakin", "ya")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(app.get(&format!("/api/v1/jobs/{id}"), None).await.json()["withdrawn"], true);
        let kab_wonosobo = app.login("kab.wonosobo", PASSWORD).await;
        assert_eq!(app.post(&format!("/app/lowongan/{id}/tarik"), &kab_wonosobo, &[("yakin", "ya")]).await.status, StatusCode::NOT_FOUND);
        let op = app.login("operator.kenanga", PASSWORD).await;
        assert_eq!(app.get("/app/lowongan", Some(&op)).await.status, StatusCode::FORBIDDEN);
        // Through the API with a district token.
        let token = app.token_for("kab.indramayu").await;
        let made = app.api("POST", "/api/v1/jobs", Some(&token), Some(serde_json::json!({
            "agensi": "KEP.1022/DEMO/2026", "judul": "Perawat lansia", "negara": "TW", "jabatan": "pengasuh_lansia",
            "gaji": "20000", "biaya_rupiah": "12000000", "kuota": "2", "batas_akhir": deadline
        }))).await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
        assert_eq!(made.json()["fee"]["verdict"], "above");
    }

    async fn country_guides_and_scam_alerts_are_public_and_safe(app) {
        let tw = app.get("/negara/tw", None).await;
        assert_eq!(tw.status, StatusCode::OK);
        assert!(tw.body.contains("1955") && tw.body.contains("KDEI") && tw.body.contains("Terakhir diperiksa"), "{}", tw.body);
        assert_eq!(tw.headers[header::CACHE_CONTROL], "public, max-age=300");
        for iso in ["hk", "my", "sg", "sa", "kr", "jp", "TW"] {
            assert_eq!(app.get(&format!("/negara/{iso}"), None).await.status, StatusCode::OK, "{iso}");
        }
        assert_eq!(app.get("/negara/xx", None).await.status, StatusCode::NOT_FOUND);
        let en = app.send(Request::get("/negara/tw").header(header::COOKIE, "dm_lang=en").body(Body::empty()).unwrap()).await;
        assert!(en.body.contains("Taiwan") && en.body.contains("Last checked"), "{}", en.body);
        let home = app.get("/", None).await;
        assert!(home.body.contains("Peringatan penipuan terbaru") && home.body.contains("Tanda bahaya"), "{}", home.body);
        assert!(app.get("/waspada", None).await.body.contains("KP2MI"));

        // National staff edit a guide; markup in it is shown as text, never run.
        let pusat = app.login("pusat", PASSWORD).await;
        let r = app.post("/app/informasi/negara/tw", &pusat, &[
            ("ringkasan", "Ringkasan uji"), ("ringkasan_en", ""), ("isi", "## Upah\n\n<script>alert(1)</script> NT$20.000"),
            ("isi_en", ""), ("diperiksa", &today().to_string()),
        ]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let shown = app.get("/negara/tw", None).await;
        assert!(shown.body.contains("&lt;script&gt;") && !shown.body.contains("<script>alert"), "{}", shown.body);
        let future = app.post("/app/informasi/negara/tw", &pusat, &[
            ("ringkasan", "x"), ("isi", "y"), ("diperiksa", "2999-01-01"),
        ]).await;
        assert_eq!(future.status, StatusCode::UNPROCESSABLE_ENTITY);
        // A new alert appears on the home page; a district officer cannot write one.
        let r = app.post("/app/informasi", &pusat, &[
            ("kode", "uji-peringatan"), ("tanggal", &today().to_string()), ("judul", "Peringatan uji terbaru"),
            ("judul_en", ""), ("isi", "Isi peringatan."), ("isi_en", ""), ("sumber", "Uji"), ("aktif", "ya"),
        ]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert!(app.get("/", None).await.body.contains("Peringatan uji terbaru"));
        let kab = app.login("kab.indramayu", PASSWORD).await;
        assert_eq!(app.get("/app/informasi", Some(&kab)).await.status, StatusCode::FORBIDDEN);
    }

    async fn report_abuse_is_refused_and_stores_nothing(app) {
        let (cookie, csrf) = anonymous(&app, "/lapor").await;
        let base = app.rows("public_reports").await;
        let send = |fields: Vec<(&'static str, String)>| {
            let cookie = cookie.clone();
            let app = &app;
            async move {
                let f: Vec<(&str, &str)> = fields.iter().map(|(a, b)| (*a, b.as_str())).collect();
                app.post_raw("/lapor", Some(&cookie), &f, &[]).await
            }
        };
        let good_stamp = stamp(30);
        let with = |name: &'static str, value: String| {
            let mut f = owned(report_fields(&csrf, &good_stamp, DETAILS));
            f.retain(|(k, _)| *k != name);
            f.push((name, value));
            f
        };
        // Bots fill the hidden field.
        let r = send(with("situs", "http://spam.example".into())).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        // Sent within seconds of loading the form (the stamp from the page itself).
        let page = app.get("/lapor", None).await;
        let fresh = regex_lite::Regex::new(r#"name="mulai" value="([^"]+)""#).unwrap().captures(&page.body).unwrap()[1].to_owned();
        let r = send(with("mulai", fresh)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("terlalu cepat"), "{}", r.body);
        // A forged or stale stamp.
        let r = send(with("mulai", format!("{}.00", desmigratif_core::now().timestamp() - 60))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let r = send(with("mulai", stamp(3 * 24 * 3600))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        // Markup, oversize fields, a place this deployment does not serve.
        let r = send(with("isi", "<script>document.location='http://x'</script> penipuan besar".into())).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("berisi kode atau tanda"), "{}", r.body);
        // What the reporter typed comes back in the form: nothing typed is lost.
        assert!(r.body.contains("Sponsor dari desa sebelah"));
        let r = send(with("pihak", "x".repeat(201))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let r = send(with("wilayah", "31.71".into())).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let r = send(with("isi", "y".repeat(70_000))).await;
        assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(app.rows("public_reports").await, base, "nothing stored");

        // A flood from one address: honeypot and timing failures above count too.
        let r = send(owned(report_fields(&csrf, &good_stamp, DETAILS))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let mut accepted = 1;
        loop {
            let r = send(owned(report_fields(&csrf, &good_stamp, DETAILS))).await;
            if r.status == StatusCode::TOO_MANY_REQUESTS {
                break;
            }
            assert_eq!(r.status, StatusCode::OK);
            accepted += 1;
            assert!(accepted <= 5, "the limit holds");
        }
        assert_eq!(app.rows("public_reports").await, base + accepted);
    }

    async fn a_report_reaches_the_right_queue_and_only_its_case_workers(app) {
        let (cookie, csrf) = anonymous(&app, "/lapor").await;
        let s = stamp(30);
        let mut fields = report_fields(&csrf, &s, DETAILS);
        fields.retain(|(k, _)| *k != "kontak");
        fields.push(("kontak", "Ibu Warsih 0812 0000 1111"));
        let r = app.post_raw("/lapor", Some(&cookie), &fields, &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let code = regex_lite::Regex::new(r#"id="kode">([0-9A-Z-]+)<"#).unwrap().captures(&r.body).expect("tracking code")[1].to_owned();
        let track = app.get(&format!("/lapor/lacak?kode={code}"), None).await;
        assert!(track.body.contains("Diterima"), "{}", track.body);
        assert!(!track.body.contains("Warsih") && !track.body.contains("Rp40 juta"));

        // The contents are sealed at rest.
        let stored: Vec<String> = desmigratif_db::on_pool!(&app.db, p => sqlx::query_scalar::<_, String>("SELECT details_enc FROM public_reports").fetch_all(p).await).unwrap();
        assert!(stored.iter().all(|d| !d.contains("Rp40")));

        let worker = app.login("advokasi.kenanga", PASSWORD).await;
        let queue = app.get("/app/laporan", Some(&worker)).await;
        assert_eq!(queue.status, StatusCode::OK);
        let ids: Vec<String> = regex_lite::Regex::new(r#"href="/app/laporan/([0-9a-f-]{36})""#).unwrap().captures_iter(&queue.body).map(|c| c[1].to_owned()).collect();
        assert_eq!(ids.len(), 2, "the demo report and this one");
        let reads = app.audit_count("public_report.read", Outcome::Ok).await;
        let mut opened = None;
        for id in &ids {
            let page = app.get(&format!("/app/laporan/{id}"), Some(&worker)).await;
            if page.body.contains("Ibu Warsih") {
                opened = Some(id.clone());
            }
        }
        let id = opened.expect("the report with its contact");
        assert_eq!(app.audit_count("public_report.read", Outcome::Ok).await, reads + 2);

        // Another village's case worker, a village operator and a treasurer are refused, audited.
        let denied = app.audit_count("access.denied", Outcome::Denied).await;
        let other = app.login("advokasi.kuripan", PASSWORD).await;
        assert_eq!(app.get(&format!("/app/laporan/{id}"), Some(&other)).await.status, StatusCode::NOT_FOUND);
        assert!(!app.get("/app/laporan", Some(&other)).await.body.contains(&id));
        let op = app.login("operator.kenanga", PASSWORD).await;
        assert_eq!(app.get(&format!("/app/laporan/{id}"), Some(&op)).await.status, StatusCode::NOT_FOUND);
        let treasurer = app.login("bendahara.kenanga", PASSWORD).await;
        assert_eq!(app.get("/app/laporan", Some(&treasurer)).await.status, StatusCode::FORBIDDEN);
        assert_eq!(app.audit_count("access.denied", Outcome::Denied).await, denied + 3);
        // The district office sees its villages' reports.
        let kab = app.login("kab.indramayu", PASSWORD).await;
        assert!(app.get(&format!("/app/laporan/{id}"), Some(&kab)).await.body.contains("Ibu Warsih"));

        // Taken up: the reporter sees the new status, nothing more.
        let r = app.post(&format!("/app/laporan/{id}/status"), &worker, &[("status", "in_review"), ("catatan", "Dihubungi")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert!(app.get(&format!("/lapor/lacak?kode={code}"), None).await.body.contains("Sedang ditangani"));
        let back = app.post(&format!("/app/laporan/{id}/status"), &worker, &[("status", "received")]).await;
        assert_eq!(back.status, StatusCode::UNPROCESSABLE_ENTITY);

        // The API, for a case worker's token: the queue, one report (audited), and a new one.
        let token = app.token_for("advokasi.kenanga").await;
        let list = app.api("GET", "/api/v1/reports?status=in_review", Some(&token), None).await.json();
        assert_eq!(list["items"].as_array().unwrap().len(), 1);
        let one = app.api("GET", &format!("/api/v1/reports/{id}"), Some(&token), None).await.json();
        assert_eq!(one["contact"], "Ibu Warsih 0812 0000 1111");
        let made = app.api("POST", "/api/v1/reports", Some(&token), Some(serde_json::json!({
            "region_code": "32.12.16.2004", "category": "masalah_luar_negeri", "country": "HK",
            "details": "Keluarga melapor gaji anaknya di Hong Kong tidak dibayar tiga bulan."
        }))).await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
        let elsewhere = app.api("POST", "/api/v1/reports", Some(&token), Some(serde_json::json!({
            "region_code": "33.07.10.2004", "category": "calo", "details": "Laporan untuk desa lain yang bukan wilayahnya."
        }))).await;
        assert_eq!(elsewhere.status, StatusCode::FORBIDDEN);
    }

    async fn public_pages_stay_light(app) {
        let css_path = regex_lite::Regex::new(r#"href="(/static/app\.[0-9a-f]+\.css)""#).unwrap();
        let mut heaviest = (0, String::new());
        for path in [
            "/", "/agensi?q=PT+Cahaya+Lintas+Samudera", "/agensi?q=Bina", "/biaya",
            "/biaya?negara=TW&jabatan=pengasuh_lansia&jenis_biaya=penempatan&biaya_rupiah=12000000&biaya_asing=20000",
            "/lowongan", "/negara", "/negara/tw", "/negara/sa", "/waspada", "/lapor", "/lapor/lacak?kode=ABCD-EFGH-JKMN",
        ] {
            let page = app.get(path, None).await;
            assert_eq!(page.status, StatusCode::OK, "{path}");
            assert!(!page.body.contains("<script") && !page.body.contains("http://") && !page.body.contains("src=\"https"), "{path} loads nothing from elsewhere");
            let css = app.get(&css_path.captures(&page.body).unwrap()[1], None).await;
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            std::io::Write::write_all(&mut gz, page.body.as_bytes()).unwrap();
            std::io::Write::write_all(&mut gz, css.body.as_bytes()).unwrap();
            let size = gz.finish().unwrap().len();
            if size > heaviest.0 {
                heaviest = (size, path.to_owned());
            }
        }
        assert!(heaviest.0 <= 30 * 1024, "{} is {} bytes compressed with its stylesheet", heaviest.1, heaviest.0);
    }
}

/// Whether a fee rule code is the Taiwan informal-sector ceiling (its code is seed data).
fn app_rule_is_ceiling(code: &str) -> bool {
    desmigratif_core::fees::seed_rules().iter().any(|r| {
        r.code == code
            && matches!(r.limit, desmigratif_core::fees::Limit::Ceiling { .. })
            && r.destination.as_deref() == Some("TW")
    })
}
