-- A county's ingest or finish task did not complete after all (its folder was held back later in the run).
UPDATE audit.county_run
   SET ingested_at = CASE WHEN :task = 'ingest' THEN NULL ELSE ingested_at END,
       finished_at = CASE WHEN :task = 'finish' THEN NULL ELSE finished_at END
 WHERE run_id = :run_id AND county_code = :county_code
