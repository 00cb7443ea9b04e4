-- One more attempt begins reading this content of the folder (committed before the reading starts, so an attempt
-- killed while reading still counts); returns how many attempts have begun since the last recorded outcome.
INSERT INTO audit.file_reading AS r (county_code, sha256, attempts, last_run_id)
VALUES (:county_code, :sha256, 1, :run_id)
    ON CONFLICT (county_code, sha256)
    -- An attempt ended more than two days ago is no longer held against the file (an unrelated death long ago).
    DO UPDATE SET attempts = CASE WHEN r.last_started_at < now() - interval '2 days' THEN 1 ELSE r.attempts + 1 END,
                  last_run_id = excluded.last_run_id, last_started_at = now()
RETURNING attempts
