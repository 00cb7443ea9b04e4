-- warehouse/runs.py: mark_listed (prepare finished listing the drop folders; a retry keeps the first time)
UPDATE audit.run SET listed_at = coalesce(listed_at, now()) WHERE run_id = :run_id
