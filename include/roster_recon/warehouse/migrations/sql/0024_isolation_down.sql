-- Migration 0024 undone: the page readers, the two views, the follow-up lists' policy, PUBLIC's defaults (as a new
-- PostgreSQL 15+ database has them); the functions keep their pinned search paths (pinning them is never wrong), and
-- the loader keeps SET on the roster roles (memberships are the cluster's, shared by every database on it).
DROP TABLE audit.page_reader;
DROP VIEW reporting.county_sending;
DROP VIEW reporting.follow_up_list;
DROP POLICY county_rows ON audit.follow_up_list;
ALTER TABLE audit.follow_up_list NO FORCE ROW LEVEL SECURITY;
ALTER TABLE audit.follow_up_list DISABLE ROW LEVEL SECURITY;
ALTER DEFAULT PRIVILEGES GRANT EXECUTE ON FUNCTIONS TO PUBLIC;
GRANT USAGE ON SCHEMA public TO PUBLIC;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA core, reporting TO PUBLIC;
DO $$ BEGIN
    EXECUTE 'GRANT CONNECT, TEMP ON DATABASE ' || pg_catalog.quote_ident(pg_catalog.current_database()) || ' TO PUBLIC';
END $$;
