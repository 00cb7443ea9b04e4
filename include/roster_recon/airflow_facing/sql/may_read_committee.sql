-- airflow_facing/web.py: whether the role the page reads as may read a committee's page (its own, or every one for
-- the municipal committee and the data team)
SELECT reporting.readable_committees() IS NULL
    OR CAST(:c AS text) = ANY (reporting.readable_committees())
    OR reporting.includes_municipal(reporting.readable_committees())
