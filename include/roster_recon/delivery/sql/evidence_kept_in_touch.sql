-- Per county: members on its ledgers who are not lost only because of evidence beyond the ledger. By the ledgers'
-- own dates they would be lost (their latest ledger date is more than :months months old) or have no record (none,
-- and gone more than :months months); the latest evidence from the GBA side or their own reports keeps them in touch.
-- The ledgers' latest dates by one aggregate (a lookup per entry through row-level security took minutes).
WITH ledger AS (
    SELECT member_key, max(occurred_on) AS last_ledger
      FROM core.contact_event
     WHERE source = 'ledger' AND occurred_on <= :as_of
     GROUP BY member_key
)
SELECT v.county_code, count(DISTINCT v.member_key) AS members
  FROM core.roster_version v
  JOIN core.member_contact c USING (member_key)
  LEFT JOIN ledger l USING (member_key)
 WHERE v.valid_to IS NULL AND NOT v.status_lost AND c.last_contact_source <> 'ledger'
   AND (c.last_contact_on + make_interval(months => :months))::date >= :as_of
   AND CASE WHEN l.last_ledger IS NULL THEN (v.outflow_date + make_interval(months => :months))::date < :as_of
            ELSE (l.last_ledger + make_interval(months => :months))::date < :as_of END
 GROUP BY v.county_code
 ORDER BY v.county_code
