-- One more attempt begins reading this content of the folder (committed before the reading starts, so an attempt
-- killed while reading still counts); returns how many attempts have begun since the last recorded outcome.
INSERT INTO audit.file_reading AS r (county_code, sha256, attempts, last_run_id)
VALUES (:county_code, :sha256, 1, :run_id)
    ON CONFLICT (county_code, sha256)
    DO UPDATE SET attempts = r.attempts + 1, last_run_id = excluded.last_run_id, last_started_at = now()
RETURNING attempts
