-- airflow_facing/web.py: county_page (the county's latest follow-up list)
SELECT as_of, members, path
FROM reporting.follow_up_list
WHERE county_code = :c
ORDER BY as_of DESC, written_at DESC
LIMIT 1
