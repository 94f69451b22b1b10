//! The access matrix, generated from the API's route table (its OpenAPI document): every demo
//! account × every operation that opens one record × a record in the account's own village, in
//! another village of the district and in another district → allowed or denied exactly as the
//! table below says, every denial answered 404 and audited. An operation the table does not name
//! fails the test, so a new route cannot land without its row.

use crate::support::*;
use axum::http::StatusCode;
use desmigratif_db::audit::Outcome;
use desmigratif_db::demo::{ACCOUNTS, KENANGA, KURIPAN};

/// Another village of Kecamatan Sindang (Kenanga's), served here only for this test.
const TERUSAN: &str = "32.12.16.2005";

/// Who may open one record of a kind. `village` names the village roles (the account prefixes
/// `operator`, `kades`, …) that reach the records of their own village; `above` the accounts
/// above the village that reach records of the villages their scope covers.
struct Rule {
    /// The API operation and the page that open such a record (`{id}` stands for its id).
    api: Option<&'static str>,
    page: Option<&'static str>,
    /// The table and the column holding the record's village (or region).
    table: &'static str,
    place_column: &'static str,
    village: &'static [&'static str],
    above: &'static [&'static str],
}

const REGISTRY: &[&str] = &["operator", "kades", "pendamping", "advokasi"];
const LETTERS: &[&str] = &["operator", "kades"];
const COOP: &[&str] = &["bendahara", "ketua"];
/// The place of a record that lives through its parent.
const MEMBER_VILLAGE: &str =
    "(SELECT m.region_code FROM coop_members m WHERE m.id = coop_loans.member_id)";

const fn rule(
    api: Option<&'static str>,
    page: Option<&'static str>,
    table: &'static str,
    place_column: &'static str,
    village: &'static [&'static str],
) -> Rule {
    Rule {
        api,
        page,
        table,
        place_column,
        village,
        above: &[],
    }
}

const RULES: &[Rule] = &[
    rule(
        Some("/api/v1/persons/{id}"),
        Some("/app/penduduk/{id}"),
        "persons",
        "village_code",
        REGISTRY,
    ),
    rule(
        Some("/api/v1/households/{id}"),
        Some("/app/keluarga/{id}"),
        "households",
        "village_code",
        REGISTRY,
    ),
    rule(
        Some("/api/v1/migrations/{id}"),
        Some("/app/migrasi/{id}"),
        "episodes",
        "village_code",
        REGISTRY,
    ),
    rule(
        Some("/api/v1/letters/{id}"),
        Some("/app/surat/{id}"),
        "letters",
        "village_code",
        LETTERS,
    ),
    rule(
        Some("/api/v1/letters/{id}/pdf"),
        None,
        "letters",
        "village_code",
        LETTERS,
    ),
    // A case is read by its village's case workers, and by an office only once referred to it.
    rule(
        Some("/api/v1/cases/{id}"),
        Some("/app/kasus/{id}"),
        "cases",
        "region_code",
        &["advokasi"],
    ),
    rule(
        None,
        Some("/app/anak/{id}"),
        "children",
        "region_code",
        &["pendamping"],
    ),
    rule(
        None,
        Some("/app/belajar/{id}"),
        "learning_sessions",
        "region_code",
        &["pendamping"],
    ),
    rule(
        Some("/api/v1/businesses/{id}"),
        Some("/app/usaha/{id}"),
        "businesses",
        "region_code",
        &["pendamping"],
    ),
    rule(
        None,
        Some("/app/bantuan/{id}"),
        "equipment_aid",
        "region_code",
        &["pendamping"],
    ),
    rule(
        Some("/api/v1/products/{id}"),
        Some("/app/produk/{id}"),
        "products",
        "region_code",
        &["pendamping"],
    ),
    rule(
        Some("/api/v1/trainings/{id}"),
        Some("/app/pelatihan/{id}"),
        "trainings",
        "village_code",
        &["pendamping"],
    ),
    rule(
        Some("/api/v1/coop/members/{id}"),
        Some("/app/koperasi/anggota/{id}"),
        "coop_members",
        "region_code",
        COOP,
    ),
    // A loan has no village of its own: its member's decides.
    rule(
        Some("/api/v1/coop/loans/{id}"),
        Some("/app/koperasi/pinjaman/{id}"),
        "coop_loans",
        MEMBER_VILLAGE,
        COOP,
    ),
    rule(
        Some("/api/v1/coop/shu/{id}"),
        Some("/app/koperasi/shu/{id}"),
        "coop_shu_runs",
        "region_code",
        COOP,
    ),
    // Reports from the public: the village's case workers and the receiving offices (granted
    // the cases compartment in the demo).
    Rule {
        api: Some("/api/v1/reports/{id}"),
        page: Some("/app/laporan/{id}"),
        table: "public_reports",
        place_column: "region_code",
        village: &["advokasi"],
        above: &["kec.sindang", "kab.indramayu", "kab.wonosobo"],
    },
];

/// Operations on one record that are not village records: national reference data every staff
/// member reads, and the region tree. Named so that the completeness check knows them.
const NOT_VILLAGE_RECORDS: &[&str] = &[
    "/api/v1/agencies/{id}",
    "/api/v1/jobs/{id}",
    "/api/v1/regions/{code}",
    "/api/v1/villages/{code}",
];

/// Whether `account` (scope `scope`) may open a record of `rule` that lies in `village`.
fn expected(rule: &Rule, account: &str, scope: &str, village: &str) -> bool {
    let in_scope = village.starts_with(scope);
    match account.split_once('.') {
        Some((prefix, _)) if scope.len() == KENANGA.len() => {
            scope == village && rule.village.contains(&prefix)
        }
        _ => in_scope && rule.above.contains(&account),
    }
}

pub(crate) async fn one_in(
    app: &TestApp,
    table: &str,
    column: &str,
    village: &str,
) -> Option<String> {
    let sql =
        format!("SELECT CAST(id AS TEXT) FROM {table} WHERE {column} = $1 ORDER BY id LIMIT 1");
    desmigratif_db::on_pool!(&app.db, p => sqlx::query_scalar(sqlx::AssertSqlSafe(sql.clone())).bind(village).fetch_optional(p).await).unwrap()
}

/// Copies one record of `table` into `village` (new id, same content): a record in Terusan, the
/// other village of Kenanga's kecamatan, and in a village the demo has none of that kind.
pub(crate) async fn copy_into(
    app: &TestApp,
    table: &str,
    column: &str,
    id: &str,
    village: &str,
) -> String {
    let new_id = desmigratif_core::id::Id::new().to_string();
    let postgres = matches!(app.db, desmigratif_db::Db::Postgres(_));
    let columns: Vec<String> = desmigratif_db::on_pool!(&app.db, p => sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(
        if !postgres {
            format!("SELECT name FROM pragma_table_info('{table}')")
        } else {
            format!("SELECT column_name::text FROM information_schema.columns WHERE table_name = '{table}' ORDER BY ordinal_position")
        }
    )).fetch_all(p).await).unwrap();
    let select: Vec<String> = columns
        .iter()
        .map(|c| match c.as_str() {
            "id" if postgres => "CAST($1 AS UUID)".to_owned(),
            "id" => "$1".to_owned(),
            c if c == column => "$2".to_owned(),
            // Unique codes (tracking, letter numbers, blind indexes) get a fresh value.
            "tracking_code" | "number" | "nik_index" | "kk_index" | "code" | "verify_code"
            | "username" => {
                format!("{c} || '-{village}'")
            }
            c => c.to_owned(),
        })
        .collect();
    let sql = format!(
        "INSERT INTO {table} ({}) SELECT {} FROM {table} WHERE CAST(id AS TEXT) = $3",
        columns.join(", "),
        select.join(", ")
    );
    desmigratif_db::on_pool!(&app.db, p => sqlx::query(sqlx::AssertSqlSafe(sql.clone())).bind(&new_id).bind(village).bind(id).execute(p).await.map(|_| ())).unwrap();
    new_id
}

/// The demo has no household, letter or SHU run: made as their users would, so that every kind
/// of record has one to try.
pub(crate) async fn seed_what_the_demo_lacks(app: &TestApp) {
    let op = app.login("operator.kenanga", PASSWORD).await;
    let r = app
        .post(
            "/app/keluarga",
            &op,
            &[
                ("desa", KENANGA),
                ("kk", "3212160101200007"),
                ("dusun", "Blok Mekar"),
                ("rt", "4"),
                ("rw", "1"),
                ("address", "Jl. Mangga"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let letter = crate::letters::ready_for_signature(app, &op).await;
    crate::letters::sign(app, &app.login("kades.kenanga", PASSWORD).await, &letter).await;
    let clerk = app.login("bendahara.kenanga", PASSWORD).await;
    let closed = app
        .post(
            "/app/koperasi/tutup-buku",
            &clerk,
            &[("desa", KENANGA), ("sampai", "2025-12-31"), ("yakin", "ya")],
        )
        .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER, "{}", closed.body);
    let treasurer = app.token_for("bendahara.kenanga").await;
    let plan = serde_json::json!({"desa": KENANGA, "tahun": "2025", "cadangan": "25", "jasa_modal": "20", "jasa_anggota": "25",
        "dana_pengurus": "10", "dana_karyawan": "5", "dana_pendidikan": "5", "dana_sosial": "5", "dana_pembangunan_daerah_kerja": "5", "jasa_anggota_bunga": "60"});
    let r = app
        .api("POST", "/api/v1/coop/shu", Some(&treasurer), Some(plan))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
}

both! {
    async fn every_account_opens_exactly_the_records_the_table_allows(app) {
        // The completeness check: every operation of the route table that opens one record has
        // a row here.
        let spec = app.api("GET", "/api/openapi.json", None, None).await.json();
        for (path, ops) in spec["paths"].as_object().unwrap() {
            if ops.get("get").is_some() && path.ends_with('}') || path.contains("}/pdf") {
                assert!(
                    RULES.iter().any(|r| r.api == Some(path.as_str())) || NOT_VILLAGE_RECORDS.contains(&path.as_str()),
                    "{path} opens a record but has no row in the access matrix"
                );
            }
        }
        let mut tx = app.db.begin().await.unwrap();
        desmigratif_db::villages::add(&mut tx, &desmigratif_db::audit::Actor::system("uji"), &TERUSAN.parse().unwrap(), "Terusan", &Default::default()).await.unwrap();
        tx.commit().await.unwrap();

        seed_what_the_demo_lacks(&app).await;

        let mut callers = Vec::new();
        for (username, _, _, scope) in ACCOUNTS {
            callers.push((*username, *scope, app.token_for(username).await, app.login(username, PASSWORD).await));
        }
        // One set of records per table (two operations may open the same kind).
        let mut tried: std::collections::HashMap<&str, Vec<(&str, String)>> = Default::default();
        let mut records_by_rule = Vec::new();
        for rule in RULES {
            let (table, column) = (rule.table, rule.place_column);
            if let Some(records) = tried.get(table) {
                records_by_rule.push((rule, records.clone()));
                continue;
            }
            let mut records = Vec::new();
            if column.starts_with('(') {
                // A sub-record: tried where the demo has one (its parent cannot be copied here).
                for village in [KENANGA, KURIPAN] {
                    if let Some(id) = one_in(&app, table, column, village).await {
                        records.push((village, id));
                    }
                }
                assert!(!records.is_empty(), "no {table} record to try: seed one");
            } else {
                let (kenanga, kuripan) = match (one_in(&app, table, column, KENANGA).await, one_in(&app, table, column, KURIPAN).await) {
                    (Some(a), Some(b)) => (a, b),
                    (Some(a), None) => (a.clone(), copy_into(&app, table, column, &a, KURIPAN).await),
                    (None, Some(b)) => (copy_into(&app, table, column, &b, KENANGA).await, b),
                    (None, None) => panic!("no {table} record to try: seed one"),
                };
                let terusan = copy_into(&app, table, column, &kenanga, TERUSAN).await;
                records = vec![(KENANGA, kenanga), (TERUSAN, terusan), (KURIPAN, kuripan)];
            }
            tried.insert(table, records.clone());
            records_by_rule.push((rule, records));
        }
        for (rule, records) in records_by_rule {
            for (village, id) in &records {
                let village = *village;
                for (username, scope, token, session) in &callers {
                    let allowed = expected(rule, username, scope, village);
                    for (route, by_api) in [(rule.api, true), (rule.page, false)] {
                        let Some(route) = route else { continue };
                        let path = route.replace("{id}", id);
                        let denied_before = app.audit_count("access.denied", Outcome::Denied).await;
                        let r = if by_api { app.api("GET", &path, Some(token), None).await } else { app.get(&path, Some(session)).await };
                        if allowed {
                            assert_eq!(r.status, StatusCode::OK, "{username} should open {path} ({village}): {}", r.body);
                        } else {
                            assert_eq!(r.status, StatusCode::NOT_FOUND, "{username} must not open {path} ({village}): {}", r.body);
                            if by_api {
                                assert_eq!(r.json()["error"]["code"], "not_found");
                            }
                            let denied = app.audit_count("access.denied", Outcome::Denied).await;
                            assert_eq!(denied, denied_before + 1, "the refusal of {path} to {username} is audited");
                        }
                    }
                }
            }
        }
    }
}
