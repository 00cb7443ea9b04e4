-- The staging tables: every table of schema staging, each holding rows of one run's files (run_id, file_id). A new
-- kind of input adds its table in a migration, and the retries, the abandonment and the merge's check walk it.
SELECT c.relname
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'staging' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
   AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'run_id' AND NOT a.attisdropped)
   AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'file_id' AND NOT a.attisdropped)
 ORDER BY c.relname
