-- A county's members with a two-sided problem (not placed, placed by another committee, on no ledger), oldest first.
SELECT since, category, name, id_number_masked, home_branch, ledger_city, expected_committee, gba_placements,
       array_to_string(differences, ', ') AS differences, phone_masked
  FROM reporting.gba_reconciliation
 WHERE home_county_code = :c AND category IN ('not_placed', 'city_differs', 'not_on_ledger')
 ORDER BY since, category, home_branch, name, member_key
 LIMIT :limit
