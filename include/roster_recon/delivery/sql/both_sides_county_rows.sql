-- A county's members with a two-sided problem (the follow-up workbook's sheet 大湾区核对), oldest first.
SELECT category, home_branch, name, id_masked, phone, ledger_city, expected_committee, gba_placements,
       array_to_string(differences, ', '), since
  FROM core.gba_reconciliation
 WHERE closed_on IS NULL AND home_county_code = :code
   AND category IN ('not_placed', 'city_differs', 'not_on_ledger')
 ORDER BY since, category, home_branch, name, member_key
