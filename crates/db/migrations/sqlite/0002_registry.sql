-- Pillar 1 registry: households (KK), people, migration episodes with their transitions,
-- counselling sessions, document requirements as data, per-episode checklists and encrypted scans.
-- Personal numbers (NIK, KK, passport) are stored encrypted (*_enc) with a keyed blind index for exact
-- lookup (*_index) and the last four digits for masked display. Every row carries the village code it
-- belongs to, which is what region scope is checked against. Keep in step with the other tree.

CREATE TABLE households (
    id            TEXT PRIMARY KEY,
    village_code  TEXT NOT NULL,
    kk_enc        TEXT NOT NULL,
    kk_index      TEXT NOT NULL UNIQUE,
    kk_last4      TEXT NOT NULL,
    dusun         TEXT NOT NULL,
    rt            TEXT NOT NULL,
    rw            TEXT NOT NULL,
    address       TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX households_village ON households (village_code);

CREATE TABLE persons (
    id               TEXT PRIMARY KEY,
    village_code     TEXT NOT NULL,
    nik_enc          TEXT NOT NULL,
    nik_index        TEXT NOT NULL UNIQUE,
    nik_last4        TEXT NOT NULL,
    name             TEXT NOT NULL,
    name_key         TEXT NOT NULL,
    sex              TEXT NOT NULL,
    birth_place      TEXT NOT NULL,
    birth_date       TEXT NOT NULL,
    dusun            TEXT NOT NULL,
    rt               TEXT NOT NULL,
    rw               TEXT NOT NULL,
    address          TEXT NOT NULL,
    phone            TEXT NOT NULL,
    education        TEXT NOT NULL,
    marital_status   TEXT NOT NULL,
    skills           TEXT NOT NULL,
    household_id     TEXT REFERENCES households (id),
    relationship     TEXT NOT NULL,
    passport_enc     TEXT,
    passport_index   TEXT,
    passport_expiry  TEXT,
    nik_warnings     TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX persons_village_name ON persons (village_code, name_key);
CREATE INDEX persons_household ON persons (household_id);
CREATE INDEX persons_passport_expiry ON persons (village_code, passport_expiry);

CREATE TABLE episodes (
    id               TEXT PRIMARY KEY,
    person_id        TEXT NOT NULL REFERENCES persons (id),
    village_code     TEXT NOT NULL,
    stage            TEXT NOT NULL,
    destination      TEXT NOT NULL,
    occupation       TEXT NOT NULL,
    employer         TEXT NOT NULL,
    agency           TEXT NOT NULL,
    route            TEXT NOT NULL,
    procedural       BOOLEAN NOT NULL,
    siapkerja_id     TEXT NOT NULL,
    contract_start   TEXT,
    contract_end     TEXT,
    departed_on      TEXT,
    returned_on      TEXT,
    last_contact_on  TEXT,
    handover_on      TEXT,
    handover_note    TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX episodes_person ON episodes (person_id);
CREATE INDEX episodes_village_stage ON episodes (village_code, stage);

CREATE TABLE episode_transitions (
    id          TEXT PRIMARY KEY,
    episode_id  TEXT NOT NULL REFERENCES episodes (id),
    from_stage  TEXT NOT NULL,
    to_stage    TEXT NOT NULL,
    at          TEXT NOT NULL,
    actor_id    TEXT,
    actor       TEXT NOT NULL,
    note        TEXT NOT NULL
);
CREATE INDEX episode_transitions_episode ON episode_transitions (episode_id, at);

CREATE TABLE counselling_sessions (
    id            TEXT PRIMARY KEY,
    person_id     TEXT NOT NULL REFERENCES persons (id),
    village_code  TEXT NOT NULL,
    held_on       TEXT NOT NULL,
    topics        TEXT NOT NULL,
    counsellor    TEXT NOT NULL,
    notes         TEXT NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE INDEX counselling_person ON counselling_sessions (person_id, held_on);

-- What documents an episode needs, by destination and occupation ('' = any). Data, so national
-- staff can follow changes of the law without a new release.
CREATE TABLE document_requirements (
    id           TEXT PRIMARY KEY,
    code         TEXT NOT NULL,
    label        TEXT NOT NULL,
    legal_basis  TEXT NOT NULL,
    destination  TEXT NOT NULL,
    occupation   TEXT NOT NULL,
    expires      BOOLEAN NOT NULL,
    position     INTEGER NOT NULL,
    active       BOOLEAN NOT NULL,
    updated_at   TEXT NOT NULL,
    UNIQUE (code, destination, occupation)
);

CREATE TABLE document_files (
    id            TEXT PRIMARY KEY,
    village_code  TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size_bytes    BIGINT NOT NULL,
    sha256        TEXT NOT NULL,
    data_enc      TEXT NOT NULL,
    uploaded_at   TEXT NOT NULL,
    uploaded_by   TEXT NOT NULL
);

CREATE TABLE episode_documents (
    id                TEXT PRIMARY KEY,
    episode_id        TEXT NOT NULL REFERENCES episodes (id),
    requirement_code  TEXT NOT NULL,
    label             TEXT NOT NULL,
    expires           BOOLEAN NOT NULL,
    status            TEXT NOT NULL,
    submitted_on      TEXT,
    verified_on       TEXT,
    expires_on        TEXT,
    file_id           TEXT REFERENCES document_files (id),
    note              TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    UNIQUE (episode_id, requirement_code)
);

-- Seed: UU 18/2017 Pasal 13 and the registration documents (DOMAIN.md §1.2), for every destination.
INSERT INTO document_requirements (id, code, label, legal_basis, destination, occupation, expires, position, active, updated_at) VALUES
    ('0193b000-0000-7000-8000-000000000001', 'surat_status_perkawinan', 'Surat keterangan status perkawinan (bagi yang menikah: fotokopi buku nikah)', 'UU 18/2017 Pasal 13 huruf a', '', '', FALSE, 1, TRUE, '2026-11-27 00:00:00+00:00'),
    ('0193b000-0000-7000-8000-000000000002', 'surat_izin_keluarga', 'Surat keterangan izin suami/istri/orang tua/wali yang diketahui kepala desa', 'UU 18/2017 Pasal 13 huruf b', '', '', FALSE, 2, TRUE, '2026-11-27 00:00:00+00:00'),
    ('0193b000-0000-7000-8000-000000000003', 'sertifikat_kompetensi', 'Sertifikat kompetensi kerja', 'UU 18/2017 Pasal 13 huruf c', '', '', TRUE, 3, TRUE, '2026-11-27 00:00:00+00:00'),
    ('0193b000-0000-7000-8000-000000000004', 'surat_sehat', 'Surat keterangan sehat (pemeriksaan kesehatan dan psikologi)', 'UU 18/2017 Pasal 13 huruf d', '', '', TRUE, 4, TRUE, '2026-11-27 00:00:00+00:00'),
    ('0193b000-0000-7000-8000-000000000005', 'paspor', 'Paspor dari kantor imigrasi setempat', 'UU 18/2017 Pasal 13 huruf e', '', '', TRUE, 5, TRUE, '2026-11-27 00:00:00+00:00'),
    ('0193b000-0000-7000-8000-000000000006', 'visa_kerja', 'Visa kerja', 'UU 18/2017 Pasal 13 huruf f', '', '', TRUE, 6, TRUE, '2026-11-27 00:00:00+00:00'),
    ('0193b000-0000-7000-8000-000000000007', 'perjanjian_penempatan', 'Perjanjian Penempatan Pekerja Migran Indonesia', 'UU 18/2017 Pasal 13 huruf g', '', '', FALSE, 7, TRUE, '2026-11-27 00:00:00+00:00'),
    ('0193b000-0000-7000-8000-000000000008', 'perjanjian_kerja', 'Perjanjian kerja', 'UU 18/2017 Pasal 13 huruf h', '', '', FALSE, 8, TRUE, '2026-11-27 00:00:00+00:00'),
    ('0193b000-0000-7000-8000-000000000009', 'ktp_el', 'KTP-el', 'Perban BP2MI 7/2022 (pendaftaran)', '', '', FALSE, 9, TRUE, '2026-11-27 00:00:00+00:00'),
    ('0193b000-0000-7000-8000-000000000010', 'kartu_keluarga', 'Kartu Keluarga', 'Perban BP2MI 7/2022 (pendaftaran)', '', '', FALSE, 10, TRUE, '2026-11-27 00:00:00+00:00'),
    ('0193b000-0000-7000-8000-000000000011', 'akta_lahir_ijazah', 'Akta kelahiran atau ijazah', 'Perban BP2MI 7/2022 (pendaftaran)', '', '', FALSE, 11, TRUE, '2026-11-27 00:00:00+00:00'),
    ('0193b000-0000-7000-8000-000000000012', 'bpjs', 'Kartu kepesertaan jaminan sosial (BPJS)', 'UU 18/2017 Pasal 5 huruf d', '', '', FALSE, 12, TRUE, '2026-11-27 00:00:00+00:00'),
    ('0193b000-0000-7000-8000-000000000013', 'sertifikat_opp', 'Sertifikat Orientasi Pra Penempatan (OPP)', 'Perban BP2MI 7/2022', '', '', FALSE, 13, TRUE, '2026-11-27 00:00:00+00:00');
