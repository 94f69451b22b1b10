-- Indexes for the registry at scale (docs/benchmarks.md, "Registry"). Indexes only: the tables and
-- columns stay the same in both trees. Keep in step with the other tree.
--
-- pg_trgm ships with PostgreSQL (Debian: in the postgresql package) and is a trusted extension, so
-- the owner of the database may create it without being a superuser.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Name search is a substring match on the name key (`name_key LIKE '%siti%'`): trigrams find it.
CREATE INDEX persons_name_trgm ON persons USING gin (name_key gin_trgm_ops);

-- The person list is ordered by name: the first page reads 50 index entries instead of sorting.
CREATE INDEX persons_name_order ON persons (name_key, id);

-- Region scope is a prefix (`village_code LIKE '32.12.%'`). A btree serves LIKE prefixes only
-- under the C collation or with the pattern operator class; databases are usually created with a
-- language collation (C.UTF-8, en_US.UTF-8), hence text_pattern_ops.
CREATE INDEX persons_village_prefix ON persons (village_code text_pattern_ops, name_key);
CREATE INDEX episodes_village_prefix ON episodes (village_code text_pattern_ops, stage);

-- The latest episode of a person (ids are time-ordered UUIDv7), without sorting; with the stage and
-- village, the passport list's join reads no episode rows.
CREATE INDEX episodes_person_latest ON episodes (person_id, id) INCLUDE (stage, village_code);

-- The monitoring lists (abroad, contract ending, no contact, awaiting handover, by country): the
-- stage first, then every column their conditions use, for index-only scans.
CREATE INDEX episodes_watch ON episodes (stage, contract_end)
    INCLUDE (village_code, person_id, last_contact_on, departed_on, handover_on, destination);

-- The passport list: who holds a passport that expires soon, without reading person rows.
CREATE INDEX persons_passport_watch ON persons (passport_expiry) INCLUDE (id) WHERE passport_expiry IS NOT NULL;
