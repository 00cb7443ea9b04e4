-- The counties finish must visit: files of the run, or entries of their folder the run left alone (feedback says
-- why they were not read); a _READY marker is no mistake.
SELECT county_code FROM audit.file WHERE run_id = :r
UNION
SELECT county_code FROM audit.ignored_entry WHERE run_id = :r AND county_code IS NOT NULL AND reason <> :marker
