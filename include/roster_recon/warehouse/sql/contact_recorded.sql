-- How many pieces of evidence the run's files brought: the pieces the run recorded are in evidence_moved
-- (contact_record_evidence.sql), beside the ones of earlier files whose day came; not a join of every piece held.
SELECT count(*) FROM evidence_moved m JOIN audit.file f USING (file_id) WHERE f.run_id = %(run_id)s
