//! A real headless Chromium, driven through chromedriver, against the real server on a loopback
//! port: log in → dashboard → change language → log out, on both databases.

use crate::support::{PASSWORD, TestApp};
use desmigratif_db::Backend;
use fantoccini::{ClientBuilder, Locator};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn start_driver() -> (Driver, u16) {
    let path = std::env::var("DESMIGRATIF_TEST_CHROMEDRIVER")
        .expect("DESMIGRATIF_TEST_CHROMEDRIVER is not set: run the suite with scripts/test, which installs Chromium");
    let port = free_port();
    let child = Command::new(path)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return (Driver(child), port);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not start on port {port}");
}

/// Waits (up to 10 s) until the browser has navigated to `path`; the login page and the
/// dashboard share elements, so waiting for an element alone would race the navigation.
async fn wait_for_path(
    client: &fantoccini::Client,
    path: &str,
) -> Result<(), fantoccini::error::CmdError> {
    for _ in 0..100 {
        if client.current_url().await?.path() == path {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "the browser did not reach {path}; it is at {}",
        client.current_url().await?
    );
}

async fn journey(backend: Backend) {
    let app = TestApp::new(backend).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = app.router.clone();
    let server = tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    let (_driver, port) = start_driver().await;
    let chromium =
        std::env::var("DESMIGRATIF_TEST_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let profile = tempfile::tempdir().unwrap();
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": chromium,
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=360,800",
                     format!("--user-data-dir={}", profile.path().display())]
        }),
    );
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("a Chromium session");
    let base = format!("http://{addr}");
    let shots = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screens");
    std::fs::create_dir_all(&shots).unwrap();
    let tag = format!("{backend:?}").to_lowercase();

    let result: Result<(), fantoccini::error::CmdError> = async {
        client.goto(&format!("{base}/")).await?;
        assert!(client.source().await?.contains("Desa Kenanga"));
        client
            .find(Locator::LinkText("Masuk petugas"))
            .await?
            .click()
            .await?;
        client
            .find(Locator::Id("username"))
            .await?
            .send_keys("kades.kenanga")
            .await?;
        client
            .find(Locator::Id("password"))
            .await?
            .send_keys(PASSWORD)
            .await?;
        client
            .find(Locator::Css("form.form button[type=submit]"))
            .await?
            .click()
            .await?;
        wait_for_path(&client, "/app").await?;
        let html = client.source().await?;
        assert!(
            html.contains("Dasbor") && html.contains("Warsono") && html.contains("Kenanga"),
            "dashboard: {html}"
        );
        std::fs::write(
            shots.join(format!("dashboard-{tag}.png")),
            client.screenshot().await?,
        )
        .unwrap();

        client
            .find(Locator::LinkText("English"))
            .await?
            .click()
            .await?;
        client
            .wait()
            .for_element(Locator::LinkText("Bahasa Indonesia"))
            .await?;
        assert_eq!(client.current_url().await?.path(), "/app");
        let html = client.source().await?;
        assert!(
            html.contains("Dashboard") && html.contains("Village head"),
            "English dashboard"
        );

        client
            .find(Locator::Css("form[action='/keluar'] button"))
            .await?
            .click()
            .await?;
        client
            .wait()
            .for_element(Locator::Css("section.hero"))
            .await?;
        assert_eq!(client.current_url().await?.path(), "/");
        client.goto(&format!("{base}/app")).await?;
        assert_eq!(client.current_url().await?.path(), "/masuk", "logged out");
        std::fs::write(
            shots.join(format!("login-{tag}.png")),
            client.screenshot().await?,
        )
        .unwrap();
        Ok(())
    }
    .await;
    client.close().await.ok();
    server.abort();
    result.expect("browser journey");
    let lang = desmigratif_db::users::by_username(&app.db, "kades.kenanga")
        .await
        .unwrap()
        .unwrap()
        .language;
    assert_eq!(
        lang, "en",
        "the language choice is remembered for the account"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_journey_sqlite() {
    journey(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_journey_postgres() {
    journey(Backend::Postgres).await;
}
