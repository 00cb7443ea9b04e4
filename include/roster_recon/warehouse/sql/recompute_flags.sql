-- Recompute every flag for every current member as of %(as_of)s; %(lost_contact_months)s calendar months.
-- A flag that no longer applies is closed; a new one is raised; an open one keeps the day its spell began.

-- One pass over the current versions: each row lists the flags whose condition holds (unnest of an array with the
-- others removed), and only those get their wording. A CTE read six times by UNION ALL was materialised and scanned
-- six times; building every wording for every row cost more than the scans.
CREATE TEMP TABLE wanted_flag ON COMMIT DROP AS
WITH enrolments AS (
    SELECT member_key, count(*) AS rosters,
           string_agg(county_code || ' ' || branch, '; ' ORDER BY county_code, branch) AS rosters_list
      FROM core.roster_version
     WHERE valid_to IS NULL
     GROUP BY member_key
    HAVING count(*) > 1
), both_sides AS (
    -- The home side's flags from the reconciliation of both sides (warehouse/sql/reconcile_categories.sql), on the
    -- ledger entry that was reconciled (a member on two ledgers is reconciled by one of them).
    SELECT member_key, home_county_code, home_branch, category, expected_committee, gba_placements, ledger_city
      FROM core.gba_reconciliation
     WHERE closed_on IS NULL AND category IN ('not_placed', 'city_differs')
), candidate AS (
    SELECT v.member_key, v.county_code, v.branch, v.outflow_date, v.phone, v.status_lost, v.contact_status,
           v.last_contact_date, e.rosters, e.rosters_list, r.expected_committee, r.gba_placements, r.ledger_city,
           unnest(array_remove(ARRAY[
               CASE WHEN v.outflow_date IS NULL OR v.outflow_date > %(as_of)s::date THEN 'missing_outflow_time' END,
               CASE WHEN v.destination IS NULL THEN 'missing_destination' END,
               CASE WHEN v.phone IS NULL OR NOT v.phone_valid THEN 'missing_contact' END,
               CASE WHEN v.industry IS NULL THEN 'missing_industry' END,
               CASE WHEN v.status_lost
                      OR (v.last_contact_date + make_interval(months => %(lost_contact_months)s))::date
                         < %(as_of)s::date
                    THEN 'lost_contact' END,
               CASE WHEN e.member_key IS NOT NULL THEN 'duplicate_enrollment' END,
               CASE WHEN r.category = 'not_placed' THEN 'not_placed_in_gba' END,
               CASE WHEN r.category = 'city_differs' THEN 'destination_outdated' END
           ], NULL)) AS flag
      FROM core.roster_version v
      LEFT JOIN enrolments e USING (member_key)
      LEFT JOIN both_sides r
        ON r.member_key = v.member_key AND r.home_county_code = v.county_code AND r.home_branch = v.branch
     WHERE v.valid_to IS NULL
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
                    ELSE 'last contact ' || last_contact_date END
           WHEN 'duplicate_enrollment' THEN 'on ' || rosters || ' rosters: ' || rosters_list
           WHEN 'not_placed_in_gba' THEN 'no branch of GBA committee ' || expected_committee || ' lists the member'
           ELSE 'placed by GBA branch ' || gba_placements || '; the ledger says ' || coalesce(ledger_city, 'no GBA city')
       END AS detail
  FROM candidate;

UPDATE core.member_flag f
   SET closed_on = %(as_of)s, closed_by_run = %(run_id)s
 WHERE f.closed_on IS NULL
   AND NOT EXISTS (
        SELECT 1 FROM wanted_flag w
         WHERE w.member_key = f.member_key AND w.county_code = f.county_code
           AND w.branch = f.branch AND w.flag = f.flag);

UPDATE core.member_flag f
   SET detail = w.detail
  FROM wanted_flag w
 WHERE f.closed_on IS NULL
   AND w.member_key = f.member_key AND w.county_code = f.county_code AND w.branch = f.branch AND w.flag = f.flag
   AND f.detail IS DISTINCT FROM w.detail;

INSERT INTO core.member_flag (member_key, county_code, branch, flag, raised_on, detail, raised_by_run)
SELECT w.member_key, w.county_code, w.branch, w.flag, %(as_of)s, w.detail, %(run_id)s
  FROM wanted_flag w
 WHERE NOT EXISTS (
        SELECT 1 FROM core.member_flag f
         WHERE f.closed_on IS NULL
           AND w.member_key = f.member_key AND w.county_code = f.county_code
           AND w.branch = f.branch AND w.flag = f.flag);
