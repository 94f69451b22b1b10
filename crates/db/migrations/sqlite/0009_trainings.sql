-- Trainings of the village facilitator (docs/decisions.md, "Trainings"): the provider names
-- offered as suggestions, trainings with their sessions, participants from the registry, the
-- attendance of each session, and each completion with the certificate letter it asked for (a
-- letter of kind sertifikat_pelatihan, signed and verified like every letter).
-- Keep in step with the other tree.

-- Providers offered as suggestions; a name typed in a training's form is added.
CREATE TABLE training_institutions (
    name  TEXT PRIMARY KEY
);
INSERT INTO training_institutions (name) VALUES
    ('BBPLK Lembang'),
    ('BLK Semarang'),
    ('Asosiasi Pemandu Wirausaha Indonesia'),
    ('Dinas Tenaga Kerja Kabupaten'),
    ('Balai Latihan Kerja Komunitas');

CREATE TABLE trainings (
    id            TEXT PRIMARY KEY,
    village_code  TEXT NOT NULL,
    topic         TEXT NOT NULL,
    institution   TEXT NOT NULL,
    starts_on     TEXT NOT NULL,
    ends_on       TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX trainings_village ON trainings (village_code, starts_on);

CREATE TABLE training_sessions (
    id           TEXT PRIMARY KEY,
    training_id  TEXT NOT NULL REFERENCES trainings (id),
    held_on      TEXT NOT NULL,
    subject      TEXT NOT NULL
);
CREATE INDEX training_sessions_training ON training_sessions (training_id, held_on);

CREATE TABLE training_participants (
    training_id   TEXT NOT NULL REFERENCES trainings (id),
    person_id     TEXT NOT NULL REFERENCES persons (id),
    added_at      TEXT NOT NULL,
    completed_on  TEXT,
    completed_by  TEXT,
    -- The certificate letter asked for at completion.
    letter_id     TEXT REFERENCES letters (id),
    PRIMARY KEY (training_id, person_id)
);
CREATE INDEX training_participants_person ON training_participants (person_id);

-- One row per participant present at a session; absence is the missing row.
CREATE TABLE training_attendance (
    session_id   TEXT NOT NULL REFERENCES training_sessions (id),
    person_id    TEXT NOT NULL REFERENCES persons (id),
    PRIMARY KEY (session_id, person_id)
);
