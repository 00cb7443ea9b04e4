-- A county's files that finish deals with: this run's (feedback, then the archive), and loaded files of earlier
-- runs whose feedback is still owed (their finish died before writing it; the content has been merged).
SELECT f.file_id, f.run_id, f.file_name, f.source_path, f.sha256, f.status, f.archived_to, f.error,
       f.run_id = :run_id AS this_run,
       f.feedback_path IS NULL
       AND (f.status = 'rejected' OR EXISTS (SELECT 1 FROM audit.file_problem p WHERE p.file_id = f.file_id))
           AS feedback_owed
  FROM audit.file f
 WHERE f.county_code = :county_code
   AND ((f.run_id = :run_id AND f.status IN ('loaded', 'duplicate', 'superseded', 'rejected'))
        OR (f.run_id <> :run_id AND f.status IN ('loaded', 'superseded') AND f.feedback_path IS NULL
            AND EXISTS (SELECT 1 FROM audit.file_problem p WHERE p.file_id = f.file_id)))
 ORDER BY f.file_id
