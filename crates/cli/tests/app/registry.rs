//! Pillar 1 registry stories: registration with NIK checks, episodes through the state machine,
//! counselling, documents with encrypted scans, monitoring, the API, and region scope on every
//! resource — each on SQLite and PostgreSQL.

use crate::support::{PASSWORD, Resp, Session, TestApp, person_fields};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use desmigratif_db::audit::Outcome;

const KENANGA: &str = "32.12.16.2004";

/// A valid NIK of Kecamatan Sindang for a woman born 05-07-1998, with the given serial.
fn nik(serial: u32) -> String {
    format!("3212164507{:02}{serial:04}", 98)
}

async fn register(app: &TestApp, who: &Session, nik: &str, name: &str) -> String {
    let r = app
        .post("/app/penduduk", who, &person_fields(nik, name))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    r.location()
        .trim_start_matches("/app/penduduk/")
        .split('?')
        .next()
        .unwrap()
        .to_owned()
}

async fn open_episode(app: &TestApp, who: &Session, person: &str) -> String {
    let r = app
        .post(
            &format!("/app/penduduk/{person}/migrasi"),
            who,
            &[
                ("destination", "TW"),
                ("occupation", "pengasuh_lansia"),
                ("route", "p3mi"),
                ("procedural", "ya"),
                ("contract_start", "2026-01-01"),
                ("contract_end", "2028-12-31"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    r.location().trim_start_matches("/app/migrasi/").to_owned()
}

async fn move_to(app: &TestApp, who: &Session, episode: &str, to: &str) -> Resp {
    app.post(
        &format!("/app/migrasi/{episode}/tahap"),
        who,
        &[("to", to), ("on", ""), ("note", "")],
    )
    .await
}

pub(crate) fn multipart(file: &[u8]) -> (String, Vec<u8>) {
    let boundary = "batasdesmigratif";
    let mut body = Vec::new();
    body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"berkas\"; filename=\"paspor.pdf\"\r\nContent-Type: application/pdf\r\n\r\n").as_bytes());
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(app: &TestApp, who: &Session, episode: &str, doc: &str, file: &[u8]) -> Resp {
    let (ctype, body) = multipart(file);
    app.send(
        Request::post(format!(
            "/app/migrasi/{episode}/dokumen/{doc}/berkas?_csrf={}",
            who.csrf
        ))
        .header(header::HOST, "localhost")
        .header(header::COOKIE, who.cookie())
        .header(header::CONTENT_TYPE, ctype)
        .body(Body::from(body))
        .unwrap(),
    )
    .await
}

both! {
    async fn registration_checks_the_nik_and_keeps_the_input(app) {
        let op = app.login("operator.kenanga", PASSWORD).await;
        let bad = app.post("/app/penduduk", &op, &person_fields("32121645079", "Warsih")).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("16") && bad.body.contains("value=\"Warsih\""), "message and kept input");
        // A birth date that disagrees with the NIK is a warning to confirm, not a block.
        let n11 = nik(11);
        let mut fields = person_fields(&n11, "Warsih");
        fields[5] = ("birth_date", "1998-07-06");
        let warn = app.post("/app/penduduk", &op, &fields).await;
        assert_eq!(warn.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(warn.body.contains("confirm_warnings"), "asks for confirmation");
        fields.push(("confirm_warnings", "ya"));
        let ok = app.post("/app/penduduk", &op, &fields).await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
        let page = app.get(ok.location(), Some(&op)).await;
        // Masked: the region digits only, no digit of the serial (with the birth date on the page, the
        // serial is all that is missing to rebuild the NIK).
        assert!(page.body.contains("321216••••••••••") && !page.body.contains("•0011") && !page.body.contains(&nik(11)), "NIK masked by default");
        // The same NIK twice is refused.
        let again = app.post("/app/penduduk", &op, &person_fields(&nik(11), "Orang Lain")).await;
        assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(again.body.contains("sudah terdaftar"));
        // The NIK is encrypted at rest.
        let stored: String = desmigratif_db::on_pool!(&app.db, p => sqlx::query_scalar("SELECT nik_enc FROM persons WHERE name = 'Warsih'").fetch_one(p).await).unwrap();
        assert!(stored.starts_with("v1.") && !stored.contains(&nik(11)));
    }

    async fn revealing_a_full_nik_is_audited(app) {
        let op = app.login("operator.kenanga", PASSWORD).await;
        let id = register(&app, &op, &nik(21), "Kartini").await;
        let before = app.audit_count("person.reveal_nik", Outcome::Ok).await;
        let r = app.post(&format!("/app/penduduk/{id}/nik"), &op, &[]).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains(&nik(21)));
        assert_eq!(app.audit_count("person.reveal_nik", Outcome::Ok).await, before + 1);
    }

    async fn search_finds_names_regardless_of_spaces_case_and_accents(app) {
        let op = app.login("operator.kenanga", PASSWORD).await;
        register(&app, &op, &nik(31), "Siti Nurhaliza").await;
        register(&app, &op, &nik(32), "Désirée Ma'ruf").await;
        for (q, expect) in [("siti nur haliza", "Siti Nurhaliza"), ("SITI NURHALIZA", "Siti Nurhaliza"), ("desiree", "Désirée"), ("maruf", "Désirée")] {
            let r = app.get(&format!("/app/penduduk?q={}", q.replace(' ', "+")), Some(&op)).await;
            assert!(r.body.contains(expect), "{q}");
        }
        let by_nik = app.get(&format!("/app/penduduk?nik={}", nik(31)), Some(&op)).await;
        assert!(by_nik.body.contains("Siti Nurhaliza") && !by_nik.body.contains("Désirée"));
        let bad_nik = app.get("/app/penduduk?nik=123", Some(&op)).await;
        assert!(bad_nik.body.contains("role=\"alert\""));
        let working = app.get("/app/penduduk?tahap=working&negara=TW", Some(&op)).await;
        assert!(working.body.contains("Siti Aminah") && !working.body.contains("Darsono"), "demo: Siti works in Taiwan");
    }

    async fn an_episode_follows_the_state_machine_and_records_every_step(app) {
        let op = app.login("operator.kenanga", PASSWORD).await;
        let person = register(&app, &op, &nik(41), "Tarminah").await;
        let r = app.post(&format!("/app/penduduk/{person}/bimbingan"), &op, &[("held_on", "2026-01-05"), ("topics", "hak"), ("topics", "biaya"), ("counsellor", "Siti")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let episode = open_episode(&app, &op, &person).await;
        let page = app.get(&format!("/app/migrasi/{episode}"), Some(&op)).await;
        assert!(page.body.contains("Paspor dari kantor imigrasi") && page.body.contains("Bebas biaya penempatan"), "checklist from UU 18/2017 Pasal 13");
        let illegal = move_to(&app, &op, &episode, "departed").await;
        assert_eq!(illegal.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(illegal.body.contains("Berangkat"));
        for to in ["counselled", "documents", "registered", "departed", "working"] {
            assert_eq!(move_to(&app, &op, &episode, to).await.status, StatusCode::SEE_OTHER, "{to}");
        }
        let id: desmigratif_core::id::Id = episode.parse().unwrap();
        let history = desmigratif_db::registry::transitions_of(&app.db, id).await.unwrap();
        let path: Vec<&str> = history.iter().map(|t| t.to_stage.as_str()).collect();
        assert_eq!(path, ["interested", "counselled", "documents", "registered", "departed", "working"]);
        assert!(history.iter().skip(1).all(|t| t.actor == "operator.kenanga"));
        let e = desmigratif_db::registry::episode(&app.db, id).await.unwrap().unwrap();
        assert!(e.departed_on.is_some());
        // Monitoring shows her abroad.
        let m = app.get("/app/pemantauan?daftar=abroad", Some(&op)).await;
        assert!(m.body.contains("Tarminah"));
    }

    async fn scans_are_checked_encrypted_and_downloads_audited(app) {
        let op = app.login("operator.kenanga", PASSWORD).await;
        let person = register(&app, &op, &nik(51), "Wartinah").await;
        let episode = open_episode(&app, &op, &person).await;
        let id: desmigratif_core::id::Id = episode.parse().unwrap();
        let docs = desmigratif_db::registry::checklist(&app.db, id).await.unwrap();
        let passport = docs.iter().find(|d| d.requirement_code == "paspor").unwrap();
        let fake = upload(&app, &op, &episode, &passport.id.to_string(), b"MZ this is a program renamed to .pdf").await;
        assert_eq!(fake.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(fake.body.contains("bukan PDF, JPEG atau PNG"));
        // Too big: more than 10 MB is refused with a clear message, nothing stored.
        let mut big = b"%PDF-1.4\n".to_vec();
        big.resize(10 * 1024 * 1024 + 1, b' ');
        let too_big = upload(&app, &op, &episode, &passport.id.to_string(), &big).await;
        assert_eq!(too_big.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(too_big.body.contains("lebih dari 10 MB"));
        assert!(desmigratif_db::registry::document(&app.db, passport.id).await.unwrap().unwrap().file_id.is_none());
        // A real-size scan (3 MB) is accepted.
        let mut scan = b"%PDF-1.4\n".to_vec();
        scan.resize(3 * 1024 * 1024, b'x');
        let other = docs.iter().find(|d| d.requirement_code == "visa_kerja").unwrap();
        assert_eq!(upload(&app, &op, &episode, &other.id.to_string(), &scan).await.status, StatusCode::SEE_OTHER);
        let pdf = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";
        let ok = upload(&app, &op, &episode, &passport.id.to_string(), pdf).await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
        let doc = desmigratif_db::registry::document(&app.db, passport.id).await.unwrap().unwrap();
        assert_eq!(doc.status, "submitted");
        let file = desmigratif_db::registry::file(&app.db, doc.file_id.unwrap()).await.unwrap().unwrap();
        assert!(!file.data_enc.contains("PDF-1.4"), "stored encrypted");
        let before = app.audit_count("document.download", Outcome::Ok).await;
        let got = app.get(&format!("/app/berkas/{}", file.id), Some(&op)).await;
        assert_eq!(got.status, StatusCode::OK);
        assert_eq!(got.body.as_bytes(), pdf);
        assert_eq!(got.headers["content-type"], "application/pdf");
        assert_eq!(app.audit_count("document.download", Outcome::Ok).await, before + 1);
        // Without the CSRF token the upload is refused.
        let (ctype, body) = multipart(pdf);
        let no_csrf = app.send(Request::post(format!("/app/migrasi/{episode}/dokumen/{}/berkas", passport.id))
            .header(header::HOST, "localhost").header(header::COOKIE, op.cookie()).header(header::CONTENT_TYPE, ctype).body(Body::from(body)).unwrap()).await;
        assert_eq!(no_csrf.status, StatusCode::FORBIDDEN);
        // Verifying needs a date, and an expiring document its expiry.
        let r = app.post(&format!("/app/migrasi/{episode}/dokumen/{}", passport.id), &op, &[("status", "verified"), ("verified_on", "2026-02-01")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("tanggal kedaluwarsanya"));
        let r = app.post(&format!("/app/migrasi/{episode}/dokumen/{}", passport.id), &op, &[("status", "verified"), ("verified_on", "2026-02-01"), ("expires_on", "2031-02-01")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
    }

    async fn another_villages_people_episodes_households_and_scans_are_out_of_reach(app) {
        let kuripan = app.login("operator.kuripan", PASSWORD).await;
        let person = register_in(&app, &kuripan).await;
        let episode = open_episode(&app, &kuripan, &person).await;
        let docs = desmigratif_db::registry::checklist(&app.db, episode.parse().unwrap()).await.unwrap();
        let doc = docs[0].id.to_string();
        assert_eq!(upload(&app, &kuripan, &episode, &doc, b"%PDF-1.4 kuripan").await.status, StatusCode::SEE_OTHER);
        let file = desmigratif_db::registry::document(&app.db, docs[0].id).await.unwrap().unwrap().file_id.unwrap();
        let hh = app.post("/app/keluarga", &kuripan, &[("desa", "33.07.10.2004"), ("kk", "3307100101200001"), ("dusun", "Krajan"), ("rt", "1"), ("rw", "1"), ("address", "")]).await;
        assert_eq!(hh.status, StatusCode::SEE_OTHER, "{}", hh.body);
        let household = hh.location().to_owned();

        let op = app.login("operator.kenanga", PASSWORD).await;
        let before = app.audit_count("access.denied", Outcome::Denied).await;
        // List: Kuripan's people are not in Kenanga's list or search.
        assert!(!app.get("/app/penduduk?q=wahyu", Some(&op)).await.body.contains("Wahyu Kuripan"));
        // Read, change, transition, upload, download, household: 404 each.
        for path in [format!("/app/penduduk/{person}"), format!("/app/penduduk/{person}/ubah"), format!("/app/migrasi/{episode}"), format!("/app/berkas/{file}"), household.clone()] {
            assert_eq!(app.get(&path, Some(&op)).await.status, StatusCode::NOT_FOUND, "{path}");
        }
        assert_eq!(app.post(&format!("/app/penduduk/{person}"), &op, &person_fields(&nik(99), "Diubah")).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.post(&format!("/app/penduduk/{person}/nik"), &op, &[]).await.status, StatusCode::NOT_FOUND);
        assert_eq!(move_to(&app, &op, &episode, "counselled").await.status, StatusCode::NOT_FOUND);
        assert_eq!(upload(&app, &op, &episode, &doc, b"%PDF-1.4 palsu").await.status, StatusCode::NOT_FOUND);
        // Registering into Kuripan is refused.
        let n98 = nik(98);
        let mut fields = person_fields(&n98, "Penyusup");
        fields[0] = ("desa", "33.07.10.2004");
        assert_eq!(app.post("/app/penduduk", &op, &fields).await.status, StatusCode::FORBIDDEN);
        // The API says the same.
        let token = app.token_for("operator.kenanga").await;
        assert_eq!(app.api("GET", &format!("/api/v1/persons/{person}"), Some(&token), None).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.api("GET", &format!("/api/v1/migrations/{episode}"), Some(&token), None).await.status, StatusCode::NOT_FOUND);
        let listed = app.api("GET", "/api/v1/persons", Some(&token), None).await.json();
        assert!(listed["items"].as_array().unwrap().iter().all(|p| p["village_code"] == KENANGA));
        let after = app.audit_count("access.denied", Outcome::Denied).await;
        assert_eq!(after, before + 12, "every attempt is audited (12 attempts above)");
        // Nothing changed.
        let p = desmigratif_db::registry::person(&app.db, person.parse().unwrap()).await.unwrap().unwrap();
        assert_eq!(p.name, "Wahyu Kuripan");
        // A treasurer of Kenanga sees no registry at all.
        let treasurer = app.login("bendahara.kenanga", PASSWORD).await;
        assert_eq!(app.get("/app/penduduk", Some(&treasurer)).await.status, StatusCode::FORBIDDEN);
        // The district of Wonosobo sees Kuripan's people only once the registry is granted to the
        // account, and each such read is audited.
        let kab = app.login("kab.wonosobo", PASSWORD).await;
        let denied = app.audit_count("access.denied", Outcome::Denied).await;
        assert_eq!(app.get(&format!("/app/penduduk/{person}"), Some(&kab)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.audit_count("access.denied", Outcome::Denied).await, denied + 1);
        app.grant("kab.wonosobo", "registry").await;
        let named = app.audit_count("named.read", Outcome::Ok).await;
        assert_eq!(app.get(&format!("/app/penduduk/{person}"), Some(&kab)).await.status, StatusCode::OK);
        assert_eq!(app.audit_count("named.read", Outcome::Ok).await, named + 1);
    }

    async fn households_gather_members_and_their_migrations(app) {
        let op = app.login("operator.kenanga", PASSWORD).await;
        let r = app.post("/app/keluarga", &op, &[("desa", KENANGA), ("kk", "3212160101200007"), ("dusun", "Blok Mekar"), ("rt", "4"), ("rw", "1"), ("address", "Jl. Mangga")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let hh = r.location().to_owned();
        let person = register(&app, &op, &nik(61), "Casmirah").await;
        open_episode(&app, &op, &person).await;
        let bad = app.post(&format!("{hh}/anggota"), &op, &[("nik", "3212164507980999"), ("relationship", "istri")]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("belum terdaftar"));
        let ok = app.post(&format!("{hh}/anggota"), &op, &[("nik", &nik(61)), ("relationship", "istri")]).await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER);
        let page = app.get(&hh, Some(&op)).await;
        assert!(page.body.contains("Casmirah") && page.body.contains("Istri") && page.body.contains("Taiwan"), "{}", page.body);
        let dup = app.post("/app/keluarga", &op, &[("desa", KENANGA), ("kk", "3212160101200007"), ("dusun", ""), ("rt", ""), ("rw", ""), ("address", "")]).await;
        assert_eq!(dup.status, StatusCode::UNPROCESSABLE_ENTITY);
    }

    async fn large_villages_page_and_cap_their_counts(app) {
        let opts = desmigratif_db::synth::Options {
            villages: vec![KENANGA.parse().unwrap()],
            persons: 1_200,
            seed: 7,
            today: crate::support::today(),
        };
        desmigratif_db::synth::load(&app.db, &crate::support::KEYS, &crate::support::REGIONS, &opts, |_| {}).await.unwrap();
        let op = app.login("operator.kenanga", PASSWORD).await;
        let list = app.get("/app/penduduk", Some(&op)).await;
        assert!(list.body.contains("lebih dari 1.000"), "a capped count says so");
        assert_eq!(list.body.matches("href=\"/app/penduduk/0").count() + list.body.matches("href=\"/app/penduduk/1").count(), 50, "50 a page");
        let page2 = app.get("/app/penduduk?halaman=2", Some(&op)).await;
        assert!(page2.body.contains("2 / 20"), "pages stop at the cap");
        let (counts, by_country) = desmigratif_db::registry::monitoring_counts(&app.db, KENANGA, crate::support::today()).await.unwrap();
        for watch in desmigratif_db::registry::Watch::ALL {
            let listed = desmigratif_db::registry::watch_list(&app.db, KENANGA, watch, crate::support::today(), 0, 5_000).await.unwrap();
            let counted = counts.iter().find(|(w, _)| *w == watch).unwrap().1;
            assert_eq!(listed.0.len() as i64, counted, "{watch:?}: the counter and its list agree");
        }
        let abroad = counts.iter().find(|(w, _)| *w == desmigratif_db::registry::Watch::Abroad).unwrap().1;
        assert!(abroad > 0);
        assert_eq!(by_country.iter().map(|(_, n)| n).sum::<i64>(), abroad);
    }

    async fn name_search_finds_every_word_start_at_every_scope(app) {
        use desmigratif_core::text::{name_key, name_word_keys};
        use desmigratif_db::registry::{PersonFilter, search_persons};
        // Two villages of two kabupaten: every scope from village to nation has people in and out.
        let villages = [KENANGA, "32.12.16.2001", "33.07.10.2004"];
        let opts = desmigratif_db::synth::Options {
            villages: villages.iter().map(|v| v.parse().unwrap()).collect(),
            persons: 900,
            seed: 11,
            today: crate::support::today(),
        };
        desmigratif_db::synth::load(&app.db, &crate::support::KEYS, &crate::support::REGIONS, &opts, |_| {}).await.unwrap();
        let everyone: Vec<(String, String, String)> = desmigratif_db::on_pool!(&app.db, p => sqlx::query_as("SELECT CAST(id AS TEXT), village_code, name FROM persons").fetch_all(p).await).unwrap();
        let check = |label: &'static str| {
            let db = app.db.clone();
            let everyone = everyone.clone();
            async move {
                for scope in ["", "32", "32.12", "32.12.16", KENANGA, "33.07"] {
                    for fragment in ["siti", "nur", "a", "sri wahyu", "zzz"] {
                        let key = name_key(fragment);
                        let mut expected: Vec<&str> = everyone
                            .iter()
                            .filter(|(_, v, n)| v.starts_with(scope) && name_word_keys(n).iter().any(|k| k.starts_with(&key)))
                            .map(|(id, _, _)| id.as_str())
                            .collect();
                        expected.sort();
                        let mut found = Vec::new();
                        let mut last_total = 0;
                        for page in 0.. {
                            let f = PersonFilter { scope: scope.into(), name_key: key.clone(), offset: page * 100, limit: 100, ..Default::default() };
                            let (rows, total) = search_persons(&db, &f).await.unwrap();
                            last_total = total;
                            if rows.is_empty() { break; }
                            found.extend(rows.into_iter().map(|r| r.id.to_string()));
                        }
                        let listed = found.len();
                        found.sort();
                        found.dedup();
                        assert_eq!(found.len(), listed, "{label} {scope:?} {fragment:?}: nobody twice");
                        assert_eq!(found, expected, "{label} {scope:?} {fragment:?}: exactly the people with a word starting so");
                        assert_eq!(last_total, (expected.len() as i64).min(desmigratif_db::registry::COUNT_CAP + 1), "{label} {scope:?} {fragment:?}: count");
                    }
                }
            }
        };
        check("as written").await;
        assert!(everyone.iter().any(|(_, _, n)| n.contains("Siti")), "the generator makes common names");
        // People written before the word index existed are indexed when the migration lands.
        desmigratif_db::on_pool!(&app.db, p => sqlx::query("DELETE FROM person_name_words").execute(p).await.map(|_| ())).unwrap();
        let indexed = desmigratif_db::names::index_missing(&app.db).await.unwrap();
        assert_eq!(indexed as usize, everyone.len(), "everyone, the demo's villagers too");
        check("re-indexed").await;
    }

    async fn national_staff_keep_the_requirement_sets(app) {
        let op = app.login("operator.kenanga", PASSWORD).await;
        let fields = [("code", "sertifikat_bahasa_mandarin"), ("label", "Sertifikat bahasa Mandarin"), ("legal_basis", "Contoh aturan negara tujuan"),
                      ("destination", "TW"), ("occupation", ""), ("position", "20")];
        assert_eq!(app.post("/app/persyaratan", &op, &fields).await.status, StatusCode::FORBIDDEN);
        let pusat = app.login("pusat", PASSWORD).await;
        let bad = app.post("/app/persyaratan", &pusat, &[("code", "Bukan Kode"), ("label", ""), ("legal_basis", ""), ("position", "x")]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.post("/app/persyaratan", &pusat, &fields).await.status, StatusCode::SEE_OTHER);
        let person = register(&app, &op, &nik(81), "Rasminah").await;
        let taiwan = open_episode(&app, &op, &person).await;
        let checklist = desmigratif_db::registry::checklist(&app.db, taiwan.parse().unwrap()).await.unwrap();
        assert!(checklist.iter().any(|d| d.requirement_code == "sertifikat_bahasa_mandarin"));
        let hk = app.post(&format!("/app/penduduk/{person}/migrasi"), &op, &[("destination", "HK"), ("occupation", "pengasuh_bayi"), ("route", "p3mi")]).await;
        let hk = hk.location().trim_start_matches("/app/migrasi/").to_owned();
        let checklist = desmigratif_db::registry::checklist(&app.db, hk.parse().unwrap()).await.unwrap();
        assert!(!checklist.iter().any(|d| d.requirement_code == "sertifikat_bahasa_mandarin"));
        assert_eq!(checklist.len(), 13, "UU 18/2017 Pasal 13 and the registration documents");
    }

    async fn the_registry_api_applies_the_same_rules(app) {
        let token = app.token_for("operator.kenanga").await;
        let body = serde_json::json!({"village_code": KENANGA, "nik": nik(71), "name": "Api Test", "sex": "P", "birth_date": "1998-07-05"});
        let created = app.api("POST", "/api/v1/persons", Some(&token), Some(body.clone())).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
        let person = created.json()["id"].as_str().unwrap().to_owned();
        assert!(created.body.contains("\"nik_masked\":\"321216••••••••••\"") && !created.body.contains("nik_last4") && !created.body.contains(&nik(71)));
        assert_eq!(app.api("POST", "/api/v1/persons", Some(&token), Some(body)).await.status, StatusCode::CONFLICT);
        let warn = app.api("POST", "/api/v1/persons", Some(&token), Some(serde_json::json!({"village_code": KENANGA, "nik": nik(72), "name": "X", "sex": "L", "birth_date": "1998-07-05"}))).await;
        assert_eq!(warn.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(warn.json()["error"]["fields"][0]["field"], "confirm_warnings");
        let ep = app.api("POST", "/api/v1/migrations", Some(&token), Some(serde_json::json!({"person_id": person, "destination": "HK", "occupation": "pengasuh_bayi", "route": "p3mi", "procedural": "ya"}))).await;
        assert_eq!(ep.status, StatusCode::CREATED, "{}", ep.body);
        let id = ep.json()["id"].as_str().unwrap().to_owned();
        assert!(ep.json()["documents"].as_array().unwrap().len() >= 13);
        let bad = app.api("POST", &format!("/api/v1/migrations/{id}/transitions"), Some(&token), Some(serde_json::json!({"to": "returned"}))).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        let good = app.api("POST", &format!("/api/v1/migrations/{id}/transitions"), Some(&token), Some(serde_json::json!({"to": "counselled", "note": "lewat API"}))).await;
        assert_eq!(good.status, StatusCode::OK);
        assert_eq!(good.json()["stage"], "counselled");
        assert_eq!(good.json()["transitions"].as_array().unwrap().len(), 2);
        let list = app.api("GET", "/api/v1/persons?q=api+test", Some(&token), None).await.json();
        assert_eq!(list["total"], 1);
        let renamed = serde_json::json!({"nik": nik(71), "name": "Api Test Diubah", "sex": "P", "birth_date": "1998-07-05", "phone": "12"});
        let bad_phone = app.api("PUT", &format!("/api/v1/persons/{person}"), Some(&token), Some(renamed.clone())).await;
        assert_eq!(bad_phone.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(bad_phone.json()["error"]["fields"][0]["field"], "phone");
        let mut renamed = renamed;
        renamed["phone"] = "0812 3456 7890".into();
        let updated = app.api("PUT", &format!("/api/v1/persons/{person}"), Some(&token), Some(renamed)).await;
        assert_eq!(updated.status, StatusCode::OK, "{}", updated.body);
        assert_eq!(updated.json()["name"], "Api Test Diubah");
        let changes = desmigratif_db::audit::changes_of(&app.db, "person", &person).await.unwrap();
        assert_eq!(changes.last().unwrap().1, "name,phone");
        let households = app.api("GET", "/api/v1/households", Some(&token), None).await;
        assert_eq!(households.status, StatusCode::OK);
    }
}

async fn register_in(app: &TestApp, kuripan: &Session) -> String {
    let mut fields = vec![
        ("desa", "33.07.10.2004"),
        ("nik", "3307101708960099"),
        ("name", "Wahyu Kuripan"),
        ("sex", "L"),
        ("birth_date", "1996-08-17"),
    ];
    fields.push(("dusun", "Krajan"));
    let r = app.post("/app/penduduk", kuripan, &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    r.location()
        .trim_start_matches("/app/penduduk/")
        .split('?')
        .next()
        .unwrap()
        .to_owned()
}
