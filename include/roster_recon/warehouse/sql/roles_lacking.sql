-- warehouse/roles.py: ensure (the roster roles that lack something: missing, no CONNECT, no SELECT on a reporting
-- view, no EXECUTE on a function their views and policies call, or no SET for the loader)
SELECT r.name
  FROM unnest(CAST(:roles AS text[])) AS r(name)
 WHERE CASE WHEN NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = r.name) THEN true
       ELSE NOT pg_catalog.has_database_privilege(r.name, pg_catalog.current_database(), 'CONNECT')
         OR NOT pg_catalog.has_schema_privilege(r.name, 'reporting', 'USAGE')
         OR NOT pg_catalog.pg_has_role(current_user, r.name, 'SET')
         OR EXISTS (SELECT FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                     WHERE n.nspname = 'reporting' AND c.relkind = 'v'
                       AND NOT pg_catalog.has_table_privilege(r.name, c.oid, 'SELECT'))
         OR EXISTS (SELECT FROM unnest(CAST(:functions AS text[])) AS f(signature)
                     WHERE NOT pg_catalog.has_function_privilege(r.name, f.signature, 'EXECUTE'))
       END
