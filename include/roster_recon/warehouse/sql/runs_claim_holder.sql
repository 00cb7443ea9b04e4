-- warehouse/runs.py: claim
SELECT c.run_id, c.touched_at, now() - c.touched_at AS idle, r.as_of
FROM audit.run_claim c
LEFT JOIN audit.run r USING (run_id)
