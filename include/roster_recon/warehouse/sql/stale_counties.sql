WITH last_file AS (
    SELECT f.county_code, max(r.as_of) AS last_as_of
      FROM audit.file f
      JOIN audit.run r USING (run_id)
     WHERE f.status <> 'abandoned'
     GROUP BY f.county_code
), watching AS (
    SELECT min(as_of) AS since FROM audit.run
)
SELECT c.county_code, c.county_name, l.last_as_of, coalesce(l.last_as_of, w.since) AS silent_since
  FROM core.county c
 CROSS JOIN watching w
  LEFT JOIN last_file l USING (county_code)
