-- Every member with evidence known at the end of %(as_of)s: whose latest evidence then contact_latest.sql rebuilds.
CREATE TEMP TABLE evidence_touched ON COMMIT DROP AS
SELECT DISTINCT member_key FROM core.contact_event WHERE known_on <= %(as_of)s;
ANALYZE evidence_touched;
