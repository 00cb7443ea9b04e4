-- The latest evidence of the members whose evidence moved in this run (evidence_moved: the pieces recorded now, and
-- those whose day has come), worked out from what moved and from each member's latest before (core.member_contact).
-- Evidence is only ever added, and runs merge in date order (merge.check_run_order), so a member's latest now is the
-- later of their latest before and what moved: the answer of contact_latest.sql, which reads every piece a member
-- ever had (33 s for a million members with two months of evidence, growing with every month kept). The replay of a
-- past date reads contact_latest.sql; tests/demo/test_ground_truth.py replays every run and finds the two equal.
CREATE TEMP TABLE latest_contact ON COMMIT DROP AS
WITH before AS MATERIALIZED (
    SELECT c.* FROM core.member_contact c JOIN evidence_touched t USING (member_key)
), latest AS (
    SELECT DISTINCT ON (member_key) member_key, occurred_on, source, event_id
      FROM (SELECT member_key, occurred_on, source, reported_at, event_id
              FROM evidence_moved
             WHERE occurred_on <= %(as_of)s
            UNION ALL
            SELECT e.member_key, e.occurred_on, e.source, e.reported_at, e.event_id
              FROM before b JOIN core.contact_event e ON e.event_id = b.last_event_id) candidate
     ORDER BY member_key, occurred_on DESC, reported_at DESC NULLS LAST, event_id
), reported AS (
    SELECT DISTINCT member_key FROM evidence_moved WHERE source = 'self_report' AND occurred_on <= %(as_of)s
), report AS (
    -- For members with a report that moved: the latest of those and of the reports on the day of their latest before.
    SELECT DISTINCT ON (member_key) member_key, occurred_on, city, city_code, file_id
      FROM (SELECT member_key, occurred_on, reported_at, event_id, city, city_code, file_id
              FROM evidence_moved
             WHERE source = 'self_report' AND occurred_on <= %(as_of)s
            UNION ALL
            SELECT e.member_key, e.occurred_on, e.reported_at, e.event_id, e.city, e.city_code, e.file_id
              FROM before b
              JOIN reported USING (member_key)
              JOIN core.contact_event e
                ON e.member_key = b.member_key AND e.source = 'self_report' AND e.occurred_on = b.last_report_on) candidate
     ORDER BY member_key, reported_at DESC, event_id
)
-- Members with no report that moved keep their latest report as it was.
SELECT l.member_key, l.occurred_on AS last_contact_on, l.source AS last_contact_source, l.event_id AS last_event_id,
       CASE WHEN r.member_key IS NULL THEN b.last_report_on ELSE r.occurred_on END AS last_report_on,
       CASE WHEN r.member_key IS NULL THEN b.last_report_city ELSE r.city END AS last_report_city,
       CASE WHEN r.member_key IS NULL THEN b.last_report_city_code ELSE r.city_code END AS last_report_city_code,
       CASE WHEN r.member_key IS NULL THEN b.last_report_file_id ELSE r.file_id END AS last_report_file_id
  FROM latest l
  LEFT JOIN report r USING (member_key)
  LEFT JOIN before b USING (member_key);
