-- The run's evidence of contact from every file it staged (contract: "Contact evidence"), each piece once: a report
-- seen in two overlapping exports, or a date a ledger sends again, keeps the first file that brought it. Runs first
-- in the merge transaction, while every kind's staged rows are still there. A file of the run superseded by a newer
-- one for the same branch still records what its clerk wrote: the contact happened.
-- evidence_touched collects the members whose latest evidence may have moved (contact_latest.sql reads it).
CREATE TEMP TABLE evidence_touched (member_key bytea) ON COMMIT DROP;

-- Fresh statistics for the rows COPY just loaded: without them the planner takes each staging table for a few rows
-- and loops over it once per staged file (3.4 s for 60,000 rows).
ANALYZE staging.roster_row;
ANALYZE staging.gba_row;
ANALYZE staging.self_report;

WITH fresh AS (
    SELECT r.member_key, 'ledger' AS source, r.last_contact_date AS occurred_on, NULL::timestamptz AS reported_at,
           r.county_code, NULL::text AS committee_code, NULL::text AS city, NULL::text AS city_code, r.file_id
      FROM staging.roster_row r JOIN audit.file f ON f.file_id = r.file_id AND f.status = 'staged'
     WHERE r.run_id = %(run_id)s AND r.last_contact_date IS NOT NULL
    UNION ALL
    SELECT g.member_key, 'gba_activity', g.last_activity, NULL, NULL, g.committee_code, NULL, NULL, g.file_id
      FROM staging.gba_row g JOIN audit.file f ON f.file_id = g.file_id AND f.status = 'staged'
     WHERE g.run_id = %(run_id)s AND g.id_valid AND g.last_activity IS NOT NULL
    UNION ALL
    -- Dues paid to a month: evidence on that month's last day.
    SELECT g.member_key, 'dues', (g.dues_paid_to + interval '1 month' - interval '1 day')::date, NULL, NULL,
           g.committee_code, NULL, NULL, g.file_id
      FROM staging.gba_row g JOIN audit.file f ON f.file_id = g.file_id AND f.status = 'staged'
     WHERE g.run_id = %(run_id)s AND g.id_valid AND g.dues_paid_to IS NOT NULL
    UNION ALL
    SELECT s.member_key, 'self_report', (s.reported_at AT TIME ZONE 'Asia/Shanghai')::date, s.reported_at, NULL,
           s.committee_code, s.city, s.city_code, s.file_id
      FROM staging.self_report s JOIN audit.file f ON f.file_id = s.file_id AND f.status = 'staged'
     WHERE s.run_id = %(run_id)s
), inserted AS (
    -- An anti-join, not ON CONFLICT (a speculative insertion per row cost 6 us): the merge's advisory lock keeps
    -- anyone else from inserting meanwhile, and the unique index contact_event_once still guards.
    INSERT INTO core.contact_event (member_key, source, occurred_on, reported_at, county_code, committee_code, city,
                                    city_code, file_id, known_on)
    SELECT DISTINCT ON (member_key, source, occurred_on, coalesce(reported_at, '-infinity'::timestamptz),
                        coalesce(county_code, committee_code, ''))
           member_key, source, occurred_on, reported_at, county_code, committee_code, city, city_code, file_id,
           %(as_of)s
      FROM fresh x
     WHERE NOT EXISTS (
            SELECT 1 FROM core.contact_event e
             WHERE e.member_key = x.member_key AND e.source = x.source AND e.occurred_on = x.occurred_on
               AND coalesce(e.reported_at, '-infinity'::timestamptz) = coalesce(x.reported_at, '-infinity'::timestamptz)
               AND coalesce(e.county_code, e.committee_code, '') = coalesce(x.county_code, x.committee_code, ''))
     ORDER BY member_key, source, occurred_on, coalesce(reported_at, '-infinity'::timestamptz),
              coalesce(county_code, committee_code, ''), file_id
    RETURNING member_key
)
INSERT INTO evidence_touched SELECT DISTINCT member_key FROM inserted;

-- The names of the files the run's evidence came from (reporting.contact_evidence shows them).
INSERT INTO core.evidence_file (file_id, file_name)
SELECT file_id, file_name FROM audit.file WHERE run_id = %(run_id)s AND status = 'staged'
    ON CONFLICT (file_id) DO NOTHING;

-- The run's 码上报 exports are loaded (every accepted report counted, once, in core.contact_event).
UPDATE audit.file f
   SET status = 'loaded',
       rows_loaded = (SELECT count(*) FROM staging.self_report s WHERE s.run_id = %(run_id)s AND s.file_id = f.file_id)
 WHERE f.run_id = %(run_id)s AND f.status = 'staged' AND f.county_code = %(self_reports)s;
DELETE FROM staging.self_report WHERE run_id = %(run_id)s;

-- Evidence whose day has come since the latest merged run (dated in the future when it was loaded) moves a member's
-- latest evidence too; the first run after migration 0021 looks at everyone.
INSERT INTO evidence_touched
SELECT DISTINCT member_key
  FROM core.contact_event
 WHERE occurred_on <= %(as_of)s
   AND occurred_on > (SELECT coalesce(max(as_of), '-infinity'::date)
                        FROM audit.run WHERE status = 'merged' AND run_id <> %(run_id)s);
