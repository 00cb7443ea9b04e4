-- The folder's files that earlier runs received and may not have archived (finish records the destination before
-- the move, which can still fail): each by where it lay, its content and its time, so that the same file still
-- lying there is recognised (intake checks whether the recorded destination holds anything).
SELECT DISTINCT ON (source_path, sha256, modified_at) source_path, sha256, modified_at, file_id, archived_to
  FROM audit.file
 WHERE county_code = :county_code AND status IN ('loaded', 'duplicate', 'superseded')
 ORDER BY source_path, sha256, modified_at, file_id DESC
