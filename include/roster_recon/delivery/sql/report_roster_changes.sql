-- Roster entries (a member on a branch's roster) that joined, left or changed facts as of the run's date. Only
-- versions opened or closed that day are read: an entry closed that day can only be current again through a
-- version opened that day, so the others cannot change the answer.
WITH touched AS (
    SELECT member_key, county_code, branch,
           bool_or(valid_to IS NULL AND valid_from = :as_of) AS opened_today,
           bool_or(valid_to IS NULL) AS is_current,
           bool_or(coalesce(valid_to = :as_of, false)) AS closed_today
      FROM core.roster_version
     WHERE valid_from = :as_of OR valid_to = :as_of
     GROUP BY member_key, county_code, branch
)
SELECT count(*) FILTER (WHERE opened_today AND NOT closed_today) AS joined,
       count(*) FILTER (WHERE closed_today AND NOT is_current) AS "left",
       count(*) FILTER (WHERE opened_today AND closed_today) AS changed
  FROM touched
