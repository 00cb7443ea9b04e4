-- airflow_facing/web.py: county_page (since when the county has been silent, as of the latest run)
SELECT county_code, county_name, last_as_of, silent_since, latest_run_as_of
FROM reporting.county_sending
WHERE county_code = :c
