-- How many pieces of evidence the run's files brought.
SELECT count(*) FROM core.contact_event e JOIN audit.file f USING (file_id) WHERE f.run_id = %(run_id)s
