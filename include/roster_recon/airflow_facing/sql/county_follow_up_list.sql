-- airflow_facing/web.py: county_page
SELECT as_of, members, path
FROM audit.follow_up_list
WHERE county_code = :c
ORDER BY list_id DESC
LIMIT 1
