-- What a county's ingest came to in a run (the ingest task's XCom).
SELECT count(*) AS files,
       count(*) FILTER (WHERE status IN ('staged', 'loaded')) AS accepted,
       count(*) FILTER (WHERE status = 'duplicate') AS duplicate,
       count(*) FILTER (WHERE status = 'rejected') AS rejected,
       coalesce(sum(rows_read), 0) AS rows_read,
       coalesce(sum(rows_rejected), 0) AS rows_rejected
  FROM audit.file
 WHERE run_id = :run_id AND county_code = :county_code
