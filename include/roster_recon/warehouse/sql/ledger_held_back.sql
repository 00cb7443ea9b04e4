-- warehouse/ledger.py: held_back
SELECT min(reason)
FROM audit.ignored_entry
WHERE run_id = :r AND holds_back_county
GROUP BY county_code
ORDER BY county_code
