-- Both sides of every member (contract: "The other side"): GBA committees' branch rosters with history, the
-- reconciliation categories with history, two new flags, the views and the committee roles.

-- The 1+7+N committees by code (synchronised from the reference data every run, like core.county).
CREATE TABLE core.gba_committee (
    committee_code text PRIMARY KEY CHECK (committee_code ~ '^\d{6}$'),
    committee_name text NOT NULL,
    is_municipal   boolean NOT NULL DEFAULT false  -- the "1": serves the other GBA cities, sees every GBA row
);

-- A GBA roster's rows waiting for the merge: no raw ID number. A row whose ID is broken (id_valid false) is keyed
-- by the HMAC of the number as written, matches no member, and carries its candidates in staging.gba_candidate.
CREATE UNLOGGED TABLE staging.gba_row (
    run_id           text NOT NULL,
    file_id          bigint NOT NULL,
    committee_code   text NOT NULL,
    branch           text NOT NULL,
    source_row       integer NOT NULL,
    member_key       text COLLATE "C" NOT NULL,
    id_valid         boolean NOT NULL,
    id_masked        text,
    name             text NOT NULL,
    gender           text,
    home_county      text,
    home_county_code text,
    home_branch      text,
    phone            text,
    phone_valid      boolean NOT NULL,
    phone_national   text,
    employer         text,
    placed_on        date,
    last_activity    date,
    dues_paid_to     date
);

CREATE UNLOGGED TABLE staging.gba_candidate (
    run_id        text NOT NULL,
    file_id       bigint NOT NULL,
    member_key    text COLLATE "C" NOT NULL,  -- the broken row's key
    candidate_key text COLLATE "C" NOT NULL,
    positions     text NOT NULL                -- 1-based character positions the candidate changes: '18', '7,8'
);

-- One row per version of a member's placement on one GBA branch's roster (type 2): valid_to null while current.
CREATE TABLE core.gba_placement (
    version_id       bigserial PRIMARY KEY,
    member_key       text COLLATE "C" NOT NULL,
    id_valid         boolean NOT NULL,
    committee_code   text NOT NULL REFERENCES core.gba_committee,
    branch           text NOT NULL,
    name             text NOT NULL,
    id_masked        text,
    gender           text,
    home_county      text,
    home_county_code text,
    home_branch      text,
    phone            text,
    phone_valid      boolean NOT NULL,
    phone_national   text,
    employer         text,
    placed_on        date,
    last_activity    date,
    dues_paid_to     date,
    facts_hash       text NOT NULL,
    valid_from       date NOT NULL,
    valid_to         date,
    source_file_id   bigint REFERENCES audit.file,
    CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE UNIQUE INDEX gba_placement_current ON core.gba_placement (member_key, committee_code, branch)
    WHERE valid_to IS NULL;
CREATE INDEX gba_placement_current_branch ON core.gba_placement (committee_code, branch) WHERE valid_to IS NULL;

-- The candidates of a broken row's version (immutable, like the version).
CREATE TABLE core.gba_candidate (
    version_id    bigint NOT NULL REFERENCES core.gba_placement ON DELETE CASCADE,
    candidate_key text COLLATE "C" NOT NULL,
    positions     text NOT NULL,
    PRIMARY KEY (version_id, candidate_key)
);
CREATE INDEX gba_candidate_key ON core.gba_candidate (candidate_key);

-- One row per spell of a member in a category, on either side; closed_on null while it lasts. The facts shown are
-- those of the latest run (refreshed in place); the phone is the full one (core only), for the follow-up lists.
CREATE TABLE core.gba_reconciliation (
    member_key         text COLLATE "C" NOT NULL,
    category           text NOT NULL CHECK (category IN ('matched', 'city_differs', 'not_placed', 'awaiting_roster',
                                                         'not_on_ledger', 'placed_twice', 'probable_match')),
    since              date NOT NULL,
    closed_on          date,
    since_run          text NOT NULL,
    closed_by_run      text,
    name               text,
    id_masked          text,
    home_county_code   text,
    home_branch        text,
    ledger_city        text,
    ledger_city_code   text,
    expected_committee text,
    gba_committee      text,
    gba_branch         text,                           -- the (first) GBA branch placing the member
    gba_placements     text,                           -- every placement, '<committee> <branch>; …'
    committees         text[] NOT NULL DEFAULT '{}',  -- every committee concerned: expected and placing
    differences        text[] NOT NULL DEFAULT '{}',
    probable_positions text,
    phone              text,
    phone_national     text,
    last_contact_date  date,
    last_contact_source text,
    CHECK (closed_on IS NULL OR closed_on >= since)
);
CREATE UNIQUE INDEX gba_reconciliation_open ON core.gba_reconciliation (member_key) WHERE closed_on IS NULL;

ALTER TABLE core.member_flag DROP CONSTRAINT member_flag_flag_check;
ALTER TABLE core.member_flag ADD CONSTRAINT member_flag_flag_check
    CHECK (flag IN ('missing_outflow_time', 'missing_destination', 'missing_contact', 'missing_industry',
                    'lost_contact', 'duplicate_enrollment', 'not_placed_in_gba', 'destination_outdated'));

-- Which committees the current login may see: by its committee roles; NULL for the loader and roster_reader.
CREATE FUNCTION reporting.readable_committees() RETURNS text[] LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN pg_has_role(current_user, 'roster_loader', 'MEMBER')
                  OR pg_has_role(current_user, 'roster_reader', 'MEMBER') THEN NULL
           ELSE coalesce(array_agg(substr(rolname, 18)), '{}') END
      FROM pg_roles
     WHERE rolname ~ '^roster_committee_[0-9]{6}$' AND pg_has_role(current_user, oid, 'MEMBER') $$;
COMMENT ON FUNCTION reporting.readable_committees() IS
    'NULL: every committee (roster_loader, roster_reader); else the committees of the login''s committee roles';

-- Whether one of some committees is the municipal committee, which sees every GBA row. The caller passes the
-- committees its login may read (reporting.readable_committees(), computed with the caller's current_user); the
-- function runs with its owner's rights to read core.gba_committee, which no reader may.
CREATE FUNCTION reporting.includes_municipal(committees text[]) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT EXISTS (SELECT 1 FROM core.gba_committee WHERE is_municipal AND committee_code = ANY (committees)) $$;

-- Row-level security, forced: a county login sees its members (home county), a committee login the rows of its
-- committee (expected or placing), the municipal committee every GBA row.
ALTER TABLE core.gba_reconciliation ENABLE ROW LEVEL SECURITY;
ALTER TABLE core.gba_reconciliation FORCE ROW LEVEL SECURITY;
CREATE POLICY both_sides ON core.gba_reconciliation
    USING ((SELECT reporting.readable_counties()) IS NULL
           OR home_county_code = ANY ((SELECT reporting.readable_counties())::text[])
           OR committees && (SELECT reporting.readable_committees())
           OR reporting.includes_municipal((SELECT reporting.readable_committees())))
    WITH CHECK (pg_has_role(current_user, 'roster_loader', 'MEMBER'));
ALTER TABLE core.gba_placement ENABLE ROW LEVEL SECURITY;
ALTER TABLE core.gba_placement FORCE ROW LEVEL SECURITY;
CREATE POLICY committee_rows ON core.gba_placement
    USING ((SELECT reporting.readable_counties()) IS NULL
           OR committee_code = ANY ((SELECT reporting.readable_committees())::text[])
           OR reporting.includes_municipal((SELECT reporting.readable_committees())))
    WITH CHECK (pg_has_role(current_user, 'roster_loader', 'MEMBER'));
-- A committee's own files and the entries of its folder left alone (recorded under the committee's code);
-- permissive, so OR the county policy.
CREATE POLICY committee_files ON audit.file
    USING (county_code = ANY ((SELECT reporting.readable_committees())::text[]))
    WITH CHECK (pg_has_role(current_user, 'roster_loader', 'MEMBER'));
CREATE POLICY committee_entries ON audit.ignored_entry
    USING (county_code = ANY ((SELECT reporting.readable_committees())::text[]))
    WITH CHECK (pg_has_role(current_user, 'roster_loader', 'MEMBER'));

CREATE VIEW reporting.gba_reconciliation AS
SELECT r.member_key, r.name, r.id_masked AS id_number_masked, r.category, r.since,
       r.home_county_code, r.home_branch, r.ledger_city, r.expected_committee, r.gba_committee, r.gba_branch,
       r.differences, r.last_contact_date, r.last_contact_source, r.gba_placements,
       core.mask_phone(r.phone_national) AS phone_masked, r.probable_positions, r.committees
  FROM core.gba_reconciliation r
 WHERE r.closed_on IS NULL;

CREATE VIEW reporting.gba_committee_summary AS
WITH open_rows AS (
    SELECT r.*, c AS committee_code
      FROM core.gba_reconciliation r
     CROSS JOIN LATERAL unnest(r.committees) AS c
     WHERE r.closed_on IS NULL
), counts AS (
    SELECT committee_code,
           count(*) FILTER (WHERE expected_committee = committee_code) AS expected,
           count(*) FILTER (WHERE category = 'matched') AS matched,
           count(*) FILTER (WHERE category = 'city_differs') AS city_differs,
           count(*) FILTER (WHERE category = 'not_placed') AS not_placed,
           count(*) FILTER (WHERE category = 'awaiting_roster') AS awaiting_roster,
           count(*) FILTER (WHERE category = 'not_on_ledger') AS not_on_ledger,
           count(*) FILTER (WHERE category = 'placed_twice') AS placed_twice,
           count(*) FILTER (WHERE category = 'probable_match') AS probable_match
      FROM open_rows
     GROUP BY committee_code
), placed AS (
    SELECT committee_code, count(DISTINCT branch) AS branches,
           count(DISTINCT member_key) FILTER (WHERE id_valid) AS placed
      FROM core.gba_placement
     WHERE valid_to IS NULL
     GROUP BY committee_code
), rosters AS (
    SELECT county_code AS committee_code, max(received_at) AS last_roster_at
      FROM audit.file
     WHERE status = 'loaded'
     GROUP BY county_code
)
SELECT g.committee_code, g.committee_name,
       coalesce(p.branches, 0) AS branches, coalesce(p.placed, 0) AS placed, coalesce(c.expected, 0) AS expected,
       coalesce(c.matched, 0) AS matched, coalesce(c.city_differs, 0) AS city_differs,
       coalesce(c.not_placed, 0) AS not_placed, coalesce(c.not_on_ledger, 0) AS not_on_ledger,
       coalesce(c.placed_twice, 0) AS placed_twice, coalesce(c.probable_match, 0) AS probable_match,
       CASE WHEN coalesce(c.expected, 0) > 0 THEN round(100.0 * c.matched / c.expected, 1) END AS matched_pct,
       ro.last_roster_at, coalesce(c.awaiting_roster, 0) AS awaiting_roster
  FROM core.gba_committee g
  LEFT JOIN counts c USING (committee_code)
  LEFT JOIN placed p USING (committee_code)
  LEFT JOIN rosters ro USING (committee_code);

-- Per GBA branch (the N of 1+7+N): members placed, and how many of them are matched with a ledger.
CREATE VIEW reporting.gba_branch_summary AS
SELECT p.committee_code, p.branch,
       count(DISTINCT p.member_key) AS placed,
       count(DISTINCT p.member_key) FILTER (WHERE r.category = 'matched') AS matched,
       count(DISTINCT p.member_key) FILTER (WHERE r.category IS DISTINCT FROM 'matched') AS with_leads,
       (SELECT count(*) FROM core.gba_placement b
         WHERE b.valid_to IS NULL AND NOT b.id_valid AND b.committee_code = p.committee_code
           AND b.branch = p.branch) AS broken_ids
  FROM core.gba_placement p
  LEFT JOIN core.gba_reconciliation r ON r.member_key = p.member_key AND r.closed_on IS NULL
 WHERE p.valid_to IS NULL AND p.id_valid
 GROUP BY p.committee_code, p.branch;

-- Whose lead each open category is (the contract's categories table), one row per committee that gets it: the
-- committees' follow-up workbooks (full phone, core) and Rosters pages (masked, reporting) read this one rule.
CREATE VIEW core.gba_lead AS
SELECT g.committee_code, r.*
  FROM core.gba_reconciliation r
  JOIN core.gba_committee g
    ON (r.category IN ('city_differs', 'placed_twice') AND g.committee_code = ANY (r.committees))
    OR (r.category = 'not_placed' AND g.committee_code = r.expected_committee)
    OR (r.category = 'awaiting_roster' AND g.is_municipal)
    OR (r.category = 'not_on_ledger' AND r.home_county_code IS NULL AND g.is_municipal)
    OR (r.category = 'probable_match' AND g.committee_code = r.gba_committee)
 WHERE r.closed_on IS NULL;

CREATE VIEW reporting.gba_leads AS
SELECT committee_code, member_key, since, category, name, id_masked AS id_number_masked, home_county_code,
       home_branch, gba_committee, gba_branch, gba_placements, expected_committee,
       coalesce(probable_positions, array_to_string(differences, ', ')) AS detail,
       core.mask_phone(phone_national) AS phone_masked, last_contact_date, last_contact_source
  FROM core.gba_lead;

