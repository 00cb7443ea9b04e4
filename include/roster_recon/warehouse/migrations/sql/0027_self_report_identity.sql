-- A self-report is one piece of evidence per (member, report time): an export sent again with the city corrected
-- replaces the piece, the later export's city winning. The replaced piece moves to core.contact_event_replaced with
-- the as-of date it was replaced on, so that the replay of an earlier date still sees what that run saw.
CREATE TABLE core.contact_event_replaced (LIKE core.contact_event, replaced_on date NOT NULL);
CREATE INDEX contact_event_replaced_by_member ON core.contact_event_replaced (member_key);

ALTER TABLE core.contact_event_replaced ENABLE ROW LEVEL SECURITY;
ALTER TABLE core.contact_event_replaced FORCE ROW LEVEL SECURITY;
CREATE POLICY loader_only ON core.contact_event_replaced
    USING ((SELECT pg_has_role(current_user, 'roster_loader', 'MEMBER')));

-- Pieces the old identity (which held the committee the city is served by) counted twice: the latest recorded
-- stays, the others are replaced the day after the last merged run, so that every date already run replays as it
-- ran (both pieces standing, the first recorded giving the city).
WITH ranked AS (
    SELECT event_id, row_number() OVER (PARTITION BY member_key, reported_at ORDER BY event_id DESC) AS n
      FROM core.contact_event
     WHERE source = 'self_report'
), replaced AS (
    DELETE FROM core.contact_event e USING ranked r
     WHERE r.event_id = e.event_id AND r.n > 1
    RETURNING e.event_id, e.member_key, e.source, e.occurred_on, e.reported_at, e.county_code, e.committee_code,
              e.city, e.city_code, e.file_id, e.known_on
)
INSERT INTO core.contact_event_replaced (event_id, member_key, source, occurred_on, reported_at, county_code,
                                         committee_code, city, city_code, file_id, known_on, replaced_on)
SELECT r.*, (SELECT coalesce(max(as_of), current_date) + 1 FROM audit.run WHERE status = 'merged')
  FROM replaced r;

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
