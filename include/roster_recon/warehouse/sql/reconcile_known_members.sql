-- warehouse/reconcile.py: known_members (current ledger members among some keys, and their names; only those of
-- one county when :county is given, so a county's feedback never points at another county's member)
SELECT DISTINCT member_key, name
  FROM core.roster_version
 WHERE valid_to IS NULL AND member_key = ANY (:k)
   AND (CAST(:county AS text) IS NULL OR county_code = CAST(:county AS text))
