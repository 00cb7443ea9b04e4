-- An earlier, unfinished attempt of a county's (or committee's) ingest in this run: a retry starts clean. Its staged
-- rows went first (forget_staged_rows.sql), while its files still name them.
DELETE FROM audit.file WHERE run_id = :run_id AND county_code = :county_code;
DELETE FROM audit.ignored_entry WHERE run_id = :run_id AND county_code = :county_code;
DELETE FROM audit.validation_document WHERE run_id = :run_id AND county_code = :county_code
