-- The village product catalogue (docs/decisions.md, "Product catalogue"): what the facilitator
-- publishes for the village's producers, its photos, and the questions visitors send about it.
-- Prices are integer rupiah. Photos are JPEG re-encoded by the application (no metadata survives)
-- and kept as base64 TEXT, not BLOB/BYTEA: backups are JSON lines and SQLite's json_object refuses
-- BLOBs, and document_files already keeps scans the same way. A replaced photo gets a new id, so
-- its address can be cached for a year. Keep in step with the other tree.

CREATE TABLE products (
    id           TEXT PRIMARY KEY,
    region_code  TEXT NOT NULL,
    business_id  TEXT REFERENCES businesses (id),
    name         TEXT NOT NULL,
    description  TEXT NOT NULL,
    price        BIGINT NOT NULL CHECK (price > 0),
    unit         TEXT NOT NULL,
    phone        TEXT NOT NULL,
    whatsapp     BOOLEAN NOT NULL,
    published    BOOLEAN NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX products_region ON products (region_code, published, name);

-- At most one photo a product: the detail picture (≤ 800 px) and the list thumbnail (≤ 240 px).
CREATE TABLE product_photos (
    id            TEXT PRIMARY KEY,
    product_id    TEXT NOT NULL UNIQUE REFERENCES products (id),
    width         INTEGER NOT NULL,
    height        INTEGER NOT NULL,
    data_b64      TEXT NOT NULL,
    thumb_width   INTEGER NOT NULL,
    thumb_height  INTEGER NOT NULL,
    thumb_b64     TEXT NOT NULL,
    created_at    TEXT NOT NULL
);

-- Questions sent from the product page. The message and the visitor's contact are sealed with
-- the deployment key, like the contact of a public report.
CREATE TABLE product_inquiries (
    id           TEXT PRIMARY KEY,
    product_id   TEXT NOT NULL REFERENCES products (id),
    region_code  TEXT NOT NULL,
    -- whatsapp, telepon or sms: how the visitor wants to be answered
    channel      TEXT NOT NULL,
    message_enc  TEXT NOT NULL,
    contact_enc  TEXT,
    created_at   TEXT NOT NULL
);
CREATE INDEX product_inquiries_region ON product_inquiries (region_code, created_at);
CREATE INDEX product_inquiries_product ON product_inquiries (product_id, created_at);
