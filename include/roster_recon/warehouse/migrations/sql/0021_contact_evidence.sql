-- Contact evidence (contract: "Contact evidence"): every source's evidence of contact kept for ever, the members'
-- self-reports (码上报, 红帆 system) staged like rosters, each member's latest evidence, the new flag and the views.

-- A 码上报 export's rows waiting for the merge: key, time and city only (no raw ID, no name, phone or address).
CREATE UNLOGGED TABLE staging.self_report (
    run_id         text NOT NULL,
    file_id        bigint NOT NULL,
    source_row     integer NOT NULL,
    member_key     text COLLATE "C" NOT NULL,
    reported_at    timestamptz NOT NULL,
    city           text,
    city_code      text,
    committee_code text             -- the GBA committee serving the reported city, if any
);

-- One row per piece of evidence, from whichever source, with the file it came from and the as-of date of the run
-- that loaded it (``known_on``): the flags of any past run date are recomputed from the evidence known by then.
-- Written a million rows a month at scale, so every per-row check counts: the key's form is checked by its length
-- (a regular expression cost 10 us a row), and file_id is not declared a foreign key (the trigger cost 4 us a row;
-- the ids come from audit.file in the same transaction, and neither table ever loses a row).
CREATE TABLE core.contact_event (
    event_id       bigserial PRIMARY KEY,
    member_key     text COLLATE "C" NOT NULL CHECK (length(member_key) = 64),
    source         text NOT NULL CHECK (source IN ('ledger', 'gba_activity', 'dues', 'self_report')),
    occurred_on    date NOT NULL,
    reported_at    timestamptz,     -- a self-report's time
    county_code    text,            -- a ledger's county
    committee_code text,            -- a GBA roster's committee; the committee serving a self-report's city
    city           text,            -- a self-report's city, as reported
    city_code      text,
    file_id        bigint NOT NULL,  -- audit.file
    known_on       date NOT NULL
);
-- A piece of evidence counts once: a self-report seen in two overlapping exports, a ledger date sent again.
CREATE UNIQUE INDEX contact_event_once ON core.contact_event
    (member_key, source, occurred_on, coalesce(reported_at, '-infinity'::timestamptz),
     coalesce(county_code, committee_code, ''));
CREATE INDEX contact_event_by_day ON core.contact_event (occurred_on);
CREATE INDEX contact_event_by_file ON core.contact_event (file_id);

-- Each member's latest evidence on or before the latest run's as-of date, and latest self-report with its city (the
-- flags read them for every entry: kept here rather than looked up by event id a million times). No row-level
-- security: only roster_loader reads core, and the one view that shows it (member_current) is filtered by
-- core.roster_version's policy; a policy here cost the flags' planner its row estimates.
CREATE TABLE core.member_contact (
    member_key            text COLLATE "C" PRIMARY KEY,
    last_contact_on       date NOT NULL,
    last_contact_source   text NOT NULL,
    last_event_id         bigint NOT NULL,
    last_report_on        date,
    last_report_city      text,
    last_report_city_code text,
    last_report_file_id   bigint
);

ALTER TABLE core.member_flag DROP CONSTRAINT member_flag_flag_check;
ALTER TABLE core.member_flag ADD CONSTRAINT member_flag_flag_check
    CHECK (flag IN ('missing_outflow_time', 'missing_destination', 'missing_contact', 'missing_industry',
                    'lost_contact', 'no_contact_record', 'duplicate_enrollment', 'not_placed_in_gba',
                    'destination_outdated'));

-- What the warehouse held before: the ledgers' and GBA rosters' dates, known from the day their version was loaded.
INSERT INTO core.contact_event (member_key, source, occurred_on, county_code, file_id, known_on)
SELECT DISTINCT ON (member_key, last_contact_date, county_code)
       member_key, 'ledger', last_contact_date, county_code, source_file_id, valid_from
  FROM core.roster_version
 WHERE last_contact_date IS NOT NULL AND source_file_id IS NOT NULL
 ORDER BY member_key, last_contact_date, county_code, valid_from;
INSERT INTO core.contact_event (member_key, source, occurred_on, committee_code, file_id, known_on)
SELECT DISTINCT ON (member_key, source, occurred_on, committee_code) *
  FROM (SELECT member_key, 'gba_activity' AS source, last_activity AS occurred_on, committee_code, source_file_id,
               valid_from
          FROM core.gba_placement WHERE id_valid AND last_activity IS NOT NULL AND source_file_id IS NOT NULL
        UNION ALL
        SELECT member_key, 'dues', (dues_paid_to + interval '1 month' - interval '1 day')::date, committee_code,
               source_file_id, valid_from
          FROM core.gba_placement WHERE id_valid AND dues_paid_to IS NOT NULL AND source_file_id IS NOT NULL) e
 ORDER BY member_key, source, occurred_on, committee_code, valid_from;
INSERT INTO core.member_contact (member_key, last_contact_on, last_contact_source, last_event_id)
SELECT DISTINCT ON (member_key) member_key, occurred_on, source, event_id
  FROM core.contact_event
 WHERE occurred_on <= (SELECT max(as_of) FROM audit.run WHERE status = 'merged')
 ORDER BY member_key, occurred_on DESC, event_id;

-- Row-level security, forced: a county sees the evidence of the members on its ledgers and its own ledgers' dates;
-- a committee the evidence from its rosters and from self-reports in its cities; the municipal committee all of it.
ALTER TABLE core.contact_event ENABLE ROW LEVEL SECURITY;
ALTER TABLE core.contact_event FORCE ROW LEVEL SECURITY;
CREATE POLICY evidence_rows ON core.contact_event
    USING ((SELECT reporting.readable_counties()) IS NULL
           OR county_code = ANY ((SELECT reporting.readable_counties())::text[])
           OR committee_code = ANY ((SELECT reporting.readable_committees())::text[])
           OR reporting.includes_municipal((SELECT reporting.readable_committees()))
           OR EXISTS (SELECT 1 FROM core.roster_version v
                       WHERE v.member_key = contact_event.member_key AND v.valid_to IS NULL
                         AND v.county_code = ANY ((SELECT reporting.readable_counties())::text[])))
    WITH CHECK ((SELECT pg_has_role(current_user, 'roster_loader', 'MEMBER')));

-- The names of the files evidence came from, each readable by whoever may read a piece of evidence from it: a county
-- reads its members' self-reports and GBA rows, whose files (audit.file) its login may not read. Filled by the merge.
CREATE TABLE core.evidence_file (
    file_id   bigint PRIMARY KEY,
    file_name text NOT NULL
);
INSERT INTO core.evidence_file SELECT file_id, file_name FROM audit.file
 WHERE file_id IN (SELECT DISTINCT file_id FROM core.contact_event);
ALTER TABLE core.evidence_file ENABLE ROW LEVEL SECURITY;
ALTER TABLE core.evidence_file FORCE ROW LEVEL SECURITY;
CREATE POLICY evidence_rows ON core.evidence_file
    USING ((SELECT reporting.readable_counties()) IS NULL
           OR EXISTS (SELECT 1 FROM core.contact_event e WHERE e.file_id = evidence_file.file_id))
    WITH CHECK ((SELECT pg_has_role(current_user, 'roster_loader', 'MEMBER')));

CREATE VIEW reporting.contact_evidence AS
SELECT e.member_key, e.occurred_on, e.source, f.file_name, e.county_code, e.committee_code, e.reported_at, e.city,
       e.known_on
  FROM core.contact_event e
  LEFT JOIN core.evidence_file f USING (file_id);

-- Reports whose ID number matches no member on either side, per city, for the municipal committee to follow up:
-- counted by the merge (warehouse/sql/contact_unmatched.sql) whenever a file was loaded, since a view over every
-- report, anti-joined through row-level security, ran for minutes at a million members. No member key is kept here.
CREATE TABLE core.unmatched_self_report (
    city_code      text,
    city           text,            -- the city as most of its reports write it
    committee_code text,
    reports        bigint NOT NULL,
    latest         timestamptz NOT NULL
);
ALTER TABLE core.unmatched_self_report ENABLE ROW LEVEL SECURITY;
ALTER TABLE core.unmatched_self_report FORCE ROW LEVEL SECURITY;
CREATE POLICY committee_rows ON core.unmatched_self_report
    USING ((SELECT reporting.readable_counties()) IS NULL
           OR committee_code = ANY ((SELECT reporting.readable_committees())::text[])
           OR reporting.includes_municipal((SELECT reporting.readable_committees())))
    WITH CHECK ((SELECT pg_has_role(current_user, 'roster_loader', 'MEMBER')));

CREATE VIEW reporting.unmatched_self_reports AS
SELECT coalesce(city, '(none)') AS city, city_code, committee_code, reports, latest
  FROM core.unmatched_self_report;

-- member_current: the last contact from every source's evidence, and its source; the ledger's own date beside it.
CREATE OR REPLACE VIEW reporting.member_current AS
SELECT v.member_key,
       v.name,
       v.gender,
       m.id_number_masked,
       v.county_code,
       c.county_name,
       v.branch,
       v.outflow_date,
       v.destination,
       v.destination_city,
       v.destination_city_code,
       coalesce(v.in_gba, false) AS in_gba,
       v.gba_committee,
       core.mask_phone(v.phone_national) AS phone_masked,
       v.industry,
       mc.last_contact_on AS last_contact_date,
       v.contact_status,
       coalesce(f.flags, '{}'::text[]) AS flags,
       v.valid_from AS facts_since,
       mc.last_contact_source,
       v.last_contact_date AS ledger_last_contact_date
  FROM core.roster_version v
  JOIN core.member m USING (member_key)
  LEFT JOIN core.county c USING (county_code)
  LEFT JOIN core.member_contact mc USING (member_key)
  LEFT JOIN (
        SELECT member_key, county_code, branch, array_agg(flag ORDER BY flag) AS flags
          FROM core.member_flag
         WHERE closed_on IS NULL
         GROUP BY member_key, county_code, branch
       ) f USING (member_key, county_code, branch)
 WHERE v.valid_to IS NULL;
