-- Migration 0024 undone: the page readers, the two views, the follow-up lists' policy, PUBLIC's defaults; the
-- functions keep their pinned search paths (pinning them is never wrong).
DROP TABLE audit.page_reader;
DROP VIEW reporting.county_sending;
DROP VIEW reporting.follow_up_list;
DROP POLICY county_rows ON audit.follow_up_list;
ALTER TABLE audit.follow_up_list NO FORCE ROW LEVEL SECURITY;
ALTER TABLE audit.follow_up_list DISABLE ROW LEVEL SECURITY;
ALTER DEFAULT PRIVILEGES GRANT EXECUTE ON FUNCTIONS TO PUBLIC;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA core, reporting TO PUBLIC;
DO $$ BEGIN
    EXECUTE 'GRANT CONNECT, TEMP ON DATABASE ' || pg_catalog.quote_ident(pg_catalog.current_database()) || ' TO PUBLIC';
END $$;
