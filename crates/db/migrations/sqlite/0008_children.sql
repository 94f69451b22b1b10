-- Pillar 3, community parenting (docs/decisions.md, "Children"): the children of migrant workers
-- who stay in the village, their guardians' consent, the learning centre's sessions and parenting
-- classes, and who attended. A child's data is specific personal data (UU 27/2022 Pasal 25): the
-- consent row is written before the child's details, and the CHECK on `children` makes a child
-- with any detail beyond name and birth year but no consent impossible to store. What a child
-- needs is sealed like a case's notes. Keep in step with the other tree.

CREATE TABLE child_consents (
    id            TEXT PRIMARY KEY,
    region_code   TEXT NOT NULL,
    -- orang_tua, wali
    given_by      TEXT NOT NULL,
    giver_name    TEXT NOT NULL,
    relation      TEXT NOT NULL,
    given_on      TEXT NOT NULL,
    -- tertulis, lisan
    how           TEXT NOT NULL,
    recorded_by   TEXT NOT NULL,
    created_at    TEXT NOT NULL
);

CREATE TABLE children (
    id                   TEXT PRIMARY KEY,
    -- The village the child lives in.
    region_code          TEXT NOT NULL,
    name                 TEXT NOT NULL,
    birth_year           INTEGER NOT NULL,
    consent_id           TEXT REFERENCES child_consents (id),
    -- The parent abroad (a registry person) and their migration episode.
    parent_person_id     TEXT REFERENCES persons (id),
    parent_episode_id    TEXT REFERENCES episodes (id),
    -- The caregiver at home: a registry person when registered, and the name as told.
    caregiver_person_id  TEXT REFERENCES persons (id),
    caregiver_name       TEXT NOT NULL,
    school_level         TEXT,
    school_name          TEXT NOT NULL,
    -- sekolah, tidak_sekolah, lulus
    status               TEXT NOT NULL,
    needs_enc            TEXT NOT NULL,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    CHECK (consent_id IS NOT NULL OR (
        parent_person_id IS NULL AND parent_episode_id IS NULL AND caregiver_person_id IS NULL
        AND caregiver_name = '' AND school_level IS NULL AND school_name = '' AND status = ''
        AND needs_enc = ''))
);
CREATE INDEX children_region ON children (region_code, name);

CREATE TABLE learning_sessions (
    id           TEXT PRIMARY KEY,
    region_code  TEXT NOT NULL,
    -- belajar (children), parenting (caregivers)
    kind         TEXT NOT NULL,
    held_on      TEXT NOT NULL,
    activity     TEXT NOT NULL,
    facilitator  TEXT NOT NULL,
    -- When attendance was last taken; NULL until then.
    taken_at     TEXT,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL
);
CREATE INDEX learning_sessions_region ON learning_sessions (region_code, held_on);

-- One row per expected attendee of a session, present or not: a child (learning session) or a
-- caregiver (parenting class). Taking attendance again replaces the session's rows.
CREATE TABLE session_attendance (
    session_id  TEXT NOT NULL REFERENCES learning_sessions (id),
    child_id    TEXT REFERENCES children (id),
    person_id   TEXT REFERENCES persons (id),
    present     BOOLEAN NOT NULL,
    CHECK ((child_id IS NULL) <> (person_id IS NULL)),
    UNIQUE (session_id, child_id),
    UNIQUE (session_id, person_id)
);
CREATE INDEX session_attendance_child ON session_attendance (child_id);
