-- Every reporting view a security barrier: a reader's condition on a view's columns runs on the rows the view shows,
-- never below its joins on every county's rows (a function that prints what it is given, an error on some value).
-- Run on every migrate, as CREATE OR REPLACE VIEW in a later migration resets a view's options.
DO $$
DECLARE
  found record;
BEGIN
  FOR found IN
    SELECT c.oid::regclass::text AS name
      FROM pg_catalog.pg_class c
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'reporting'
       AND c.relkind = 'v'
       AND NOT coalesce('security_barrier=true' = ANY (c.reloptions), false)
  LOOP
    EXECUTE 'ALTER VIEW ' || found.name || ' SET (security_barrier = true)';
  END LOOP;
END
$$;
