//! The village product catalogue, each story on SQLite and PostgreSQL: the public catalogue shows
//! only published products of the village within the page budget; photo uploads come out
//! shrunk and without metadata, bad ones are refused with nothing stored; visitors' questions
//! are logged and throttled; and staff of another village or without the business compartment
//! are refused and audited, on pages and on the API.

use crate::support::{PASSWORD, Resp, Session, TestApp, form_stamp as stamp};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use desmigratif_db::audit::Outcome;

const KENANGA: &str = "32.12.16.2004";

/// Ids of the products on a staff list page.
fn product_ids(body: &str) -> Vec<String> {
    let re = regex_lite::Regex::new(r#"href="/app/produk/([0-9a-f-]{36})""#).unwrap();
    re.captures_iter(body).map(|c| c[1].to_owned()).collect()
}

/// The first product id of the staff list whose row names `name`.
fn id_of(body: &str, name: &str) -> String {
    let re = regex_lite::Regex::new(&format!(r#"href="/app/produk/([0-9a-f-]{{36}})">{name}<"#))
        .unwrap();
    re.captures(body)
        .unwrap_or_else(|| panic!("{name} not listed"))[1]
        .to_owned()
}

/// Width and height from a JPEG's frame header.
fn jpeg_size(jpeg: &[u8]) -> (u32, u32) {
    let mut i = 2;
    while i + 9 < jpeg.len() {
        assert_eq!(jpeg[i], 0xFF, "segment marker");
        let m = jpeg[i + 1];
        if (0xC0..=0xC2).contains(&m) {
            let h = u16::from_be_bytes([jpeg[i + 5], jpeg[i + 6]]) as u32;
            let w = u16::from_be_bytes([jpeg[i + 7], jpeg[i + 8]]) as u32;
            return (w, h);
        }
        i += 2 + u16::from_be_bytes([jpeg[i + 2], jpeg[i + 3]]) as usize;
    }
    panic!("no frame header")
}

fn has(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// A camera JPEG with an APP1 Exif segment holding a GPS position and the camera's make.
fn camera_jpeg(w: u32, h: u32) -> Vec<u8> {
    let plain = desmigratif_core::photo::demo_upload(3, w, h);
    // Big-endian TIFF: IFD0 with Make (ASCII, at 38) and the GPS IFD pointer (at 48); the GPS
    // IFD holds GPSLatitudeRef "S".
    let mut tiff: Vec<u8> = b"MM\x00\x2a\x00\x00\x00\x08".to_vec();
    tiff.extend([0, 2]);
    tiff.extend([0x01, 0x0F, 0, 2, 0, 0, 0, 10, 0, 0, 0, 38]);
    tiff.extend([0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 48]);
    tiff.extend([0, 0, 0, 0]);
    tiff.extend(b"KameraHP\x00\x00");
    tiff.extend([0, 1]);
    tiff.extend([0x00, 0x01, 0, 2, 0, 0, 0, 2, b'S', 0, 0, 0]);
    tiff.extend([0, 0, 0, 0]);
    let mut app1 = b"Exif\x00\x00".to_vec();
    app1.extend(&tiff);
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
    out.extend(((app1.len() + 2) as u16).to_be_bytes());
    out.extend(&app1);
    out.extend(&plain[2..]);
    out
}

async fn upload(app: &TestApp, who: &Session, id: &str, file: &[u8]) -> Resp {
    let boundary = "batasfotoproduk";
    let mut body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"foto\"; filename=\"foto.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n").into_bytes();
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    app.send(
        Request::post(format!("/app/produk/{id}/foto?_csrf={}", who.csrf))
            .header(header::HOST, "localhost")
            .header(header::COOKIE, who.cookie())
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

/// Bytes of a photo as anyone fetches it, with its headers.
async fn photo(app: &TestApp, path: &str) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let r = app
        .router
        .clone()
        .oneshot(
            Request::get(path)
                .header(header::HOST, "localhost")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let (status, headers) = (r.status(), r.headers().clone());
    (
        status,
        headers,
        r.into_body().collect().await.unwrap().to_bytes().to_vec(),
    )
}

/// The photo addresses (detail and thumbnails) on a page.
fn photo_paths(body: &str) -> Vec<String> {
    let re = regex_lite::Regex::new(r#"src="(/produk/foto/[0-9a-f-]{36}(?:/kecil)?)""#).unwrap();
    re.captures_iter(body).map(|c| c[1].to_owned()).collect()
}

fn product_fields<'a>(
    name: &'a str,
    price: &'a str,
    phone: &'a str,
) -> Vec<(&'static str, &'a str)> {
    vec![
        ("nama", name),
        ("deskripsi", "Dibuat ibu-ibu Kenanga."),
        ("harga", price),
        ("satuan", "bungkus 250 g"),
        ("telepon", phone),
        ("whatsapp", "ya"),
        ("usaha", ""),
    ]
}

both! {
    async fn the_public_catalogue_shows_only_published_products_of_the_village(app) {
        let home = app.get("/produk", None).await;
        assert_eq!(home.status, StatusCode::OK);
        assert!(home.headers[header::CACHE_CONTROL].to_str().unwrap().starts_with("public"));
        assert!(home.body.contains("href=\"/produk/32.12.16.2004\"") && home.body.contains("9 produk"), "{}", home.body);
        assert!(home.body.contains("href=\"/produk/33.07.10.2004\"") && home.body.contains("5 produk"));

        let village = app.get(&format!("/produk/{KENANGA}"), None).await;
        assert_eq!(village.status, StatusCode::OK);
        assert!(village.headers[header::CACHE_CONTROL].to_str().unwrap().starts_with("public"));
        for shown in ["Kerupuk kulit ikan", "Dodol mangga", "Rp18.000", "bungkus 250 g", "tel:+6281200000101", "https://wa.me/6281200000101"] {
            assert!(village.body.contains(shown), "{shown}");
        }
        // Kuripan's products stay on Kuripan's page.
        assert!(!village.body.contains("Telur puyuh") && !village.body.contains("Batik"));
        // Every picture waits until it is scrolled to and reserves its place.
        let imgs: Vec<&str> = village.body.split("<img ").skip(1).map(|s| &s[..s.find('>').unwrap()]).collect();
        assert_eq!(imgs.len(), 9);
        for img in &imgs {
            assert!(img.contains("loading=\"lazy\"") && img.contains("width=\"240\"") && img.contains("height=\"180\""), "{img}");
        }
        // No one's name is on public pages: not the facilitator's, not the village head's.
        for private in ["Nurhayati", "Carsono", "Siti Aminah", "NIK"] {
            assert!(!village.body.contains(private) && !home.body.contains(private), "{private}");
        }
        // The page with its stylesheet stays within the budget; each thumbnail is small and
        // cached for a year.
        let size = crate::support::page_weight(&app, &village.body).await;
        assert!(size <= 30 * 1024, "catalogue page {size} bytes compressed");
        let thumbs = photo_paths(&village.body);
        assert_eq!(thumbs.len(), 9);
        for t in &thumbs {
            let (status, headers, bytes) = photo(&app, t).await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(headers[header::CONTENT_TYPE], "image/jpeg");
            assert!(headers[header::CACHE_CONTROL].to_str().unwrap().contains("max-age=31536000"));
            assert!(bytes.len() <= 12 * 1024, "{t}: {} bytes", bytes.len());
            assert_eq!(jpeg_size(&bytes), (240, 180));
        }

        // In English the frame and the labels change; the product's own words stay as written.
        let en = app.send(Request::get(format!("/produk/{KENANGA}")).header(header::HOST, "localhost").header(header::COOKIE, "dm_lang=en").body(Body::empty()).unwrap()).await;
        assert!(en.body.contains("Products of Kenanga") && en.body.contains("Village Kenanga") && en.body.contains("Kerupuk kulit ikan"), "{}", en.body);

        // The facilitator hides one product: it leaves the list, its page and the count.
        let staff = app.login("pendamping.kenanga", PASSWORD).await;
        let list = app.get("/app/produk", Some(&staff)).await;
        assert_eq!(product_ids(&list.body).len(), 9, "only Kenanga's products for Kenanga's facilitator");
        let dodol = id_of(&list.body, "Dodol mangga");
        let page = app.get(&format!("/produk/{KENANGA}/{dodol}"), None).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("<img ") && page.body.contains("loading=\"lazy\"") && page.body.contains("width=\"480\""));
        let big = photo_paths(&page.body).remove(0);
        let r = app.post(&format!("/app/produk/{dodol}/terbit"), &staff, &[("terbit", "tidak")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let village = app.get(&format!("/produk/{KENANGA}"), None).await;
        assert!(!village.body.contains("Dodol mangga") && village.body.contains("Kerupuk udang"));
        assert!(app.get("/produk", None).await.body.contains("8 produk"));
        assert_eq!(app.get(&format!("/produk/{KENANGA}/{dodol}"), None).await.status, StatusCode::NOT_FOUND);
        // Its photo no longer reaches visitors; the facilitator still sees it.
        assert_eq!(photo(&app, &big).await.0, StatusCode::NOT_FOUND);
        assert_eq!(crate::support::fetch(&app, &staff, &big).await.0, StatusCode::OK);
        // A product under another village's code is not found.
        assert_eq!(app.get(&format!("/produk/33.07.10.2004/{}", id_of(&list.body, "Abon sapi")), None).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get("/produk/99.99.99.9999", None).await.status, StatusCode::NOT_FOUND);
    }

    async fn the_facilitator_keeps_products_and_photos(app) {
        let staff = app.login("pendamping.kenanga", PASSWORD).await;
        assert!(app.get("/app", Some(&staff)).await.body.contains("href=\"/app/produk\""), "nav link");
        let before = app.rows("products").await;
        let bad = app.post("/app/produk/baru", &staff, &product_fields("Opak bakar", "0", "12345")).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("value=\"Opak bakar\"") && bad.body.contains("lebih dari nol") && bad.body.contains("nomor telepon"), "{}", bad.body);
        assert_eq!(app.rows("products").await, before);
        let made = app.post("/app/produk/baru", &staff, &product_fields("Opak bakar", "Rp 8.500", "0812-0000-0199")).await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
        let id = made.location().rsplit('/').next().unwrap().to_owned();
        let page = app.get(&format!("/app/produk/{id}"), Some(&staff)).await;
        assert!(page.body.contains("value=\"8.500\"") && page.body.contains("value=\"0812 0000 0199\"") && page.body.contains("disembunyikan"));
        // A new product is not public until it is published.
        assert_eq!(app.get(&format!("/produk/{KENANGA}/{id}"), None).await.status, StatusCode::NOT_FOUND);

        // A camera photo: turned into a ≤ 800 px JPEG and a ≤ 240 px thumbnail, with no Exif
        // segment, no GPS block and no camera name left.
        let camera = camera_jpeg(1600, 1200);
        assert!(has(&camera, b"Exif\x00\x00") && has(&camera, b"KameraHP"));
        let r = upload(&app, &staff, &id, &camera).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let page = app.get(&format!("/app/produk/{id}"), Some(&staff)).await;
        let thumb = photo_paths(&page.body).remove(0);
        let (_, _, small) = crate::support::fetch(&app, &staff, &thumb).await;
        let (_, headers, big) = crate::support::fetch(&app, &staff, thumb.trim_end_matches("/kecil")).await;
        assert_eq!(headers[header::CACHE_CONTROL], "private, no-store", "an unpublished product's photo is not cached");
        assert_eq!(jpeg_size(&big), (800, 600));
        assert_eq!(jpeg_size(&small), (240, 180));
        for out in [&big, &small] {
            assert!(!has(out, &[0xFF, 0xE1]) && !has(out, b"Exif") && !has(out, b"KameraHP") && !has(out, b"MM\x00\x2a"));
        }
        assert!(small.len() <= 12 * 1024);
        // Not a picture, or a broken one: refused with a reason, nothing stored or replaced.
        let photos = app.rows("product_photos").await;
        for (file, words) in [(b"%PDF-1.4 surat".to_vec(), "bukan foto JPEG, PNG atau WebP"), (camera[..600].to_vec(), "rusak")] {
            let r = upload(&app, &staff, &id, &file).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(r.body.contains(words), "{}", r.body);
        }
        assert_eq!(app.rows("product_photos").await, photos);
        assert!(photo_paths(&app.get(&format!("/app/produk/{id}"), Some(&staff)).await.body).contains(&thumb));

        // Publish; edit keeping what was typed on a mistake; remove the photo only when sure.
        assert_eq!(app.post(&format!("/app/produk/{id}/terbit"), &staff, &[("terbit", "ya")]).await.status, StatusCode::SEE_OTHER);
        assert!(app.get(&format!("/produk/{KENANGA}"), None).await.body.contains("Opak bakar"));
        let r = app.post(&format!("/app/produk/{id}"), &staff, &product_fields("Opak bakar wijen", "25.000.000", "0812 0000 0199")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("value=\"Opak bakar wijen\"") && r.body.contains("Rp10.000.000"));
        let r = app.post(&format!("/app/produk/{id}"), &staff, &product_fields("Opak bakar wijen", "9.000", "0812 0000 0199")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(app.get(&format!("/produk/{KENANGA}/{id}"), None).await.body.contains("Rp9.000"));
        let r = app.post(&format!("/app/produk/{id}/foto/hapus"), &staff, &[]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.rows("product_photos").await, photos);
        let r = app.post(&format!("/app/produk/{id}/foto/hapus"), &staff, &[("yakin", "ya")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(app.rows("product_photos").await, photos - 1);
        assert_eq!(photo(&app, &thumb).await.0, StatusCode::NOT_FOUND);
        let changes = desmigratif_db::audit::changes_of(&app.db, "product", &id).await.unwrap();
        assert_eq!(changes.iter().filter(|(_, f)| f == "photo").count(), 2, "{changes:?}");
        assert!(changes.iter().any(|(op, f)| op == "update" && f.contains("name") && f.contains("price")), "{changes:?}");
    }

    async fn questions_are_logged_sealed_and_throttled(app) {
        let staff = app.login("pendamping.kenanga", PASSWORD).await;
        let list = app.get("/app/produk", Some(&staff)).await;
        let id = id_of(&list.body, "Sirup mangga");
        let path = format!("/produk/{KENANGA}/{id}");
        let page = app.get(&path, None).await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(page.headers[header::CACHE_CONTROL], "no-store", "the page with a form is not shared");
        let cookie = format!("dm_csrf={}", page.cookie_value("dm_csrf").expect("anonymous CSRF cookie"));
        let csrf = page.csrf();
        let ask = |message: &'static str, hidden: &'static str, secs: i64| {
            let (cookie, csrf, path) = (cookie.clone(), csrf.clone(), path.clone());
            let app = &app;
            async move {
                let stamp = stamp(secs);
                app.post_raw(&path, Some(&cookie), &[("_csrf", &csrf), ("mulai", &stamp), ("pesan", message), ("kontak", "Bu Wati 0812 0000 9999"), ("lewat", "whatsapp"), ("situs", hidden)], &[]).await
            }
        };
        let sent = ask("Bisa kirim 12 botol ke Cirebon minggu depan?", "", 10).await;
        assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
        assert!(sent.body.contains("id=\"terkirim\""));
        assert_eq!(app.rows("product_inquiries").await, 1);
        // The words and the contact are sealed in the database.
        let raw: String = desmigratif_db::on_pool!(&app.db, p => sqlx::query_scalar::<_, String>("SELECT message_enc || COALESCE(contact_enc, '') FROM product_inquiries").fetch_one(p).await).unwrap();
        assert!(!raw.contains("Cirebon") && !raw.contains("9999"));
        // A mistake keeps the text; a bot's hidden field and a too-fast form store nothing.
        let short = ask("hai", "", 10).await;
        assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(short.body.contains("Bu Wati 0812 0000 9999") && short.body.contains("pesan terlalu pendek"));
        assert_eq!(ask("Harga grosir berapa untuk 50 botol?", "http://spam", 10).await.status, StatusCode::BAD_REQUEST);
        assert_eq!(ask("Harga grosir berapa untuk 50 botol?", "", 0).await.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.rows("product_inquiries").await, 1);
        // The facilitator reads it (the read is audited); then the address runs out of tries.
        let inbox = app.get("/app/produk/pertanyaan", Some(&staff)).await;
        assert!(inbox.body.contains("Bisa kirim 12 botol ke Cirebon") && inbox.body.contains("Bu Wati 0812 0000 9999") && inbox.body.contains("Sirup mangga"));
        assert_eq!(app.audit_count("product_inquiry.list", Outcome::Ok).await, 1);
        assert!(app.get(&format!("/app/produk/{id}"), Some(&staff)).await.body.contains("Cirebon"));
        assert_eq!(app.audit_count("product_inquiry.read", Outcome::Ok).await, 1);
        assert!(ask("Apakah ada ukuran botol kecil?", "", 10).await.status == StatusCode::OK);
        assert!(ask("Apakah bisa dikirim ke Jakarta?", "", 10).await.status == StatusCode::OK);
        let blocked = ask("Apakah bisa bayar di tempat?", "", 10).await;
        assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(app.rows("product_inquiries").await, 3);
        // Another village's facilitator does not see these questions.
        let other = app.login("pendamping.kuripan", PASSWORD).await;
        assert!(!app.get("/app/produk/pertanyaan", Some(&other)).await.body.contains("Cirebon"));
    }

    async fn other_villages_and_other_compartments_are_refused_and_audited(app) {
        let kenanga = app.login("pendamping.kenanga", PASSWORD).await;
        let id = id_of(&app.get("/app/produk", Some(&kenanga)).await.body, "Abon sapi");
        let denied = || app.audit_count("access.denied", Outcome::Denied);
        let mut n = denied().await;
        // Kuripan's facilitator: Kenanga's product does not exist for them.
        let kuripan = app.login("pendamping.kuripan", PASSWORD).await;
        let theirs = app.get("/app/produk", Some(&kuripan)).await;
        assert_eq!(product_ids(&theirs.body).len(), 5);
        assert!(!theirs.body.contains("Abon sapi"));
        let tries = [
            app.get(&format!("/app/produk/{id}"), Some(&kuripan)).await,
            app.post(&format!("/app/produk/{id}"), &kuripan, &product_fields("Abon palsu", "1.000", "0812 0000 0111")).await,
            app.post(&format!("/app/produk/{id}/terbit"), &kuripan, &[("terbit", "tidak")]).await,
            app.post(&format!("/app/produk/{id}/foto/hapus"), &kuripan, &[("yakin", "ya")]).await,
        ];
        for r in &tries {
            assert_eq!(r.status, StatusCode::NOT_FOUND);
        }
        n += tries.len() as i64;
        assert_eq!(denied().await, n, "each refusal audited");
        assert!(app.get(&format!("/produk/{KENANGA}"), None).await.body.contains("Abon sapi"), "nothing changed");
        // The village operator holds no business compartment: no list, no form, no questions.
        let operator = app.login("operator.kenanga", PASSWORD).await;
        assert!(!app.get("/app", Some(&operator)).await.body.contains("href=\"/app/produk\""));
        for path in ["/app/produk", "/app/produk/baru", "/app/produk/pertanyaan"] {
            assert_eq!(app.get(path, Some(&operator)).await.status, StatusCode::FORBIDDEN, "{path}");
            n += 1;
            assert_eq!(denied().await, n);
        }
        assert_eq!(app.get(&format!("/app/produk/{id}"), Some(&operator)).await.status, StatusCode::NOT_FOUND);
        n += 1;
        // A kabupaten officer holds no business compartment either.
        let kab = app.login("kab.indramayu", PASSWORD).await;
        assert_eq!(app.get("/app/produk", Some(&kab)).await.status, StatusCode::FORBIDDEN, "no business compartment");
        n += 1;
        assert_eq!(denied().await, n);

        // The API: the facilitator creates and updates; others are refused.
        let token = app.token_for("pendamping.kenanga").await;
        let made = app.api("POST", "/api/v1/products", Some(&token), Some(serde_json::json!({
            "name": "Terasi udang", "price": 12000, "unit": "bungkus 100 g", "phone": "0812 0000 0150", "whatsapp": true, "published": true
        }))).await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
        let made = made.json();
        assert_eq!(made["region_code"], KENANGA);
        assert_eq!(made["published"], true);
        let new_id = made["id"].as_str().unwrap().to_owned();
        assert!(app.get(&format!("/produk/{KENANGA}"), None).await.body.contains("Terasi udang"));
        let bad = app.api("POST", "/api/v1/products", Some(&token), Some(serde_json::json!({
            "name": "T", "price": 0, "unit": "kg", "phone": "123"
        }))).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        let fields: Vec<String> = bad.json()["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap_or_default().to_owned()).collect();
        assert!(fields.contains(&"harga".to_owned()) && fields.contains(&"telepon".to_owned()), "{}", bad.body);
        let upd = app.api("PUT", &format!("/api/v1/products/{new_id}"), Some(&token), Some(serde_json::json!({
            "name": "Terasi udang rebon", "price": 13000, "unit": "bungkus 100 g", "phone": "0812 0000 0150", "published": false
        }))).await;
        assert_eq!(upd.status, StatusCode::OK, "{}", upd.body);
        assert_eq!(upd.json()["price"], 13000);
        assert!(!app.get(&format!("/produk/{KENANGA}"), None).await.body.contains("Terasi"));
        let list = app.api("GET", "/api/v1/products?page=1", Some(&token), None).await.json();
        assert_eq!(list["items"].as_array().unwrap().len(), 10);
        assert!(list["items"][0]["thumb_url"].as_str().unwrap().starts_with("/produk/foto/"));

        // Lists page: 30 a page for staff, 24 on the public list, which stays within the budget
        // when full.
        for k in 0..21 {
            let r = app.api("POST", "/api/v1/products", Some(&token), Some(serde_json::json!({
                "name": format!("Kerupuk aneka rasa {k:02}"), "price": 10000 + k, "unit": "bungkus 250 g",
                "phone": "0812 0000 0150", "whatsapp": true, "published": true
            }))).await;
            assert_eq!(r.status, StatusCode::CREATED);
        }
        let first = app.get("/app/produk", Some(&kenanga)).await;
        assert_eq!(product_ids(&first.body).len(), 30);
        assert!(first.body.contains("href=\"/app/produk?halaman=2\""));
        assert_eq!(product_ids(&app.get("/app/produk?halaman=2", Some(&kenanga)).await.body).len(), 1);
        let public = app.get(&format!("/produk/{KENANGA}"), None).await;
        let entries = |body: &str| body.matches("<h2 class=\"h3\"><a href=\"/produk/32.12.16.2004/").count();
        assert_eq!(entries(&public.body), 24);
        assert!(public.body.contains(&format!("href=\"/produk/{KENANGA}?halaman=2\"")));
        let second = app.get(&format!("/produk/{KENANGA}?halaman=2"), None).await;
        assert_eq!(entries(&second.body), 6);
        assert!(second.body.contains("Kerupuk udang") && !second.body.contains("Abon sapi"));
        assert!(app.get("/produk", None).await.body.contains("30 produk"));
        let size = crate::support::page_weight(&app, &public.body).await;
        assert!(size <= 30 * 1024, "full catalogue page {size} bytes compressed");

        let n = denied().await;
        let other = app.token_for("pendamping.kuripan").await;
        assert_eq!(app.api("GET", &format!("/api/v1/products/{new_id}"), Some(&other), None).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.api("PUT", &format!("/api/v1/products/{new_id}"), Some(&other), Some(serde_json::json!({
            "name": "Diambil alih", "price": 1000, "unit": "kg", "phone": "0812 0000 0150"
        }))).await.status, StatusCode::NOT_FOUND);
        let op = app.token_for("operator.kenanga").await;
        assert_eq!(app.api("GET", "/api/v1/products", Some(&op), None).await.status, StatusCode::FORBIDDEN);
        assert_eq!(app.api("POST", "/api/v1/products", Some(&op), Some(serde_json::json!({
            "name": "Tanpa hak", "price": 1000, "unit": "kg", "phone": "0812 0000 0150"
        }))).await.status, StatusCode::FORBIDDEN);
        assert_eq!(denied().await, n + 4);
    }
}
