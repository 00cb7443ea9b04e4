-- A county's members behind its open flags, as the Rosters page lists them (masked), longest out of touch first:
-- the latest evidence of contact from any source, and which.
SELECT f.flag, m.name, m.id_number_masked, m.branch, m.phone_masked, m.last_contact_date,
       m.last_contact_source, f.raised_on, f.detail
  FROM reporting.member_flags f
  JOIN reporting.member_current m USING (member_key, county_code, branch)
 WHERE f.county_code = :county_code
 ORDER BY m.last_contact_date NULLS FIRST, f.raised_on, m.name, f.flag
 LIMIT :limit
