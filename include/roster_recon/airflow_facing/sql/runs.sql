-- The runs page: what each run received and changed, newest first.
SELECT r.run_id, r.as_of, r.status, r.started_at, r.merged_at,
       count(f.file_id) AS files,
       count(f.file_id) FILTER (WHERE f.status = 'rejected') AS rejected,
       count(f.file_id) FILTER (WHERE f.status = 'duplicate') AS duplicates,
       coalesce(sum(f.rows_loaded), 0) AS rows_loaded,
       r.flags_raised, r.flags_closed
  FROM audit.run r
  LEFT JOIN audit.file f USING (run_id)
 GROUP BY r.run_id
 ORDER BY r.as_of DESC, r.started_at DESC
 LIMIT 200
