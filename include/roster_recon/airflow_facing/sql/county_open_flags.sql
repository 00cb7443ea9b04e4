-- airflow_facing/web.py: county_page (open flags by kind)
SELECT flag, count(*) AS open_flags
FROM reporting.member_flags
WHERE county_code = :c
GROUP BY flag
ORDER BY flag
