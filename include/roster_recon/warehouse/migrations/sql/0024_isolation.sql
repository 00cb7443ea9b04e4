-- Isolation that holds against a curious login (migration 0024). Every statement here is about what a session can
-- not do: read through a shadowed catalog, create an object where it could be picked up, or read past its role.

-- 1. The functions that policies and views call read nothing a session can shadow: a pinned search path (pg_temp
--    last, so a TEMP VIEW pg_roles is never seen) and names qualified with pg_catalog.
CREATE OR REPLACE FUNCTION reporting.readable_counties() RETURNS text[]
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE WHEN pg_catalog.pg_has_role(current_user, 'roster_loader', 'MEMBER')
                  OR pg_catalog.pg_has_role(current_user, 'roster_reader', 'MEMBER') THEN NULL
           ELSE coalesce(pg_catalog.array_agg(pg_catalog.substr(r.rolname, 15)), '{}') END
      FROM pg_catalog.pg_roles r
     WHERE r.rolname OPERATOR(pg_catalog.~) '^roster_county_[0-9]{6}$'
       AND pg_catalog.pg_has_role(current_user, r.oid, 'MEMBER') $$;

CREATE OR REPLACE FUNCTION reporting.readable_committees() RETURNS text[]
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE WHEN pg_catalog.pg_has_role(current_user, 'roster_loader', 'MEMBER')
                  OR pg_catalog.pg_has_role(current_user, 'roster_reader', 'MEMBER') THEN NULL
           ELSE coalesce(pg_catalog.array_agg(pg_catalog.substr(r.rolname, 18)), '{}') END
      FROM pg_catalog.pg_roles r
     WHERE r.rolname OPERATOR(pg_catalog.~) '^roster_committee_[0-9]{6}$'
       AND pg_catalog.pg_has_role(current_user, r.oid, 'MEMBER') $$;

-- The phone mask is called once per row of the views: a SQL-standard body, bound when it is created (so no search
-- path is consulted when it runs) and still inlined by the planner, which a SET clause would prevent.
CREATE OR REPLACE FUNCTION core.mask_phone(national_number text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT CASE
        WHEN national_number IS NULL OR national_number = '' THEN NULL
        WHEN pg_catalog.length(national_number) <= 7 THEN pg_catalog.repeat('*', pg_catalog.length(national_number))
        ELSE pg_catalog.left(national_number, 3)
             || pg_catalog.repeat('*', pg_catalog.length(national_number) - 7)
             || pg_catalog.right(national_number, 4)
    END;
END;

-- 2. PUBLIC holds nothing: no TEMP (temporary objects shadow names), no CONNECT for logins outside the roster roles,
--    nothing on the public schema, no EXECUTE on the warehouse's functions (now or later).
DO $$ BEGIN
    EXECUTE 'REVOKE ALL ON DATABASE ' || pg_catalog.quote_ident(pg_catalog.current_database()) || ' FROM PUBLIC';
END $$;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA core, reporting, audit, staging FROM PUBLIC;
ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

-- 3. Row security on the follow-up lists, which the county pages now read through reporting (a county its own,
--    a committee its own).
ALTER TABLE audit.follow_up_list ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit.follow_up_list FORCE ROW LEVEL SECURITY;
CREATE POLICY county_rows ON audit.follow_up_list
    USING ((SELECT reporting.readable_counties()) IS NULL
           OR county_code = ANY ((SELECT reporting.readable_counties())::text[])
           OR county_code = ANY ((SELECT reporting.readable_committees())::text[]))
    WITH CHECK ((SELECT pg_catalog.pg_has_role(current_user, 'roster_loader', 'MEMBER')));

CREATE VIEW reporting.follow_up_list AS
SELECT county_code, as_of, members, open_flags, path, written_at
  FROM audit.follow_up_list;

-- Whether a county sends: the as-of date of the run that received its newest file (whatever became of it) and,
-- for a county that never sent one, the first run's date. A county reads its own line.
CREATE VIEW reporting.county_sending AS
WITH last_file AS (
    SELECT f.county_code, max(r.as_of) AS last_as_of
      FROM audit.file f
      JOIN audit.run r USING (run_id)
     WHERE f.status <> 'abandoned'
     GROUP BY f.county_code
)
SELECT c.county_code, c.county_name, l.last_as_of, coalesce(l.last_as_of, w.since) AS silent_since,
       (SELECT max(as_of) FROM audit.run) AS latest_run_as_of
  FROM core.county c
 CROSS JOIN (SELECT min(as_of) AS since FROM audit.run) w
  LEFT JOIN last_file l USING (county_code);

-- 4. Which Airflow user reads the Rosters pages as which PostgreSQL role (warehouse/page_readers.py owns it).
CREATE TABLE audit.page_reader (
    airflow_user text PRIMARY KEY CHECK (airflow_user <> '' AND pg_catalog.length(airflow_user) <= 256),
    reads_as     text NOT NULL
                 CHECK (reads_as OPERATOR(pg_catalog.~) '^roster_(reader|county_[0-9]{6}|committee_[0-9]{6})$'),
    granted_at   timestamptz NOT NULL DEFAULT now()
);
