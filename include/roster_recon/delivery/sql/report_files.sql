-- delivery/report.py: read_figures
SELECT f.county_code, c.county_name, f.status, count(*) AS files, sum(f.rows_read) AS rows_read, sum(f.rows_loaded) AS rows_loaded, sum(f.rows_rejected) AS rows_rejected
FROM reporting.file_audit f
LEFT JOIN core.county c USING (county_code)
WHERE f.run_id = :run_id
GROUP BY 1, 2, 3
ORDER BY 1, 3
