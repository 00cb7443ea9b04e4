DROP INDEX core.contact_event_once;
CREATE UNIQUE INDEX contact_event_once ON core.contact_event
    (member_key, source, occurred_on, coalesce(reported_at, '-infinity'::timestamptz),
     coalesce(county_code, committee_code, ''));
INSERT INTO core.contact_event
SELECT event_id, member_key, source, occurred_on, reported_at, county_code, committee_code, city, city_code, file_id,
       known_on
  FROM core.contact_event_replaced
    ON CONFLICT DO NOTHING;
DROP TABLE core.contact_event_replaced;
