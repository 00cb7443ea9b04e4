-- An earlier, unfinished attempt of a county's ingest in this run: a retry starts clean.
DELETE FROM staging.roster_row WHERE run_id = :run_id AND county_code = :county_code;
DELETE FROM staging.branch_presence WHERE run_id = :run_id AND county_code = :county_code;
DELETE FROM audit.file WHERE run_id = :run_id AND county_code = :county_code;
DELETE FROM audit.ignored_entry WHERE run_id = :run_id AND county_code = :county_code;
DELETE FROM audit.validation_document WHERE run_id = :run_id AND county_code = :county_code
