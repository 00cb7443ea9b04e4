-- The run's evidence of contact from every file it staged (contract: "Contact evidence"), each piece once: a date a
-- ledger sends again keeps the first file that brought it; a report (one per member and report time) seen in two
-- overlapping exports keeps the first, unless the later export corrects its city, which then replaces it. Runs first
-- in the merge transaction, while every kind's staged rows are still there. A file of the run superseded by a newer
-- one for the same branch still records what its clerk wrote: the contact happened.
-- What it records joins evidence_moved (contact_due_evidence.sql made it). Run only when the run staged a file.

-- Fresh statistics for the rows COPY just loaded: without them the planner takes each staging table for a few rows
-- and loops over it once per staged file (3.4 s for 60,000 rows).
ANALYZE staging.roster_row;
ANALYZE staging.gba_row;
ANALYZE staging.self_report;
ANALYZE staging.dues_payment;

-- A ledger or GBA roster sends its whole branch again each month: a date its entry's current version already holds
-- was recorded when that version was loaded (or by migration 0021 from a version with its file), so only the dates
-- that changed are looked up in core.contact_event (3.5 million index probes in a 5 %% delta at a million members).
-- Hash anti-joins against the current versions, not a probe per staged row.
SET LOCAL enable_nestloop = off;
CREATE TEMP TABLE fresh_evidence ON COMMIT DROP AS
    SELECT r.member_key, 'ledger' AS source, r.last_contact_date AS occurred_on, NULL::timestamptz AS reported_at,
           r.county_code, NULL::text AS committee_code, NULL::text AS city, NULL::text AS city_code, r.file_id,
           NULL::date AS paid_for
      FROM staging.roster_row r JOIN audit.file f ON f.file_id = r.file_id AND f.status = 'staged'
     WHERE r.run_id = %(run_id)s AND r.last_contact_date IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM core.roster_version v
                        WHERE v.valid_to IS NULL AND v.source_file_id IS NOT NULL AND v.member_key = r.member_key
                          AND v.county_code = r.county_code AND v.branch = r.branch
                          AND v.last_contact_date = r.last_contact_date)
    UNION ALL
    SELECT g.member_key, 'gba_activity', g.last_activity, NULL, NULL, g.committee_code, NULL, NULL, g.file_id, NULL
      FROM staging.gba_row g JOIN audit.file f ON f.file_id = g.file_id AND f.status = 'staged'
     WHERE g.run_id = %(run_id)s AND g.id_valid AND g.last_activity IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM core.gba_placement p
                        WHERE p.valid_to IS NULL AND p.id_valid AND p.source_file_id IS NOT NULL
                          AND p.member_key = g.member_key AND p.committee_code = g.committee_code
                          AND p.branch = g.branch AND p.last_activity = g.last_activity)
    UNION ALL
    -- Dues paid to a month: evidence on that month's last day.
    SELECT g.member_key, 'dues', (g.dues_paid_to + interval '1 month' - interval '1 day')::date, NULL, NULL,
           g.committee_code, NULL, NULL, g.file_id, NULL
      FROM staging.gba_row g JOIN audit.file f ON f.file_id = g.file_id AND f.status = 'staged'
     WHERE g.run_id = %(run_id)s AND g.id_valid AND g.dues_paid_to IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM core.gba_placement p
                        WHERE p.valid_to IS NULL AND p.id_valid AND p.source_file_id IS NOT NULL
                          AND p.member_key = g.member_key AND p.committee_code = g.committee_code
                          AND p.branch = g.branch AND p.dues_paid_to = g.dues_paid_to)
    UNION ALL
    SELECT s.member_key, 'self_report', (s.reported_at AT TIME ZONE 'Asia/Shanghai')::date, s.reported_at, NULL,
           s.committee_code, s.city, s.city_code, s.file_id, NULL
      FROM staging.self_report s JOIN audit.file f ON f.file_id = s.file_id AND f.status = 'staged'
     WHERE s.run_id = %(run_id)s
    UNION ALL
    -- A dues payment: evidence on the day it was paid; one piece per (member, month paid for, day paid).
    SELECT d.member_key, 'dues_payment', d.paid_on, NULL, NULL, NULL, NULL, NULL, d.file_id, d.paid_for
      FROM staging.dues_payment d JOIN audit.file f ON f.file_id = d.file_id AND f.status = 'staged'
     WHERE d.run_id = %(run_id)s;
SET LOCAL enable_nestloop = on;

-- A report in several exports of the run counts with the city the latest export gives it (by the file's time, then
-- its id); of the exports that give it that city, the first brings it (below).
DELETE FROM fresh_evidence x
 USING (SELECT DISTINCT ON (x.member_key, x.reported_at) x.member_key, x.reported_at, x.city, x.city_code
          FROM fresh_evidence x JOIN audit.file f USING (file_id)
         WHERE x.source = 'self_report'
         ORDER BY x.member_key, x.reported_at, f.modified_at DESC, x.file_id DESC) latest
 WHERE x.source = 'self_report' AND x.member_key = latest.member_key AND x.reported_at = latest.reported_at
   AND (x.city, x.city_code) IS DISTINCT FROM (latest.city, latest.city_code);
ANALYZE fresh_evidence;

-- A report recorded before with another city is replaced when the export now bringing it is the later one (by the
-- file's time, then its id: an older export arriving late corrects nothing): the piece moves to
-- core.contact_event_replaced (the replay of an earlier date reads it there), and the corrected one is recorded
-- below. A replaced piece whose day came this run (contact_due_evidence.sql) no longer moves anyone's latest.
WITH replaced AS (
    DELETE FROM core.contact_event e
     USING fresh_evidence x, audit.file now_from, audit.file then_from
     WHERE x.source = 'self_report' AND e.source = 'self_report'
       AND e.member_key = x.member_key AND e.occurred_on = x.occurred_on
       AND coalesce(e.reported_at, '-infinity'::timestamptz) = coalesce(x.reported_at, '-infinity'::timestamptz)
       AND (e.city, e.city_code) IS DISTINCT FROM (x.city, x.city_code)
       AND now_from.file_id = x.file_id AND then_from.file_id = e.file_id
       AND (now_from.modified_at, now_from.file_id) > (then_from.modified_at, then_from.file_id)
    RETURNING e.event_id, e.member_key, e.source, e.occurred_on, e.reported_at, e.county_code, e.committee_code,
              e.city, e.city_code, e.file_id, e.known_on
)
INSERT INTO core.contact_event_replaced (event_id, member_key, source, occurred_on, reported_at, county_code,
                                         committee_code, city, city_code, file_id, known_on, replaced_on)
SELECT r.*, %(as_of)s FROM replaced r;
DELETE FROM evidence_moved m
 USING core.contact_event_replaced r
 WHERE r.event_id = m.event_id AND r.replaced_on = %(as_of)s;

WITH inserted AS (
    -- An anti-join, not ON CONFLICT (a speculative insertion per row cost 6 us): the merge's advisory lock keeps
    -- anyone else from inserting meanwhile, and the unique index contact_event_once still guards.
    INSERT INTO core.contact_event (member_key, source, occurred_on, reported_at, county_code, committee_code, city,
                                    city_code, file_id, known_on, paid_for)
    SELECT DISTINCT ON (member_key, source, occurred_on, coalesce(reported_at, '-infinity'::timestamptz),
                        CASE WHEN source = 'self_report' THEN '' ELSE coalesce(county_code, committee_code, '') END,
                        coalesce(paid_for, '-infinity'::date))
           member_key, source, occurred_on, reported_at, county_code, committee_code, city, city_code, file_id,
           %(as_of)s, paid_for
      FROM fresh_evidence x
     WHERE NOT EXISTS (
            SELECT 1 FROM core.contact_event e
             WHERE e.member_key = x.member_key AND e.source = x.source AND e.occurred_on = x.occurred_on
               AND coalesce(e.reported_at, '-infinity'::timestamptz) = coalesce(x.reported_at, '-infinity'::timestamptz)
               AND (CASE WHEN e.source = 'self_report' THEN '' ELSE coalesce(e.county_code, e.committee_code, '') END)
                 = (CASE WHEN x.source = 'self_report' THEN '' ELSE coalesce(x.county_code, x.committee_code, '') END)
               AND coalesce(e.paid_for, '-infinity'::date) = coalesce(x.paid_for, '-infinity'::date))
     ORDER BY member_key, source, occurred_on, coalesce(reported_at, '-infinity'::timestamptz),
              CASE WHEN source = 'self_report' THEN '' ELSE coalesce(county_code, committee_code, '') END,
              coalesce(paid_for, '-infinity'::date), file_id
    RETURNING event_id, member_key, source, occurred_on, reported_at, city, city_code, file_id
)
INSERT INTO evidence_moved SELECT * FROM inserted;

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

-- The run's dues exports are loaded likewise (every accepted payment counted, once).
UPDATE audit.file f
   SET status = 'loaded',
       rows_loaded = (SELECT count(*) FROM staging.dues_payment d WHERE d.run_id = %(run_id)s AND d.file_id = f.file_id)
 WHERE f.run_id = %(run_id)s AND f.status = 'staged' AND f.county_code = %(dues)s;
DELETE FROM staging.dues_payment WHERE run_id = %(run_id)s;
