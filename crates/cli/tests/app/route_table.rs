//! Generated from the route table (`desmigratif_web::router::ROUTES`): every page route, every
//! method. Nobody reaches a staff page without signing in; nobody reaches a record outside
//! their place, by reading or by writing, whatever the route — each refusal a 404 that is
//! audited and changes nothing; a village account never edits national reference data. The API's
//! writes on one record, from the OpenAPI document, get the same walk.

use crate::access::{copy_into, one_in};
use crate::support::*;
use axum::http::StatusCode;
use desmigratif_db::audit::Outcome;
use desmigratif_db::demo::{ACCOUNTS, KENANGA, KURIPAN};
use desmigratif_web::router::{Gate, ROUTES, Route};

/// Where a record of each table the table names lives: the column holding its village (or
/// region, or the account's scope), or how it is reached.
enum Place {
    /// A column of the row (`village_code`, `region_code`, `scope`, `code`).
    Column(&'static str),
    /// An expression over the row, for sub-records that live through their parent.
    Through(&'static str),
    /// Deployment-wide reference data: national staff edit it.
    National,
    /// One account's own (its API tokens).
    Owner,
}

fn place_of(table: &str) -> Place {
    match table {
        "persons" | "households" | "episodes" | "letters" | "document_files" | "trainings" => {
            Place::Column("village_code")
        }
        "public_reports"
        | "cases"
        | "businesses"
        | "equipment_aid"
        | "products"
        | "children"
        | "learning_sessions"
        | "coop_members"
        | "coop_journal_entries"
        | "coop_shu_runs" => Place::Column("region_code"),
        "coop_loans" => Place::Through(
            "(SELECT m.region_code FROM coop_members m WHERE m.id = coop_loans.member_id)",
        ),
        "users" => Place::Column("scope"),
        "villages" => Place::Column("code"),
        "agencies"
        | "fee_rules"
        | "job_orders"
        | "country_guides"
        | "scam_alerts"
        | "letter_kinds"
        | "document_requirements" => Place::National,
        "api_tokens" => Place::Owner,
        other => panic!("the route table names the record {other}: say here where it lives"),
    }
}

/// A value for every `{…}` of `path`: `id` for the first, something well-formed for the rest.
fn fill(path: &str, id: &str) -> String {
    let mut out = String::new();
    let mut first = true;
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').unwrap() + open;
        out.push_str(&rest[..open]);
        let name = &rest[open + 1..close];
        out.push_str(&match (first, name) {
            (true, _) => id.to_owned(),
            (false, "code" | "doc") => "paspor".to_owned(),
            (false, _) => desmigratif_core::id::Id::new().to_string(),
        });
        first = false;
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// A public route's parameters: something a visitor could type.
fn sample(path: &str) -> String {
    path.replace("{code}", "AAAAAAAAAAAAAAAAAAAAAA")
        .replace("{iso2}", "TW")
        .replace("{kode}", KENANGA)
        .replace("{id}", &desmigratif_core::id::Id::new().to_string())
}

/// The key of a row in `table`, as the route's `{…}` takes it.
fn key_column(table: &str) -> &'static str {
    match table {
        "villages" | "fee_rules" | "scam_alerts" | "letter_kinds" => "code",
        "country_guides" => "iso2",
        _ => "id",
    }
}

/// Posts a small file as an upload form does, under every field name the uploads use.
async fn upload(app: &TestApp, path: &str, who: &Session) -> Resp {
    let boundary = "batasujirute";
    let mut body = String::new();
    for name in ["berkas", "foto"] {
        body.push_str(&format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"uji.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 uji\r\n"));
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    let request = axum::http::Request::post(format!("{path}?_csrf={}", who.csrf))
        .header(axum::http::header::HOST, "localhost")
        .header(axum::http::header::COOKIE, who.cookie())
        .header(
            axum::http::header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(axum::body::Body::from(body))
        .unwrap();
    app.send(request).await
}

async fn changes(app: &TestApp) -> i64 {
    app.rows("change_log").await
}

both! {
    async fn every_route_of_the_table_turns_away_whoever_it_must(app) {
        assert!(ROUTES.len() >= 160, "the table lists every page route: {}", ROUTES.len());
        let mut seen = std::collections::HashSet::new();
        for r in ROUTES {
            assert!(seen.insert(r.path), "{} is listed twice", r.path);
            assert_eq!(r.gate == Gate::Staff, r.path.starts_with("/app"), "{}: staff pages live under /app", r.path);
            if r.gate == Gate::Staff && r.path.contains('{') {
                assert!(r.record.is_some(), "{} opens a record: name it in the table", r.path);
            }
        }
        assert_eq!(ROUTES.iter().filter(|r| r.gate == Gate::Machine).map(|r| r.path).collect::<Vec<_>>(), ["/metrics"]);

        // Signed out: public pages answer, staff pages send to the login, and nothing is written.
        let anonymous = app.get("/masuk", None).await;
        let (cookie, csrf) = (format!("dm_csrf={}", anonymous.cookie_value("dm_csrf").unwrap()), anonymous.csrf());
        let before = (changes(&app).await, app.rows("audit_log").await);
        for r in ROUTES.iter().filter(|r| r.gate != Gate::Machine) {
            for method in r.methods {
                let path = if r.gate == Gate::Public { sample(r.path) } else { fill(r.path, &desmigratif_core::id::Id::new().to_string()) };
                let answer = if *method == "get" {
                    app.get(&path, None).await
                } else {
                    app.post_raw(&path, Some(&cookie), &[("_csrf", &csrf)], &[]).await
                };
                let to_login = answer.status == StatusCode::SEE_OTHER && answer.location().starts_with("/masuk");
                match r.gate {
                    Gate::Staff => assert!(to_login, "{method} {path} signed out: {} {}", answer.status, answer.location()),
                    // A public page needs no login (signing out, a post, ends there by design).
                    _ => assert!(!(to_login && *method == "get") && !answer.status.is_server_error(), "{method} {path} signed out: {}", answer.status),
                }
            }
        }
        assert_eq!((changes(&app).await, app.rows("audit_log").await), before, "signed-out requests write nothing");

        // Signed in, outside the record's place: 404, audited, nothing changed — on every route.
        crate::access::seed_what_the_demo_lacks(&app).await;
        // The demo has no scan on file: one in Kenanga, as an upload stores it.
        let mut tx = app.db.begin().await.unwrap();
        let sealed = KEYS.encrypt("document.file", b"%PDF-1.4 uji");
        let scan = desmigratif_db::registry::store_file(&mut tx, &desmigratif_db::audit::Actor::system("uji"), KENANGA, "application/pdf", 12, &"0".repeat(64), &sealed).await.unwrap().to_string();
        tx.commit().await.unwrap();
        let mut sessions = Vec::new();
        for (username, _, _, scope) in ACCOUNTS {
            sessions.push((*username, *scope, app.login(username, PASSWORD).await));
        }
        let reference_before = changes(&app).await;
        let mut tried = 0;
        for r in ROUTES.iter().filter(|r| r.record.is_some()) {
            let table = r.record.unwrap();
            // Records of this table in Kenanga and in Kuripan (another district), as (place, key).
            let records: Vec<(String, String)> = match place_of(table) {
                Place::Column(column) | Place::Through(column) => {
                    let mut found = Vec::new();
                    for village in [KENANGA, KURIPAN] {
                        let in_village = if table == "users" {
                            let username = if village == KENANGA { "operator.kenanga" } else { "operator.kuripan" };
                            Some(desmigratif_db::users::by_username(&app.db, username).await.unwrap().unwrap().id.to_string())
                        } else if table == "document_files" && village == KENANGA {
                            // A scan: the letter's PDF lives in the same table but is not one.
                            Some(scan.clone())
                        } else if key_column(table) == "code" {
                            Some(village.to_owned())
                        } else {
                            one_in(&app, table, column, village).await
                        };
                        match in_village {
                            Some(id) => found.push((village.to_owned(), id)),
                            None if !column.starts_with('(') => {
                                let other = if village == KENANGA { KURIPAN } else { KENANGA };
                                let source = if table == "document_files" { Some(scan.clone()) } else { one_in(&app, table, column, other).await };
                                if let Some(id) = source {
                                    found.push((village.to_owned(), copy_into(&app, table, column, &id, village).await));
                                }
                            }
                            None => {}
                        }
                    }
                    assert!(!found.is_empty(), "no {table} record to try {}: seed one", r.path);
                    found
                }
                Place::National => {
                    let sql = format!("SELECT CAST({} AS TEXT) FROM {table} ORDER BY 1 LIMIT 1", key_column(table));
                    let key: Option<String> = desmigratif_db::on_pool!(&app.db, p => sqlx::query_scalar(sqlx::AssertSqlSafe(sql.clone())).fetch_optional(p).await).unwrap();
                    vec![(String::new(), key.unwrap_or_else(|| panic!("no {table} record to try {}: seed one", r.path)))]
                }
                // A token, with its owner's name as its place.
                Place::Owner => {
                    let owned: (String, String) = desmigratif_db::on_pool!(&app.db, p => sqlx::query_as("SELECT u.username, CAST(t.id AS TEXT) FROM api_tokens t JOIN users u ON u.id = t.user_id ORDER BY t.id LIMIT 1").fetch_one(p).await).unwrap();
                    vec![owned]
                }
            };
            for (place, key) in &records {
                let path = fill(r.path, key);
                for (username, scope, session) in &sessions {
                    let outside = match place_of(table) {
                        Place::Column(_) | Place::Through(_) => !place.starts_with(scope),
                        // Village accounts never touch national reference data.
                        Place::National => scope.len() == KENANGA.len(),
                        Place::Owner => username != place,
                    };
                    if !outside {
                        continue;
                    }
                    for method in r.methods {
                        let denied = app.audit_count("access.denied", Outcome::Denied).await;
                        let answer = match (*method, r.body_limit) {
                            ("get", _) => app.get(&path, Some(session)).await,
                            // Staff routes with a larger body limit take a file.
                            (_, Some(_)) => upload(&app, &path, session).await,
                            _ => app.post(&path, session, &[]).await,
                        };
                        tried += 1;
                        assert!(
                            matches!(answer.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
                            "{username} ({scope}) reached {method} {path} of {place}: {}", answer.status
                        );
                        assert_eq!(app.audit_count("access.denied", Outcome::Denied).await, denied + 1, "{username}: {method} {path} refused without an audit row");
                    }
                }
            }
        }
        assert!(tried > 1000, "{tried} refusals tried");
        assert_eq!(changes(&app).await, reference_before, "no refused request changed anything");

        // The API's writes on one record, from its own route table (the OpenAPI document): the
        // same refusal to everyone outside the record's place.
        let spec = app.api("GET", "/api/openapi.json", None, None).await.json();
        let mut tokens = std::collections::HashMap::new();
        for (username, _, _, _) in ACCOUNTS {
            tokens.insert(*username, app.token_for(username).await);
        }
        let minted = changes(&app).await;
        let mut writes = 0;
        for (path, ops) in spec["paths"].as_object().unwrap() {
            let Some(open) = path.find('{') else { continue };
            for method in ["post", "put", "patch", "delete"].into_iter().filter(|m| ops.get(*m).is_some()) {
                let page_prefix = api_record(&path[..open]);
                let table = page_prefix.unwrap_or_else(|| panic!("{method} {path}: say which record it writes"));
                let (column, national) = match place_of(table) {
                    Place::Column(c) | Place::Through(c) => (c, false),
                    Place::National => ("", true),
                    Place::Owner => unreachable!("no API operation writes a token by id"),
                };
                let key = if national {
                    let sql = format!("SELECT CAST(id AS TEXT) FROM {table} ORDER BY 1 LIMIT 1");
                    desmigratif_db::on_pool!(&app.db, p => sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql.clone())).fetch_one(p).await).unwrap()
                } else if key_column(table) == "code" {
                    KENANGA.to_owned()
                } else {
                    one_in(&app, table, column, KENANGA).await.unwrap_or_else(|| panic!("no {table} in Kenanga for {path}"))
                };
                let target = fill(path, &key);
                let elsewhere = fill(path, &desmigratif_core::id::Id::new().to_string());
                for (username, _, _, scope) in ACCOUNTS {
                    let outside = if national { scope.len() == KENANGA.len() } else { !KENANGA.starts_with(scope) };
                    if !outside {
                        continue;
                    }
                    let token = &tokens[username];
                    let denied = app.audit_count("access.denied", Outcome::Denied).await;
                    // Money writes need an idempotency key before anything else.
                    let key_header = desmigratif_core::id::Id::new().to_string();
                    let headers = [("idempotency-key", key_header.as_str())];
                    let r = app.api_with(&method.to_uppercase(), &target, Some(token), Some(serde_json::json!({})), &headers).await;
                    writes += 1;
                    if r.status == StatusCode::UNPROCESSABLE_ENTITY {
                        // Refused for its body before any record is looked up: the same answer as
                        // for a record that does not exist, so it tells nothing.
                        let blind = app.api_with(&method.to_uppercase(), &elsewhere, Some(token), Some(serde_json::json!({})), &headers).await;
                        assert_eq!((blind.status, &blind.body), (r.status, &r.body), "{username}: {method} {path}");
                        continue;
                    }
                    assert!(matches!(r.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN), "{username} ({scope}) reached {method} {target}: {} {}", r.status, r.body);
                    assert_eq!(app.audit_count("access.denied", Outcome::Denied).await, denied + 1, "{username}: {method} {path} refused without an audit row");
                }
            }
        }
        assert!(writes > 50, "{writes} API writes tried");
        assert_eq!(changes(&app).await, minted, "no refused API write changed anything");
    }
}

/// The record an API path of one record writes, by its prefix up to the `{…}`.
fn api_record(prefix: &str) -> Option<&'static str> {
    Some(match prefix {
        "/api/v1/agencies/" => "agencies",
        "/api/v1/businesses/" => "businesses",
        "/api/v1/coop/loans/" => "coop_loans",
        "/api/v1/letters/" => "letters",
        "/api/v1/migrations/" => "episodes",
        "/api/v1/persons/" => "persons",
        "/api/v1/products/" => "products",
        "/api/v1/villages/" => "villages",
        _ => return None,
    })
}

#[test]
fn every_record_the_table_names_has_a_place() {
    for Route { record, .. } in ROUTES {
        if let Some(table) = record {
            let _ = place_of(table);
        }
    }
}
