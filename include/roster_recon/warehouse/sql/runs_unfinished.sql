-- warehouse/runs.py: unfinished
SELECT county_code, ingest_required AND ingested_at IS NULL AS ingest_failed, finish_required AND finished_at IS NULL AS finish_failed
FROM audit.county_run
WHERE run_id = :run_id
ORDER BY county_code
