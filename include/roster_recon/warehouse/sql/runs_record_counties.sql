-- Counties a run sent to ingest and/or finish (once set, a requirement stays).
INSERT INTO audit.county_run (run_id, county_code, ingest_required, finish_required)
VALUES (:run_id, :county_code, :ingest, :finish)
    ON CONFLICT (run_id, county_code) DO UPDATE
   SET ingest_required = audit.county_run.ingest_required OR excluded.ingest_required,
       finish_required = audit.county_run.finish_required OR excluded.finish_required
