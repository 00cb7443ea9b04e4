-- warehouse/reconcile.py: known_members (current ledger members among some keys, and their names)
SELECT DISTINCT member_key, name FROM core.roster_version WHERE valid_to IS NULL AND member_key = ANY (:k)
