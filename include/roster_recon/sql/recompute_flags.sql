-- Recompute every flag for every current member as of %(as_of)s; %(lost_contact_months)s calendar months.
-- A flag that no longer applies is closed; a new one is raised; an open one keeps the day its spell began.

CREATE TEMP TABLE wanted_flag ON COMMIT DROP AS
WITH current_version AS (
    SELECT * FROM core.roster_version WHERE valid_to IS NULL
), enrolments AS (
    SELECT member_key, count(*) AS rosters,
           string_agg(county_code || ' ' || branch, '; ' ORDER BY county_code, branch) AS rosters_list
      FROM current_version
     GROUP BY member_key
    HAVING count(*) > 1
)
SELECT member_key, county_code, branch, 'missing_outflow_time' AS flag,
       CASE WHEN outflow_date IS NULL THEN 'outflow date missing or unreadable'
            ELSE 'outflow date ' || outflow_date || ' is after the as-of date' END AS detail
  FROM current_version
 WHERE outflow_date IS NULL OR outflow_date > %(as_of)s::date
UNION ALL
SELECT member_key, county_code, branch, 'missing_destination', 'destination missing'
  FROM current_version WHERE destination IS NULL
UNION ALL
SELECT member_key, county_code, branch, 'missing_contact',
       CASE WHEN phone IS NULL THEN 'phone missing' ELSE 'not a valid phone number' END
  FROM current_version WHERE phone IS NULL OR NOT phone_valid
UNION ALL
SELECT member_key, county_code, branch, 'missing_industry', 'industry missing'
  FROM current_version WHERE industry IS NULL
UNION ALL
SELECT member_key, county_code, branch, 'lost_contact',
       CASE WHEN status_lost THEN 'contact status: ' || contact_status
            ELSE 'last contact ' || last_contact_date END
  FROM current_version
 WHERE status_lost
    OR last_contact_date < (%(as_of)s::date - make_interval(months => %(lost_contact_months)s))::date
UNION ALL
SELECT v.member_key, v.county_code, v.branch, 'duplicate_enrollment', 'on ' || e.rosters || ' rosters: ' || e.rosters_list
  FROM current_version v JOIN enrolments e USING (member_key);

UPDATE core.member_flag f
   SET closed_on = %(as_of)s
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

INSERT INTO core.member_flag (member_key, county_code, branch, flag, raised_on, detail)
SELECT w.member_key, w.county_code, w.branch, w.flag, %(as_of)s, w.detail
  FROM wanted_flag w
 WHERE NOT EXISTS (
        SELECT 1 FROM core.member_flag f
         WHERE f.closed_on IS NULL
           AND w.member_key = f.member_key AND w.county_code = f.county_code
           AND w.branch = f.branch AND w.flag = f.flag);
