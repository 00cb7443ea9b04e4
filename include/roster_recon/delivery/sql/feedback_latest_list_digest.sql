-- delivery/feedback.py: write_follow_up
SELECT path, content_sha256
FROM audit.follow_up_list
WHERE county_code = :county_code
ORDER BY list_id DESC
LIMIT 1
