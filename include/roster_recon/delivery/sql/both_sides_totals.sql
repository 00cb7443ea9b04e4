-- The "1" of 1+7+N: every member once (a committee's figures count a member under each committee concerned).
SELECT count(*) FILTER (WHERE category IN ('matched', 'city_differs', 'not_on_ledger', 'placed_twice')) AS placed,
       count(*) FILTER (WHERE expected_committee IS NOT NULL) AS expected,
       count(*) FILTER (WHERE category = 'matched') AS matched,
       count(*) FILTER (WHERE category = 'city_differs') AS city_differs,
       count(*) FILTER (WHERE category = 'not_placed') AS not_placed,
       count(*) FILTER (WHERE category = 'awaiting_roster') AS awaiting_roster,
       count(*) FILTER (WHERE category = 'not_on_ledger') AS not_on_ledger,
       count(*) FILTER (WHERE category = 'placed_twice') AS placed_twice,
       count(*) FILTER (WHERE category = 'probable_match') AS probable_match
  FROM reporting.gba_reconciliation
