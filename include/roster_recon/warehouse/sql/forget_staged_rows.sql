-- The rows an earlier attempt staged from its files (:files, the attempt's audit.file rows), in one staging table.
DELETE FROM staging.{table} WHERE run_id = :run_id AND file_id = ANY (:files)
