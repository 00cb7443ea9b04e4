-- Open flags per county and flag, and what this run raised and closed (runs before migration 0018 recorded no
-- run: their as-of date stands in).
SELECT county_code, flag,
       count(*) FILTER (WHERE closed_on IS NULL) AS open_flags,
       count(*) FILTER (WHERE closed_on IS NULL
                          AND (raised_by_run = :run_id OR raised_by_run IS NULL AND raised_on = :as_of)) AS raised_today,
       count(*) FILTER (WHERE closed_by_run = :run_id
                           OR closed_by_run IS NULL AND closed_on = :as_of) AS closed_today
  FROM core.member_flag
 GROUP BY 1, 2
 ORDER BY 1, 2
