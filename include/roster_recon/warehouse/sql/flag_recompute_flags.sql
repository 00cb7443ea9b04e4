-- warehouse/flag.py: recompute_flags
SELECT count(*) FILTER (WHERE raised_by_run = %(run_id)s), count(*) FILTER (WHERE closed_by_run = %(run_id)s), count(*) FILTER (WHERE closed_on IS NULL)
FROM core.member_flag
