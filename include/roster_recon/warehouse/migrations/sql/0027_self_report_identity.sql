-- A self-report is one piece of evidence per (member, report time): an export sent again with the city corrected
-- replaces the piece, the later export's city winning. The replaced piece moves to core.contact_event_replaced with
-- the as-of date it was replaced on, so that the replay of an earlier date still sees what that run saw.
CREATE TABLE core.contact_event_replaced (LIKE core.contact_event, replaced_on date NOT NULL);
CREATE INDEX contact_event_replaced_by_member ON core.contact_event_replaced (member_key);

-- Pieces the old identity (which held the committee the city is served by) counted twice: the latest recorded
-- stays, the others are replaced on the day it was recorded.
WITH ranked AS (
    SELECT event_id,
           row_number() OVER w AS n,
           first_value(known_on) OVER w AS latest_known_on
      FROM core.contact_event
     WHERE source = 'self_report'
    WINDOW w AS (PARTITION BY member_key, reported_at ORDER BY event_id DESC)
), replaced AS (
    DELETE FROM core.contact_event e USING ranked r
     WHERE r.event_id = e.event_id AND r.n > 1
    RETURNING e.*, r.latest_known_on
)
INSERT INTO core.contact_event_replaced SELECT * FROM replaced;

DROP INDEX core.contact_event_once;
CREATE UNIQUE INDEX contact_event_once ON core.contact_event
    (member_key, source, occurred_on, coalesce(reported_at, '-infinity'::timestamptz),
     (CASE WHEN source = 'self_report' THEN '' ELSE coalesce(county_code, committee_code, '') END));

-- Each member's latest evidence names the piece kept, and its city (the flags follow at the next run).
UPDATE core.member_contact c
   SET last_event_id = k.event_id
  FROM core.contact_event_replaced r
  JOIN core.contact_event k
    ON k.source = 'self_report' AND k.member_key = r.member_key AND k.reported_at = r.reported_at
 WHERE c.last_event_id = r.event_id;
UPDATE core.member_contact c
   SET last_report_city = k.city, last_report_city_code = k.city_code, last_report_file_id = k.file_id
  FROM core.contact_event_replaced r
  JOIN core.contact_event k
    ON k.source = 'self_report' AND k.member_key = r.member_key AND k.reported_at = r.reported_at
 WHERE c.member_key = r.member_key AND c.last_report_on = r.occurred_on AND c.last_report_file_id = r.file_id;
