-- Every flag wanted as of %(as_of)s, with its detail; %(lost_contact_months)s calendar months. Reads the inputs
-- flag_entry, flag_category and flag_contact (flag_inputs_current.sql, or flag_inputs_as_of.sql for a replay), so
-- the rules are written once for the run and for the replay of any past date.

-- The few entries whose member's latest self-report names another city than the ledger's destination city, and the
-- day the ledger began to state that city: the day an earlier version of the entry with another city ended, else the
-- entry's first version. A report after that day makes the destination out of date. Tables with statistics, built
-- step by step: the row-level security on the inputs leaves the planner no usable estimate of them, and a plan
-- that nested a history lookup inside a million-row join ran for more than ten minutes at a million members.
SET LOCAL enable_nestloop = off;
CREATE TEMP TABLE flag_other_city ON COMMIT DROP AS
SELECT v.member_key, v.county_code, v.branch, v.destination_city_code, c.last_report_on AS report_on,
       c.last_report_city AS report_city, c.last_report_file_id AS report_file_id
  FROM flag_entry v
  JOIN flag_contact c USING (member_key)
 WHERE c.last_report_city_code <> v.destination_city_code;
SET LOCAL enable_nestloop = on;
ANALYZE flag_other_city;
CREATE TEMP TABLE flag_report_outdates ON COMMIT DROP AS
SELECT r.member_key, r.county_code, r.branch, r.report_on, r.report_city, r.report_file_id
  FROM flag_other_city r
  JOIN core.roster_version o USING (member_key, county_code, branch)
 WHERE o.valid_from <= %(as_of)s
 GROUP BY r.member_key, r.county_code, r.branch, r.report_on, r.report_city, r.report_file_id
HAVING r.report_on > coalesce(
           max(o.valid_to) FILTER (WHERE o.valid_to <= %(as_of)s
                                     AND o.destination_city_code IS DISTINCT FROM r.destination_city_code),
           min(o.valid_from));
ANALYZE flag_report_outdates;

-- One pass over the entries: each row lists the flags whose condition holds (unnest of an array with the others
-- removed), and only those get their wording. A CTE read six times by UNION ALL was materialised and scanned six
-- times; building every wording for every row cost more than the scans. Hash joins only (see above).
SET LOCAL enable_nestloop = off;
CREATE TEMP TABLE wanted_flag ON COMMIT DROP AS
WITH enrolments AS (
    SELECT member_key, count(*) AS rosters,
           string_agg(county_code || ' ' || branch, '; ' ORDER BY county_code, branch) AS rosters_list
      FROM flag_entry
     GROUP BY member_key
    HAVING count(*) > 1
), candidate AS (
    SELECT v.member_key, v.county_code, v.branch, v.outflow_date, v.phone, v.status_lost, v.contact_status,
           v.destination_city, c.last_contact_on, c.last_contact_source, c.last_event_id, e.rosters, e.rosters_list,
           r.expected_committee, r.gba_placements, r.ledger_city, r.category, o.report_on, o.report_city,
           o.report_file_id,
           unnest(array_remove(ARRAY[
               CASE WHEN v.outflow_date IS NULL OR v.outflow_date > %(as_of)s::date THEN 'missing_outflow_time' END,
               CASE WHEN v.destination IS NULL THEN 'missing_destination' END,
               CASE WHEN v.phone IS NULL OR NOT v.phone_valid THEN 'missing_contact' END,
               CASE WHEN v.industry IS NULL THEN 'missing_industry' END,
               CASE WHEN v.status_lost
                      OR (c.last_contact_on + make_interval(months => %(lost_contact_months)s))::date
                         < %(as_of)s::date
                    THEN 'lost_contact' END,
               CASE WHEN c.member_key IS NULL
                     AND (v.outflow_date + make_interval(months => %(lost_contact_months)s))::date < %(as_of)s::date
                    THEN 'no_contact_record' END,
               CASE WHEN e.member_key IS NOT NULL THEN 'duplicate_enrollment' END,
               CASE WHEN r.category = 'not_placed' THEN 'not_placed_in_gba' END,
               CASE WHEN r.category = 'city_differs' OR o.member_key IS NOT NULL THEN 'destination_outdated' END
           ], NULL)) AS flag
      FROM flag_entry v
      LEFT JOIN flag_contact c USING (member_key)
      LEFT JOIN enrolments e USING (member_key)
      -- The home side's flags from the reconciliation of both sides (reconcile_categories.sql), on the ledger entry
      -- that was reconciled (a member on two ledgers is reconciled by one of them).
      LEFT JOIN flag_category r
        ON r.member_key = v.member_key AND r.home_county_code = v.county_code AND r.home_branch = v.branch
      LEFT JOIN flag_report_outdates o
        ON o.member_key = v.member_key AND o.county_code = v.county_code AND o.branch = v.branch
)
SELECT member_key, county_code, branch, flag,
       CASE flag
           WHEN 'missing_outflow_time' THEN
               CASE WHEN outflow_date IS NULL THEN 'outflow date missing or unreadable'
                    ELSE 'outflow date ' || outflow_date || ' is after the as-of date' END
           WHEN 'missing_destination' THEN 'destination missing'
           WHEN 'missing_contact' THEN CASE WHEN phone IS NULL THEN 'phone missing' ELSE 'not a valid phone number' END
           WHEN 'missing_industry' THEN 'industry missing'
           WHEN 'lost_contact' THEN
               CASE WHEN status_lost THEN 'contact status: ' || contact_status
                    WHEN last_contact_on IS NULL THEN 'no contact recorded'
                    -- Two lookups by key, no join: with nested loops off, a join here would hash audit.file per row.
                    ELSE 'last contact ' || last_contact_on || ' (' || last_contact_source || ', '
                         || (SELECT f.file_name FROM audit.file f
                              WHERE f.file_id = coalesce(
                                  (SELECT x.file_id FROM core.contact_event x WHERE x.event_id = last_event_id),
                                  -- a replay's latest may be a piece replaced since (a report's city corrected)
                                  (SELECT y.file_id FROM core.contact_event_replaced y
                                    WHERE y.event_id = last_event_id))) || ')' END
           WHEN 'no_contact_record' THEN 'no contact recorded by any source; outflow ' || outflow_date
           WHEN 'duplicate_enrollment' THEN 'on ' || rosters || ' rosters: ' || rosters_list
           WHEN 'not_placed_in_gba' THEN 'no branch of GBA committee ' || expected_committee || ' lists the member'
           ELSE concat_ws('; ',
               CASE WHEN category = 'city_differs' THEN
                   'placed by GBA branch ' || gba_placements || '; the ledger says ' || coalesce(ledger_city, 'no GBA city')
               END,
               CASE WHEN report_on IS NOT NULL THEN
                   'self-report of ' || report_on || ' from ' || report_city || ' ('
                   || (SELECT f.file_name FROM audit.file f WHERE f.file_id = report_file_id)
                   || '); the ledger says ' || destination_city
               END)
       END AS detail
  FROM candidate;

SET LOCAL enable_nestloop = on;

DROP VIEW flag_entry, flag_category, flag_contact;
