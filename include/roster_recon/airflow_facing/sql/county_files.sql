-- airflow_facing/web.py: county_page
SELECT as_of, file_name, status, rows_read, rows_loaded, rows_rejected, error
FROM reporting.file_audit
WHERE county_code = :c
ORDER BY received_at DESC
LIMIT 100
