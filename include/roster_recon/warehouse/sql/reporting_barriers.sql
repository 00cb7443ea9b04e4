-- Every reporting view a security barrier: a reader's condition on a view's columns runs on the rows the view shows,
-- never below its joins on every county's rows (a function that prints what it is given, an error on some value).
-- Run on every migrate, as CREATE OR REPLACE VIEW in a later migration resets a view's options. A view the loader does
-- not own (a DBA's) is left as it is, with a warning in the server's log, rather than failing every night.
DO $$
DECLARE
  found record;
BEGIN
  FOR found IN
    SELECT c.oid::regclass::text AS name, c.relowner AS owner
      FROM pg_catalog.pg_class c
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'reporting'
       AND c.relkind = 'v'
       AND NOT coalesce('security_barrier=true' = ANY (c.reloptions), false)
  LOOP
    IF pg_catalog.pg_has_role(found.owner, 'USAGE') THEN
      EXECUTE 'ALTER VIEW ' || found.name || ' SET (security_barrier = true)';
    ELSE
      RAISE WARNING 'reporting view % is not the loader''s: it is left without security_barrier', found.name;
    END IF;
  END LOOP;
END
$$;
