-- delivery/report.py: read_figures. Each folder's files by outcome: a county's, a GBA committee's (named as the
-- committee), the members' self-reports (码上报) or the dues platform's payments.
SELECT f.county_code,
       coalesce(c.county_name, g.committee_name,
                CASE f.county_code WHEN 'self-reports' THEN '码上报 self-reports'
                                   WHEN 'dues' THEN '党费缴纳 dues payments' END) AS county_name,
       f.status, count(*) AS files, sum(f.rows_read) AS rows_read, sum(f.rows_loaded) AS rows_loaded,
       sum(f.rows_rejected) AS rows_rejected
FROM reporting.file_audit f
LEFT JOIN core.county c USING (county_code)
LEFT JOIN core.gba_committee g ON g.committee_code = f.county_code
WHERE f.run_id = :run_id
GROUP BY 1, 2, 3
ORDER BY 1, 3
