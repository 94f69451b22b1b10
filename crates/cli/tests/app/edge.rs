//! The request edge: who the client is behind proxies, where redirects may lead.

use crate::support::*;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use desmigratif_web::{AppState, WebConfig};
use std::net::SocketAddr;

const KENANGA: &str = "32.12.16.2004";

/// The demo's router, configured to believe `proxies`, fed requests that arrive from `peer`.
struct Behind {
    router: axum::Router,
    peer: SocketAddr,
}

impl Behind {
    fn new(app: &TestApp, proxies: &str, peer: &str) -> Behind {
        let config = WebConfig {
            password_cost: desmigratif_core::password::Cost::TestOnly,
            trusted_proxies: proxies.parse().unwrap(),
            ..WebConfig::default()
        };
        let state = AppState::new(app.db.clone(), REGIONS.clone(), KEYS.clone(), config);
        Behind {
            router: desmigratif_web::router(state),
            peer: peer.parse().unwrap(),
        }
    }

    /// A wrong-password login for a real account (so that it is audited), with the given
    /// `X-Forwarded-For`.
    async fn failed_login(&self, forwarded: &str, n: usize) -> StatusCode {
        self.login_as(forwarded, "operator.kuripan", &format!("salah-sekali-{n}"))
            .await
    }

    async fn login_as(&self, forwarded: &str, username: &str, password: &str) -> StatusCode {
        use tower::ServiceExt;
        let csrf = "A".repeat(43);
        let body = serde_urlencoded::to_string([
            ("_csrf", csrf.as_str()),
            ("username", username),
            ("password", password),
            ("kembali", ""),
        ])
        .unwrap();
        let mut request = Request::post("/masuk")
            .header(header::HOST, "localhost")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, format!("dm_csrf={csrf}"))
            .header("x-forwarded-for", forwarded)
            .body(Body::from(body))
            .unwrap();
        request.extensions_mut().insert(ConnectInfo(self.peer));
        self.router.clone().oneshot(request).await.unwrap().status()
    }
}

async fn audited_addresses(app: &TestApp) -> Vec<String> {
    desmigratif_db::on_pool!(&app.db, p => sqlx::query_scalar::<_, String>(
        "SELECT ip FROM audit_log WHERE action = 'auth.login' ORDER BY seq"
    ).fetch_all(p).await)
    .unwrap()
}

both! {
    async fn a_forged_forwarded_header_neither_escapes_the_login_limit_nor_forges_the_audit_address(app) {
        let proxy = Behind::new(&app, "127.0.0.1, ::1", "127.0.0.1:40000");
        // The attacker writes a new address in front each time; nginx appends the real one.
        for n in 0..10 {
            let status = proxy.failed_login(&format!("10.0.0.{n}, 198.51.100.7"), n).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "attempt {n} is answered with the form again");
        }
        assert_eq!(proxy.failed_login("10.0.0.99, 198.51.100.7", 99).await, StatusCode::TOO_MANY_REQUESTS);
        let addresses = audited_addresses(&app).await;
        assert!(!addresses.is_empty() && addresses.iter().all(|a| a == "198.51.100.7"), "{addresses:?}");
        // Another real client behind the same proxy is not blocked by the first one.
        assert_eq!(proxy.failed_login("198.51.100.8", 100).await, StatusCode::UNAUTHORIZED);
    }

    async fn an_outsider_cannot_lock_a_village_head_out(app) {
        let attacker = Behind::new(&app, "", "203.0.113.66:5555");
        for n in 0..6 {
            attacker.login_as("", "kades.kenanga", &format!("tebakan-{n}")).await;
        }
        assert_eq!(attacker.login_as("", "kades.kenanga", PASSWORD).await, StatusCode::UNAUTHORIZED, "closed to the guessing address");
        let village_office = Behind::new(&app, "", "198.51.100.20:5555");
        assert_eq!(village_office.login_as("", "kades.kenanga", PASSWORD).await, StatusCode::SEE_OTHER, "the head still logs in from the office");
    }

    async fn anonymous_bad_posts_add_nothing_to_the_audit_log(app) {
        let before = app.rows("audit_log").await;
        let forms = ["/masuk", "/lapor", "/app/penduduk", "/app/keluarga", "/surat/minta"];
        for n in 0..300 {
            let path = forms[n % forms.len()];
            // No CSRF token, a wrong one, or a forged origin: every one refused.
            let r = match n % 3 {
                0 => app.post_raw(path, None, &[("username", "admin"), ("password", "x")], &[]).await,
                1 => app.post_raw(path, Some("dm_csrf=BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"), &[("_csrf", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")], &[]).await,
                _ => app.post_raw(path, None, &[("_csrf", "x")], &[("origin", "null")]).await,
            };
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{path} #{n}: {}", r.body);
        }
        assert_eq!(app.rows("audit_log").await, before, "refusals of anonymous requests are not audit entries");
        // They are counted for the operator instead.
        let mut local = Request::get("/metrics").header(header::HOST, "localhost").body(Body::empty()).unwrap();
        local.extensions_mut().insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 9))));
        let metrics = app.send(local).await;
        assert!(metrics.body.contains("desmigratif_refusals_total{reason=\"csrf\"} 300"), "{}", metrics.body);
    }

    async fn without_trusted_proxies_the_header_is_ignored(app) {
        let direct = Behind::new(&app, "", "203.0.113.5:5555");
        assert_eq!(direct.failed_login("127.0.0.1", 0).await, StatusCode::UNAUTHORIZED);
        // A client that is not one of our proxies cannot speak for others either.
        let not_ours = Behind::new(&app, "127.0.0.1", "203.0.113.6:5555");
        assert_eq!(not_ours.failed_login("127.0.0.1", 1).await, StatusCode::UNAUTHORIZED);
        let addresses = audited_addresses(&app).await;
        assert_eq!(addresses, ["203.0.113.5", "203.0.113.6"]);
    }

    async fn ipv6_clients_share_one_limit_per_64(app) {
        // Every attempt comes from another address of the same /64; one limit counts them all.
        let one = Behind::new(&app, "::1", "[::1]:1");
        for n in 0..10u16 {
            assert_eq!(one.failed_login(&format!("2001:db8:7:7:{n:x}::1"), n as usize).await, StatusCode::UNAUTHORIZED);
        }
        assert_eq!(one.failed_login("2001:db8:7:7:ffff::1", 50).await, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(one.failed_login("2001:db8:7:8::1", 51).await, StatusCode::UNAUTHORIZED, "the next /64 is someone else");
    }

    async fn a_nul_byte_is_refused_at_the_edge_on_both_engines(app) {
        // Anonymous login with a NUL in the name: refused before the database is asked.
        let login = app.post_raw("/masuk", None, &[("username", "adm\0in"), ("password", "x")], &[]).await;
        assert_eq!(login.status, StatusCode::BAD_REQUEST);
        assert!(login.body.contains("karakter NUL"), "{}", login.body);
        let verify = app.get("/v/%00AAAAAAAAAAAAAAAAAAAAA", None).await;
        assert_eq!(verify.status, StatusCode::BAD_REQUEST);
        let query = app.get("/agensi?q=cahaya%00", None).await;
        assert_eq!(query.status, StatusCode::BAD_REQUEST);
        // The API answers with its error shape and a stable code; nothing is stored.
        let token = app.token_for("operator.kenanga").await;
        let persons = app.rows("persons").await;
        let body = serde_json::json!({"village_code": KENANGA, "nik": "3212164507980071", "name": "Uji\u{0}Nol", "sex": "P", "birth_date": "1998-07-05"});
        let api = app.api("POST", "/api/v1/persons", Some(&token), Some(body)).await;
        assert_eq!(api.status, StatusCode::BAD_REQUEST, "{}", api.body);
        assert_eq!(api.json()["error"]["code"], "control_character");
        assert_eq!(app.rows("persons").await, persons);
        // The English interface says it in English.
        let en = app.send(Request::get("/v/%00A").header(header::HOST, "localhost").header(header::COOKIE, "dm_lang=en").body(Body::empty()).unwrap()).await;
        assert!(en.body.contains("NUL character"), "{}", en.body);
        // A text that merely shows the escape, and ordinary percent signs, pass.
        assert_eq!(app.get("/agensi?q=100%25", None).await.status, StatusCode::OK);
        // The server is still there.
        assert_eq!(app.get("/healthz", None).await.status, StatusCode::OK);
    }

    async fn metrics_are_for_this_machine_or_the_metrics_token_only(app) {
        use tower::ServiceExt;
        let config = WebConfig { metrics_token: Some("rahasia-pemantau-0123456789".into()), ..WebConfig::default() };
        let router = desmigratif_web::router(AppState::new(app.db.clone(), REGIONS.clone(), KEYS.clone(), config));
        let ask = |peer: [u8; 4], headers: &[(&str, &str)]| {
            let mut b = Request::get("/metrics").header(header::HOST, "localhost");
            for (k, v) in headers {
                b = b.header(*k, *v);
            }
            let mut r = b.body(Body::empty()).unwrap();
            r.extensions_mut().insert(ConnectInfo(SocketAddr::from((peer, 9))));
            let router = router.clone();
            async move { router.oneshot(r).await.unwrap().status() }
        };
        assert_eq!(ask([127, 0, 0, 1], &[]).await, StatusCode::OK);
        assert_eq!(ask([203, 0, 113, 9], &[]).await, StatusCode::NOT_FOUND, "the internet sees nothing");
        assert_eq!(ask([127, 0, 0, 1], &[("x-forwarded-for", "203.0.113.9")]).await, StatusCode::NOT_FOUND, "forwarded by the local proxy");
        assert_eq!(ask([203, 0, 113, 9], &[("x-metrics-token", "salah")]).await, StatusCode::NOT_FOUND);
        assert_eq!(ask([203, 0, 113, 9], &[("x-metrics-token", "rahasia-pemantau-0123456789")]).await, StatusCode::OK);
        // Made-up methods are counted under one label.
        for m in ["FOO", "BAR", "BAZ"] {
            let r = Request::builder().method(m).uri("/healthz").header(header::HOST, "localhost").body(Body::empty()).unwrap();
            router.clone().oneshot(r).await.unwrap();
        }
        let mut r = Request::get("/metrics").header(header::HOST, "localhost").body(Body::empty()).unwrap();
        r.extensions_mut().insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 9))));
        let body = router.clone().oneshot(r).await.unwrap().into_body();
        let text = String::from_utf8(http_body_util::BodyExt::collect(body).await.unwrap().to_bytes().to_vec()).unwrap();
        assert!(text.contains("method=\"OTHER\",route=\"/healthz\""), "{text}");
        assert!(!text.contains("FOO") && !text.contains("BAZ"), "{text}");
    }
}
