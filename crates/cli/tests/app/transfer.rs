//! Spreadsheet import and export: a file with a few bad rows among many, in each mode; XLSX
//! files and the templates; exports masked by default, scoped and audited; the command line
//! import — the router stories on SQLite and PostgreSQL.

use crate::support::{KEYS, PASSWORD, Resp, Session, TestApp, fetch};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use desmigratif_db::audit::Outcome;
use desmigratif_db::transfer::{EPISODE_COLUMNS, PERSON_COLUMNS};

const KENANGA: &str = "32.12.16.2004";
const KURIPAN: &str = "33.07.10.2004";

fn headers() -> Vec<&'static str> {
    PERSON_COLUMNS
        .iter()
        .chain(EPISODE_COLUMNS.iter())
        .copied()
        .collect()
}

/// Person `i` (1-based) of the big file: a man of Kecamatan Sindang whose birth date, and so
/// NIK, varies with `i`; every tenth also leaves for Taiwan.
fn big_row(i: u32) -> Vec<String> {
    let (day, month) = (1 + i % 28, 1 + i % 12);
    let episode = i.is_multiple_of(10);
    let e = |s: &str| if episode { s.to_owned() } else { String::new() };
    vec![
        format!("321216{day:02}{month:02}90{i:04}"),
        format!("Warga Uji {i}"),
        "L".into(),
        "Indramayu".into(),
        format!("1990-{month:02}-{day:02}"),
        "Blok Uji".into(),
        (1 + i % 9).to_string(),
        "1".into(),
        String::new(),
        String::new(),
        "SMA".into(),
        "Belum Kawin".into(),
        String::new(),
        String::new(),
        String::new(),
        e("TW"),
        e("pengasuh_lansia"),
        String::new(),
        e("PT Uji Penempatan"),
        e("p3mi"),
        e("ya"),
        String::new(),
        e("2027-01-01"),
        e("2029-12-31"),
    ]
}

fn col(name: &str) -> usize {
    headers().iter().position(|h| *h == name).unwrap()
}

/// The 1,000-row file with exactly five bad rows; returns it and the NIK of row 1,000.
fn big_file() -> (Vec<Vec<String>>, String) {
    let mut rows: Vec<Vec<String>> = (1..=1000).map(big_row).collect();
    rows[16][col("nik")] = "32121601019".into(); // file row 18: too short
    rows[249][col("nama")] = String::new(); // file row 251: no name
    rows[400][col("tanggal_lahir")] = "31-02-1990".into(); // file row 402: no such date
    let r = &mut rows[665]; // file row 667: unknown country
    for (c, v) in [
        ("negara_tujuan", "XX"),
        ("jabatan", "pengasuh_lansia"),
        ("jalur", "p3mi"),
        ("prosedural", "ya"),
    ] {
        r[col(c)] = v.into();
    }
    // File row 1,000 is someone registered before the import (see the story).
    let registered = rows[998][col("nik")].clone();
    (rows, registered)
}

/// CSV as Indonesian Excel saves it: `;` between cells, a BOM in front.
fn semicolon_csv(rows: &[Vec<String>]) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    out.push_str(&headers().join(";"));
    out.push_str("\r\n");
    for r in rows {
        out.push_str(&r.join(";"));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

fn multipart(village: &str, mode: &str, file_name: &str, file: &[u8]) -> (String, Vec<u8>) {
    let boundary = "batasimpordesmigratif";
    let mut body = Vec::new();
    for (name, value) in [("desa", village), ("mode", mode)] {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"berkas\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(
    app: &TestApp,
    who: &Session,
    village: &str,
    mode: &str,
    file_name: &str,
    file: &[u8],
) -> Resp {
    let (ctype, body) = multipart(village, mode, file_name, file);
    app.send(
        Request::post(format!("/app/impor?_csrf={}", who.csrf))
            .header(header::HOST, "localhost")
            .header(header::COOKIE, who.cookie())
            .header(header::CONTENT_TYPE, ctype)
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

/// A download as bytes (the support helper reads bodies as text).

async fn sheet(app: &TestApp, who: &Session, path: &str) -> desmigratif_docs::Sheet {
    let (status, headers, bytes) = fetch(app, who, path).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{path}: {}",
        String::from_utf8_lossy(&bytes)
    );
    assert_eq!(headers["cache-control"], "no-store");
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment;")
    );
    desmigratif_docs::read(&bytes, path).unwrap()
}

fn cell<'a>(s: &'a desmigratif_docs::Sheet, row: &'a [String], name: &str) -> &'a str {
    &row[s
        .headers
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name}"))]
}

async fn persons(app: &TestApp) -> i64 {
    desmigratif_db::on_pool!(&app.db, p => sqlx::query_scalar("SELECT COUNT(*) FROM persons").fetch_one(p).await).unwrap()
}

async fn episodes(app: &TestApp) -> i64 {
    desmigratif_db::on_pool!(&app.db, p => sqlx::query_scalar("SELECT COUNT(*) FROM episodes").fetch_one(p).await).unwrap()
}

async fn last_detail(app: &TestApp, action: &str) -> String {
    desmigratif_db::on_pool!(&app.db, p => sqlx::query_scalar("SELECT detail FROM audit_log WHERE action = $1 ORDER BY seq DESC LIMIT 1")
        .bind(action).fetch_one(p).await)
    .unwrap()
}

/// `(row, column)` of each line in the report's error table.
fn reported_errors(page: &str) -> Vec<(usize, String)> {
    let Some(start) = page.find("id=\"kesalahan\"") else {
        return Vec::new();
    };
    let table = &page[start..start + page[start..].find("</table>").unwrap()];
    let re =
        regex_lite::Regex::new(r#"<tr><td class="num">(\d+)</td><td class="mono">([^<]*)</td>"#)
            .unwrap();
    re.captures_iter(table)
        .map(|c| (c[1].parse().unwrap(), c[2].to_owned()))
        .collect()
}

fn count_shown(page: &str, key_text: &str) -> i64 {
    let re = regex_lite::Regex::new(&format!(
        r#"<th scope="row">{}</th><td class="num">(\d+)</td>"#,
        regex_lite::escape(key_text)
    ))
    .unwrap();
    re.captures(page)
        .unwrap_or_else(|| panic!("no «{key_text}» in the report"))[1]
        .parse()
        .unwrap()
}

both! {
    async fn five_bad_rows_among_a_thousand_in_each_mode(app) {
        let op = app.login("operator.kenanga", PASSWORD).await;
        let (rows, registered) = big_file();
        // Row 1,000's person is already registered (through the form).
        let r = app.post("/app/penduduk", &op, &[
            ("desa", KENANGA), ("nik", &registered), ("name", "Warga Uji 999"), ("sex", "L"), ("birth_date", "1990-04-20"),
        ]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let file = semicolon_csv(&rows);
        let expected: Vec<(usize, String)> =
            [(18, "nik"), (251, "nama"), (402, "tanggal_lahir"), (667, "negara_tujuan"), (1000, "nik")].iter().map(|(r, c)| (*r, c.to_string())).collect();
        let (persons0, episodes0) = (persons(&app).await, episodes(&app).await);

        // Dry run: the five are reported, nothing is written.
        let page = app.get("/app/impor", Some(&op)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("value=\"dry-run\" checked"), "dry run is the default");
        let dry = upload(&app, &op, KENANGA, "dry-run", "warga.csv", &file).await;
        assert_eq!(dry.status, StatusCode::OK, "{}", dry.body);
        assert_eq!(reported_errors(&dry.body), expected);
        assert!(dry.body.contains("NIK harus 16 digit") && dry.body.contains("nama wajib diisi") && dry.body.contains("«XX» tidak dikenal")
            && dry.body.contains("sudah terdaftar"), "reasons in Indonesian");
        assert_eq!((count_shown(&dry.body, "Baris data"), count_shown(&dry.body, "Baris benar"), count_shown(&dry.body, "Baris bermasalah")), (1000, 995, 5));
        assert!(!dry.body.contains("id=\"catatan\""), "no warnings: every NIK agrees with its row");
        assert!(dry.body.contains("Belum ada yang disimpan"));
        assert_eq!(persons(&app).await, persons0);

        // All or nothing: nothing.
        let all = upload(&app, &op, KENANGA, "all-or-nothing", "warga.csv", &file).await;
        assert_eq!(all.status, StatusCode::OK);
        assert_eq!(reported_errors(&all.body), expected);
        assert!(all.body.contains("Tidak ada yang disimpan"));
        assert_eq!((persons(&app).await, episodes(&app).await), (persons0, episodes0));
        assert_eq!(app.audit_count("person.import", Outcome::Failed).await, 2, "both refusals are audited");

        // Valid rows only: 995 people, and the 99 valid rows that name a destination open an episode.
        let creates = app.audit_count("person.create", Outcome::Ok).await;
        let valid = upload(&app, &op, KENANGA, "valid-only", "warga.csv", &file).await;
        assert_eq!(valid.status, StatusCode::OK);
        assert_eq!(reported_errors(&valid.body), expected);
        assert!(valid.body.contains("Data tersimpan"));
        assert_eq!(persons(&app).await, persons0 + 995);
        assert_eq!(episodes(&app).await, episodes0 + 99);
        assert_eq!(app.audit_count("person.create", Outcome::Ok).await, creates + 995, "each person audited as if typed in");
        assert_eq!(app.audit_count("person.import", Outcome::Ok).await, 1);
        assert!(last_detail(&app, "person.import").await.contains("persons_written=995 episodes_written=99"));
        // What was stored is what the form would store: codes normalised, NIK sealed, right village.
        let (found, _) = desmigratif_db::registry::search_persons(&app.db, &desmigratif_db::registry::PersonFilter {
            scope: KENANGA.into(), name_key: desmigratif_core::text::name_key("Warga Uji 10"), limit: 10, ..Default::default()
        }).await.unwrap();
        let ten = found.iter().find(|p| p.name == "Warga Uji 10").expect("row 11 imported");
        let p = desmigratif_db::registry::person(&app.db, ten.id).await.unwrap().unwrap();
        assert_eq!((p.village_code.as_str(), p.education.as_str(), p.marital_status.as_str(), p.rt.as_str()), (KENANGA, "sma", "belum_kawin", "002"));
        assert_eq!(ten.destination.as_deref(), Some("TW"));
        assert!(!p.nik_enc.contains(&big_row(10)[0]));
        assert!(desmigratif_db::audit::verify(&app.db, &KEYS).await.unwrap().is_ok());

        // The same file again: every row is now a duplicate or was bad, and nothing changes.
        let again = upload(&app, &op, KENANGA, "valid-only", "warga.csv", &file).await;
        assert_eq!(count_shown(&again.body, "Baris benar"), 0);
        assert_eq!(persons(&app).await, persons0 + 995);
    }

    async fn xlsx_files_and_the_templates_import(app) {
        let op = app.login("operator.kenanga", PASSWORD).await;
        // The templates carry the columns and an example row with the NIK as text.
        let t = sheet(&app, &op, "/app/impor/templat.xlsx").await;
        assert_eq!(t.headers, headers());
        assert_eq!(cell(&t, &t.rows[0].1, "nik"), "3212164507980001");
        let c = sheet(&app, &op, "/app/impor/templat.csv").await;
        assert_eq!((c.headers.clone(), c.rows.clone()), (t.headers.clone(), t.rows.clone()));
        // The example is Siti Aminah of the demo, so importing it as-is is refused as a duplicate.
        let (_, _, template) = fetch(&app, &op, "/app/impor/templat.xlsx").await;
        let dup = upload(&app, &op, KENANGA, "dry-run", "templat-impor-penduduk.xlsx", &template).await;
        assert_eq!(reported_errors(&dup.body), [(2, "nik".to_owned())]);

        // A workbook written by the export code imports, episodes included.
        let mut rows = vec![big_row(2), big_row(30)];
        rows[0][col("nama")] = "Dasirah Xlsx".into();
        rows[1][col("nama")] = "Karsim Xlsx".into();
        let extra = vec!["Nomor"]; // an unknown column is reported once and ignored
        let mut hs = headers();
        hs.extend(extra);
        for r in &mut rows {
            r.push("1".into());
        }
        let text: Vec<usize> = vec![col("nik"), col("telepon")];
        let book = desmigratif_docs::write_xlsx("Warga", &hs, rows.into_iter(), &text);
        let (p0, e0) = (persons(&app).await, episodes(&app).await);
        let r = upload(&app, &op, KENANGA, "all-or-nothing", "warga.xlsx", &book).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(reported_errors(&r.body).is_empty(), "{}", r.body);
        assert!(r.body.contains("Data tersimpan"));
        assert_eq!(r.body.matches("kolom «Nomor» tidak dikenal").count(), 1, "reported once, not per row");
        assert_eq!((persons(&app).await, episodes(&app).await), (p0 + 2, e0 + 1));
        let list = app.get("/app/penduduk?q=xlsx", Some(&op)).await;
        assert!(list.body.contains("Dasirah Xlsx") && list.body.contains("Karsim Xlsx"));

        // Uploads past axum's default 2 MB body limit are accepted (up to 10 MB).
        let mut big = b"nik;nama;jenis_kelamin;tanggal_lahir;catatan\n3212160101900001;Tono;L;1990-01-01;".to_vec();
        big.extend(std::iter::repeat_n(b'x', 3 * 1024 * 1024));
        big.push(b'\n');
        let r = upload(&app, &op, KENANGA, "dry-run", "besar.csv", &big).await;
        assert_eq!(r.status, StatusCode::OK, "{}", &r.body[..r.body.len().min(500)]);
        assert_eq!(count_shown(&r.body, "Baris benar"), 1);

        // Files that are no spreadsheet, and a missing required column, are explained.
        let pdf = upload(&app, &op, KENANGA, "dry-run", "scan.pdf", b"%PDF-1.4\x00\x01").await;
        assert_eq!(pdf.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(pdf.body.contains("bukan lembar kerja"));
        let missing = upload(&app, &op, KENANGA, "dry-run", "kurang.csv", b"nik,nama\n3212160101900001,Tono\n").await;
        assert!(missing.body.contains("kolom wajib «jenis_kelamin»") && missing.body.contains("kolom wajib «tanggal_lahir»"));
        // A NIK that Excel has already rounded is named as such, not guessed.
        let rounded = upload(&app, &op, KENANGA, "dry-run", "bulat.csv", b"nik;nama;jenis_kelamin;tanggal_lahir\n3,21216E+15;Tono;L;1990-01-01\n").await;
        assert_eq!(reported_errors(&rounded.body), [(2, "nik".to_owned())]);
        assert!(rounded.body.contains("Excel sudah membulatkannya"));
    }

    async fn exports_are_masked_scoped_and_audited(app) {
        // Someone in Kuripan first: Kenanga must never see them.
        let kuripan = app.login("operator.kuripan", PASSWORD).await;
        let r = app.post("/app/penduduk", &kuripan, &[
            ("desa", KURIPAN), ("nik", "3307101708960099"), ("name", "Wahyu Kuripan"), ("sex", "L"), ("birth_date", "1996-08-17"),
        ]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

        let op = app.login("operator.kenanga", PASSWORD).await;
        let masked = sheet(&app, &op, "/app/ekspor/penduduk.csv").await;
        assert!(!masked.rows.is_empty());
        assert!(masked.rows.iter().all(|(_, r)| cell(&masked, r, "kode_desa") == KENANGA), "only Kenanga");
        assert!(!masked.rows.iter().any(|(_, r)| cell(&masked, r, "nama") == "Wahyu Kuripan" || cell(&masked, r, "nama") == "Sri Wahyuni"));
        let siti = masked.rows.iter().find(|(_, r)| cell(&masked, r, "nama") == "Siti Aminah").expect("demo villager").1.clone();
        assert_eq!(cell(&masked, &siti, "nik"), "321216••••••••••", "masked: region digits only, no serial");
        assert!(cell(&masked, &siti, "nomor_paspor").starts_with('…'));
        assert!(masked.rows.iter().all(|(_, r)| cell(&masked, r, "nik").ends_with("••••••••••") && cell(&masked, r, "nik").chars().filter(char::is_ascii_digit).count() <= 6), "no full NIK nor serial unless asked");
        assert_eq!(app.audit_count("person.export", Outcome::Ok).await, 1);
        let detail = last_detail(&app, "person.export").await;
        assert_eq!(detail, format!("format=csv nik=tersamar rows={} filters=", masked.rows.len()));

        // Full numbers on request, in a workbook whose NIK cells are text.
        let full = sheet(&app, &op, "/app/ekspor/penduduk.xlsx?nik=lengkap").await;
        assert!(full.problems.is_empty(), "{:?}", full.problems);
        let siti = full.rows.iter().find(|(_, r)| cell(&full, r, "nama") == "Siti Aminah").unwrap().1.clone();
        assert_eq!(cell(&full, &siti, "nik"), "3212164507980001");
        assert_eq!(cell(&full, &siti, "nomor_paspor"), "E5207311");
        assert_eq!(cell(&full, &siti, "tahap_terakhir"), "working");
        assert_eq!(app.audit_count("person.export", Outcome::Ok).await, 2);
        assert!(last_detail(&app, "person.export").await.starts_with("format=xlsx nik=lengkap rows="));

        // The person list's filters apply.
        let working = sheet(&app, &op, "/app/ekspor/penduduk.csv?tahap=working&negara=TW").await;
        let names: Vec<&str> = working.rows.iter().map(|(_, r)| cell(&working, r, "nama")).collect();
        assert_eq!(names, ["Siti Aminah"]);
        assert!(last_detail(&app, "person.export").await.ends_with("filters=tahap,negara"));
        let list = app.get("/app/penduduk", Some(&op)).await;
        assert!(list.body.contains("formaction=\"/app/ekspor/penduduk.csv\"") && list.body.contains("href=\"/app/impor\""));

        // Episodes: Kenanga's only, audited.
        let eps = sheet(&app, &op, "/app/ekspor/migrasi.csv").await;
        assert!(!eps.rows.is_empty());
        assert!(eps.rows.iter().all(|(_, r)| cell(&eps, r, "kode_desa") == KENANGA && cell(&eps, r, "nik") == "321216••••••••••"), "masked: region digits only");
        assert!(eps.rows.iter().any(|(_, r)| cell(&eps, r, "nama") == "Siti Aminah" && cell(&eps, r, "negara_tujuan") == "TW"));
        assert_eq!(app.audit_count("episode.export", Outcome::Ok).await, 1);
        let (status, headers, _) = fetch(&app, &op, "/app/ekspor/migrasi.xlsx?nik=lengkap").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        assert!(last_detail(&app, "episode.export").await.starts_with("format=xlsx nik=lengkap"));

        // The district of Wonosobo exports Kuripan, Wahyu included, once granted the registry.
        let kab = app.login("kab.wonosobo", PASSWORD).await;
        assert_eq!(fetch(&app, &kab, "/app/ekspor/penduduk.csv").await.0, StatusCode::FORBIDDEN);
        app.grant("kab.wonosobo", "registry").await;
        let wonosobo = sheet(&app, &kab, "/app/ekspor/penduduk.csv").await;
        assert!(wonosobo.rows.iter().any(|(_, r)| cell(&wonosobo, r, "nama") == "Wahyu Kuripan"));
        assert!(wonosobo.rows.iter().all(|(_, r)| cell(&wonosobo, r, "kode_desa") == KURIPAN));

        // Kenanga cannot import into Kuripan: refused, audited, nothing written.
        let before = (app.audit_count("access.denied", Outcome::Denied).await, persons(&app).await);
        let file = semicolon_csv(&[big_row(5)]);
        let denied = upload(&app, &op, KURIPAN, "valid-only", "susup.csv", &file).await;
        assert_eq!(denied.status, StatusCode::FORBIDDEN);
        assert_eq!((app.audit_count("access.denied", Outcome::Denied).await, persons(&app).await), (before.0 + 1, before.1));
        assert!(last_detail(&app, "access.denied").await.contains("person.import"));
        // Without the CSRF token in the address the upload is refused too.
        let (ctype, body) = multipart(KENANGA, "valid-only", "tanpa-token.csv", &file);
        let no_csrf = app.send(Request::post("/app/impor").header(header::HOST, "localhost").header(header::COOKIE, op.cookie())
            .header(header::CONTENT_TYPE, ctype).body(Body::from(body)).unwrap()).await;
        assert_eq!(no_csrf.status, StatusCode::FORBIDDEN);
        assert_eq!(persons(&app).await, before.1);
        // A treasurer has no registry to import into or export from.
        let treasurer = app.login("bendahara.kenanga", PASSWORD).await;
        assert_eq!(app.get("/app/impor", Some(&treasurer)).await.status, StatusCode::FORBIDDEN);
        assert_eq!(fetch(&app, &treasurer, "/app/ekspor/penduduk.csv").await.0, StatusCode::FORBIDDEN);
    }
}

/// The command line: dry run and all-or-nothing write nothing and exit 1 on a file with a bad
/// row; valid-only writes the rest.
#[test]
fn the_command_line_imports_with_the_same_checks() {
    use std::process::Command;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let run = |args: &[&str]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_desmigratif"));
        for var in [
            "DESMIGRATIF_DATABASE_URL",
            "DESMIGRATIF_DATA_DIR",
            "DESMIGRATIF_KEY",
            "DESMIGRATIF_KEY_FILE",
        ] {
            c.env_remove(var);
        }
        let out = c.arg("--data-dir").arg(data).args(args).output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    assert_eq!(run(&["migrate"]).0, Some(0));
    assert_eq!(run(&["village", "add", KENANGA]).0, Some(0));
    let file = dir.path().join("warga.csv");
    let mut rows = vec![big_row(1), big_row(10), big_row(3)];
    rows[2][col("nik")] = "3212160304901234567".into(); // file row 4
    std::fs::write(&file, semicolon_csv(&rows)).unwrap();
    let file = file.to_str().unwrap();
    let count = || {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let url = desmigratif_db::default_sqlite_url(std::path::Path::new(data));
            let db = desmigratif_db::Db::connect(desmigratif_db::ConnectOptions { url: &url, create: false, max_connections: 1 }).await.unwrap();
            let n: i64 = desmigratif_db::on_pool!(&db, p => sqlx::query_scalar("SELECT COUNT(*) FROM persons").fetch_one(p).await).unwrap();
            db.close().await;
            n
        })
    };

    let (code, out, err) = run(&["import", file, "--village", KENANGA]);
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(
        out.contains("cara: dry-run") && out.contains("baris data: 3, benar: 2, bermasalah: 1"),
        "{out}"
    );
    assert!(
        out.contains("baris 4, kolom nik: NIK harus 16 digit"),
        "{out}"
    );
    assert!(
        err.contains("1 baris bermasalah; tidak ada yang disimpan"),
        "{err}"
    );
    assert_eq!(count(), 0);

    let (code, out, _) = run(&[
        "import",
        file,
        "--village",
        KENANGA,
        "--mode",
        "all-or-nothing",
    ]);
    assert_eq!(code, Some(1));
    assert!(out.contains("tersimpan: 0 penduduk"), "{out}");
    assert_eq!(count(), 0);

    let (code, out, err) = run(&["import", file, "--village", KENANGA, "--mode", "valid-only"]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(
        out.contains("tersimpan: 2 penduduk, 1 episode migrasi"),
        "{out}"
    );
    assert_eq!(count(), 2);

    let (code, _, err) = run(&["import", file, "--village", KURIPAN]);
    assert_eq!(code, Some(1));
    assert!(
        err.contains("tidak dilayani") && err.contains("village add 33.07.10.2004"),
        "{err}"
    );
    let (code, _, err) = run(&["import", file, "--village", KENANGA, "--mode", "semua"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("--mode «semua» tidak dikenal"), "{err}");
    let (code, out, _) = run(&["audit", "verify"]);
    assert_eq!(code, Some(0), "{out}");
}

both! {
    async fn a_workbook_with_a_cell_at_xfd1048576_is_refused_by_both_imports(app) {
        // 2 KB: a header at A1 and one cell at XFD1048576, no <dimension>; once a server abort.
        let far = desmigratif_docs::testing::workbook(&[("A1", "nik"), ("XFD1048576", "x")], None);
        let wide = desmigratif_docs::testing::workbook(&[("A1", "nama"), ("GR1048576", "x")], Some("A1:XFD1048576"));
        let op = app.login("operator.kenanga", PASSWORD).await;
        let before = persons(&app).await;
        for (name, file) in [("jauh.xlsx", &far), ("luas.xlsx", &wide)] {
            let r = upload(&app, &op, KENANGA, "all-or-nothing", name, file).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}: {}", r.body);
            assert!(r.body.contains("kolom") || r.body.contains("terlalu luas"), "{name}: {}", r.body);
        }
        assert_eq!(persons(&app).await, before, "nothing written");
        let pusat = app.login("pusat", PASSWORD).await;
        let agencies = app.rows("agencies").await;
        for (name, file) in [("jauh.xlsx", &far), ("luas.xlsx", &wide)] {
            let boundary = "xXbatasXx";
            let mut body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"mode\"\r\n\r\nall-or-nothing\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"berkas\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").into_bytes();
            body.extend_from_slice(file);
            body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
            let r = app.send(Request::post(format!("/app/agensi/impor?_csrf={}", pusat.csrf))
                .header(header::HOST, "localhost")
                .header(header::COOKIE, pusat.cookie())
                .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
                .body(Body::from(body))
                .unwrap()).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}: {}", r.body);
            assert!(r.body.contains("kolom") || r.body.contains("terlalu luas"), "{name}: {}", r.body);
        }
        assert_eq!(app.rows("agencies").await, agencies, "nothing written");
        // The server still answers.
        assert_eq!(app.get("/app/agensi/impor/templat.csv", Some(&pusat)).await.status, StatusCode::OK);
    }
}
