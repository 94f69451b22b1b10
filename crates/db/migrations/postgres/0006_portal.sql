-- The public information and anti-fraud portal (docs/decisions.md, "Public portal"): licensed
-- placement companies with their status history, fee rules as dated and sourced data, job
-- orders, country guides, scam alerts and public reports. Keep in step with the other tree.

CREATE TABLE agencies (
    id              UUID PRIMARY KEY,
    name            TEXT NOT NULL,
    -- core::agencies::name_key: what decides "same name".
    name_key        TEXT NOT NULL,
    licence_number  TEXT NOT NULL,
    licence_key     TEXT NOT NULL UNIQUE,
    address         TEXT NOT NULL,
    valid_from      DATE,
    valid_until     DATE NOT NULL,
    status          TEXT NOT NULL,
    -- Branch offices, a JSON array of {city, address}: replaced as a whole, never queried alone.
    branches        TEXT NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    updated_by      TEXT NOT NULL
);
CREATE INDEX agencies_name ON agencies (name_key);

-- Every status or validity a company has had, newest last: a revoked licence stays on record.
CREATE TABLE agency_status_history (
    id           UUID PRIMARY KEY,
    agency_id    UUID NOT NULL REFERENCES agencies (id),
    status       TEXT NOT NULL,
    valid_until  DATE NOT NULL,
    at           TIMESTAMPTZ NOT NULL,
    actor        TEXT NOT NULL,
    -- form, import or api
    via          TEXT NOT NULL,
    note         TEXT NOT NULL
);
CREATE INDEX agency_status_history_agency ON agency_status_history (agency_id, at);

CREATE TABLE fee_rules (
    code             TEXT PRIMARY KEY,
    title            TEXT NOT NULL,
    -- ISO2, or '' for every destination.
    destination      TEXT NOT NULL,
    -- Comma-separated ISO2 codes a rule for every destination does not cover.
    excluded_destinations TEXT NOT NULL,
    -- Comma-separated occupation codes, or '' for every occupation.
    occupations      TEXT NOT NULL,
    fee_kind         TEXT NOT NULL,
    -- zero, ceiling, percent or monthly, with the columns each needs.
    limit_kind       TEXT NOT NULL,
    max_idr          BIGINT,
    max_foreign      BIGINT,
    currency         TEXT NOT NULL,
    basis_points     INTEGER,
    year_caps        TEXT NOT NULL,
    regulation       TEXT NOT NULL,
    source           TEXT NOT NULL,
    effective_from   DATE NOT NULL,
    effective_until  DATE,
    to_verify        BOOLEAN NOT NULL,
    note             TEXT NOT NULL,
    active           BOOLEAN NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    updated_by       TEXT NOT NULL
);

-- Each saved version of a rule as JSON, so the trail shows what a rule said on any day.
CREATE TABLE fee_rule_versions (
    id         UUID PRIMARY KEY,
    code       TEXT NOT NULL REFERENCES fee_rules (code),
    at         TIMESTAMPTZ NOT NULL,
    actor      TEXT NOT NULL,
    rule       TEXT NOT NULL
);
CREATE INDEX fee_rule_versions_code ON fee_rule_versions (code, at);

CREATE TABLE job_orders (
    id             UUID PRIMARY KEY,
    agency_id      UUID NOT NULL REFERENCES agencies (id),
    -- The publishing office's region (a kabupaten, or '' for national staff).
    region_code    TEXT NOT NULL,
    title          TEXT NOT NULL,
    destination    TEXT NOT NULL,
    occupation     TEXT NOT NULL,
    employer       TEXT NOT NULL,
    wage           BIGINT NOT NULL,
    wage_currency  TEXT NOT NULL,
    -- What the worker is asked to pay: rupiah before departure, destination currency after.
    cost_idr       BIGINT NOT NULL,
    cost_foreign   BIGINT NOT NULL,
    quota          INTEGER NOT NULL,
    deadline       DATE NOT NULL,
    requirements   TEXT NOT NULL,
    withdrawn      BOOLEAN NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    created_by     TEXT NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX job_orders_open ON job_orders (deadline, destination);

CREATE TABLE country_guides (
    iso2          TEXT PRIMARY KEY,
    summary_id    TEXT NOT NULL,
    summary_en    TEXT NOT NULL,
    -- Markdown; rendered with raw HTML escaped.
    body_id       TEXT NOT NULL,
    body_en       TEXT NOT NULL,
    last_checked  DATE NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    updated_by    TEXT NOT NULL
);

CREATE TABLE scam_alerts (
    code          TEXT PRIMARY KEY,
    published_on  DATE NOT NULL,
    title_id      TEXT NOT NULL,
    title_en      TEXT NOT NULL,
    body_id       TEXT NOT NULL,
    body_en       TEXT NOT NULL,
    source        TEXT NOT NULL,
    active        BOOLEAN NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    updated_by    TEXT NOT NULL
);
CREATE INDEX scam_alerts_published ON scam_alerts (published_on);

-- A report from the public: an intake item in a village's or a kabupaten's queue. What the
-- reporter wrote and how to reach them are encrypted; the tracking code shows the status only.
CREATE TABLE public_reports (
    id              UUID PRIMARY KEY,
    tracking_code   TEXT NOT NULL UNIQUE,
    region_code     TEXT NOT NULL,
    category        TEXT NOT NULL,
    country         TEXT NOT NULL,
    details_enc     TEXT NOT NULL,
    contact_enc     TEXT,
    status          TEXT NOT NULL,
    note            TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    updated_by      TEXT NOT NULL
);
CREATE INDEX public_reports_queue ON public_reports (region_code, status, created_at);
