-- A county's ingest or finish task completed (the time of its latest completion).
INSERT INTO audit.county_run (run_id, county_code, ingested_at, finished_at)
VALUES (:run_id, :county_code,
        CASE WHEN :task = 'ingest' THEN now() END, CASE WHEN :task = 'finish' THEN now() END)
    ON CONFLICT (run_id, county_code) DO UPDATE
   SET ingested_at = coalesce(excluded.ingested_at, audit.county_run.ingested_at),
       finished_at = coalesce(excluded.finished_at, audit.county_run.finished_at)
