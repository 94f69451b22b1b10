-- Advocacy cases (docs/decisions.md, "Cases"): intake, handling states, the timeline, the document
-- checklist, referrals with recorded consent, and outcomes. What people said (chronology, notes,
-- reporter) is encrypted; categories, states, dates and amounts stay plain so counts need no key.
-- Keep in step with the other tree.

CREATE TABLE cases (
    id                    TEXT PRIMARY KEY,
    -- The village the case belongs to (or a kabupaten, for a report that named no village).
    region_code           TEXT NOT NULL,
    person_id             TEXT REFERENCES persons (id),
    episode_id            TEXT REFERENCES episodes (id),
    report_id             TEXT REFERENCES public_reports (id),
    worker_name           TEXT NOT NULL,
    source                TEXT NOT NULL,
    category              TEXT NOT NULL,
    urgency               TEXT NOT NULL,
    country               TEXT NOT NULL,
    agency                TEXT NOT NULL,
    employer              TEXT NOT NULL,
    chronology_enc        TEXT NOT NULL,
    reporter_enc          TEXT NOT NULL,
    status                TEXT NOT NULL,
    assigned_to           TEXT REFERENCES users (id),
    opened_on             TEXT NOT NULL,
    -- The day of the last action: the next deadline runs from it.
    last_action_on        TEXT NOT NULL,
    outcome               TEXT,
    outcome_amount        BIGINT,
    outcome_on            TEXT,
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL
);
CREATE INDEX cases_region ON cases (region_code, status, opened_on);
CREATE INDEX cases_opened ON cases (opened_on);

CREATE TABLE case_events (
    id         TEXT PRIMARY KEY,
    case_id    TEXT NOT NULL REFERENCES cases (id),
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    -- opened, status, assigned, note, document, referral, outcome
    kind       TEXT NOT NULL,
    summary    TEXT NOT NULL,
    note_enc   TEXT NOT NULL
);
CREATE INDEX case_events_case ON case_events (case_id, at);

CREATE TABLE case_documents (
    case_id     TEXT NOT NULL REFERENCES cases (id),
    code        TEXT NOT NULL,
    file_id     TEXT REFERENCES document_files (id),
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (case_id, code)
);

CREATE TABLE case_referrals (
    id               TEXT PRIMARY KEY,
    case_id          TEXT NOT NULL REFERENCES cases (id),
    target           TEXT NOT NULL,
    unit             TEXT NOT NULL,
    -- The region of the receiving office inside this system (a kecamatan or kabupaten code), or ''
    -- for offices outside it (BP3MI, missions, NGOs, police).
    receiver_region  TEXT NOT NULL,
    status           TEXT NOT NULL,
    consent          TEXT NOT NULL,
    consent_by       TEXT NOT NULL,
    consent_on       TEXT,
    override_reason  TEXT NOT NULL,
    reason           TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    created_by       TEXT NOT NULL
);
CREATE INDEX case_referrals_case ON case_referrals (case_id);
CREATE INDEX case_referrals_receiver ON case_referrals (receiver_region, status);
