-- Indexes for the registry at scale (docs/benchmarks.md, "Registry"). Indexes only: the tables and
-- columns stay the same in both trees. Keep in step with the other tree.

-- The person list's optional filters are written `($n = '' OR column ...)`, which SQLite cannot seek
-- on, so every list and search scans. This index holds everything those filters read, in the list's
-- order: the scan reads it instead of the table (about a quarter of the size), and the first page
-- stops as soon as it has its rows.
CREATE INDEX persons_search ON persons (name_key, id, village_code, dusun, nik_index);

-- The latest episode of a person (ids are time-ordered UUIDv7), without sorting; with the stage and
-- village, the passport list's join reads no episode rows.
CREATE INDEX episodes_person_latest ON episodes (person_id, id, stage, village_code);

-- The monitoring lists (abroad, contract ending, no contact, awaiting handover, by country) read
-- only this index: the stage first, then every column their conditions use.
CREATE INDEX episodes_watch ON episodes (stage, contract_end, village_code, person_id, last_contact_on, departed_on, handover_on, destination);
