//! The foundation: pages, login, scopes and compartments, CSRF, lockout, tokens, audit chain,
//! schema parity, backup and restore — each story on both databases.

use crate::support::{KEYS, PASSWORD, Session, TestApp, fresh_db};
use axum::http::StatusCode;
use desmigratif_db::audit::Outcome;
use desmigratif_db::{Backend, Db};
use std::io::Write;

const KENANGA: &str = "32.12.16.2004";
const KURIPAN: &str = "33.07.10.2004";

async fn head_name(app: &TestApp, code: &str) -> String {
    desmigratif_db::villages::by_code(&app.db, &code.parse().unwrap())
        .await
        .unwrap()
        .unwrap()
        .head_name
}

fn profile(head: &str) -> Vec<(&'static str, String)> {
    vec![
        ("head_title", "Kuwu".into()),
        ("head_name", head.into()),
        ("office_address", "Jl. Raya Kenanga".into()),
        ("phone", "0234 111222".into()),
        ("email", "".into()),
    ]
}

async fn post_profile(
    app: &TestApp,
    who: &Session,
    code: &str,
    head: &str,
) -> crate::support::Resp {
    let fields = profile(head);
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.post(&format!("/app/desa/{code}"), who, &fields).await
}

both! {
    async fn health_metrics_and_security_headers(app) {
        let r = app.get("/healthz", None).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.json()["status"], "ok");
        let home = app.get("/", None).await;
        let csp = home.headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"), "{csp}");
        assert_eq!(home.headers["x-content-type-options"], "nosniff");
        assert_eq!(home.headers["referrer-policy"], "same-origin");
        let mut local = axum::http::Request::get("/metrics").header("host", "localhost").body(axum::body::Body::empty()).unwrap();
        local.extensions_mut().insert(axum::extract::ConnectInfo(std::net::SocketAddr::from(([127, 0, 0, 1], 9))));
        let m = app.send(local).await;
        assert_eq!(m.status, StatusCode::OK);
        assert!(m.body.contains("desmigratif_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 1"), "{}", m.body);
        assert!(m.body.contains("desmigratif_http_request_duration_seconds_bucket{route=\"/\""));
    }

    async fn public_home_shows_both_pilot_villages(app) {
        let r = app.get("/", None).await;
        assert_eq!(r.status, StatusCode::OK);
        for text in ["Desa Kenanga", "Sindang, Kabupaten Indramayu, Jawa Barat", "Desa Kuripan", "Watumalang, Kabupaten Wonosobo, Jawa Tengah", "Desa Migran Produktif"] {
            assert!(r.body.contains(text), "missing {text}");
        }
        assert!(!r.body.contains("<script"), "pages need no JavaScript");
        assert!(!r.body.contains("http://") && !r.body.contains("https://"), "nothing may load from another host");
    }

    async fn every_demo_account_logs_in_and_sees_its_dashboard(app) {
        for (username, _, role, scope) in desmigratif_db::demo::ACCOUNTS {
            let s = app.login(username, PASSWORD).await;
            let dash = app.get("/app", Some(&s)).await;
            assert_eq!(dash.status, StatusCode::OK, "{username}");
            assert_eq!(dash.headers["cache-control"], "no-store");
            let kenanga_visible = scope.is_empty() || KENANGA.starts_with(scope);
            assert_eq!(dash.body.contains("Kenanga"), kenanga_visible, "{username} ({role}) Kenanga");
            let kuripan_visible = scope.is_empty() || KURIPAN.starts_with(scope);
            assert_eq!(dash.body.contains("Kuripan"), kuripan_visible, "{username} ({role}) Kuripan");
        }
    }

    async fn logout_ends_the_session(app) {
        let s = app.login("operator.kenanga", PASSWORD).await;
        let r = app.post("/keluar", &s, &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let after = app.get("/app", Some(&s)).await;
        assert_eq!(after.status, StatusCode::SEE_OTHER);
        assert_eq!(after.location(), "/masuk?kembali=%2Fapp");
        assert_eq!(app.audit_count("auth.logout", Outcome::Ok).await, 1);
    }

    async fn another_villages_record_is_not_found_and_audited(app) {
        let op = app.login("operator.kenanga", PASSWORD).await;
        assert_eq!(app.get(&format!("/app/desa/{KENANGA}"), Some(&op)).await.status, StatusCode::OK);
        let before = app.audit_count("access.denied", Outcome::Denied).await;
        let r = app.get(&format!("/app/desa/{KURIPAN}"), Some(&op)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert!(r.body.contains("Tidak ditemukan"));
        let r = post_profile(&app, &op, KURIPAN, "Penyusup").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_ne!(head_name(&app, KURIPAN).await, "Penyusup");
        // The API takes the same decision.
        let token = app.token_for("operator.kenanga").await;
        let body = serde_json::json!({"head_title": "Kepala Desa", "head_name": "Penyusup", "office_address": "", "phone": "", "email": ""});
        let r = app.api("PUT", &format!("/api/v1/villages/{KURIPAN}"), Some(&token), Some(body)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_eq!(r.json()["error"]["code"], "not_found");
        assert_ne!(head_name(&app, KURIPAN).await, "Penyusup");
        assert_eq!(app.audit_count("access.denied", Outcome::Denied).await, before + 3);
        // The district sees its own villages only.
        let kab = app.login("kab.wonosobo", PASSWORD).await;
        let dash = app.get("/app", Some(&kab)).await;
        assert!(dash.body.contains("Kuripan") && !dash.body.contains("Kenanga"));
    }

    async fn another_compartments_record_is_denied_and_audited(app) {
        let treasurer = app.login("bendahara.kenanga", PASSWORD).await;
        let before = app.audit_count("access.denied", Outcome::Denied).await;
        assert_eq!(app.get(&format!("/app/desa/{KENANGA}"), Some(&treasurer)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get("/app/desa", Some(&treasurer)).await.status, StatusCode::FORBIDDEN);
        assert_eq!(post_profile(&app, &treasurer, KENANGA, "Bendahara").await.status, StatusCode::NOT_FOUND);
        assert_ne!(head_name(&app, KENANGA).await, "Bendahara");
        let facilitator = app.login("pendamping.kenanga", PASSWORD).await;
        assert_eq!(app.get(&format!("/app/desa/{KENANGA}"), Some(&facilitator)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get("/app/pengguna", Some(&facilitator)).await.status, StatusCode::FORBIDDEN);
        assert_eq!(app.get("/app/audit", Some(&facilitator)).await.status, StatusCode::FORBIDDEN);
        assert_eq!(app.audit_count("access.denied", Outcome::Denied).await, before + 6);
        let denied = desmigratif_db::audit::list(&app.db, "", None, 10).await.unwrap();
        assert!(denied.iter().any(|e| e.action == "access.denied" && e.actor == "bendahara.kenanga" && e.detail.contains("role")));
    }

    async fn village_profile_edit_keeps_input_on_error_and_records_the_change(app) {
        let op = app.login("operator.kenanga", PASSWORD).await;
        let r = app.post(&format!("/app/desa/{KENANGA}"), &op, &[
            ("head_title", "Kuwu"), ("head_name", "Carsono Baru"), ("office_address", "Jl. Balai Desa 1"),
            ("phone", "12ab"), ("email", "bukan-surel"),
        ]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("nomor telepon 6–15 angka") && r.body.contains("alamat surel tidak valid"));
        assert!(r.body.contains("value=\"Carsono Baru\"") && r.body.contains("value=\"Jl. Balai Desa 1\""), "typed values are kept");
        assert_eq!(head_name(&app, KENANGA).await, "Carsono");
        let r = post_profile(&app, &op, KENANGA, "Carsono Baru").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(head_name(&app, KENANGA).await, "Carsono Baru");
        let v = desmigratif_db::villages::by_code(&app.db, &KENANGA.parse().unwrap()).await.unwrap().unwrap();
        let changes = desmigratif_db::audit::changes_of(&app.db, "village", &v.id.to_string()).await.unwrap();
        assert_eq!(changes.last().unwrap(), &("update".to_owned(), "head_name,office_address,phone".to_owned()));
        let page = app.get(&format!("/app/desa/{KENANGA}?ok=tersimpan"), Some(&op)).await;
        assert!(page.body.contains("Perubahan tersimpan"));
    }

    async fn unsafe_requests_without_a_valid_csrf_token_are_rejected(app) {
        let op = app.login("operator.kenanga", PASSWORD).await;
        let path = format!("/app/desa/{KENANGA}");
        let fields = [("head_title", "Kuwu"), ("head_name", "Palsu"), ("office_address", ""), ("phone", ""), ("email", "")];
        let no_token = app.post_raw(&path, Some(&op.cookie()), &fields, &[]).await;
        assert_eq!(no_token.status, StatusCode::FORBIDDEN);
        assert!(no_token.body.contains("Formulir tidak sah"));
        let mut wrong: Vec<(&str, &str)> = vec![("_csrf", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")];
        wrong.extend_from_slice(&fields);
        assert_eq!(app.post_raw(&path, Some(&op.cookie()), &wrong, &[]).await.status, StatusCode::FORBIDDEN);
        let mut right: Vec<(&str, &str)> = vec![("_csrf", op.csrf.as_str())];
        right.extend_from_slice(&fields);
        let cross = app.post_raw(&path, Some(&op.cookie()), &right, &[("origin", "http://penipu.example")]).await;
        assert_eq!(cross.status, StatusCode::FORBIDDEN);
        let cross_site = app.post_raw(&path, Some(&op.cookie()), &right, &[("sec-fetch-site", "cross-site")]).await;
        assert_eq!(cross_site.status, StatusCode::FORBIDDEN);
        assert_ne!(head_name(&app, KENANGA).await, "Palsu");
        assert_eq!(app.audit_count("csrf.reject", Outcome::Denied).await, 4);
        // The same request with the token and a same-origin header goes through.
        let ok = app.post_raw(&path, Some(&op.cookie()), &right, &[("origin", "http://localhost")]).await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER);
        assert_eq!(head_name(&app, KENANGA).await, "Palsu");
        // `Origin: null` (a sandboxed frame, a data: page) is refused even with the right token.
        let mut sneaky: Vec<(&str, &str)> = vec![("_csrf", op.csrf.as_str()), ("head_title", "Kuwu"), ("head_name", "Dari Bingkai")];
        sneaky.extend_from_slice(&fields[2..]);
        let null = app.post_raw(&path, Some(&op.cookie()), &sneaky, &[("origin", "null")]).await;
        assert_eq!(null.status, StatusCode::FORBIDDEN);
        assert_eq!(head_name(&app, KENANGA).await, "Palsu");
        // The login form is protected too.
        let login = app.post_raw("/masuk", None, &[("username", "admin"), ("password", PASSWORD)], &[]).await;
        assert_eq!(login.status, StatusCode::FORBIDDEN);
        // JSON with a session cookie needs the header token.
        let api = app.send(axum::http::Request::put(format!("/api/v1/villages/{KENANGA}"))
            .header("host", "localhost").header("cookie", op.cookie()).header("content-type", "application/json")
            .body(axum::body::Body::from(r#"{"head_title":"x","head_name":"y","office_address":"","phone":"","email":""}"#)).unwrap()).await;
        assert_eq!(api.status, StatusCode::FORBIDDEN);
        assert_eq!(api.json()["error"]["code"], "csrf");
    }

    async fn repeated_failures_close_the_account_to_that_address(app) {
        for i in 1..=4 {
            let r = app.try_login("kades.kenanga", "salah-sekali").await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "attempt {i}");
            assert!(r.body.contains("Nama pengguna atau kata sandi salah"));
            assert!(r.body.contains("value=\"kades.kenanga\""), "the typed username is kept");
        }
        let fifth = app.try_login("kades.kenanga", "salah-sekali").await;
        assert!(fifth.body.contains("dikunci"), "{}", fifth.body);
        let right = app.try_login("kades.kenanga", PASSWORD).await;
        assert_eq!(right.status, StatusCode::UNAUTHORIZED, "closed to this address even with the right password");
        assert!(right.body.contains("dikunci"));
        let u = desmigratif_db::users::by_username(&app.db, "kades.kenanga").await.unwrap().unwrap();
        assert_eq!(u.failed_logins, 5, "every failure counted");
        assert!(!u.is_locked(desmigratif_core::now()), "the account itself is not locked for everyone");
        // Another account is unaffected, and unknown names fail the same way as wrong passwords.
        app.login("operator.kenanga", PASSWORD).await;
        let unknown = app.try_login("tidak.ada", "apa-saja-123").await;
        assert!(unknown.body.contains("Nama pengguna atau kata sandi salah"));
        // Wrong passwords of a real account are audited; refusals of anonymous callers (an
        // unknown name, the closed pair) are counted in the metrics instead.
        assert_eq!(app.audit_count("auth.login", Outcome::Failed).await, 5);
        assert_eq!(app.audit_count("auth.login", Outcome::Denied).await, 0);
    }

    async fn failed_logins_from_one_address_are_throttled(app) {
        for i in 0..10 {
            let r = app.try_login(&format!("tebak{i}"), "tebak-tebakan").await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        }
        let r = app.try_login("admin", PASSWORD).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(r.body.contains("Terlalu banyak percobaan"));
    }

    async fn password_change_checks_and_ends_other_sessions(app) {
        let laptop = app.login("operator.kuripan", PASSWORD).await;
        let phone = app.login("operator.kuripan", PASSWORD).await;
        let wrong = app.post("/app/akun/sandi", &laptop, &[("current", "salah"), ("new", "salak-pondoh-2026"), ("confirm", "salak-pondoh-2026")]).await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(wrong.body.contains("Kata sandi sekarang salah"));
        let short = app.post("/app/akun/sandi", &laptop, &[("current", PASSWORD), ("new", "pendek"), ("confirm", "pendek")]).await;
        assert!(short.body.contains("minimal 10 karakter"));
        let ok = app.post("/app/akun/sandi", &laptop, &[("current", PASSWORD), ("new", "salak-pondoh-2026"), ("confirm", "salak-pondoh-2026")]).await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER);
        let fresh = ok.cookie_value("dm_session").expect("this browser stays logged in");
        let fresh = Session { session: fresh, csrf: String::new() };
        assert_eq!(app.get("/app", Some(&fresh)).await.status, StatusCode::OK);
        assert_eq!(app.get("/app", Some(&phone)).await.status, StatusCode::SEE_OTHER, "other sessions end");
        assert_eq!(app.try_login("operator.kuripan", PASSWORD).await.status, StatusCode::UNAUTHORIZED);
        app.login("operator.kuripan", "salak-pondoh-2026").await;
    }

    async fn api_tokens_expire_and_a_new_password_can_revoke_them(app) {
        let s = app.login("operator.kuripan", PASSWORD).await;
        // The lifetime is chosen when minting; nonsense is refused with the field named.
        let bad = app.post("/app/akun/token", &s, &[("name", "laptop"), ("berlaku", "400")]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("masa berlaku token 1–365 hari"), "{}", bad.body);
        assert_eq!(app.rows("api_tokens").await, 0, "nothing minted");
        let r = app.post("/app/akun/token", &s, &[("name", "laptop"), ("berlaku", "30")]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let re = regex_lite::Regex::new(r#"class="secret">([A-Za-z0-9_-]{43})<"#).unwrap();
        let laptop = re.captures(&r.body).unwrap()[1].to_owned();
        let days: f64 = desmigratif_db::on_pool!(&app.db, p => sqlx::query_scalar::<_, chrono::DateTime<chrono::Utc>>("SELECT expires_at FROM api_tokens WHERE name = 'laptop'").fetch_one(p).await)
            .map(|t| (t - desmigratif_core::now()).num_hours() as f64 / 24.0).unwrap();
        assert!((29.9..=30.0).contains(&days), "{days}");
        assert_eq!(app.api("GET", "/api/v1/me", Some(&laptop), None).await.status, StatusCode::OK);
        // Past its date the token is refused.
        desmigratif_db::on_pool!(&app.db, p => sqlx::query("UPDATE api_tokens SET expires_at = $1 WHERE name = 'laptop'")
            .bind(desmigratif_core::now() - chrono::Duration::minutes(1)).execute(p).await.map(|_| ())).unwrap();
        assert_eq!(app.api("GET", "/api/v1/me", Some(&laptop), None).await.status, StatusCode::UNAUTHORIZED);
        assert!(app.get("/app/akun", Some(&s)).await.body.contains("Kedaluwarsa"));
        // A new password, with the box left ticked, revokes the live tokens; unticked keeps them.
        let kept = app.token_for("operator.kuripan").await;
        let s = app.login("operator.kuripan", PASSWORD).await;
        let r = app.post("/app/akun/sandi", &s, &[("current", PASSWORD), ("new", "salak-pondoh-2026"), ("confirm", "salak-pondoh-2026")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(app.api("GET", "/api/v1/me", Some(&kept), None).await.status, StatusCode::OK, "unticked: kept");
        let s = app.login("operator.kuripan", "salak-pondoh-2026").await;
        let r = app.post("/app/akun/sandi", &s, &[("current", "salak-pondoh-2026"), ("new", "mangga-manis-2026"), ("confirm", "mangga-manis-2026"), ("cabut_token", "ya")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(app.api("GET", "/api/v1/me", Some(&kept), None).await.status, StatusCode::UNAUTHORIZED, "ticked: revoked");
    }

    async fn api_tokens_act_as_their_user_and_can_be_revoked(app) {
        let token = app.token_for("kab.indramayu").await;
        let me = app.api("GET", "/api/v1/me", Some(&token), None).await;
        assert_eq!(me.status, StatusCode::OK);
        assert_eq!(me.json()["username"], "kab.indramayu");
        assert_eq!(me.json()["scope"], "32.12");
        let stored: i64 = desmigratif_db::on_pool!(&app.db, p => sqlx::query_scalar("SELECT COUNT(*) FROM api_tokens WHERE token_hash = $1")
            .bind(desmigratif_core::id::Secret::from_client(&token).digest()).fetch_one(p).await).unwrap();
        assert_eq!(stored, 1, "only the hash is stored");
        let users = app.api("GET", "/api/v1/users", Some(&token), None).await;
        assert_eq!(users.status, StatusCode::FORBIDDEN, "a district officer is no admin");
        let bad = app.api("GET", "/api/v1/me", Some("bukan-token"), None).await;
        assert_eq!(bad.status, StatusCode::UNAUTHORIZED);
        assert_eq!(bad.headers["www-authenticate"], "Bearer");
        let anon = app.api("GET", "/api/v1/me", None, None).await;
        assert_eq!(anon.json()["error"]["code"], "unauthenticated");
        // Revoke on the account page.
        let s = app.login("kab.indramayu", PASSWORD).await;
        let page = app.get("/app/akun", Some(&s)).await;
        let re = regex_lite::Regex::new(r#"/app/akun/token/([0-9a-f-]{36})/cabut"#).unwrap();
        let id = re.captures(&page.body).unwrap()[1].to_owned();
        let r = app.post(&format!("/app/akun/token/{id}/cabut"), &s, &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(app.api("GET", "/api/v1/me", Some(&token), None).await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(app.post(&format!("/app/akun/token/{id}/cabut"), &s, &[]).await.status, StatusCode::NOT_FOUND);
    }

    async fn admins_manage_accounts_only_inside_their_scope(app) {
        let admin = app.token_for("admin").await;
        let make = |username: &str, role: &str, scope: &str| serde_json::json!({
            "username": username, "display_name": "Uji Coba", "role": role, "scope": scope,
            "compartments": [], "password": "sangat-rahasia-2026"
        });
        // `admin` and `pusat` are national roles: a district gets an `admin_wilayah`.
        for role in ["admin", "pusat"] {
            let r = app.api("POST", "/api/v1/users", Some(&admin), Some(make("admin.dua", role, "32.12"))).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{role}: {}", r.body);
            assert_eq!(r.json()["error"]["code"], "invalid");
        }
        let r = app.api("POST", "/api/v1/users", Some(&admin), Some(make("admin.dua", "admin_wilayah", "32.12"))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let district_admin = app.token_for_with("admin.dua", "sangat-rahasia-2026").await;
        let before = app.rows("users").await;
        for (username, role, scope) in [("pusat.dua", "pusat", ""), ("admin.tiga", "admin", ""), ("admin.prov", "admin_wilayah", "32"), ("kab.lain", "kabupaten", "33.07"), ("pusat.tiga", "pusat", "32.12")] {
            let r = app.api("POST", "/api/v1/users", Some(&district_admin), Some(make(username, role, scope))).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "a district admin made {role} at '{scope}': {}", r.body);
        }
        assert_eq!(app.rows("users").await, before, "nothing was created beyond the district");
        let bad = app.api("POST", "/api/v1/users", Some(&admin), Some(serde_json::json!({
            "username": "X", "display_name": "", "role": "bendahara_koperasi", "scope": "32.12", "compartments": ["cases"], "password": "x"
        }))).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        let fields: Vec<String> = bad.json()["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap().to_owned()).collect();
        assert!(fields.contains(&"username".to_owned()) && fields.contains(&"display_name".to_owned()) && fields.contains(&"cakupan".to_owned()), "{fields:?}");

        let local = app.login("admin.dua", "sangat-rahasia-2026").await;
        let list = app.get("/app/pengguna", Some(&local)).await;
        assert!(list.body.contains("operator.kenanga") && !list.body.contains("operator.kuripan") && !list.body.contains(">pusat<"));
        let pusat = desmigratif_db::users::by_username(&app.db, "pusat").await.unwrap().unwrap();
        assert_eq!(app.get(&format!("/app/pengguna/{}", pusat.id), Some(&local)).await.status, StatusCode::NOT_FOUND);
        let kuripan = desmigratif_db::users::by_username(&app.db, "operator.kuripan").await.unwrap().unwrap();
        let r = app.post(&format!("/app/pengguna/{}/status", kuripan.id), &local, &[("status", "nonaktif"), ("yakin", "ya")]).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert!(!desmigratif_db::users::by_username(&app.db, "operator.kuripan").await.unwrap().unwrap().disabled);
        let outside = app.post("/app/pengguna", &local, &[
            ("username", "operator.baru"), ("display_name", "Operator Baru"), ("role", "operator_desa"),
            ("scope", KURIPAN), ("password", "sangat-rahasia-2026"),
        ]).await;
        assert_eq!(outside.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(outside.body.contains("di dalam cakupan Anda") && outside.body.contains("value=\"operator.baru\""));
        let inside = app.post("/app/pengguna", &local, &[
            ("username", "operator.baru"), ("display_name", "Operator Baru"), ("role", "operator_desa"),
            ("scope", KENANGA), ("compartments", "registry"), ("compartments", "letters"), ("password", "sangat-rahasia-2026"),
        ]).await;
        assert_eq!(inside.status, StatusCode::SEE_OTHER, "{}", inside.body);
        let created = desmigratif_db::users::by_username(&app.db, "operator.baru").await.unwrap().unwrap();
        assert_eq!(created.compartments, "registry,letters");
        // Disabling needs the confirmation box, then ends the person's sessions.
        let kenanga_op = app.login("operator.kenanga", PASSWORD).await;
        let target = desmigratif_db::users::by_username(&app.db, "operator.kenanga").await.unwrap().unwrap();
        let unconfirmed = app.post(&format!("/app/pengguna/{}/status", target.id), &local, &[("status", "nonaktif")]).await;
        assert_eq!(unconfirmed.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(app.get("/app", Some(&kenanga_op)).await.status == StatusCode::OK);
        let confirmed = app.post(&format!("/app/pengguna/{}/status", target.id), &local, &[("status", "nonaktif"), ("yakin", "ya")]).await;
        assert_eq!(confirmed.status, StatusCode::SEE_OTHER);
        assert_eq!(app.get("/app", Some(&kenanga_op)).await.status, StatusCode::SEE_OTHER);
        assert_eq!(app.try_login("operator.kenanga", PASSWORD).await.status, StatusCode::UNAUTHORIZED);
    }

    async fn admins_grant_and_withdraw_access_on_existing_accounts(app) {
        let district = app.login("admin.indramayu", PASSWORD).await;
        let office = desmigratif_db::users::by_username(&app.db, "kab.indramayu").await.unwrap().unwrap();
        let page = app.get(&format!("/app/pengguna/{}", office.id), Some(&district)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains(r#"name="compartments" value="children">"#), "children offered, not held: {}", page.body);
        assert!(page.body.contains(r#"value="cases" checked"#), "the referral grant is shown as held");
        assert!(!page.body.contains(r#"value="cooperative""#), "a labour office never holds the cooperative's books");
        let path = format!("/app/pengguna/{}/akses", office.id);
        let changes = app.audit_count("user.update", Outcome::Ok).await;

        // Granted, and in force for the office's next request.
        let r = app.post(&path, &district, &[("compartments", "reports"), ("compartments", "cases"), ("compartments", "children")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let stored = |app: &TestApp| { let db = app.db.clone(); async move { desmigratif_db::users::by_username(&db, "kab.indramayu").await.unwrap().unwrap().compartments } };
        assert_eq!(stored(&app).await, "cases,children,reports");
        assert_eq!(app.audit_count("user.update", Outcome::Ok).await, changes + 1, "every change is audited");
        assert!(app.get(&format!("/app/pengguna/{}?ok=akses", office.id), Some(&district)).await.body.contains("Akses data akun diubah"));

        // What the role may not hold, one's own access, another district's account: refused, unchanged.
        let r = app.post(&path, &district, &[("compartments", "cooperative")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("tidak boleh memegang akses itu"), "{}", r.body);
        let r = app.post(&path, &district, &[("compartments", "bukan-kompartemen")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let me = desmigratif_db::users::by_username(&app.db, "admin.indramayu").await.unwrap().unwrap();
        let r = app.post(&format!("/app/pengguna/{}/akses", me.id), &district, &[("compartments", "reports"), ("compartments", "cases")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("akses akun Anda sendiri"), "{}", r.body);
        let wonosobo = desmigratif_db::users::by_username(&app.db, "kab.wonosobo").await.unwrap().unwrap();
        let r = app.post(&format!("/app/pengguna/{}/akses", wonosobo.id), &district, &[("compartments", "reports"), ("compartments", "cases")]).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_eq!(desmigratif_db::users::by_username(&app.db, "kab.wonosobo").await.unwrap().unwrap().compartments, wonosobo.compartments);
        assert_eq!(stored(&app).await, "cases,children,reports");

        // Withdrawn: no box ticked holds nothing.
        assert_eq!(app.post(&path, &district, &[]).await.status, StatusCode::SEE_OTHER);
        assert_eq!(stored(&app).await, "");
        assert_eq!(app.audit_count("user.update", Outcome::Ok).await, changes + 2);
    }

    async fn the_monthly_audit_report_carries_the_chain_link_and_exports_it(app) {
        let admin = app.login("admin", PASSWORD).await;
        let month = (desmigratif_core::now() + chrono::Duration::hours(7)).format("%Y-%m").to_string();
        let r = app.get(&format!("/app/audit/bulanan?bulan={month}"), Some(&admin)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("auth.login") && r.body.contains("Mata rantai terakhir"), "{}", r.body);
        // The file carries a link that is in the chain, up to the head.
        let (status, headers, file) = crate::support::fetch(&app, &admin, &format!("/app/audit/bulanan.json?bulan={month}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(headers[axum::http::header::CONTENT_DISPOSITION].to_str().unwrap().contains(&format!("audit-{month}.json")));
        let export: serde_json::Value = serde_json::from_slice(&file).unwrap();
        let (seq, hash) = (export["link"]["seq"].as_i64().unwrap(), export["link"]["hash"].as_str().unwrap().to_owned());
        assert!(desmigratif_db::audit::has_link(&app.db, seq, &hash).await.unwrap(), "the exported link is in the chain");
        assert!(seq <= desmigratif_db::audit::head(&app.db).await.unwrap().seq);
        assert!(r.body.contains(&hash), "the page prints the same link");
        let logins = export["entries"].as_array().unwrap().iter().find(|e| e["action"] == "auth.login").unwrap()["entries"].as_i64().unwrap();
        assert!(logins >= 1);
        // A month before the first entry has no link; a badly written one is refused plainly.
        let empty = app.get("/app/audit/bulanan?bulan=2001-01", Some(&admin)).await;
        assert_eq!(empty.status, StatusCode::OK);
        assert!(empty.body.contains("Belum ada entri"));
        let bad = app.get("/app/audit/bulanan?bulan=2026-13", Some(&admin)).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("TTTT-BB"), "{}", bad.body);
        // The log is read nationally: a district admin and a village operator get no report.
        for who in ["admin.indramayu", "operator.kenanga"] {
            let session = app.login(who, PASSWORD).await;
            for path in ["/app/audit/bulanan", "/app/audit/bulanan.json"] {
                assert!(matches!(app.get(path, Some(&session)).await.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{who} {path}");
            }
        }
    }

    async fn audit_chain_detects_edits_and_deletions(app) {
        let op = app.login("operator.kenanga", PASSWORD).await;
        post_profile(&app, &op, KENANGA, "Carsono Dua").await;
        let n = desmigratif_db::audit::verify(&app.db, &KEYS).await.unwrap().expect("intact chain");
        assert!(n > 20, "{n}");
        let admin = app.login("admin", PASSWORD).await;
        let page = app.get("/app/audit?periksa=1", Some(&admin)).await;
        assert!(page.body.contains("Rantai audit utuh"));
        // Ordinary SQL cannot change the log…
        let update = desmigratif_db::on_pool!(&app.db, p => sqlx::query("UPDATE audit_log SET detail = 'x' WHERE seq = 3").execute(p).await.map(|_| ()));
        assert!(update.is_err(), "append-only trigger");
        // …and someone who drops the guard is still caught.
        drop_guards(&app.db).await;
        desmigratif_db::on_pool!(&app.db, p => sqlx::query("UPDATE audit_log SET detail = 'diam-diam' WHERE seq = 3").execute(p).await.map(|_| ())).unwrap();
        let broken = desmigratif_db::audit::verify(&app.db, &KEYS).await.unwrap().unwrap_err();
        assert_eq!(broken, desmigratif_core::audit::ChainBreak::Altered { seq: 3 });
        let page = app.get("/app/audit?periksa=1", Some(&admin)).await;
        assert!(page.body.contains("RANTAI AUDIT RUSAK"));
    }

    async fn audit_chain_detects_a_removed_tail(app) {
        drop_guards(&app.db).await;
        desmigratif_db::on_pool!(&app.db, p => sqlx::query("DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)").execute(p).await.map(|_| ())).unwrap();
        let broken = desmigratif_db::audit::verify(&app.db, &KEYS).await.unwrap().unwrap_err();
        assert!(matches!(broken, desmigratif_core::audit::ChainBreak::Head { .. }), "{broken:?}");
    }

    async fn backup_restores_identical_data_and_refuses_bad_targets(app) {
        let op = app.login("operator.kenanga", PASSWORD).await;
        post_profile(&app, &op, KENANGA, "Carsono Tiga").await;
        app.token_for("admin").await;
        let mut file = Vec::new();
        let summary = desmigratif_db::backup::backup(&app.db, &KEYS, &mut file).await.unwrap();
        assert!(summary.rows > 40);
        let (target, _dir) = fresh_db(app.db.backend()).await;
        desmigratif_db::backup::restore(&target, &KEYS, file.as_slice()).await.unwrap();
        assert_eq!(desmigratif_db::backup::dump(&target).await.unwrap(), desmigratif_db::backup::dump(&app.db).await.unwrap());
        assert!(desmigratif_db::audit::verify(&target, &KEYS).await.unwrap().is_ok());
        // A second restore into a database with data is refused, leaving it as it was.
        let again = desmigratif_db::backup::restore(&target, &KEYS, file.as_slice()).await.unwrap_err();
        assert!(again.to_string().contains("sudah berisi data"));
        // A truncated file is refused and leaves an empty target empty.
        let (empty, _dir2) = fresh_db(app.db.backend()).await;
        let mut cut = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        let plain = {
            use std::io::Read;
            let mut s = String::new();
            flate2::read::GzDecoder::new(file.as_slice()).read_to_string(&mut s).unwrap();
            s
        };
        let lines: Vec<&str> = plain.lines().collect();
        cut.write_all(lines[..lines.len() / 2].join("\n").as_bytes()).unwrap();
        cut.write_all(b"\n{\"t\":\"users\",\"r\":{\"rusak\":").unwrap();
        let cut = cut.finish().unwrap();
        assert!(desmigratif_db::backup::restore(&empty, &KEYS, cut.as_slice()).await.is_err());
        let users: i64 = desmigratif_db::on_pool!(&empty, p => sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(p).await).unwrap();
        assert_eq!(users, 0);
        assert!(desmigratif_db::backup::restore(&empty, &KEYS, &b"bukan cadangan"[..]).await.unwrap_err().to_string().contains("bukan berkas cadangan"));
    }

    async fn a_schema_newer_than_the_binary_is_refused(app) {
        desmigratif_db::on_pool!(&app.db, p => sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES (99999, 'dari masa depan', TRUE, $1, 0)"
        ).bind(vec![0u8; 48]).execute(p).await.map(|_| ())).unwrap();
        let e = app.db.migrate().await.unwrap_err().to_string();
        assert!(e.contains("99999") && e.contains("lebih baru"), "{e}");
    }

    async fn language_switch_and_error_pages(app) {
        // A GET no longer writes anything: the switch is a form.
        assert_eq!(app.get("/bahasa/en?kembali=/wilayah", None).await.status, StatusCode::METHOD_NOT_ALLOWED);
        let home = app.get("/", None).await;
        assert!(home.body.contains(r#"<form method="post" action="/bahasa/en""#), "switch form on the page");
        let r = app.post_raw("/bahasa/en", None, &[("kembali", "/wilayah")], &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(r.location(), "/wilayah");
        assert_eq!(r.cookie_value("dm_lang").as_deref(), Some("en"));
        let en = app.send(axum::http::Request::get("/").header("cookie", "dm_lang=en").body(axum::body::Body::empty()).unwrap()).await;
        assert!(en.body.contains("Villages served") && en.body.contains("lang=\"en\""));
        for evil in ["//penipu.example", "/\t/penipu.example", "/\n/penipu.example", "/\\penipu.example", "https://penipu.example"] {
            let r = app.post_raw("/bahasa/en", None, &[("kembali", evil)], &[]).await;
            assert_eq!(r.location(), "/", "{evil:?}");
        }
        // Another site cannot switch a visitor's language either.
        let forged = app.post_raw("/bahasa/en", None, &[("kembali", "/")], &[("origin", "https://penipu.example")]).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
        // The login form's own redirect follows the same rule.
        assert_eq!(app.get("/masuk?kembali=/%09/penipu.example", None).await.status, StatusCode::OK);
        let missing = app.get("/tidak-ada", None).await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        assert!(missing.body.contains("Tidak ditemukan") && missing.body.contains("<html"));
        let api_missing = app.get("/api/v1/tidak-ada", None).await;
        assert_eq!(api_missing.status, StatusCode::NOT_FOUND);
        assert_eq!(api_missing.json()["error"]["code"], "not_found");
    }

    async fn regions_lookup_page_and_api(app) {
        let r = app.get("/api/v1/regions?q=kenanga&level=desa", None).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.json().as_array().unwrap().iter().any(|x| x["code"] == KENANGA && x["full_name"] == "Kenanga, Sindang, Kabupaten Indramayu, Jawa Barat"));
        let one = app.get("/api/v1/regions/33.07.10", None).await.json();
        assert_eq!(one["name"], "Watumalang");
        assert!(one["children"].as_array().unwrap().iter().any(|c| c["code"] == KURIPAN));
        assert_eq!(app.get("/api/v1/regions?q=ke&level=dusun", None).await.status, StatusCode::BAD_REQUEST);
        assert_eq!(app.get("/api/v1/regions/99.99", None).await.status, StatusCode::NOT_FOUND);
        let page = app.get("/wilayah?kode=32.12.16", None).await;
        assert!(page.body.contains("Kenanga") && page.body.contains("Indramayu"));
        let villages = app.get("/api/v1/villages", None).await.json();
        assert_eq!(villages.as_array().unwrap().len(), 2);
    }

    async fn pages_stay_light(app) {
        let admin = app.login("admin", PASSWORD).await;
        let operator = app.login("operator.kenanga", PASSWORD).await;
        // The episode page (checklist with an upload form per document) is the heaviest page.
        let siti = app.get("/app/penduduk?q=siti+aminah", Some(&operator)).await;
        let person = regex_lite::Regex::new(r#"href="(/app/penduduk/[0-9a-f-]{36})""#).unwrap().captures(&siti.body).unwrap()[1].to_owned();
        let person_page = app.get(&person, Some(&operator)).await;
        let episode = regex_lite::Regex::new(r#"href="(/app/migrasi/[0-9a-f-]{36})""#).unwrap().captures(&person_page.body).unwrap()[1].to_owned();
        let css_path = regex_lite::Regex::new(r#"href="(/static/app\.[0-9a-f]+\.css)""#).unwrap();
        let mut heaviest = 0;
        let admin_pages = ["/app", "/app/akun", "/app/pengguna", "/app/audit", "/wilayah?q=desa"];
        let operator_pages = ["/app/desa/32.12.16.2004", "/app/penduduk", "/app/pemantauan", "/app/keluarga", "/app/persyaratan", "/app/impor", person.as_str(), episode.as_str()];
        let visits = [("/", None), ("/masuk", None)]
            .into_iter()
            .chain(admin_pages.iter().map(|p| (*p, Some(&admin))))
            .chain(operator_pages.iter().map(|p| (*p, Some(&operator))));
        for (path, who) in visits {
            let page = app.get(path, who).await;
            assert_eq!(page.status, StatusCode::OK, "{path}");
            let css = app.get(&css_path.captures(&page.body).unwrap()[1], None).await;
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            gz.write_all(page.body.as_bytes()).unwrap();
            gz.write_all(css.body.as_bytes()).unwrap();
            heaviest = heaviest.max(gz.finish().unwrap().len());
        }
        assert!(heaviest <= 30 * 1024, "heaviest page with assets is {heaviest} bytes compressed");
        let css = app.send(axum::http::Request::get(desmigratif_css_path(&app).await).header("accept-encoding", "gzip").body(axum::body::Body::empty()).unwrap()).await;
        assert_eq!(css.headers["content-encoding"], "gzip");
        assert!(css.raw_len <= 10 * 1024, "stylesheet {} bytes compressed", css.raw_len);
    }

    async fn openapi_document_matches_the_snapshot(app) {
        let r = app.get("/api/openapi.json", None).await;
        assert_eq!(r.status, StatusCode::OK);
        let doc = serde_json::to_string_pretty(&r.json()).unwrap() + "\n";
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/app/openapi.json");
        if std::env::var("UPDATE_SNAPSHOTS").is_ok() {
            std::fs::write(path, &doc).unwrap();
        }
        let snapshot = std::fs::read_to_string(path).expect("snapshot missing: run once with UPDATE_SNAPSHOTS=1");
        assert_eq!(doc, snapshot, "the API changed: review it, then run with UPDATE_SNAPSHOTS=1");
        for p in ["/api/v1/me", "/api/v1/users", "/api/v1/villages/{code}", "/api/v1/regions", "/healthz", "/api/v1/persons/{id}", "/api/v1/households", "/api/v1/migrations/{id}/transitions",
                  "/api/v1/agencies", "/api/v1/fee-check", "/api/v1/jobs", "/api/v1/reports", "/api/v1/reports/{id}", "/api/v1/cases", "/api/v1/cases/{id}",
                  "/api/v1/coop/members", "/api/v1/coop/savings", "/api/v1/coop/loans", "/api/v1/coop/journal", "/api/v1/coop/shu"] {
            assert!(r.json()["paths"][p].is_object(), "{p}");
        }
    }
}

async fn desmigratif_css_path(app: &TestApp) -> String {
    let page = app.get("/", None).await;
    let re = regex_lite::Regex::new(r#"href="(/static/app\.[0-9a-f]+\.css)""#).unwrap();
    re.captures(&page.body).unwrap()[1].to_owned()
}

/// What someone with direct database access would do before editing the log.
async fn drop_guards(db: &Db) {
    match db {
        Db::Sqlite(p) => {
            sqlx::query("DROP TRIGGER audit_log_no_update")
                .execute(p)
                .await
                .unwrap();
            sqlx::query("DROP TRIGGER audit_log_no_delete")
                .execute(p)
                .await
                .unwrap();
        }
        Db::Postgres(p) => {
            sqlx::query("DROP TRIGGER audit_log_no_change ON audit_log")
                .execute(p)
                .await
                .unwrap();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_migration_trees_make_the_same_tables_and_columns() {
    let (sqlite, _dir) = fresh_db(Backend::Sqlite).await;
    let (postgres, _) = fresh_db(Backend::Postgres).await;
    let a = desmigratif_db::schema::columns(&sqlite).await.unwrap();
    let b = desmigratif_db::schema::columns(&postgres).await.unwrap();
    assert_eq!(a, b);
    assert_eq!(
        sqlite.applied_schema_version().await.unwrap(),
        postgres.applied_schema_version().await.unwrap()
    );
    // The backup covers every table (or says why it leaves one out).
    let mut covered: Vec<&str> = desmigratif_db::backup::TABLES
        .iter()
        .chain(desmigratif_db::backup::EXCLUDED)
        .copied()
        .collect();
    covered.sort();
    let mut tables: Vec<&str> = a.keys().map(String::as_str).collect();
    tables.sort();
    assert_eq!(covered, tables);
}
