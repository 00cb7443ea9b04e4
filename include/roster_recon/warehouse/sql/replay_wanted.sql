-- The flags the rules want as of the replayed date (wanted_flags.sql), with their detail, for the member(s) asked.
SELECT member_key, county_code, branch, flag, detail FROM wanted_flag WHERE member_key LIKE %(member)s
