-- Per county: members on its ledgers who are not lost only because of evidence beyond the ledger. By the ledgers'
-- own dates they would be lost (their latest ledger date is more than :months months old) or have no record (none,
-- and gone more than :months months); the latest evidence from the GBA side or their own reports keeps them in touch.
SELECT v.county_code, count(DISTINCT v.member_key) AS members
  FROM core.roster_version v
  JOIN core.member_contact c USING (member_key)
 WHERE v.valid_to IS NULL AND NOT v.status_lost AND c.last_contact_source <> 'ledger'
   AND (c.last_contact_on + make_interval(months => :months))::date >= :as_of
   AND NOT EXISTS (SELECT 1 FROM core.contact_event e
                    WHERE e.member_key = v.member_key AND e.source = 'ledger' AND e.occurred_on <= :as_of
                      AND (e.occurred_on + make_interval(months => :months))::date >= :as_of)
   AND (EXISTS (SELECT 1 FROM core.contact_event e
                 WHERE e.member_key = v.member_key AND e.source = 'ledger' AND e.occurred_on <= :as_of)
        OR (v.outflow_date + make_interval(months => :months))::date < :as_of)
 GROUP BY v.county_code
 ORDER BY v.county_code
