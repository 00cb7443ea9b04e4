-- warehouse/runs.py: mark_finish_chosen (merge finished choosing the folders to finish)
UPDATE audit.run SET finish_chosen_at = now() WHERE run_id = :run_id
