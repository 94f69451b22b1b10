//! Issue 16 item 1: a NIK cannot be rebuilt from what is stored or shown. A NIK is the kecamatan
//! (from the village code), the birth date DDMMYY (+40 on the day for women) and a four-digit
//! serial; the first two are on every record, so no output may carry the serial. Checked for
//! every demo person and a synthetic load, on both engines, over the API record and list, the
//! person page, the masked CSV and XLSX exports (people and episodes) and a backup; the blind-index search and the
//! audited reveal still work.

use crate::support::{KEYS, PASSWORD, REGIONS, TestApp, fetch, today};
use axum::http::StatusCode;
use chrono::NaiveDate;
use desmigratif_db::audit::Outcome;
use desmigratif_db::registry::{self, NIK_CONTEXT};
use std::collections::BTreeSet;

struct Person {
    id: String,
    nik: String,
    name: String,
    village_code: String,
    nik_prefix: String,
    birth_date: NaiveDate,
    sex: String,
    phone: String,
}

async fn everyone(app: &TestApp) -> Vec<Person> {
    people_after(&app.db, 0).await
}

/// Everyone, in id order, but the first `skip`.
async fn people_after(db: &desmigratif_db::Db, skip: usize) -> Vec<Person> {
    let ids: Vec<String> = desmigratif_db::on_pool!(db, p => sqlx::query_scalar("SELECT CAST(id AS TEXT) FROM persons ORDER BY id").fetch_all(p).await).unwrap();
    let mut out = Vec::new();
    for id in ids.into_iter().skip(skip) {
        let p = registry::person(db, id.parse().unwrap())
            .await
            .unwrap()
            .unwrap();
        out.push(Person {
            id,
            nik: KEYS.decrypt_str(NIK_CONTEXT, &p.nik_enc).unwrap(),
            name: p.name,
            village_code: p.village_code,
            nik_prefix: p.nik_prefix,
            birth_date: p.birth_date,
            sex: p.sex,
            phone: p.phone,
        });
    }
    out
}

/// Every four-digit string in `text`: each window of four digits of every run of digits. Left
/// out first, because they are not derived from the NIK: UUIDs (record ids), long hex strings
/// (keyed blind indexes), sealed values (`v1.…`, ciphertext), numbers the application hands out
/// in sequence (coop member numbers, `KKN-0002`: the demo's second member has serial 0002 by
/// coincidence) and the person's own phone number.
fn four_digit_strings(text: &str, phone: &str) -> BTreeSet<String> {
    let noise = regex_lite::Regex::new(
        r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-f]{32,}|v1\.[A-Za-z0-9+/=_.-]+|\bKKN-[0-9]+\b",
    )
    .unwrap();
    let mut text = noise.replace_all(text, " ").into_owned();
    let phone_digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    if phone_digits.len() >= 4 {
        text = text.replace(&phone_digits, " ");
    }
    let mut out = BTreeSet::new();
    for run in text.split(|c: char| !c.is_ascii_digit()) {
        for w in run.as_bytes().windows(4) {
            out.insert(String::from_utf8(w.to_vec()).unwrap());
        }
    }
    out
}

/// The birth date as a NIK codes it: DDMMYY, the day plus 40 for women.
fn coded_birth(p: &Person) -> String {
    let offset = if p.sex == "P" { 40 } else { 0 };
    format!(
        "{:02}{}",
        p.birth_date
            .format("%d")
            .to_string()
            .parse::<u32>()
            .unwrap()
            + offset,
        p.birth_date.format("%m%y")
    )
}

/// The region digits anyone can read off a record: the village's kecamatan and the stored prefix.
fn region_guesses(p: &Person) -> Vec<String> {
    let village: String = p
        .village_code
        .chars()
        .filter(char::is_ascii_digit)
        .take(6)
        .collect();
    vec![village, p.nik_prefix.clone()]
}

fn assert_not_rebuildable(p: &Person, what: &str, text: &str) {
    assert!(
        !text.contains(&p.nik),
        "{what}: the full NIK of {} appears",
        p.name
    );
    for region in region_guesses(p) {
        for serial in four_digit_strings(text, &p.phone) {
            assert_ne!(
                format!("{region}{}{serial}", coded_birth(p)),
                p.nik,
                "{what}: the NIK of {} is rebuilt from {region} + birth date + {serial}",
                p.name
            );
        }
    }
}

/// The lines of a text that belong to a person: those that name their id.
fn lines_of<'a>(text: &'a str, id: &str) -> String {
    text.lines()
        .filter(|l| l.contains(id))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The rows of an export that are this person's (same name, village and, where the export has
/// it, birth date).
fn export_rows(sheet: &desmigratif_docs::Sheet, p: &Person) -> String {
    let col = |name: &str| sheet.headers.iter().position(|h| h == name);
    let (name, village) = (col("nama").unwrap(), col("kode_desa").unwrap());
    let born = col("tanggal_lahir");
    let rows: Vec<String> = sheet
        .rows
        .iter()
        .filter(|(_, r)| {
            r[name] == p.name
                && r[village] == p.village_code
                && born.is_none_or(|b| r[b] == p.birth_date.to_string())
        })
        .map(|(_, r)| r.join(","))
        .collect();
    rows.join("\n")
}

async fn export(
    app: &TestApp,
    who: &crate::support::Session,
    path: &str,
) -> (String, desmigratif_docs::Sheet) {
    let (status, _, bytes) = fetch(app, who, path).await;
    assert_eq!(status, StatusCode::OK, "{path}");
    let sheet = desmigratif_docs::read(&bytes, path).unwrap();
    let text = std::iter::once(sheet.headers.join(","))
        .chain(sheet.rows.iter().map(|(_, r)| r.join(",")))
        .collect::<Vec<_>>()
        .join("\n");
    (text, sheet)
}

both! {
    async fn no_output_lets_a_nik_be_rebuilt(app) {
        let opts = desmigratif_db::synth::Options {
            villages: vec![desmigratif_db::demo::KENANGA.parse().unwrap(), desmigratif_db::demo::KURIPAN.parse().unwrap()],
            persons: 40,
            seed: 16,
            today: today(),
        };
        desmigratif_db::synth::load(&app.db, &KEYS, &REGIONS, &opts, |_| {}).await.unwrap();
        let people = everyone(&app).await;
        assert!(people.len() >= 40 + 2, "demo and synthetic people: {}", people.len());
        // The premise: region and birth date are in clear, so only the serial was missing.
        assert!(people.iter().any(|p| region_guesses(p).iter().any(|r| format!("{r}{}", coded_birth(p)) == p.nik[..12])));

        // A national officer granted the registry sees every village's people (by default it
        // sees counts only).
        app.grant("pusat", "registry").await;
        let pusat = app.login("pusat", PASSWORD).await;
        let token = app.token_for("pusat").await;
        let (csv, csv_sheet) = export(&app, &pusat, "/app/ekspor/penduduk.csv").await;
        let (xlsx, xlsx_sheet) = export(&app, &pusat, "/app/ekspor/penduduk.xlsx").await;
        assert_eq!(csv_sheet.rows.len(), people.len(), "the national export holds everyone");
        let (episodes_csv, episodes_csv_sheet) = export(&app, &pusat, "/app/ekspor/migrasi.csv").await;
        let (episodes_xlsx, episodes_xlsx_sheet) = export(&app, &pusat, "/app/ekspor/migrasi.xlsx").await;
        assert!(!episodes_csv_sheet.rows.is_empty());
        let mut file = Vec::new();
        desmigratif_db::backup::backup(&app.db, &KEYS, &mut file).await.unwrap();
        let mut backup = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&file[..]), &mut backup).unwrap();
        for (what, text) in [("CSV export", &csv), ("XLSX export", &xlsx), ("episode CSV export", &episodes_csv), ("episode XLSX export", &episodes_xlsx), ("backup", &backup)] {
            for p in &people {
                assert!(!text.contains(&p.nik), "{what} holds the full NIK of {}", p.name);
            }
        }

        for p in &people {
            assert_eq!(p.nik_prefix, p.nik[..6], "the stored prefix is the NIK's region digits");
            let one = app.api("GET", &format!("/api/v1/persons/{}", p.id), Some(&token), None).await;
            assert_eq!(one.status, StatusCode::OK);
            assert!(one.json().get("nik_last4").is_none());
            assert_eq!(one.json()["nik_masked"], format!("{}••••••••••", &p.nik[..6]));
            // The blind-index search by the full NIK finds exactly this person.
            let found = app.api("GET", &format!("/api/v1/persons?nik={}", p.nik), Some(&token), None).await;
            assert_eq!(found.status, StatusCode::OK);
            let items = found.json()["items"].as_array().unwrap().clone();
            assert_eq!(items.len(), 1, "{}", found.body);
            assert_eq!(items[0]["id"], p.id.as_str());
            let listed = serde_json::to_string(&items[0]).unwrap();
            assert!(!export_rows(&csv_sheet, p).is_empty() && !export_rows(&xlsx_sheet, p).is_empty(), "{} is in the exports", p.name);
            let page = app.get(&format!("/app/penduduk/{}", p.id), Some(&pusat)).await;
            assert_eq!(page.status, StatusCode::OK);
            assert!(page.body.contains(&format!("{}••••••••••", &p.nik[..6])), "the page shows the masked NIK");
            for (what, text) in [
                ("API record", one.body.clone()),
                ("API list", listed),
                ("person page", page.body),
                ("CSV export", export_rows(&csv_sheet, p)),
                ("XLSX export", export_rows(&xlsx_sheet, p)),
                ("episode CSV export", export_rows(&episodes_csv_sheet, p)),
                ("episode XLSX export", export_rows(&episodes_xlsx_sheet, p)),
                ("backup", lines_of(&backup, &p.id)),
            ] {
                assert_not_rebuildable(p, what, &text);
            }
        }

        // KK numbers the same way: the household's API record and page show the region digits only.
        let all_households = households(&app.db).await;
        assert!(!all_households.is_empty(), "the synthetic load has households");
        for (id, kk, prefix) in all_households {
            assert_eq!(prefix, kk[..6]);
            let one = app.api("GET", &format!("/api/v1/households/{id}"), Some(&token), None).await;
            assert_eq!(one.status, StatusCode::OK);
            assert_eq!(one.json()["kk_masked"], format!("{}••••••••••", &kk[..6]));
            let page = app.get(&format!("/app/keluarga/{id}"), Some(&pusat)).await;
            assert_eq!(page.status, StatusCode::OK);
            for text in [&one.body, &page.body, &backup] {
                assert!(!text.contains(&kk) && !text.contains(&format!("…{}", &kk[12..])), "no KK number nor its serial");
            }
        }

        // The audited reveal still shows the whole number, and records it.
        let op = app.login("operator.kenanga", PASSWORD).await;
        for p in people.iter().filter(|p| p.village_code == desmigratif_db::demo::KENANGA).take(2) {
            let before = app.audit_count("person.reveal_nik", Outcome::Ok).await;
            let r = app.post(&format!("/app/penduduk/{}/nik", p.id), &op, &[]).await;
            assert_eq!(r.status, StatusCode::OK);
            assert!(r.body.contains(&p.nik));
            assert_eq!(app.audit_count("person.reveal_nik", Outcome::Ok).await, before + 1);
        }
    }

    async fn people_stored_before_0014_get_their_prefix_from_the_sealed_nik(app) {
        // As migration 0014 leaves rows written before it: no prefix, shown as bullets only.
        desmigratif_db::on_pool!(&app.db, p => sqlx::query("UPDATE persons SET nik_prefix = ''").execute(p).await.map(|r| r.rows_affected())).unwrap();
        let people = everyone(&app).await;
        assert!(!people.is_empty());
        assert_eq!(desmigratif_db::prefixes::missing(&app.db).await.unwrap(), people.len() as i64);
        // A national officer granted the registry sees every village's people (by default it
        // sees counts only).
        app.grant("pusat", "registry").await;
        let pusat = app.login("pusat", PASSWORD).await;
        let page = app.get(&format!("/app/penduduk/{}", people[0].id), Some(&pusat)).await;
        assert!(page.body.contains(&"•".repeat(16)), "no prefix yet: bullets only");
        // One row whose NIK does not open with this key is reported and left alone.
        let stranger = desmigratif_core::crypto::Keys::generate().encrypt_str(NIK_CONTEXT, "3212164507980099");
        desmigratif_db::on_pool!(&app.db, p => sqlx::query("UPDATE persons SET nik_enc = $1 WHERE id = $2").bind(&stranger).bind(people[0].id.parse::<desmigratif_core::id::Id>().unwrap()).execute(p).await.map(|r| r.rows_affected())).unwrap();
        let done = desmigratif_db::prefixes::fill(&app.db, &KEYS).await.unwrap();
        assert_eq!(done, desmigratif_db::prefixes::Filled { filled: people.len() as u64 - 1, unreadable: 1 });
        assert_eq!(desmigratif_db::prefixes::missing(&app.db).await.unwrap(), 1);
        for p in people_after(&app.db, 1).await {
            assert_eq!(p.nik_prefix, p.nik[..6]);
        }
        // Filling again does nothing more.
        assert_eq!(desmigratif_db::prefixes::fill(&app.db, &KEYS).await.unwrap(), desmigratif_db::prefixes::Filled { filled: 0, unreadable: 1 });
    }
}

/// A database as it was before migration 0014 (people with the serial in clear in `nik_last4`,
/// no `nik_prefix`) is migrated by the command line, which fills the prefix from the sealed NIK
/// with the deployment's key.
async fn upgrades_a_database_from_before_0014(backend: desmigratif_db::Backend) {
    use desmigratif_db::Db;
    let (db, dir) = crate::support::fresh_db(backend).await;
    desmigratif_db::demo::load(
        &db,
        &REGIONS,
        &KEYS,
        desmigratif_core::password::Cost::TestOnly,
    )
    .await
    .unwrap();
    // The demo has no households; a small synthetic load brings some.
    let opts = desmigratif_db::synth::Options {
        villages: vec![desmigratif_db::demo::KENANGA.parse().unwrap()],
        persons: 12,
        seed: 14,
        today: today(),
    };
    desmigratif_db::synth::load(&db, &KEYS, &REGIONS, &opts, |_| {})
        .await
        .unwrap();
    let people = people_after(&db, 0).await;
    assert!(!people.is_empty());
    let before = households(&db).await;
    assert!(!before.is_empty());
    // Back to the schema of 0013, with the serials in clear as they were stored then.
    desmigratif_db::on_pool!(&db, p => async {
        for sql in ["ALTER TABLE persons ADD COLUMN nik_last4 TEXT NOT NULL DEFAULT ''", "ALTER TABLE persons DROP COLUMN nik_prefix",
                    "ALTER TABLE households ADD COLUMN kk_last4 TEXT NOT NULL DEFAULT ''", "ALTER TABLE households DROP COLUMN kk_prefix",
                    // Only 0014 is undone: the migrator runs a missing one even when later ones ran.
                    "DELETE FROM _sqlx_migrations WHERE version = 14"] {
            sqlx::query(sql).execute(p).await.unwrap();
        }
        for person in &people {
            sqlx::query("UPDATE persons SET nik_last4 = $1 WHERE id = $2").bind(&person.nik[12..]).bind(person.id.parse::<desmigratif_core::id::Id>().unwrap()).execute(p).await.unwrap();
        }
        for (id, kk, _) in &before {
            sqlx::query("UPDATE households SET kk_last4 = $1 WHERE id = $2").bind(&kk[12..]).bind(*id).execute(p).await.unwrap();
        }
    }.await);
    let recorded: i64 = desmigratif_db::on_pool!(&db, p => sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE version = 14").fetch_one(p).await).unwrap();
    assert_eq!(recorded, 0, "0014 is undone");
    let url = match &db {
        Db::Sqlite(_) => format!(
            "sqlite://{}",
            dir.as_ref().unwrap().path().join("t.db").display()
        ),
        Db::Postgres(p) => {
            let o = p.connect_options();
            format!(
                "postgres://{}@{}:{}/{}",
                o.get_username(),
                o.get_host(),
                o.get_port(),
                o.get_database().unwrap()
            )
        }
    };
    db.close().await;
    let data = tempfile::tempdir().unwrap();
    let args = [
        "--data-dir".to_owned(),
        data.path().display().to_string(),
        "--database-url".to_owned(),
        url.clone(),
        "migrate".to_owned(),
    ];
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_desmigratif"))
            .env_remove("DESMIGRATIF_DATABASE_URL")
            .env("DESMIGRATIF_KEY", KEYS.to_text())
            .args(args)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let db = Db::connect(desmigratif_db::ConnectOptions {
        url: &url,
        create: false,
        max_connections: 2,
    })
    .await
    .unwrap();
    assert!(
        db.applied_schema_version().await.unwrap() >= 14,
        "0014 and the later ones ran"
    );
    let columns = desmigratif_db::schema::columns(&db).await.unwrap();
    assert!(columns["persons"].contains(&"nik_prefix".to_owned()));
    assert!(columns["households"].contains(&"kk_prefix".to_owned()));
    assert!(
        !columns.values().flatten().any(|c| c.contains("last4")),
        "no column keeps a serial"
    );
    assert_eq!(desmigratif_db::prefixes::missing(&db).await.unwrap(), 0);
    let after = people_after(&db, 0).await;
    assert_eq!(after.len(), people.len());
    for p in &after {
        assert_eq!(p.nik_prefix, p.nik[..6], "{}", p.name);
    }
    let households_after = households(&db).await;
    assert_eq!(households_after.len(), before.len());
    for (_, kk, prefix) in &households_after {
        assert_eq!(prefix, &kk[..6]);
    }
    db.close().await;
}

/// (id, KK number, stored prefix) of every household.
async fn households(db: &desmigratif_db::Db) -> Vec<(desmigratif_core::id::Id, String, String)> {
    let rows: Vec<(desmigratif_core::id::Id, String, String)> = desmigratif_db::on_pool!(db, p => sqlx::query_as("SELECT id, kk_enc, kk_prefix FROM households ORDER BY id").fetch_all(p).await).unwrap();
    rows.into_iter()
        .map(|(id, sealed, prefix)| {
            (
                id,
                KEYS.decrypt_str(registry::KK_CONTEXT, &sealed).unwrap(),
                prefix,
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upgrades_a_database_from_before_0014_on_sqlite() {
    upgrades_a_database_from_before_0014(desmigratif_db::Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upgrades_a_database_from_before_0014_on_postgres() {
    upgrades_a_database_from_before_0014(desmigratif_db::Backend::Postgres).await
}
