-- demo/driver.py: summary
SELECT county_code, file_name, status, rows_read, rows_loaded, rows_rejected, error
FROM reporting.file_audit
WHERE run_id = :r
ORDER BY county_code, file_name
