-- Rate limits shared by every server of a deployment (login attempts, failed logins per account
-- and address, public lookups, reports, letter requests): one row per action, key and fixed window.
-- Pruned as new windows open; not part of backups.
CREATE TABLE rate_limits (
    action        TEXT NOT NULL,
    key           TEXT NOT NULL,
    window_start  BIGINT NOT NULL,
    hits          BIGINT NOT NULL,
    PRIMARY KEY (action, key, window_start)
);
CREATE INDEX rate_limits_window ON rate_limits (window_start);
