-- A file is a duplicate only of the file that gave its branches their current snapshot, and one replaced within its
-- run is 'superseded'; the same bytes may be loaded again (a county going back to an earlier roster).
ALTER TABLE audit.file DROP CONSTRAINT file_status_check;
ALTER TABLE audit.file ADD CONSTRAINT file_status_check
    CHECK (status IN ('staged', 'loaded', 'duplicate', 'superseded', 'rejected', 'abandoned'));
DROP INDEX IF EXISTS audit.file_loaded_once;  -- (a downgrade past 0017 does not bring it back)
CREATE INDEX file_by_sha256 ON audit.file (sha256);

-- Which file gave each branch its current snapshot (written by the merge).
CREATE TABLE core.branch_source (
    county_code text NOT NULL,
    branch      text NOT NULL,
    file_id     bigint NOT NULL REFERENCES audit.file,
    as_of       date NOT NULL,
    PRIMARY KEY (county_code, branch)
);
-- A warehouse loaded before this table: the newest file behind each branch's current versions.
INSERT INTO core.branch_source (county_code, branch, file_id, as_of)
SELECT v.county_code, v.branch, max(v.source_file_id), max(v.valid_from)
  FROM core.roster_version v
 WHERE v.valid_to IS NULL AND v.source_file_id IS NOT NULL
 GROUP BY v.county_code, v.branch;

-- The fingerprint of the key the member keys were made with (an HMAC of a fixed label, never the key).
CREATE TABLE audit.key_fingerprint (
    singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    fingerprint text NOT NULL CHECK (fingerprint ~ '^[0-9a-f]{64}$'),
    recorded_at timestamptz NOT NULL DEFAULT now()
);
