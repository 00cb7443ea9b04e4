-- warehouse/merge.py: mark_merged
UPDATE audit.run SET status = 'merged', merged_at = now(), flags_raised = %s, flags_closed = %s WHERE run_id = %s
