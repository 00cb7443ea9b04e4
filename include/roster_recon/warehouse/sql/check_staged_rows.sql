-- Files the run staged whose rows in staging are not all there (staging is unlogged: a server crash empties it).
-- A GBA roster's accepted rows are its rows with a valid ID (its broken-ID rows are rejected rows kept for matching).
SELECT f.file_name
  FROM audit.file f
  LEFT JOIN (SELECT file_id, count(*) AS staged
               FROM staging.roster_row
              WHERE run_id = %(run_id)s
              GROUP BY file_id
             UNION ALL
             SELECT file_id, count(*) FILTER (WHERE id_valid)
               FROM staging.gba_row
              WHERE run_id = %(run_id)s
              GROUP BY file_id
             UNION ALL
             SELECT file_id, count(*)
               FROM staging.self_report
              WHERE run_id = %(run_id)s
              GROUP BY file_id) s USING (file_id)
 WHERE f.run_id = %(run_id)s AND f.status = 'staged'
   AND coalesce(s.staged, 0) <> f.rows_read - f.rows_rejected
 ORDER BY f.file_id
