-- A county's GX result document for the run (no row values), which the report task renders as Data Docs.
INSERT INTO audit.validation_document (run_id, county_code, asset_name, run_name, run_time, result)
VALUES (:run_id, :county_code, :asset_name, :run_name, :run_time, CAST(:result AS jsonb))
    ON CONFLICT (run_id, county_code, asset_name)
    DO UPDATE SET run_name = excluded.run_name, run_time = excluded.run_time, result = excluded.result
