-- How many pieces of evidence the run's files brought: the pieces this merge recorded are in evidence_moved
-- (contact_record_evidence.sql), beside earlier files' pieces whose day came; not a join of every piece held. A merge
-- run again after its run was merged (a retried task) recorded nothing now, and counts what the run recorded then.
SELECT CASE WHEN (SELECT status FROM audit.run WHERE run_id = %(run_id)s) = 'merged'
            THEN (SELECT count(*) FROM core.contact_event e JOIN audit.file f USING (file_id)
                   WHERE f.run_id = %(run_id)s)
            ELSE (SELECT count(*) FROM evidence_moved m JOIN audit.file f USING (file_id)
                   WHERE f.run_id = %(run_id)s)
       END
