-- warehouse/__init__.py: migrate. What the connecting role could do beyond the loader's job, each a way out of
-- row security or onto the server: superuser, BYPASSRLS, REPLICATION, CREATEROLE where it is unbounded (PostgreSQL
-- 15 and older: such a role grants itself any non-superuser role), and the predefined roles that read or write the
-- server's files, run programs there or read every table; and membership (even without INHERIT) of a role that
-- is any of those.
SELECT r.rolname, r.rolsuper, r.rolbypassrls, r.rolreplication,
       r.rolcreaterole AND pg_catalog.current_setting('server_version_num')::int < 160000 AS unbounded_createrole,
       ARRAY(SELECT p.rolname::text
               FROM pg_catalog.pg_roles p
              WHERE p.rolname IN ('pg_read_server_files', 'pg_write_server_files', 'pg_execute_server_program',
                                  'pg_read_all_data', 'pg_write_all_data')
                AND pg_catalog.pg_has_role(r.oid, p.oid, 'MEMBER')
              ORDER BY 1) AS predefined,
       ARRAY(SELECT s.rolname::text
               FROM pg_catalog.pg_roles s
              WHERE (s.rolsuper OR s.rolbypassrls OR s.rolreplication) AND s.oid <> r.oid
                AND pg_catalog.pg_has_role(r.oid, s.oid, 'MEMBER')
              ORDER BY 1) AS powerful_roles
  FROM pg_catalog.pg_roles r
 WHERE r.rolname = current_user
