-- The flags the rules want as of the replayed date (wanted_flags.sql), with their detail, for the member(s) asked.
SELECT encode(member_key, 'hex'), county_code, branch, flag, detail FROM wanted_flag WHERE encode(member_key, 'hex') LIKE %(member)s
