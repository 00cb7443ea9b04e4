-- Every member with evidence known at the end of %(as_of)s: whose latest evidence then contact_latest.sql rebuilds.
CREATE TEMP TABLE evidence_touched ON COMMIT DROP AS
SELECT member_key FROM core.contact_event WHERE known_on <= %(as_of)s
 UNION
SELECT member_key FROM core.contact_event_replaced WHERE known_on <= %(as_of)s AND replaced_on > %(as_of)s;
ANALYZE evidence_touched;
