-- A GBA committee's leads (core.gba_lead holds whose lead each category is), oldest first, with the full phone.
SELECT category, name, id_masked, home_county_code, home_branch, phone, gba_placements, expected_committee,
       coalesce(probable_positions, array_to_string(differences, ', ')), since
  FROM core.gba_lead
 WHERE committee_code = :code
 ORDER BY since, category, gba_placements, name, member_key
