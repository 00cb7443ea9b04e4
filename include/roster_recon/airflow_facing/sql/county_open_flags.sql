-- airflow_facing/web.py: county_page
SELECT flag, count(*) AS open_flags
FROM core.member_flag
WHERE county_code = :c AND closed_on IS NULL
GROUP BY flag
ORDER BY flag
