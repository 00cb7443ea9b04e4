-- A GBA committee's leads (whose lead each category is: the contract's categories table), oldest first; masked.
SELECT since, category, name, id_number_masked, home_county_code, home_branch, gba_branch, expected_committee,
       coalesce(probable_positions, array_to_string(differences, ', ')) AS detail, phone_masked,
       last_contact_date, last_contact_source
  FROM reporting.gba_reconciliation
 WHERE (category IN ('city_differs', 'placed_twice') AND :c = ANY (committees))
    OR (category = 'not_placed' AND expected_committee = :c)
    OR (category = 'awaiting_roster' AND :c = '440000')
    OR (category = 'not_on_ledger' AND home_county_code IS NULL AND :c = '440000')
    OR (category = 'probable_match' AND gba_committee = :c)
 ORDER BY since, category, gba_branch, name, member_key
 LIMIT :limit
