-- Pillar 2, productive business (docs/decisions.md, "Businesses"): the family businesses a
-- facilitator follows, their owners from the registry, permits, monthly results, mentoring visits,
-- equipment aid with later condition checks, and KUR (people's business credit) referrals.
-- Figures are integer rupiah. Keep in step with the other tree.

CREATE TABLE businesses (
    id           UUID PRIMARY KEY,
    region_code  TEXT NOT NULL,
    name         TEXT NOT NULL,
    sector       TEXT NOT NULL,
    products     TEXT NOT NULL,
    address      TEXT NOT NULL,
    phone        TEXT NOT NULL,
    started_on   DATE,
    active       BOOLEAN NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX businesses_region ON businesses (region_code, name);

CREATE TABLE business_owners (
    business_id  UUID NOT NULL REFERENCES businesses (id),
    person_id    UUID NOT NULL REFERENCES persons (id),
    PRIMARY KEY (business_id, person_id)
);
CREATE INDEX business_owners_person ON business_owners (person_id);

CREATE TABLE business_permits (
    id           UUID PRIMARY KEY,
    business_id  UUID NOT NULL REFERENCES businesses (id),
    -- pirt, halal, nib
    kind         TEXT NOT NULL,
    number       TEXT NOT NULL,
    issued_on    DATE NOT NULL,
    expires_on   DATE,
    created_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (business_id, kind, number)
);

-- One row per business and month ('YYYY-MM'): a corrected report replaces the month.
CREATE TABLE business_reports (
    business_id  UUID NOT NULL REFERENCES businesses (id),
    month        TEXT NOT NULL,
    revenue      BIGINT NOT NULL CHECK (revenue >= 0),
    costs        BIGINT NOT NULL CHECK (costs >= 0),
    workers      INTEGER NOT NULL CHECK (workers >= 0),
    note         TEXT NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (business_id, month)
);

CREATE TABLE mentoring_visits (
    id            UUID PRIMARY KEY,
    business_id   UUID NOT NULL REFERENCES businesses (id),
    visited_on    DATE NOT NULL,
    facilitator   TEXT NOT NULL,
    notes         TEXT NOT NULL,
    next_steps    TEXT NOT NULL,
    follow_up_on  DATE,
    created_by    TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX mentoring_visits_business ON mentoring_visits (business_id, visited_on);
CREATE INDEX mentoring_visits_follow_up ON mentoring_visits (follow_up_on);

CREATE TABLE equipment_aid (
    id            UUID PRIMARY KEY,
    region_code   TEXT NOT NULL,
    business_id   UUID REFERENCES businesses (id),
    person_id     UUID NOT NULL REFERENCES persons (id),
    item          TEXT NOT NULL,
    value         BIGINT NOT NULL CHECK (value > 0),
    -- kemnaker, kemendes, csr, lainnya (then source_detail names it)
    source        TEXT NOT NULL,
    source_detail TEXT NOT NULL,
    received_on   DATE NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX equipment_aid_region ON equipment_aid (region_code, received_on);

CREATE TABLE aid_checks (
    id          UUID PRIMARY KEY,
    aid_id      UUID NOT NULL REFERENCES equipment_aid (id),
    checked_on  DATE NOT NULL,
    condition   TEXT NOT NULL,
    note        TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX aid_checks_aid ON aid_checks (aid_id, checked_on);

CREATE TABLE kur_referrals (
    id            UUID PRIMARY KEY,
    business_id   UUID NOT NULL REFERENCES businesses (id),
    bank          TEXT NOT NULL,
    amount        BIGINT NOT NULL CHECK (amount > 0),
    status        TEXT NOT NULL,
    referred_on   DATE NOT NULL,
    decided_on    DATE,
    approved_amount BIGINT,
    note          TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX kur_referrals_business ON kur_referrals (business_id);
