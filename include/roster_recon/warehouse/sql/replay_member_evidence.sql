-- A member's evidence known at the end of %(as_of)s, newest first: its day, source, county or committee, the file it
-- came from and the as-of date of the run that loaded it.
SELECT e.occurred_on, e.source, coalesce(e.county_code, e.committee_code), f.file_name, e.known_on
  FROM core.contact_event e
  JOIN audit.file f USING (file_id)
 WHERE encode(e.member_key, 'hex') LIKE %(member)s AND e.known_on <= %(as_of)s AND e.occurred_on <= %(as_of)s
 ORDER BY e.occurred_on DESC, e.reported_at DESC NULLS LAST, e.event_id
