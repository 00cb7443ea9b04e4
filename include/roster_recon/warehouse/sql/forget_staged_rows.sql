-- The rows an earlier attempt staged from its files (:files, the attempt's audit.file rows).
DELETE FROM staging.roster_row WHERE run_id = :run_id AND file_id = ANY (:files);
DELETE FROM staging.branch_presence WHERE run_id = :run_id AND file_id = ANY (:files);
DELETE FROM staging.gba_candidate WHERE run_id = :run_id AND file_id = ANY (:files);
DELETE FROM staging.gba_row WHERE run_id = :run_id AND file_id = ANY (:files);
DELETE FROM staging.self_report WHERE run_id = :run_id AND file_id = ANY (:files)
