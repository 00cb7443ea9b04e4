-- The counties finish must visit: files of the run, or a folder inside their folder (its files were not read, and
-- the county's feedback must say so). Lock files, partial downloads and the like are left alone without a visit.
SELECT county_code FROM audit.file WHERE run_id = :r
UNION
SELECT county_code FROM audit.ignored_entry WHERE run_id = :r AND county_code IS NOT NULL AND reason = :folder
