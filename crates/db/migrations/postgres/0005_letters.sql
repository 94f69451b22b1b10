-- Village letters (docs/decisions.md, "Letters"): kinds as data (an admin edits the Typst
-- template without a rebuild), requests through issue and revocation, per-village signing keys,
-- gap-free numbers, and the log of public verifications. Keep in step with the other tree.

CREATE TABLE letter_kinds (
    code               TEXT PRIMARY KEY,
    title              TEXT NOT NULL,
    -- The classification code that starts the letter number (e.g. 474.2).
    classification     TEXT NOT NULL,
    needs_counselling  BOOLEAN NOT NULL,
    -- The kind-specific fields the operator fills in: a JSON array of {name, label, required}.
    fields             TEXT NOT NULL,
    template           TEXT NOT NULL,
    active             BOOLEAN NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL,
    updated_by         TEXT NOT NULL
);

-- One Ed25519 key pair per village; the secret is encrypted with the deployment key. Retired keys
-- stay published so letters signed with them still verify.
CREATE TABLE village_keys (
    key_id        TEXT PRIMARY KEY,
    village_code  TEXT NOT NULL,
    public_key    TEXT NOT NULL,
    secret_enc    TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    retired_at    TIMESTAMPTZ
);
CREATE INDEX village_keys_village ON village_keys (village_code, created_at);
CREATE UNIQUE INDEX village_keys_current ON village_keys (village_code) WHERE retired_at IS NULL;

CREATE TABLE letters (
    id                   UUID PRIMARY KEY,
    village_code         TEXT NOT NULL,
    kind                 TEXT NOT NULL REFERENCES letter_kinds (code),
    person_id            UUID REFERENCES persons (id),
    status               TEXT NOT NULL,
    -- The kind-specific values, a JSON object.
    fields               TEXT NOT NULL,
    requested_via        TEXT NOT NULL,
    requested_by         TEXT NOT NULL,
    -- A resident's own request: what they typed, encrypted, until an operator matches the person.
    requester_nik_enc    TEXT,
    requester_phone_enc  TEXT,
    tracking_code        TEXT UNIQUE,
    number               TEXT,
    seq                  BIGINT,
    year                 INTEGER,
    issued_on            DATE,
    -- The verification code of /v/{code}: random, never derived from the id.
    code                 TEXT UNIQUE,
    payload              TEXT,
    signature            TEXT,
    key_id               TEXT REFERENCES village_keys (key_id),
    pdf_file_id          UUID REFERENCES document_files (id),
    pdf_sha256           TEXT,
    reason               TEXT NOT NULL,
    supersedes           UUID REFERENCES letters (id),
    created_at           TIMESTAMPTZ NOT NULL,
    updated_at           TIMESTAMPTZ NOT NULL,
    UNIQUE (village_code, kind, year, seq)
);
CREATE INDEX letters_village ON letters (village_code, created_at);
CREATE INDEX letters_person ON letters (person_id);
CREATE INDEX letters_pdf ON letters (pdf_sha256);

CREATE TABLE letter_events (
    id           UUID PRIMARY KEY,
    letter_id    UUID NOT NULL REFERENCES letters (id),
    from_status  TEXT NOT NULL,
    to_status    TEXT NOT NULL,
    at           TIMESTAMPTZ NOT NULL,
    actor        TEXT NOT NULL,
    note         TEXT NOT NULL
);
CREATE INDEX letter_events_letter ON letter_events (letter_id, at);

-- The last number given per village, kind and year: taken and raised in the issuing transaction,
-- so numbers have no gaps and no duplicates.
CREATE TABLE letter_counters (
    village_code  TEXT NOT NULL,
    kind          TEXT NOT NULL,
    year          INTEGER NOT NULL,
    last          BIGINT NOT NULL,
    PRIMARY KEY (village_code, kind, year)
);

-- Every public verification: when, how, with what result. Never the uploaded file, never who.
CREATE TABLE verifications (
    id         UUID PRIMARY KEY,
    at         TIMESTAMPTZ NOT NULL,
    method     TEXT NOT NULL,
    result     TEXT NOT NULL,
    letter_id  UUID REFERENCES letters (id)
);
CREATE INDEX verifications_at ON verifications (at);
