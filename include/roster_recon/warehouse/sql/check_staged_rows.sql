-- Files the run staged whose rows in staging are not all there (staging is unlogged: a server crash empties it):
-- the rows of every staging table, per file, against the count the ledger recorded when it copied them (for a file
-- recorded before that count existed, at least its accepted rows).
-- The placeholder staged_counts is staged_count.sql once per staging table, joined by UNION ALL (merge.py).
SELECT f.county_code, f.file_name
  FROM audit.file f
  LEFT JOIN (SELECT file_id, sum(n) AS staged FROM ({staged_counts}) per_table GROUP BY file_id) s USING (file_id)
 WHERE f.run_id = %(run_id)s AND f.status = 'staged'
   AND coalesce(s.staged, 0) <> coalesce(f.rows_staged, greatest(coalesce(s.staged, 0), f.rows_read - f.rows_rejected))
 ORDER BY f.file_id
