-- An earlier, unfinished attempt of a county's (or committee's) ingest in this run: a retry starts clean.
DELETE FROM staging.roster_row WHERE run_id = :run_id AND county_code = :county_code;
DELETE FROM staging.branch_presence WHERE run_id = :run_id AND county_code = :county_code;
DELETE FROM staging.gba_candidate
 WHERE run_id = :run_id AND file_id IN (SELECT file_id FROM staging.gba_row
                                         WHERE run_id = :run_id AND committee_code = :county_code);
DELETE FROM staging.gba_row WHERE run_id = :run_id AND committee_code = :county_code;
DELETE FROM staging.self_report
 WHERE run_id = :run_id AND file_id IN (SELECT file_id FROM audit.file WHERE run_id = :run_id AND county_code = :county_code);
DELETE FROM audit.file WHERE run_id = :run_id AND county_code = :county_code;
DELETE FROM audit.ignored_entry WHERE run_id = :run_id AND county_code = :county_code;
DELETE FROM audit.validation_document WHERE run_id = :run_id AND county_code = :county_code
