-- The rows of one staging table that runs other than the one holding the claim staged (abandon_other_runs.sql).
DELETE FROM staging.{table} WHERE run_id <> :run_id
