-- A file is a duplicate only of the file that gave its branches their current snapshot, and one replaced within its
-- run is 'superseded'; the same bytes may be loaded again (a county going back to an earlier roster).
ALTER TABLE audit.file DROP CONSTRAINT file_status_check;
ALTER TABLE audit.file ADD CONSTRAINT file_status_check
    CHECK (status IN ('staged', 'loaded', 'duplicate', 'superseded', 'rejected', 'abandoned'));
DROP INDEX IF EXISTS audit.file_loaded_once;  -- (a downgrade past 0017 does not bring it back)

-- Which file gave each branch its current snapshot (written by the merge).
CREATE TABLE core.branch_source (
    county_code text NOT NULL,
    branch      text NOT NULL,
    file_id     bigint NOT NULL REFERENCES audit.file,
    as_of       date NOT NULL,
    PRIMARY KEY (county_code, branch)
);
-- Left empty on a warehouse loaded before this table: its next load of each branch fills it. Until then nothing is
-- judged a duplicate (a backfill from the versions could name an older file than the branch's last snapshot: one
-- that only removed members opens no version).

-- The fingerprint of the key the member keys were made with (an HMAC of a fixed label, never the key).
CREATE TABLE audit.key_fingerprint (
    singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    fingerprint text NOT NULL CHECK (fingerprint ~ '^[0-9a-f]{64}$'),
    recorded_at timestamptz NOT NULL DEFAULT now()
);
