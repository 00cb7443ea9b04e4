-- A member's evidence known at the end of %(as_of)s, newest first: its day, source, county or committee, the file it
-- came from and the as-of date of the run that loaded it (a piece replaced since, a report's city corrected, too).
SELECT e.occurred_on, e.source, coalesce(e.county_code, e.committee_code), f.file_name, e.known_on
  FROM (SELECT member_key, occurred_on, source, county_code, committee_code, file_id, known_on, reported_at, event_id
          FROM core.contact_event
        UNION ALL
        SELECT member_key, occurred_on, source, county_code, committee_code, file_id, known_on, reported_at, event_id
          FROM core.contact_event_replaced
         WHERE replaced_on > %(as_of)s) e
  JOIN audit.file f USING (file_id)
 WHERE encode(e.member_key, 'hex') LIKE %(member)s AND e.known_on <= %(as_of)s AND e.occurred_on <= %(as_of)s
 ORDER BY e.occurred_on DESC, e.reported_at DESC NULLS LAST, e.event_id
