//! A real headless Chromium, driven through chromedriver, against the real server on a loopback
//! port: log in → dashboard → change language → log out, on both databases.

use crate::support::{PASSWORD, TestApp};
use desmigratif_db::Backend;
use fantoccini::{ClientBuilder, Locator};
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

/// A running server on a loopback port, chromedriver, and a Chromium session at 360 px.
struct Browser {
    app: TestApp,
    client: fantoccini::Client,
    base: String,
    shots: std::path::PathBuf,
    tag: String,
    _driver: Driver,
    _profile: tempfile::TempDir,
    server: tokio::task::JoinHandle<()>,
}

impl Browser {
    async fn start(backend: Backend) -> Browser {
        let app = TestApp::new(backend).await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let router = app.router.clone();
        let server = tokio::spawn(desmigratif_web::serve::serve(
            listener,
            router,
            desmigratif_web::serve::Timeouts::default(),
            std::future::pending(),
        ));
        let (driver, port) = start_driver().await;
        let chromium = std::env::var("DESMIGRATIF_TEST_CHROMIUM")
            .unwrap_or_else(|_| "/usr/bin/chromium".into());
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
        let shots = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screens");
        std::fs::create_dir_all(&shots).unwrap();
        Browser {
            app,
            client,
            base: format!("http://{addr}"),
            shots,
            tag: format!("{backend:?}").to_lowercase(),
            _driver: driver,
            _profile: profile,
            server,
        }
    }

    async fn shot(&self, name: &str) -> Result<(), fantoccini::error::CmdError> {
        std::fs::write(
            self.shots.join(format!("{name}-{}.png", self.tag)),
            self.client.screenshot().await?,
        )
        .unwrap();
        Ok(())
    }

    async fn login(&self, username: &str) -> Result<(), fantoccini::error::CmdError> {
        self.client.goto(&format!("{}/masuk", self.base)).await?;
        self.client
            .find(Locator::Id("username"))
            .await?
            .send_keys(username)
            .await?;
        self.client
            .find(Locator::Id("password"))
            .await?
            .send_keys(PASSWORD)
            .await?;
        self.client
            .find(Locator::Css("form.form button[type=submit]"))
            .await?
            .click()
            .await?;
        wait_for_path(&self.client, "/app").await
    }

    async fn finish(self, result: Result<(), fantoccini::error::CmdError>) -> TestApp {
        self.client.close().await.ok();
        self.server.abort();
        result.expect("browser journey");
        self.app
    }
}

/// Register a person → counselling → episode → document upload → departed → monitoring list.
async fn registry_journey(backend: Backend) {
    let b = Browser::start(backend).await;
    let scan = tempfile::Builder::new().suffix(".pdf").tempfile().unwrap();
    std::fs::write(scan.path(), b"%PDF-1.4\n% paspor contoh\n%%EOF\n").unwrap();
    let c = &b.client;
    let result: Result<(), fantoccini::error::CmdError> = async {
        b.login("operator.kenanga").await?;
        c.goto(&format!("{}/app/penduduk/baru", b.base)).await?;
        c.find(Locator::Id("nik"))
            .await?
            .send_keys("3212164507980042")
            .await?;
        c.find(Locator::Id("name"))
            .await?
            .send_keys("Carini Browser")
            .await?;
        c.find(Locator::Css("input[name=sex][value=P]"))
            .await?
            .click()
            .await?;
        c.execute(
            "document.getElementById('birth_date').value = '1998-07-05'",
            vec![],
        )
        .await?;
        c.find(Locator::Id("dusun"))
            .await?
            .send_keys("Blok Mangga")
            .await?;
        c.find(Locator::Css("form.form button[type=submit]"))
            .await?
            .click()
            .await?;
        c.wait()
            .for_element(Locator::Css("form[action$='/bimbingan']"))
            .await?;
        assert!(c.source().await?.contains("Carini Browser"));
        c.find(Locator::Css(
            "form[action$='/bimbingan'] button[type=submit]",
        ))
        .await?
        .click()
        .await?;
        for _ in 0..100 {
            if c.current_url().await?.query() == Some("ok=bimbingan") {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        c.find(Locator::Css("a[href$='/migrasi/baru']"))
            .await?
            .click()
            .await?;
        c.wait().for_element(Locator::Id("destination")).await?;
        c.find(Locator::Id("destination"))
            .await?
            .select_by_value("TW")
            .await?;
        c.find(Locator::Id("occupation"))
            .await?
            .select_by_value("pengasuh_lansia")
            .await?;
        c.find(Locator::Css("form.form button[type=submit]"))
            .await?
            .click()
            .await?;
        c.wait().for_element(Locator::Id("dokumen")).await?;
        let episode_url = c.current_url().await?;
        assert!(episode_url.path().starts_with("/app/migrasi/"));
        c.find(Locator::Css("#dokumen details summary"))
            .await?
            .click()
            .await?;
        c.find(Locator::Css("#dokumen input[type=file]"))
            .await?
            .send_keys(&scan.path().display().to_string())
            .await?;
        c.find(Locator::Css(
            "#dokumen form[enctype='multipart/form-data'] button",
        ))
        .await?
        .click()
        .await?;
        c.wait()
            .for_element(Locator::LinkText("Unduh (tercatat)"))
            .await?;
        for (done, stage) in ["counselled", "documents", "registered", "departed"]
            .into_iter()
            .enumerate()
        {
            c.wait()
                .for_element(Locator::Id("to"))
                .await?
                .select_by_value(stage)
                .await?;
            c.find(Locator::Css("form[action$='/tahap'] button"))
                .await?
                .click()
                .await?;
            // The history grows by one line when the new page has loaded.
            for _ in 0..100 {
                if c.find_all(Locator::Css("ol.list li"))
                    .await
                    .map(|l| l.len())
                    .unwrap_or(0)
                    == done + 2
                {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        b.shot("episode").await?;
        assert!(c.source().await?.contains("Berangkat"));
        c.goto(&format!("{}/app/pemantauan?daftar=abroad", b.base))
            .await?;
        assert!(
            c.source().await?.contains("Carini Browser"),
            "appears in the monitoring list"
        );
        b.shot("monitoring").await?;
        Ok(())
    }
    .await;
    let app = b.finish(result).await;
    let found = desmigratif_db::registry::search_persons(
        &app.db,
        &desmigratif_db::registry::PersonFilter {
            name_key: "carinibrowser".into(),
            stage: "departed".into(),
            limit: 10,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(found.1, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registry_journey_sqlite() {
    registry_journey(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registry_journey_postgres() {
    registry_journey(Backend::Postgres).await;
}

/// Log in → dashboard → change language → log out.
async fn journey(backend: Backend) {
    let b = Browser::start(backend).await;
    let (c, base) = (&b.client, b.base.clone());
    let result: Result<(), fantoccini::error::CmdError> = async {
        c.goto(&format!("{base}/")).await?;
        assert!(c.source().await?.contains("Desa Kenanga"));
        c.find(Locator::LinkText("Masuk petugas"))
            .await?
            .click()
            .await?;
        c.find(Locator::Id("username"))
            .await?
            .send_keys("kades.kenanga")
            .await?;
        c.find(Locator::Id("password"))
            .await?
            .send_keys(PASSWORD)
            .await?;
        c.find(Locator::Css("form.form button[type=submit]"))
            .await?
            .click()
            .await?;
        wait_for_path(c, "/app").await?;
        let html = c.source().await?;
        assert!(
            html.contains("Dasbor") && html.contains("Carsono") && html.contains("Kenanga"),
            "dashboard: {html}"
        );
        b.shot("dashboard").await?;

        c.find(Locator::Css("form[action='/bahasa/en'] button"))
            .await?
            .click()
            .await?;
        c.wait()
            .for_element(Locator::Css("form[action='/bahasa/id'] button"))
            .await?;
        assert_eq!(c.current_url().await?.path(), "/app");
        let html = c.source().await?;
        assert!(
            html.contains("Dashboard") && html.contains("Village head"),
            "English dashboard"
        );

        c.find(Locator::Css("form[action='/keluar'] button"))
            .await?
            .click()
            .await?;
        wait_for_path(c, "/").await?;
        c.goto(&format!("{base}/app")).await?;
        assert_eq!(c.current_url().await?.path(), "/masuk", "logged out");
        b.shot("login").await?;
        Ok(())
    }
    .await;
    let app = b.finish(result).await;
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

/// A letter: the operator requests and sends it for signature → the village head approves and
/// signs → the PDF downloads → its QR address says "valid".
async fn letter_journey(backend: Backend) {
    let b = Browser::start(backend).await;
    let c = &b.client;
    let mut pdf = Vec::new();
    let result: Result<(), fantoccini::error::CmdError> = async {
        b.login("operator.kenanga").await?;
        c.goto(&format!("{}/app/surat", b.base)).await?;
        c.find(Locator::LinkText("Surat Keterangan Status Perkawinan"))
            .await?
            .click()
            .await?;
        c.find(Locator::Id("nik"))
            .await?
            .send_keys("3212164507980001")
            .await?;
        c.find(Locator::Id("f_marital_status"))
            .await?
            .send_keys("Kawin")
            .await?;
        c.find(Locator::Id("f_purpose"))
            .await?
            .send_keys("Persyaratan kerja ke Taiwan")
            .await?;
        c.find(Locator::Css("form.form button[type=submit]"))
            .await?
            .click()
            .await?;
        c.wait()
            .for_element(Locator::Css("input[name=to][value=in_review] ~ button"))
            .await?
            .click()
            .await?;
        c.wait()
            .for_element(Locator::Css(
                "input[name=to][value=awaiting_signature] ~ button",
            ))
            .await?
            .click()
            .await?;
        c.wait()
            .for_element(Locator::Css("input[name=to][value=in_review] ~ button"))
            .await?;
        let letter = c.current_url().await?;
        b.shot("letter-requested").await?;
        c.find(Locator::Css("form[action='/keluar'] button"))
            .await?
            .click()
            .await?;
        wait_for_path(c, "/").await?;

        b.login("kades.kenanga").await?;
        c.goto(letter.as_str()).await?;
        c.find(Locator::Css("form[action$='/tandatangan'] button"))
            .await?
            .click()
            .await?;
        let download = c
            .wait()
            .for_element(Locator::Css("a[href$='/pdf']"))
            .await?;
        let href = download.attr("href").await?.expect("a download link");
        let html = c.source().await?;
        assert!(html.contains("474.2/001/2004/"), "numbered: {html}");
        b.shot("letter-issued").await?;
        // The download, with the browser's own session.
        let session = c.get_named_cookie("dm_session").await?;
        let request = axum::http::Request::get(href)
            .header(axum::http::header::HOST, "localhost")
            .header(
                axum::http::header::COOKIE,
                format!("dm_session={}", session.value()),
            )
            .body(axum::body::Body::empty())
            .unwrap();
        let response = tower::ServiceExt::oneshot(b.app.router.clone(), request)
            .await
            .unwrap();
        assert_eq!(response.status(), axum::http::StatusCode::OK);
        pdf = http_body_util::BodyExt::collect(response.into_body())
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        // What the QR code holds, opened as a phone would.
        let verify = c
            .find(Locator::Css("a[href*='/v/']"))
            .await?
            .attr("href")
            .await?
            .expect("verification address");
        let path = verify
            .split_once("/v/")
            .map(|(_, code)| format!("/v/{code}"))
            .unwrap();
        c.goto(&format!("{}{path}", b.base)).await?;
        let html = c.source().await?;
        assert!(
            html.contains("SAH")
                && html.contains("Siti Aminah")
                && !html.contains("3212164507980001"),
            "{html}"
        );
        b.shot("letter-verified").await?;
        Ok(())
    }
    .await;
    b.finish(result).await;
    assert!(pdf.starts_with(b"%PDF"));
    let text = desmigratif_pdf::text(&pdf).unwrap();
    assert!(text.contains("Siti Aminah") && text.contains("3212164507980001"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn letter_journey_sqlite() {
    letter_journey(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn letter_journey_postgres() {
    letter_journey(Backend::Postgres).await;
}

/// At 360 px without logging in: check an agency (look-alike warning, then the real one's
/// status) → check a fee (verdict) → send a report → get a tracking code → track it.
async fn portal_journey(backend: Backend) {
    let b = Browser::start(backend).await;
    let c = &b.client;
    let result: Result<(), fantoccini::error::CmdError> = async {
        c.goto(&format!("{}/", b.base)).await?;
        c.find(Locator::Css("a[href='/agensi']")).await?.click().await?;
        wait_for_path(c, "/agensi").await?;
        c.find(Locator::Id("q")).await?.send_keys("PT Cahaya Lintas Samudera").await?;
        c.find(Locator::Css("form.search button[type=submit]")).await?.click().await?;
        let warning = c.wait().for_element(Locator::Id("mirip")).await?;
        assert!(warning.text().await?.contains("PT Cahaya Lintas Samudra"));
        b.shot("portal-agency-lookalike").await?;
        c.find(Locator::LinkText("PT Cahaya Lintas Samudra")).await?.click().await?;
        let status = c.wait().for_element(Locator::Css("p[role=status]")).await?;
        assert!(status.text().await?.contains("BERIZIN"));
        b.shot("portal-agency").await?;

        c.goto(&format!("{}/biaya", b.base)).await?;
        c.find(Locator::Css("#negara option[value=TW]")).await?.click().await?;
        c.find(Locator::Css("#jabatan option[value=pengasuh_lansia]")).await?.click().await?;
        c.find(Locator::Id("biaya_rupiah")).await?.send_keys("15.000.000").await?;
        c.find(Locator::Id("biaya_asing")).await?.send_keys("20000").await?;
        c.find(Locator::Css("form.form button[type=submit]")).await?.click().await?;
        let verdict = c.wait().for_element(Locator::Id("putusan")).await?;
        let text = verdict.text().await?;
        assert!(text.contains("MELEBIHI") && text.contains("Rp5.378.000"), "{text}");
        b.shot("portal-fee").await?;

        c.goto(&format!("{}/lapor", b.base)).await?;
        c.find(Locator::Css("input[name=kategori][value=penipuan]")).await?.click().await?;
        c.find(Locator::Css("#wilayah option[value='32.12.16.2004']")).await?.click().await?;
        c.find(Locator::Id("kejadian")).await?
            .send_keys("Ada pesan WhatsApp menawarkan bantuan Rp150 juta atas nama KP2MI, diminta transfer biaya admin.")
            .await?;
        // A person takes more than a few seconds to write a report; a bot does not.
        tokio::time::sleep(Duration::from_millis(3200)).await;
        c.find(Locator::Css("form.form button[type=submit]")).await?.click().await?;
        let code = c.wait().for_element(Locator::Id("kode")).await?.text().await?;
        assert_eq!(code.len(), 14, "{code}");
        b.shot("portal-report").await?;
        c.find(Locator::Css("#terkirim a")).await?.click().await?;
        let status = c.wait().for_element(Locator::Css("p[role=status]")).await?;
        assert!(status.text().await?.contains("Diterima"));
        // Nothing is wider than the phone.
        let wide: bool = c
            .execute("return document.documentElement.scrollWidth > window.innerWidth", vec![])
            .await?
            .as_bool()
            .unwrap_or(true);
        assert!(!wide, "the page scrolls sideways at 360 px");
        Ok(())
    }
    .await;
    let app = b.finish(result).await;
    assert_eq!(
        app.rows("public_reports").await,
        2,
        "the demo report and this one"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn portal_journey_sqlite() {
    portal_journey(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn portal_journey_postgres() {
    portal_journey(Backend::Postgres).await;
}

/// Waits (up to 10 s) until the element `id` reads `expected`: after a form posts, the old
/// page's element may still be there for a moment.
async fn wait_for_text(
    c: &fantoccini::Client,
    id: &str,
    expected: &str,
) -> Result<(), fantoccini::error::CmdError> {
    let mut last = String::new();
    for _ in 0..100 {
        if let Ok(e) = c.find(Locator::Id(id)).await
            && let Ok(t) = e.text().await
        {
            if t.contains(expected) {
                return Ok(());
            }
            last = t;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("#{id} never read «{expected}»; last «{last}»");
}

/// At 360 px: a public report → the case worker opens a case from it → refers it to the
/// kecamatan with the family's consent → the kecamatan accepts → the case worker records the
/// outcome.
async fn case_journey(backend: Backend) {
    let b = Browser::start(backend).await;
    let c = &b.client;
    let result: Result<(), fantoccini::error::CmdError> = async {
        c.goto(&format!("{}/lapor", b.base)).await?;
        c.find(Locator::Css(
            "input[name=kategori][value=masalah_luar_negeri]",
        ))
        .await?
        .click()
        .await?;
        c.find(Locator::Css("#wilayah option[value='32.12.16.2004']"))
            .await?
            .click()
            .await?;
        c.find(Locator::Id("kejadian"))
            .await?
            .send_keys(
                "Anak saya di Hong Kong tidak digaji tiga bulan dan paspornya ditahan majikan.",
            )
            .await?;
        tokio::time::sleep(Duration::from_millis(3200)).await;
        c.find(Locator::Css("form.form button[type=submit]"))
            .await?
            .click()
            .await?;
        c.wait().for_element(Locator::Id("kode")).await?;

        b.login("advokasi.kenanga").await?;
        c.goto(&format!("{}/app/laporan?status=received", b.base))
            .await?;
        c.find(Locator::Css("table a[href^='/app/laporan/']"))
            .await?
            .click()
            .await?;
        c.wait()
            .for_element(Locator::Css("a[href^='/app/kasus/baru']"))
            .await?
            .click()
            .await?;
        c.wait()
            .for_element(Locator::Css("#kategori option[value=gaji_tidak_dibayar]"))
            .await?
            .click()
            .await?;
        c.find(Locator::Id("nama_pekerja"))
            .await?
            .send_keys("Warsini (fiktif)")
            .await?;
        c.find(Locator::Css("form.form button[type=submit]"))
            .await?
            .click()
            .await?;
        c.wait().for_element(Locator::Id("status")).await?;
        let case = c.current_url().await?;
        b.shot("case-opened").await?;
        // Assessed first: a new case is not referred before someone has looked at it.
        c.find(Locator::Css("#ubah-status button"))
            .await?
            .click()
            .await?;
        wait_for_text(c, "status", "Dinilai").await?;
        c.find(Locator::XPath("//summary[contains(., 'Rujuk kasus')]"))
            .await?
            .click()
            .await?;
        c.find(Locator::Css("#tujuan option[value=kecamatan]"))
            .await?
            .click()
            .await?;
        c.find(Locator::Id("unit"))
            .await?
            .send_keys("Kecamatan Sindang")
            .await?;
        c.find(Locator::Css("input[name=persetujuan][value=keluarga]"))
            .await?
            .click()
            .await?;
        c.find(Locator::Id("nama_pemberi"))
            .await?
            .send_keys("Ibu pelapor")
            .await?;
        let today = crate::support::today();
        // A date input takes the digits in the browser's locale order (en-US: month, day, year).
        c.find(Locator::Id("tanggal_persetujuan"))
            .await?
            .send_keys(&today.format("%m%d%Y").to_string())
            .await?;
        c.find(Locator::Css("form[action$='/rujukan'] button[type=submit]"))
            .await?
            .click()
            .await?;
        wait_for_text(c, "status", "Dirujuk").await?;
        c.find(Locator::Css("form[action='/keluar'] button"))
            .await?
            .click()
            .await?;
        wait_for_path(c, "/").await?;

        b.login("kec.sindang").await?;
        c.goto(case.as_str()).await?;
        c.find(Locator::Css("input[name=status][value=accepted] ~ button"))
            .await?
            .click()
            .await?;
        let mut accepted = false;
        for _ in 0..100 {
            if c.source()
                .await?
                .contains("<span class=\"tag\">Diterima</span>")
            {
                accepted = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(accepted, "the referral shows as accepted");
        c.find(Locator::Css("form[action='/keluar'] button"))
            .await?
            .click()
            .await?;
        wait_for_path(c, "/").await?;

        b.login("advokasi.kenanga").await?;
        c.goto(case.as_str()).await?;
        c.find(Locator::XPath("//summary[contains(., 'Catat hasil')]"))
            .await?
            .click()
            .await?;
        c.find(Locator::Css("#hasil-jenis option[value=gaji_kembali]"))
            .await?
            .click()
            .await?;
        c.find(Locator::Id("jumlah"))
            .await?
            .send_keys("18.000.000")
            .await?;
        c.find(Locator::Id("tanggal"))
            .await?
            .send_keys(&today.format("%m%d%Y").to_string())
            .await?;
        c.find(Locator::Css("form[action$='/hasil'] button[type=submit]"))
            .await?
            .click()
            .await?;
        wait_for_text(c, "hasil", "Rp18.000.000").await?;
        b.shot("case-outcome").await?;
        Ok(())
    }
    .await;
    let app = b.finish(result).await;
    assert_eq!(app.rows("cases").await, 2, "the demo case and this one");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn case_journey_sqlite() {
    case_journey(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn case_journey_postgres() {
    case_journey(Backend::Postgres).await;
}

/// At 360 px: the pendamping opens a new learning session, ticks everyone on the phone's
/// attendance sheet, saves, and sees the village's attendance rate rise on the indicators page.
async fn learning_journey(backend: Backend) {
    let b = Browser::start(backend).await;
    let c = &b.client;
    let result: Result<(), fantoccini::error::CmdError> = async {
        b.login("pendamping.kenanga").await?;
        c.goto(&format!("{}/app/anak/indikator", b.base)).await?;
        // The demo: 8 of 12 expected attendances; Citra is out of school and missed all three.
        wait_for_text(c, "kehadiran", "67%").await?;
        wait_for_text(c, "berisiko", "1").await?;
        c.goto(&format!("{}/app/belajar", b.base)).await?;
        c.wait()
            .for_element(Locator::Css("a[href='/app/belajar/baru']"))
            .await?
            .click()
            .await?;
        c.wait()
            .for_element(Locator::Id("kegiatan"))
            .await?
            .send_keys("Membaca nyaring")
            .await?;
        c.find(Locator::Css("form.form button[type=submit]"))
            .await?
            .click()
            .await?;
        c.wait().for_element(Locator::Id("absen")).await?;
        let boxes = c
            .find_all(Locator::Css("#absen input[type=checkbox][name=hadir]"))
            .await?;
        assert_eq!(boxes.len(), 4, "the four children with consent");
        for tick in boxes {
            tick.click().await?;
        }
        b.shot("learning-attendance").await?;
        c.find(Locator::Css("#absen button[type=submit]"))
            .await?
            .click()
            .await?;
        wait_for_text(c, "tersimpan", "4/4").await?;
        let wide: bool = c
            .execute(
                "return document.documentElement.scrollWidth > window.innerWidth",
                vec![],
            )
            .await?
            .as_bool()
            .unwrap_or(true);
        assert!(!wide, "the attendance sheet scrolls sideways at 360 px");
        c.goto(&format!("{}/app/anak/indikator", b.base)).await?;
        // 12 of 16: the rate rises; Citra came, but she is still out of school.
        wait_for_text(c, "kehadiran", "75%").await?;
        wait_for_text(c, "berisiko", "1").await?;
        b.shot("learning-indicators").await?;
        Ok(())
    }
    .await;
    let app = b.finish(result).await;
    assert_eq!(
        app.rows("learning_sessions").await,
        6,
        "five demo sessions and this one"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn learning_journey_sqlite() {
    learning_journey(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn learning_journey_postgres() {
    learning_journey(Backend::Postgres).await;
}

/// Waits for the field `id`, types `text` into it and sends the form `form` (a CSS selector).
async fn type_and_send(
    c: &fantoccini::Client,
    id: &str,
    text: &str,
    form: &str,
) -> Result<(), fantoccini::error::CmdError> {
    c.wait()
        .for_element(Locator::Id(id))
        .await?
        .send_keys(text)
        .await?;
    submit(c, &format!("{form} button[type=submit]")).await
}

/// Clicks the button `css` and waits (up to 10 s) until the browser shows the page the post
/// answered with. Most pages post back to themselves, so waiting for an element alone can
/// find the old page's copy of it and go stale under it.
async fn submit(c: &fantoccini::Client, css: &str) -> Result<(), fantoccini::error::CmdError> {
    c.execute("window.__before_submit = true", vec![]).await?;
    c.find(Locator::Css(css)).await?.click().await?;
    for _ in 0..100 {
        // A script may fail while the next document is being swapped in: that is waiting too.
        if let Ok(v) = c
            .execute(
                "return window.__before_submit !== true && document.readyState === 'complete'",
                vec![],
            )
            .await
            && v.as_bool() == Some(true)
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the page did not change after clicking {css}");
}

/// At 360 px, the cooperative's day: the treasurer registers a villager, takes a deposit and a
/// loan application; the chair approves and disburses it and takes the first instalment; the
/// trial balance still balances.
async fn coop_journey(backend: Backend) {
    let b = Browser::start(backend).await;
    let c = &b.client;
    let loan_path = std::sync::Mutex::new(String::new());
    crate::support::new_villager(&b.app, "Darsih Sumarni", 72).await;
    let result: Result<(), fantoccini::error::CmdError> = async {
        b.login("bendahara.kenanga").await?;
        c.goto(&format!("{}/app/koperasi/anggota", b.base)).await?;
        let search = c.wait().for_element(Locator::Id("cari")).await?;
        search.send_keys("darsih").await?;
        c.find(Locator::Css("#cari ~ button"))
            .await?
            .click()
            .await?;
        let choice = c
            .wait()
            .for_element(Locator::Css(
                "form[action='/app/koperasi/anggota'][method=post] input[name=orang]",
            ))
            .await?;
        choice.click().await?;
        c.find(Locator::Id("nomor"))
            .await?
            .send_keys("KKN-0777")
            .await?;
        b.shot("coop-join").await?;
        submit(
            c,
            "form[action='/app/koperasi/anggota'][method=post] button[type=submit]",
        )
        .await?;
        type_and_send(c, "jumlah", "200.000", "form[action$='/simpanan']").await?;
        c.wait()
            .for_element(Locator::Id("pinjam"))
            .await?
            .send_keys("600.000")
            .await?;
        c.find(Locator::Id("tenor")).await?.send_keys("6").await?;
        c.find(Locator::Id("keperluan"))
            .await?
            .send_keys("Modal jualan pulsa")
            .await?;
        // The consumer loan: the product list starts with the productive one.
        c.find(Locator::Css("#produk option[value=KONSUMTIF]"))
            .await?
            .click()
            .await?;
        submit(c, "form[action$='/pinjaman'] button[type=submit]").await?;
        c.wait()
            .for_element(Locator::Css("form[action$='/putusan']"))
            .await?;
        *loan_path.lock().unwrap() = c.current_url().await?.path().to_owned();
        b.shot("coop-loan-applied").await?;
        // The chair approves: maker-checker.
        c.delete_all_cookies().await?;
        b.login("ketua.kenanga").await?;
        let loan = loan_path.lock().unwrap().clone();
        c.goto(&format!("{}{loan}", b.base)).await?;
        c.wait()
            .for_element(Locator::Css("button[name=putusan][value=setuju]"))
            .await?;
        submit(c, "button[name=putusan][value=setuju]").await?;
        c.wait()
            .for_element(Locator::Css("form[action$='/cair'] button[type=submit]"))
            .await?;
        submit(c, "form[action$='/cair'] button[type=submit]").await?;
        type_and_send(c, "jumlah", "110.000", "form[action$='/angsuran']").await?;
        c.wait()
            .for_element(Locator::Css("form[action$='/angsuran']"))
            .await?;
        let wide: bool = c
            .execute(
                "return document.documentElement.scrollWidth > window.innerWidth",
                vec![],
            )
            .await?
            .as_bool()
            .unwrap_or(true);
        assert!(!wide, "the loan page scrolls sideways at 360 px");
        b.shot("coop-loan-repaid").await?;
        c.goto(&format!("{}/app/koperasi/pembukuan", b.base))
            .await?;
        wait_for_text(c, "balanced", "Seimbang").await?;
        b.shot("coop-books").await?;
        Ok(())
    }
    .await;
    let app = b.finish(result).await;
    let loan_id: desmigratif_core::id::Id = loan_path
        .lock()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .expect("the loan page's id");
    let repaid = desmigratif_db::coop::repayments(&app.db, loan_id)
        .await
        .unwrap();
    assert_eq!(repaid.len(), 1, "one instalment received");
    assert_eq!(repaid[0].amount, 110_000);
    let t = desmigratif_db::coop::trial_balance(
        &app.db,
        desmigratif_db::demo::KENANGA,
        crate::support::today(),
    )
    .await
    .unwrap();
    assert_eq!(t.debit, t.credit);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn coop_journey_sqlite() {
    coop_journey(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn coop_journey_postgres() {
    coop_journey(Backend::Postgres).await;
}
