-- A GBA committee's leads (the lead column of the contract's categories table), oldest first.
SELECT category, name, id_masked, home_county_code, home_branch, phone, gba_branch, expected_committee,
       coalesce(probable_positions, array_to_string(differences, ', ')), since
  FROM core.gba_reconciliation
 WHERE closed_on IS NULL
   AND ((category IN ('city_differs', 'placed_twice') AND :code = ANY (committees))
        OR (category = 'not_placed' AND expected_committee = :code)
        OR (category = 'awaiting_roster' AND :code = :municipal)
        OR (category = 'not_on_ledger' AND home_county_code IS NULL AND :code = :municipal)
        OR (category = 'probable_match' AND gba_committee = :code))
 ORDER BY since, category, gba_branch, name, member_key
