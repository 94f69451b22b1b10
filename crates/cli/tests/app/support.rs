//! `TestApp`: a fresh database per test (a temp SQLite file, or a new PostgreSQL database on the
//! server named by DESMIGRATIF_TEST_PG_URL), migrated and loaded with the demo, behind the real
//! router driven with `oneshot`.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use desmigratif_core::password::Cost;
use desmigratif_core::region::RegionTree;
use desmigratif_db::{Backend, ConnectOptions, Db};
use desmigratif_web::{AppState, WebConfig};
use http_body_util::BodyExt;
use std::sync::{Arc, LazyLock};
use tower::ServiceExt;

pub static REGIONS: LazyLock<Arc<RegionTree>> = LazyLock::new(|| Arc::new(RegionTree::official()));
pub const PASSWORD: &str = desmigratif_db::demo::PASSWORD;
pub static KEYS: LazyLock<desmigratif_core::crypto::Keys> =
    LazyLock::new(desmigratif_core::crypto::Keys::generate);

/// A public form's stamp issued `secs_ago` seconds ago, signed as the server signs it.
pub fn form_stamp(secs_ago: i64) -> String {
    let t = desmigratif_core::now().timestamp() - secs_ago;
    format!("{t}.{}", KEYS.blind_index("report.form", &t.to_string()))
}

/// Generates `mod NAME { fn sqlite(); fn postgres(); }` running the same body on both backends.
macro_rules! both {
    ($(async fn $name:ident($app:ident) $body:block)*) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            async fn story($app: $crate::support::TestApp) $body
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() { story($crate::support::TestApp::new(desmigratif_db::Backend::Sqlite).await).await }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() { story($crate::support::TestApp::new(desmigratif_db::Backend::Postgres).await).await }
        }
    )*};
}

pub struct TestApp {
    pub router: Router,
    pub db: Db,
    _dir: Option<tempfile::TempDir>,
}

/// Opens a fresh, migrated, empty database of the given backend. The process keys its audit
/// entries with [`KEYS`], as the server does with its key file.
pub async fn fresh_db(backend: Backend) -> (Db, Option<tempfile::TempDir>) {
    desmigratif_db::audit::install_key(&KEYS);
    let (db, dir) = unmigrated_db(backend).await;
    db.migrate().await.unwrap();
    (db, dir)
}

/// A fresh database without any schema yet: for upgrade stories.
pub async fn unmigrated_db(backend: Backend) -> (Db, Option<tempfile::TempDir>) {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().unwrap();
            let url = format!("sqlite://{}", dir.path().join("t.db").display());
            let db = Db::connect(ConnectOptions {
                url: &url,
                create: true,
                max_connections: 4,
            })
            .await
            .unwrap();
            (db, Some(dir))
        }
        Backend::Postgres => {
            let admin = std::env::var("DESMIGRATIF_TEST_PG_URL").expect(
                "DESMIGRATIF_TEST_PG_URL is not set: run the suite with scripts/test, which starts PostgreSQL",
            );
            let name = format!("dm_t_{}", uuid::Uuid::now_v7().simple());
            let admin_db = Db::connect(ConnectOptions {
                url: &admin,
                create: false,
                max_connections: 1,
            })
            .await
            .unwrap();
            if let Db::Postgres(p) = &admin_db {
                sqlx_exec(p, &format!("CREATE DATABASE {name}")).await;
            }
            admin_db.close().await;
            let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap();
            let url = format!("{base}/{name}");
            let db = Db::connect(ConnectOptions {
                url: &url,
                create: false,
                max_connections: 4,
            })
            .await
            .unwrap();
            (db, None)
        }
    }
}

async fn sqlx_exec(p: &sqlx_pg::PgPool, sql: &str) {
    sqlx_pg::query(sqlx_pg::AssertSqlSafe(sql.to_owned()))
        .execute(p)
        .await
        .unwrap();
}

/// Re-exported so tests can run raw SQL (tampering, fault injection) without naming sqlx twice.
pub use sqlx as sqlx_pg;

impl TestApp {
    pub async fn new(backend: Backend) -> TestApp {
        let (db, dir) = fresh_db(backend).await;
        desmigratif_db::demo::load(&db, &REGIONS, &KEYS, Cost::TestOnly)
            .await
            .unwrap();
        desmigratif_web::seed(&db).await.unwrap();
        let config = WebConfig {
            password_cost: Cost::TestOnly,
            ..WebConfig::default()
        };
        let state = AppState::new(db.clone(), REGIONS.clone(), KEYS.clone(), config);
        TestApp {
            router: desmigratif_web::router(state),
            db,
            _dir: dir,
        }
    }

    pub async fn send(&self, request: Request<Body>) -> Resp {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Resp {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            raw_len: bytes.len(),
        }
    }

    pub async fn get(&self, path: &str, who: Option<&Session>) -> Resp {
        let mut b = Request::get(path).header(header::HOST, "localhost");
        if let Some(s) = who {
            b = b.header(header::COOKIE, s.cookie());
        }
        self.send(b.body(Body::empty()).unwrap()).await
    }

    /// Posts a form as a browser would: the session's cookies and its CSRF token.
    pub async fn post(&self, path: &str, who: &Session, fields: &[(&str, &str)]) -> Resp {
        let mut all: Vec<(&str, &str)> = vec![("_csrf", who.csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, Some(&who.cookie()), &all, &[]).await
    }

    pub async fn post_raw(
        &self,
        path: &str,
        cookie: Option<&str>,
        fields: &[(&str, &str)],
        extra: &[(&str, &str)],
    ) -> Resp {
        let mut b = Request::post(path)
            .header(header::HOST, "localhost")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(c) = cookie {
            b = b.header(header::COOKIE, c);
        }
        for (k, v) in extra {
            b = b.header(*k, *v);
        }
        self.send(
            b.body(Body::from(serde_urlencoded::to_string(fields).unwrap()))
                .unwrap(),
        )
        .await
    }

    pub async fn api(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        json: Option<serde_json::Value>,
    ) -> Resp {
        self.api_with(method, path, token, json, &[]).await
    }

    /// [`TestApp::api`] with extra headers (an `Idempotency-Key`).
    pub async fn api_with(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        json: Option<serde_json::Value>,
        extra: &[(&str, &str)],
    ) -> Resp {
        let mut b = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, "localhost");
        for (k, v) in extra {
            b = b.header(*k, *v);
        }
        if let Some(t) = token {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let body = match json {
            Some(j) => {
                b = b.header(header::CONTENT_TYPE, "application/json");
                Body::from(j.to_string())
            }
            None => Body::empty(),
        };
        self.send(b.body(body).unwrap()).await
    }

    /// Logs in through the form and returns the browser state (cookies and CSRF token).
    pub async fn login(&self, username: &str, password: &str) -> Session {
        let r = self.try_login(username, password).await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "login of {username} failed: {}",
            r.body
        );
        let session = r.cookie_value("dm_session").expect("session cookie");
        let mut s = Session {
            session,
            csrf: String::new(),
        };
        let app = self.get("/app", Some(&s)).await;
        assert_eq!(app.status, StatusCode::OK);
        s.csrf = app.csrf();
        s
    }

    /// One login attempt with a fresh anonymous browser; returns the raw answer.
    pub async fn try_login(&self, username: &str, password: &str) -> Resp {
        let form = self.get("/masuk", None).await;
        let anon = form
            .cookie_value("dm_csrf")
            .expect("csrf cookie on the login form");
        let token = form.csrf();
        assert_eq!(token, anon);
        self.post_raw(
            "/masuk",
            Some(&format!("dm_csrf={anon}")),
            &[
                ("_csrf", &token),
                ("username", username),
                ("password", password),
                ("kembali", ""),
            ],
            &[],
        )
        .await
    }

    /// Mints an API token for a user through the account page.
    pub async fn token_for(&self, username: &str) -> String {
        self.token_for_with(username, PASSWORD).await
    }

    /// [`TestApp::token_for`] for an account with its own password.
    pub async fn token_for_with(&self, username: &str, password: &str) -> String {
        let s = self.login(username, password).await;
        let r = self.post("/app/akun/token", &s, &[("name", "uji")]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let re = regex_lite::Regex::new(r#"class="secret">([A-Za-z0-9_-]{43})<"#).unwrap();
        re.captures(&r.body).expect("token shown once")[1].to_owned()
    }

    /// Grants one more compartment to an existing account, straight in the database, for tests
    /// about what the grant opens (the account page's editor is tested in `foundation`).
    pub async fn grant(&self, username: &str, compartment: &str) {
        let user = desmigratif_db::users::by_username(&self.db, username)
            .await
            .unwrap()
            .unwrap();
        let list = format!("{},{compartment}", user.compartments);
        let sql = "UPDATE users SET compartments = $1 WHERE username = $2";
        desmigratif_db::on_pool!(&self.db, p => sqlx::query(sql).bind(&list).bind(username).execute(p).await.map(|_| ()))
            .unwrap();
    }

    /// Rows in a table, to prove that a refused request stored nothing.
    pub async fn rows(&self, table: &str) -> i64 {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        desmigratif_db::on_pool!(&self.db, p => sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.clone())).fetch_one(p).await)
            .unwrap()
    }

    pub async fn audit_count(&self, action: &str, outcome: desmigratif_db::audit::Outcome) -> i64 {
        desmigratif_db::audit::count(&self.db, action, outcome)
            .await
            .unwrap()
    }
}

#[derive(Debug, Clone)]
pub struct Session {
    pub session: String,
    pub csrf: String,
}

impl Session {
    pub fn cookie(&self) -> String {
        format!("dm_session={}", self.session)
    }
}

#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
    pub raw_len: usize,
}

impl Resp {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn cookie_value(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| v.split(';').next()?.split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_owned())
    }

    /// The CSRF token in the page's forms.
    pub fn csrf(&self) -> String {
        let re = regex_lite::Regex::new(r#"name="_csrf" value="([^"]+)""#).unwrap();
        re.captures(&self.body)
            .unwrap_or_else(|| panic!("no CSRF field in: {}", self.body))[1]
            .to_owned()
    }

    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

/// Today in the deployment's zone, as the pages compute it.
pub fn today() -> chrono::NaiveDate {
    (desmigratif_core::now() + chrono::Duration::hours(7)).date_naive()
}

/// A download as bytes (PDFs, spreadsheets), with its status and headers.
pub async fn fetch(app: &TestApp, who: &Session, path: &str) -> (StatusCode, HeaderMap, Vec<u8>) {
    let request = Request::get(path)
        .header(header::HOST, "localhost")
        .header(header::COOKIE, who.cookie())
        .body(Body::empty())
        .unwrap();
    let response = app.router.clone().oneshot(request).await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    (
        status,
        headers,
        response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec(),
    )
}

/// A page's weight as a phone downloads it: the HTML and its stylesheet, gzip-compressed. The
/// budget for the heaviest page is 30 KB.
pub async fn page_weight(app: &TestApp, body: &str) -> usize {
    let css = regex_lite::Regex::new(r#"href="(/static/app\.[0-9a-f]+\.css)""#)
        .unwrap()
        .captures(body)
        .expect("the page links its stylesheet")[1]
        .to_owned();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut gz, body.as_bytes()).unwrap();
    std::io::Write::write_all(&mut gz, app.get(&css, None).await.body.as_bytes()).unwrap();
    gz.finish().unwrap().len()
}

/// The registration form of a Kenanga villager born on 5 July 1998 (a NIK `3212164507 98 …`
/// agrees with it).
pub fn person_fields<'a>(nik: &'a str, name: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("desa", desmigratif_db::demo::KENANGA),
        ("nik", nik),
        ("name", name),
        ("sex", "P"),
        ("birth_place", "Indramayu"),
        ("birth_date", "1998-07-05"),
        ("dusun", "Blok Mekar"),
        ("rt", "4"),
        ("rw", "1"),
        ("phone", "0812 1111 2222"),
        ("education", "sma"),
        ("marital_status", "belum_kawin"),
    ]
}

/// Registers a new Kenanga villager through the operator's form and returns their id.
pub async fn new_villager(app: &TestApp, name: &str, serial: u32) -> desmigratif_core::id::Id {
    let op = app.login("operator.kenanga", PASSWORD).await;
    let nik = format!("321216450798{serial:04}");
    let mut fields = person_fields(&nik, name);
    fields.push(("confirm_warnings", "ya"));
    let r = app.post("/app/penduduk", &op, &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    r.location()
        .trim_start_matches("/app/penduduk/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .expect("the new person's id")
}
