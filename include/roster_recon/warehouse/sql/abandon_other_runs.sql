-- Rows staged by earlier runs that never merged are left from a run that failed or died: the run holding the claim
-- is the only one, so nobody uses them. Their files are still in the drop folders and are read again.
UPDATE audit.file SET status = 'abandoned' WHERE status = 'staged' AND run_id <> :run_id
