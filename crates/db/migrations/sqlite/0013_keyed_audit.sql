-- The audit chain becomes keyed: from the entry `keyed_from` names on, each hash is an HMAC with
-- the deployment's audit key (derived from the key file, never stored here), so editing the
-- database alone can no longer produce a chain that verifies. Entries already written keep their
-- plain SHA-256 and still verify; the first keyed entry links to the last of them.
-- Keep in step with ../postgres/0013_keyed_audit.sql.

ALTER TABLE audit_head ADD COLUMN keyed_from INTEGER NOT NULL DEFAULT 1;
UPDATE audit_head SET keyed_from = seq + 1;
