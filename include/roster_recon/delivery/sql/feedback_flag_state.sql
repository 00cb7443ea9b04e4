-- delivery/feedback.py: flag_state
SELECT coalesce(max(flag_id), 0) AS last_flag_id, count(*) FILTER (WHERE closed_on IS NULL) AS open_flags
FROM core.member_flag
WHERE county_code = :county_code
