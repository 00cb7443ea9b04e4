-- delivery/feedback.py: write_follow_up
INSERT INTO audit.follow_up_list (county_code, as_of, run_id, path, members, last_flag_id, open_flags, content_sha256)
VALUES (:county_code, :as_of, :run_id, :path, :members, :last_flag_id, :open_flags, :digest)
