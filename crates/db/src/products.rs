//! The village product catalogue: products a facilitator publishes, one photo each (kept as
//! re-encoded JPEG, detail and thumbnail), and the questions visitors send from a product's page.
//! A visitor's message and contact are sealed with the deployment key, like a report's contact.

use crate::audit::{self, Actor};
use crate::{Db, DbError, Result, Tx, on_pool, on_tx};
use chrono::{DateTime, Utc};
use desmigratif_core::crypto::Keys;
use desmigratif_core::id::Id;
use desmigratif_core::now;
use desmigratif_core::photo::{self, Prepared};
use desmigratif_core::products::{InquiryInput, ProductInput};

/// Encryption contexts of an inquiry.
pub const MESSAGE_CONTEXT: &str = "product_inquiry.message";
pub const CONTACT_CONTEXT: &str = "product_inquiry.contact";

/// A product with the id and sizes of its photo, if it has one.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ProductRow {
    pub id: Id,
    pub region_code: String,
    pub business_id: Option<Id>,
    pub name: String,
    pub description: String,
    pub price: i64,
    pub unit: String,
    pub phone: String,
    pub whatsapp: bool,
    pub published: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub photo_id: Option<Id>,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub thumb_width: Option<i32>,
    pub thumb_height: Option<i32>,
}

const SELECT: &str = "SELECT p.id, p.region_code, p.business_id, p.name, p.description, p.price, p.unit, p.phone, p.whatsapp, \
     p.published, p.created_at, p.updated_at, f.id AS photo_id, f.width, f.height, f.thumb_width, f.thumb_height \
     FROM products p LEFT JOIN product_photos f ON f.product_id = p.id";

/// One product, published or not (the caller decides who may see it).
pub async fn get(db: &Db, id: Id) -> Result<Option<ProductRow>> {
    let sql = format!("{SELECT} WHERE p.id = $1");
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(p).await)?,
    )
}

/// A page of products in a region (a code and everything below it; `None`: every region),
/// by name; only published ones when `published_only`. And whether more follow.
pub async fn list(
    db: &Db,
    region: Option<&str>,
    published_only: bool,
    offset: i64,
    limit: i64,
) -> Result<(Vec<ProductRow>, bool)> {
    let only = if published_only {
        "WHERE p.published = TRUE"
    } else {
        ""
    };
    let select = format!("SELECT * FROM ({SELECT} {only}) listed");
    crate::page_in_region(db, &select, region, "", "name, id", offset, limit).await
}

/// Villages with published products and how many each has, by village code.
pub async fn published_counts(db: &Db) -> Result<Vec<(String, i64)>> {
    Ok(on_pool!(db, p => sqlx::query_as(
        "SELECT region_code, COUNT(*) FROM products WHERE published = TRUE GROUP BY region_code ORDER BY region_code",
    )
    .fetch_all(p)
    .await)?)
}

/// The businesses of a village (id, name), to pick a product's producer from.
pub async fn businesses(db: &Db, region_code: &str) -> Result<Vec<(Id, String)>> {
    Ok(on_pool!(db, p => sqlx::query_as(
        "SELECT id, name FROM businesses WHERE region_code = $1 ORDER BY name",
    )
    .bind(region_code)
    .fetch_all(p)
    .await)?)
}

/// Refuses a producer that is not a business of the product's village.
async fn check_business(tx: &mut Tx, region_code: &str, business: Option<Id>) -> Result<()> {
    let Some(b) = business else { return Ok(()) };
    let found: Option<Id> = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT id FROM businesses WHERE id = $1 AND region_code = $2",
    )
    .bind(b)
    .bind(region_code)
    .fetch_optional(c)
    .await)?;
    match found {
        Some(_) => Ok(()),
        None => Err(DbError::Conflict(
            "usaha ini bukan usaha desa ini; pilih dari daftar".into(),
        )),
    }
}

/// Adds a product to a village's catalogue, not yet published.
pub async fn create(tx: &mut Tx, actor: &Actor, region_code: &str, p: &ProductInput) -> Result<Id> {
    check_business(tx, region_code, p.business_id).await?;
    let id = Id::new();
    let at = now();
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO products (id, region_code, business_id, name, description, price, unit, phone, whatsapp, published, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, FALSE, $10, $10)",
    )
    .bind(id).bind(region_code).bind(p.business_id).bind(&p.name).bind(&p.description).bind(p.price)
    .bind(&p.unit).bind(&p.phone).bind(p.whatsapp).bind(at)
    .execute(c).await.map(|_| ()))?;
    audit::record_change(tx, actor, "product", id, "create", region_code, &[]).await?;
    Ok(id)
}

/// Replaces what a product says (not its photo or whether it is published).
pub async fn update(tx: &mut Tx, actor: &Actor, row: &ProductRow, p: &ProductInput) -> Result<()> {
    check_business(tx, &row.region_code, p.business_id).await?;
    on_tx!(tx, c => sqlx::query(
        "UPDATE products SET business_id = $1, name = $2, description = $3, price = $4, unit = $5, phone = $6, whatsapp = $7,
                updated_at = $8 WHERE id = $9",
    )
    .bind(p.business_id).bind(&p.name).bind(&p.description).bind(p.price).bind(&p.unit).bind(&p.phone)
    .bind(p.whatsapp).bind(now()).bind(row.id)
    .execute(c).await.map(|_| ()))?;
    let mut changed = Vec::new();
    for (field, differs) in [
        ("business_id", row.business_id != p.business_id),
        ("name", row.name != p.name),
        ("description", row.description != p.description),
        ("price", row.price != p.price),
        ("unit", row.unit != p.unit),
        ("phone", row.phone != p.phone),
        ("whatsapp", row.whatsapp != p.whatsapp),
    ] {
        if differs {
            changed.push(field);
        }
    }
    audit::record_change(
        tx,
        actor,
        "product",
        row.id,
        "update",
        &row.region_code,
        &changed,
    )
    .await
}

/// Shows or hides a product (of `region_code`) on the public catalogue.
pub async fn set_published(
    tx: &mut Tx,
    actor: &Actor,
    id: Id,
    region_code: &str,
    on: bool,
) -> Result<()> {
    on_tx!(tx, c => sqlx::query("UPDATE products SET published = $1, updated_at = $2 WHERE id = $3")
        .bind(on).bind(now()).bind(id)
        .execute(c).await.map(|_| ()))?;
    audit::record_change(
        tx,
        actor,
        "product",
        id,
        "update",
        region_code,
        &["published"],
    )
    .await
}

/// Puts a photo on a product, replacing the one it had. The new photo has a new id, so its
/// address never shows the old picture from a cache.
pub async fn set_photo(
    tx: &mut Tx,
    actor: &Actor,
    product: Id,
    region_code: &str,
    p: &Prepared,
) -> Result<Id> {
    let id = Id::new();
    on_tx!(tx, c => {
        sqlx::query("DELETE FROM product_photos WHERE product_id = $1")
            .bind(product)
            .execute(&mut *c)
            .await?;
        sqlx::query(
            "INSERT INTO product_photos (id, product_id, width, height, data_b64, thumb_width, thumb_height, thumb_b64, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(id).bind(product)
        .bind(p.detail.width as i32).bind(p.detail.height as i32).bind(photo::to_text(&p.detail.bytes))
        .bind(p.thumb.width as i32).bind(p.thumb.height as i32).bind(photo::to_text(&p.thumb.bytes))
        .bind(now())
        .execute(&mut *c)
        .await?;
    });
    audit::record_change(
        tx,
        actor,
        "product",
        product,
        "update",
        region_code,
        &["photo"],
    )
    .await?;
    Ok(id)
}

/// Takes a product's photo away.
pub async fn remove_photo(tx: &mut Tx, actor: &Actor, row: &ProductRow) -> Result<()> {
    let gone = on_tx!(tx, c => sqlx::query("DELETE FROM product_photos WHERE product_id = $1")
        .bind(row.id)
        .execute(c).await.map(|r| r.rows_affected()))?;
    if gone == 0 {
        return Err(DbError::Conflict("produk ini tidak punya foto".into()));
    }
    audit::record_change(
        tx,
        actor,
        "product",
        row.id,
        "update",
        &row.region_code,
        &["photo"],
    )
    .await
}

/// A stored photo: its product, and the JPEG bytes (detail, or thumbnail when `thumb`).
pub struct PhotoFile {
    pub product_id: Id,
    pub bytes: Vec<u8>,
}

pub async fn photo_file(db: &Db, id: Id, thumb: bool) -> Result<Option<PhotoFile>> {
    let column = if thumb { "thumb_b64" } else { "data_b64" };
    let sql = format!("SELECT product_id, {column} FROM product_photos WHERE id = $1");
    let row: Option<(Id, String)> = on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(p)
        .await)?;
    row.map(|(product_id, text)| {
        photo::from_text(&text)
            .map(|bytes| PhotoFile { product_id, bytes })
            .ok_or_else(|| DbError::Corrupt(format!("foto {id} tidak bisa dibaca")))
    })
    .transpose()
}

/// Logs a visitor's question about a product.
pub async fn add_inquiry(
    tx: &mut Tx,
    actor: &Actor,
    keys: &Keys,
    product: &ProductRow,
    i: &InquiryInput,
) -> Result<Id> {
    let id = Id::new();
    let message = keys.encrypt_str(MESSAGE_CONTEXT, &i.message);
    let contact = Some(&i.contact)
        .filter(|c| !c.is_empty())
        .map(|c| keys.encrypt_str(CONTACT_CONTEXT, c));
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO product_inquiries (id, product_id, region_code, channel, message_enc, contact_enc, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id).bind(product.id).bind(&product.region_code).bind(i.channel.as_str())
    .bind(&message).bind(&contact).bind(now())
    .execute(c).await.map(|_| ()))?;
    audit::record_change(
        tx,
        actor,
        "product_inquiry",
        id,
        "create",
        &product.region_code,
        &[],
    )
    .await?;
    Ok(id)
}

/// An inquiry opened for staff.
#[derive(Debug, Clone)]
pub struct Inquiry {
    pub id: Id,
    pub product_id: Id,
    pub product_name: String,
    pub region_code: String,
    pub channel: String,
    pub message: String,
    pub contact: String,
    pub created_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct InquiryRow {
    id: Id,
    product_id: Id,
    product_name: String,
    region_code: String,
    channel: String,
    message_enc: String,
    contact_enc: Option<String>,
    created_at: DateTime<Utc>,
}

/// A page of inquiries in a region (or about one product), newest first, opened.
pub async fn inquiries(
    db: &Db,
    keys: &Keys,
    region: Option<&str>,
    product: Option<Id>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<Inquiry>, bool)> {
    let mut clauses = Vec::new();
    if region.is_some() {
        clauses.push("(i.region_code = $1 OR i.region_code LIKE $2)");
    }
    if product.is_some() {
        clauses.push(if region.is_some() {
            "i.product_id = $3"
        } else {
            "i.product_id = $1"
        });
    }
    let filter = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    let sql = format!(
        "SELECT i.id, i.product_id, p.name AS product_name, i.region_code, i.channel, i.message_enc, i.contact_enc, i.created_at
         FROM product_inquiries i JOIN products p ON p.id = i.product_id {filter}
         ORDER BY i.created_at DESC, i.id DESC LIMIT {} OFFSET {}",
        limit + 1,
        offset.max(0)
    );
    let mut rows: Vec<InquiryRow> = on_pool!(db, p => {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
        if let Some(r) = region {
            q = q.bind(r.to_owned()).bind(format!("{r}.%"));
        }
        if let Some(id) = product {
            q = q.bind(id);
        }
        q.fetch_all(p).await
    })?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let corrupt = |id: Id| DbError::Corrupt(format!("pertanyaan {id} tidak bisa dibuka"));
    let open = |r: InquiryRow| -> Result<Inquiry> {
        let message = keys
            .decrypt_str(MESSAGE_CONTEXT, &r.message_enc)
            .map_err(|_| corrupt(r.id))?;
        let contact = match &r.contact_enc {
            Some(c) => keys
                .decrypt_str(CONTACT_CONTEXT, c)
                .map_err(|_| corrupt(r.id))?,
            None => String::new(),
        };
        Ok(Inquiry {
            id: r.id,
            product_id: r.product_id,
            product_name: r.product_name,
            region_code: r.region_code,
            channel: r.channel,
            message,
            contact,
            created_at: r.created_at,
        })
    };
    Ok((rows.into_iter().map(open).collect::<Result<_>>()?, more))
}

/// The demo catalogue of the two pilot villages, published, each with a picture made in code.
/// Phone numbers are fictional (0812 0000 0xxx).
pub async fn demo(db: &Db, kenanga: &str, kuripan: &str) -> Result<()> {
    let actor = Actor::system("demo");
    let items: &[(&str, &str, &str, i64, &str)] = &[
        (
            kenanga,
            "Kerupuk kulit ikan",
            "Kerupuk dari kulit ikan tenggiri, dijemur di bawah matahari Indramayu. Tinggal digoreng.",
            18_000,
            "bungkus 250 g",
        ),
        (
            kenanga,
            "Kerupuk udang",
            "Kerupuk udang rebon khas pesisir, tanpa pengawet.",
            22_000,
            "bungkus 250 g",
        ),
        (
            kenanga,
            "Keripik mangga",
            "Irisan mangga gedong gincu yang dikeringkan, manis asam dan renyah.",
            25_000,
            "bungkus 100 g",
        ),
        (
            kenanga,
            "Manisan mangga",
            "Manisan mangga muda dalam sirup gula, segar disajikan dingin.",
            20_000,
            "toples 500 g",
        ),
        (
            kenanga,
            "Dodol mangga",
            "Dodol dari daging mangga arumanis dan ketan, dibungkus satu-satu.",
            15_000,
            "kotak 250 g",
        ),
        (
            kenanga,
            "Sirup mangga",
            "Sirup dari sari mangga asli; satu botol untuk sekitar 20 gelas.",
            30_000,
            "botol 620 ml",
        ),
        (
            kenanga,
            "Baso soji",
            "Bakso ikan khas Indramayu, beku, siap direbus.",
            35_000,
            "kg",
        ),
        (
            kenanga,
            "Abon sapi",
            "Abon daging sapi dimasak dengan bumbu rempah, tanpa MSG.",
            45_000,
            "bungkus 250 g",
        ),
        (
            kenanga,
            "Rempeyek",
            "Rempeyek kacang dan rebon, tipis dan renyah.",
            12_000,
            "bungkus 200 g",
        ),
        (
            kuripan,
            "Olahan salak",
            "Keripik dan dodol salak pondoh dari kebun di lereng Wonosobo.",
            17_500,
            "bungkus 200 g",
        ),
        (
            kuripan,
            "Keripik singkong",
            "Singkong pilihan diiris tipis, rasa original dan balado.",
            10_000,
            "bungkus 250 g",
        ),
        (
            kuripan,
            "Daging ayam kampung",
            "Ayam kampung dipelihara warga, dipotong segar sesuai pesanan.",
            65_000,
            "kg",
        ),
        (
            kuripan,
            "Telur puyuh",
            "Telur puyuh segar dari peternakan warga, dikemas rapi.",
            4_000,
            "pak isi 10",
        ),
        (
            kuripan,
            "Batik tulis Kuripan",
            "Batik tulis pewarna alam, motif daun carica, dikerjakan ibu-ibu desa.",
            350_000,
            "lembar 2 m",
        ),
    ];
    // Made once per process: test suites load the demo into many databases.
    static PICTURES: std::sync::LazyLock<Vec<Prepared>> =
        std::sync::LazyLock::new(|| (0..14).map(photo::demo).collect());
    // The products of the demo's businesses (`business::demo`, loaded before) name their producer.
    const PRODUCERS: &[(&str, &str)] = &[
        ("Kerupuk kulit ikan", "Kerupuk Kulit Ikan Mbak Rohmah"),
        ("Kerupuk udang", "Kerupuk Kulit Ikan Mbak Rohmah"),
        ("Keripik mangga", "Olahan Mangga Kenanga"),
        ("Manisan mangga", "Olahan Mangga Kenanga"),
        ("Dodol mangga", "Olahan Mangga Kenanga"),
        ("Sirup mangga", "Olahan Mangga Kenanga"),
        ("Olahan salak", "Salak Kuripan Makmur"),
    ];
    let mut tx = db.begin().await?;
    for (n, (village, name, description, price, unit)) in items.iter().enumerate() {
        let producer = match PRODUCERS.iter().find(|(product, _)| product == name) {
            Some((_, business)) => on_tx!(&mut tx, c => sqlx::query_scalar(
                "SELECT id FROM businesses WHERE region_code = $1 AND name = $2",
            )
            .bind(*village).bind(*business).fetch_optional(c).await)?,
            None => None,
        };
        let input = ProductInput {
            name: (*name).into(),
            description: (*description).into(),
            price: *price,
            unit: (*unit).into(),
            phone: format!("0812 0000 0{:03}", 101 + n),
            whatsapp: true,
            business_id: producer,
        };
        let id = create(&mut tx, &actor, village, &input).await?;
        set_photo(&mut tx, &actor, id, village, &PICTURES[n % PICTURES.len()]).await?;
        set_published(&mut tx, &actor, id, village, true).await?;
    }
    tx.commit().await
}
