-- delivery/feedback.py: current_follow_up
SELECT path, members, written_at, last_flag_id, open_flags
FROM audit.follow_up_list
WHERE county_code = :county_code
ORDER BY list_id DESC
LIMIT 1
