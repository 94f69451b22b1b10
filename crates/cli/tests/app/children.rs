//! Pillar 3 on SQLite and PostgreSQL: children kept in their compartment and village (every read
//! and every refusal audited), no child's details without consent (down to the table's CHECK),
//! attendance that replaces rather than duplicates, the three-absences flag, and indicators that
//! leave the village as counts only.

use crate::support::{PASSWORD, TestApp, today};
use axum::http::StatusCode;
use desmigratif_core::id::Id;
use desmigratif_db::audit::Outcome;

const KENANGA: &str = "32.12.16.2004";

async fn child_id(app: &TestApp, name: &str) -> Id {
    let name = name.to_owned();
    desmigratif_db::on_pool!(&app.db, p => sqlx::query_scalar("SELECT id FROM children WHERE name = $1").bind(name.clone()).fetch_one(p).await)
        .unwrap()
}

async fn first_session(app: &TestApp, region: &str) -> Id {
    let region = region.to_owned();
    desmigratif_db::on_pool!(&app.db, p => sqlx::query_scalar("SELECT id FROM learning_sessions WHERE region_code = $1 AND kind = 'belajar' ORDER BY held_on").bind(region.clone()).fetch_one(p).await)
        .unwrap()
}

fn consented<'a>(name: &'a str) -> Vec<(&'a str, String)> {
    vec![
        ("desa", KENANGA.into()),
        ("nama", name.into()),
        ("tahun_lahir", "2016".into()),
        ("persetujuan", "wali".into()),
        ("nama_pemberi", "Tarsih (fiktif)".into()),
        ("hubungan", "nenek".into()),
        ("tanggal_persetujuan", today().to_string()),
        ("cara", "tertulis".into()),
        ("status_sekolah", "sekolah".into()),
        ("jenjang", "sd".into()),
        ("nama_sekolah", "SDN 2 Kenanga (fiktif)".into()),
        ("pengasuh", "Tarsih (fiktif)".into()),
        ("kebutuhan", "Kacamata baca".into()),
    ]
}

fn pairs<'a>(v: &'a [(&'a str, String)]) -> Vec<(&'a str, &'a str)> {
    v.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

both! {
    async fn children_stay_in_their_compartment_and_village(app) {
        let aisyah = child_id(&app, "Aisyah Putri (fiktif)").await;
        let session = first_session(&app, KENANGA).await;
        let operator_token = app.token_for("operator.kenanga").await;
        let other_token = app.token_for("pendamping.kuripan").await;
        let pendamping = app.login("pendamping.kenanga", PASSWORD).await;

        // Permitted reads are audited: the list, the record, the attendance sheet.
        let lists = app.audit_count("child.list", Outcome::Ok).await;
        let reads = app.audit_count("child.read", Outcome::Ok).await;
        let list = app.get("/app/anak", Some(&pendamping)).await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(list.body.contains("Aisyah Putri") && list.body.contains("tanpa persetujuan"), "{}", list.body);
        assert!(!list.body.contains("Fajar Nugroho"), "Kuripan's children are not Kenanga's");
        let one = app.get(&format!("/app/anak/{aisyah}"), Some(&pendamping)).await;
        assert_eq!(one.status, StatusCode::OK);
        assert!(one.body.contains("Les membaca") && one.body.contains("bibi"), "{}", one.body);
        assert_eq!(app.get(&format!("/app/belajar/{session}"), Some(&pendamping)).await.status, StatusCode::OK);
        assert_eq!(app.audit_count("child.list", Outcome::Ok).await, lists + 1);
        assert_eq!(app.audit_count("child.read", Outcome::Ok).await, reads + 1);
        assert_eq!(app.audit_count("learning_session.read", Outcome::Ok).await, 1);
        // A parenting class lists the registered caregivers of the village's children.
        let class: Id = desmigratif_db::on_pool!(&app.db, p => sqlx::query_scalar("SELECT id FROM learning_sessions WHERE kind = 'parenting'").fetch_one(p).await).unwrap();
        let sheet = app.get(&format!("/app/belajar/{class}"), Some(&pendamping)).await;
        assert!(sheet.body.contains("Rohmah") && sheet.body.contains("checked") && !sheet.body.contains("Aisyah"), "{}", sheet.body);

        // The village operator (no children compartment) and Kuripan's pendamping (another
        // village): refused everywhere, each refusal audited, nothing shown.
        let denied = app.audit_count("access.denied", Outcome::Denied).await;
        let operator = app.login("operator.kenanga", PASSWORD).await;
        let other = app.login("pendamping.kuripan", PASSWORD).await;
        let mut refusals = 0;
        for who in [&operator, &other] {
            for path in [
                format!("/app/anak?desa={KENANGA}"),
                format!("/app/anak/{aisyah}"),
                format!("/app/anak/{aisyah}/ubah"),
                format!("/app/belajar/{session}"),
                format!("/app/belajar?desa={KENANGA}"),
            ] {
                let r = app.get(&path, Some(who)).await;
                assert!(matches!(r.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN), "{path}: {}", r.status);
                assert!(!r.body.contains("Aisyah"), "{path}");
                refusals += 1;
            }
            let r = app.post(&format!("/app/belajar/{session}"), who, &[("hadir", &aisyah.to_string())]).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND);
            let r = app.post(&format!("/app/anak/{aisyah}"), who, &[("nama", "Diubah"), ("tahun_lahir", "2015")]).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND);
            refusals += 2;
        }
        for token in [&operator_token, &other_token] {
            for path in [format!("/api/v1/children?village_code={KENANGA}"), format!("/api/v1/learning-sessions?village_code={KENANGA}")] {
                let r = app.api("GET", &path, Some(token), None).await;
                assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
                refusals += 1;
            }
            let r = app.api("POST", "/api/v1/children", Some(token), Some(serde_json::json!({"village_code": KENANGA, "nama": "Anak Baru", "tahun_lahir": "2018"}))).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN);
            refusals += 1;
        }
        assert_eq!(app.audit_count("access.denied", Outcome::Denied).await, denied + refusals);
        // The marks and the name stay as they were.
        let kept: String = desmigratif_db::on_pool!(&app.db, p => sqlx::query_scalar("SELECT name FROM children WHERE id = $1").bind(aisyah).fetch_one(p).await).unwrap();
        assert_eq!(kept, "Aisyah Putri (fiktif)");
        // Kuripan's pendamping sees Kuripan's own children only.
        let own = app.get("/app/anak", Some(&other)).await;
        assert!(own.body.contains("Fajar Nugroho") && !own.body.contains("Aisyah"));
    }

    async fn no_child_details_are_stored_without_consent(app) {
        let pendamping = app.login("pendamping.kenanga", PASSWORD).await;
        let token = app.token_for("pendamping.kenanga").await;
        let (children, consents) = (app.rows("children").await, app.rows("child_consents").await);

        // School and needs without consent: refused with a message naming what to do, nothing stored.
        let r = app.post("/app/anak", &pendamping, &[
            ("desa", KENANGA), ("nama", "Hana (fiktif)"), ("tahun_lahir", "2017"), ("persetujuan", ""),
            ("status_sekolah", "sekolah"), ("kebutuhan", "Seragam"),
        ]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("hanya nama dan tahun lahir") && r.body.contains("status sekolah, kebutuhan"), "{}", r.body);
        assert!(r.body.contains("Hana (fiktif)"), "what was typed is kept");
        let r = app.api("POST", "/api/v1/children", Some(&token), Some(serde_json::json!({
            "village_code": KENANGA, "nama": "Hana (fiktif)", "tahun_lahir": "2017", "kebutuhan": "Seragam", "nik_orang_tua": "3212164507980001"
        }))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("persetujuan") && r.body.contains("NIK orang tua"), "{}", r.body);
        assert_eq!((app.rows("children").await, app.rows("child_consents").await), (children, consents));

        // Name and birth year alone: stored, and nothing else.
        let r = app.post("/app/anak", &pendamping, &[("desa", KENANGA), ("nama", "Hana (fiktif)"), ("tahun_lahir", "2017")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let hana = child_id(&app, "Hana (fiktif)").await;
        let row = desmigratif_db::children::get(&app.db, hana).await.unwrap().unwrap();
        assert_eq!((row.birth_year, row.consent_id, row.status.as_str(), row.needs_enc.as_str(), row.school_level.as_deref()), (2017, None, "", "", None));
        assert_eq!(app.rows("child_consents").await, consents);

        // The table itself refuses a child's details without consent.
        let sneak = "UPDATE children SET status = 'sekolah' WHERE name = 'Hana (fiktif)'";
        let refused = desmigratif_db::on_pool!(&app.db, p => sqlx::query(sqlx::AssertSqlSafe(sneak)).execute(p).await.map(|_| ()));
        assert!(refused.is_err(), "the CHECK holds");

        // With consent (through the edit form): the consent row first, the needs sealed.
        let mut full = consented("Hana (fiktif)");
        full.retain(|(k, _)| *k != "desa");
        full.push(("nik_pengasuh", "3212166203950002".into()));
        let r = app.post(&format!("/app/anak/{hana}"), &pendamping, &pairs(&full)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(app.rows("child_consents").await, consents + 1);
        let row = desmigratif_db::children::get(&app.db, hana).await.unwrap().unwrap();
        assert!(row.consent_id.is_some() && row.caregiver_person_id.is_some());
        assert!(!row.needs_enc.is_empty() && !row.needs_enc.contains("Kacamata"), "sealed at rest");
        assert_eq!(row.needs(&crate::support::KEYS).unwrap(), "Kacamata baca");
        let consent = desmigratif_db::children::consent(&app.db, row.consent_id.unwrap()).await.unwrap().unwrap();
        assert_eq!((consent.given_by.as_str(), consent.relation.as_str(), consent.how.as_str(), consent.given_on), ("wali", "nenek", "tertulis", today()));

        // The edit form shows the caregiver's NIK masked; sent back as shown, the link stays.
        let form = app.get(&format!("/app/anak/{hana}/ubah"), Some(&pendamping)).await;
        assert!(!form.body.contains("3212166203950002") && form.body.contains("321216••••••••••") && !form.body.contains("•0002"), "{}", form.body);
        // The heaviest page of the feature stays within the page budget with its stylesheet.
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut gz, form.body.as_bytes()).unwrap();
        let css = regex_lite::Regex::new(r#"href="(/static/app\.[0-9a-f]+\.css)""#).unwrap().captures(&form.body).unwrap()[1].to_owned();
        std::io::Write::write_all(&mut gz, app.get(&css, None).await.body.as_bytes()).unwrap();
        let size = gz.finish().unwrap().len();
        assert!(size <= 30 * 1024, "child form {size} bytes compressed");
        let mut again = full.clone();
        again.retain(|(k, _)| *k != "nik_pengasuh");
        again.push(("nik_pengasuh", "321216••••••••••".into()));
        let r = app.post(&format!("/app/anak/{hana}"), &pendamping, &pairs(&again)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let kept = desmigratif_db::children::get(&app.db, hana).await.unwrap().unwrap();
        assert_eq!(kept.caregiver_person_id, row.caregiver_person_id);
        assert_eq!(app.rows("child_consents").await, consents + 1, "the same consent is not recorded twice");

        // Consent withdrawn: every detail goes, name and birth year stay.
        let r = app.post(&format!("/app/anak/{hana}"), &pendamping, &[("nama", "Hana (fiktif)"), ("tahun_lahir", "2017")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let row = desmigratif_db::children::get(&app.db, hana).await.unwrap().unwrap();
        assert_eq!((row.consent_id, row.caregiver_person_id, row.needs_enc.as_str(), row.status.as_str()), (None, None, "", ""));
    }

    async fn three_absences_in_a_row_flag_a_child_and_attendance_replaces(app) {
        let pendamping = app.login("pendamping.kenanga", PASSWORD).await;
        let r = app.post("/app/anak", &pendamping, &pairs(&consented("Indra (fiktif)"))).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let indra = child_id(&app, "Indra (fiktif)").await;
        let aisyah = child_id(&app, "Aisyah Putri (fiktif)").await.to_string();
        for n in 1..=3 {
            let r = app.post("/app/belajar", &pendamping, &[
                ("desa", KENANGA), ("jenis", "belajar"), ("tanggal", &today().to_string()), ("kegiatan", &format!("Sesi uji {n}")), ("fasilitator", "Nurhayati"),
            ]).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
            let sheet = r.location().to_owned();
            let page = app.get(&sheet, Some(&pendamping)).await;
            assert!(page.body.contains("Indra (fiktif)") && !page.body.contains("Eka Rahmawati"), "consented children only: {}", page.body);
            // Sent twice: the second replaces the first.
            for _ in 0..2 {
                let r = app.post(&sheet, &pendamping, &[("hadir", aisyah.as_str())]).await;
                assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
            }
            let id: Id = sheet.trim_start_matches("/app/belajar/").parse().unwrap();
            let rows: i64 = desmigratif_db::on_pool!(&app.db, p => sqlx::query_scalar("SELECT COUNT(*) FROM session_attendance WHERE session_id = $1").bind(id).fetch_one(p).await).unwrap();
            assert_eq!(rows, 5, "four demo children with consent and Indra, once each");
            let indicators = app.get("/app/anak/indikator", Some(&pendamping)).await;
            assert_eq!(indicators.status, StatusCode::OK);
            let flagged = indicators.body.contains(&format!("/app/anak/{indra}"));
            assert_eq!(flagged, n == 3, "after {n} absences: {}", indicators.body);
        }
        let marks = |app: &TestApp| {
            let db = app.db.clone();
            async move {
                desmigratif_db::on_pool!(&db, p => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM session_attendance WHERE child_id = $1").bind(indra).fetch_one(p).await).unwrap()
            }
        };
        assert_eq!(marks(&app).await, 3);
        let figures = desmigratif_db::children::figures(&app.db, Some(KENANGA)).await.unwrap();
        let risk = figures[0].at_risk.iter().find(|a| a.id == indra).unwrap();
        assert_eq!(risk.flags, [desmigratif_core::children::RiskFlag::AbsentThreeInARow]);
        let page = app.get(&format!("/app/anak/{indra}"), Some(&pendamping)).await;
        assert!(page.body.contains("Absen tiga kali berturut-turut"), "{}", page.body);
        // Consent withdrawn: the marks go with the details.
        let r = app.post(&format!("/app/anak/{indra}"), &pendamping, &[("nama", "Indra (fiktif)"), ("tahun_lahir", "2016")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(marks(&app).await, 0);
    }

    async fn indicators_above_the_village_are_counts_without_names(app) {
        let names = ["Aisyah", "Bagus", "Citra", "Dimas", "Eka", "Fajar", "Gita"];
        for user in ["kab.indramayu", "pusat", "operator.kenanga"] {
            let s = app.login(user, PASSWORD).await;
            let r = app.get("/app/anak/indikator", Some(&s)).await;
            assert_eq!(r.status, StatusCode::OK, "{user}");
            for name in names {
                assert!(!r.body.contains(name), "{user} sees {name}");
            }
            assert!(r.body.contains("&lt;5"), "{user}: small counts hidden: {}", r.body);
            // The language form carries the page's own path; no link may lead to a child.
            assert!(!r.body.contains("href=\"/app/anak/"), "{user}: no links to children");
        }
        let denied = app.audit_count("access.denied", Outcome::Denied).await;
        let treasurer = app.login("bendahara.kenanga", PASSWORD).await;
        assert_eq!(app.get("/app/anak/indikator", Some(&treasurer)).await.status, StatusCode::FORBIDDEN);
        assert_eq!(app.audit_count("access.denied", Outcome::Denied).await, denied + 1);
        // The village's own team sees the exact figures and who needs a visit.
        let pendamping = app.login("pendamping.kenanga", PASSWORD).await;
        let r = app.get("/app/anak/indikator", Some(&pendamping)).await;
        assert!(r.body.contains("Citra Lestari") && r.body.contains("Tidak sekolah"), "{}", r.body);
        assert!(r.body.contains(r#"id="kehadiran">67%"#) && r.body.contains(r#"id="berisiko">1<"#), "{}", r.body);
        assert!(!r.body.contains("Aisyah"), "only the children at risk are named");
        assert_eq!(app.audit_count("child.indicators", Outcome::Ok).await, 1);
    }

    async fn the_children_api_pages_creates_and_audits(app) {
        let token = app.token_for("pendamping.kenanga").await;
        let lists = app.audit_count("child.list", Outcome::Ok).await;
        let r = app.api("GET", "/api/v1/children", Some(&token), None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let body = r.json();
        assert_eq!((body["page"].as_i64(), body["more"].as_bool()), (Some(1), Some(false)));
        let children = body["children"].as_array().unwrap();
        assert_eq!(children.len(), 5);
        let eka = children.iter().find(|c| c["name"] == "Eka Rahmawati (fiktif)").unwrap();
        assert_eq!((eka["consent"].as_bool(), eka["school_status"].as_str(), eka["needs"].as_str()), (Some(false), Some(""), Some("")));
        assert_eq!(app.audit_count("child.list", Outcome::Ok).await, lists + 1);
        assert_eq!(app.api("GET", "/api/v1/children?page=2", Some(&token), None).await.json()["children"].as_array().unwrap().len(), 0);

        let made = app.api("POST", "/api/v1/children", Some(&token), Some(serde_json::json!({
            "village_code": KENANGA, "nama": "Joko Kecil (fiktif)", "tahun_lahir": "2019", "persetujuan": "orang_tua",
            "nama_pemberi": "Warsito (fiktif)", "hubungan": "ayah", "tanggal_persetujuan": today().to_string(), "cara": "lisan",
            "status_sekolah": "sekolah", "jenjang": "paud", "nik_orang_tua": "3212161102010003"
        }))).await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
        assert_eq!((made.json()["consent"].as_bool(), made.json()["linked_parent"].as_bool()), (Some(true), Some(true)));
        let row = desmigratif_db::children::get(&app.db, made.json()["id"].as_str().unwrap().parse().unwrap()).await.unwrap().unwrap();
        assert!(row.parent_episode_id.is_some(), "tied to the parent's migration");

        let bad = app.api("POST", "/api/v1/learning-sessions", Some(&token), Some(serde_json::json!({"village_code": KENANGA, "jenis": "rapat"}))).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        let s = app.api("POST", "/api/v1/learning-sessions", Some(&token), Some(serde_json::json!({
            "village_code": KENANGA, "jenis": "parenting", "tanggal": today().to_string(), "kegiatan": "Disiplin positif", "fasilitator": "Nurhayati"
        }))).await;
        assert_eq!(s.status, StatusCode::CREATED, "{}", s.body);
        let list = app.api("GET", "/api/v1/learning-sessions", Some(&token), None).await.json();
        let sessions = list["sessions"].as_array().unwrap();
        assert_eq!(sessions.len(), 5, "the four demo sessions of Kenanga and this one: {list}");
        assert_eq!(sessions[0]["activity"], "Disiplin positif");
    }
}
