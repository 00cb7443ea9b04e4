-- airflow_facing/web.py: whether the role the page reads as may read a county (NULL from the function: every county)
SELECT reporting.readable_counties() IS NULL OR CAST(:c AS text) = ANY (reporting.readable_counties())
