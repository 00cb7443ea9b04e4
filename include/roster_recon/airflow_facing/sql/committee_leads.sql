-- A GBA committee's leads (reporting.gba_leads: whose lead each category is), oldest first; masked.
SELECT since, category, name, id_number_masked, home_county_code, home_branch, gba_placements, expected_committee,
       detail, phone_masked, last_contact_date, last_contact_source
  FROM reporting.gba_leads
 WHERE committee_code = :c
 ORDER BY since, category, gba_placements, name, member_key
 LIMIT :limit
