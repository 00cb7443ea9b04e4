-- The latest evidence of each member in evidence_touched, as the warehouse knew it at the end of %(as_of)s: evidence
-- loaded by a run as of that date or before, dated on or before it. The latest self-report beside it (its city may
-- say the ledger's destination is out of date). The full definition of "latest", read by the replay of a past date
-- (ties: the later report time, then the piece recorded first); a run works the same answer out from what moved
-- (contact_latest_moved.sql), and the tests hold the two equal. Each part reads
-- only the columns it needs: a shared CTE of whole rows was materialised and sorted twice (27 s at a million members).
CREATE TEMP TABLE latest_contact ON COMMIT DROP AS
WITH touched AS MATERIALIZED (
    SELECT DISTINCT member_key FROM evidence_touched
), known AS NOT MATERIALIZED (
    -- The evidence of then: what the warehouse holds, and the pieces replaced since (a report's city corrected).
    SELECT member_key, occurred_on, source, reported_at, event_id, city, city_code, file_id, known_on
      FROM core.contact_event
    UNION ALL
    SELECT member_key, occurred_on, source, reported_at, event_id, city, city_code, file_id, known_on
      FROM core.contact_event_replaced
     WHERE replaced_on > %(as_of)s
), latest AS (
    SELECT DISTINCT ON (e.member_key) e.member_key, e.occurred_on, e.source, e.event_id
      FROM known e
      JOIN touched t USING (member_key)
     WHERE e.occurred_on <= %(as_of)s AND e.known_on <= %(as_of)s
     ORDER BY e.member_key, e.occurred_on DESC, e.reported_at DESC NULLS LAST, e.event_id
), report AS (
    SELECT DISTINCT ON (e.member_key) e.member_key, e.occurred_on, e.city, e.city_code, e.file_id
      FROM known e
      JOIN touched t USING (member_key)
     WHERE e.source = 'self_report' AND e.occurred_on <= %(as_of)s AND e.known_on <= %(as_of)s
     ORDER BY e.member_key, e.reported_at DESC, e.event_id
)
SELECT l.member_key, l.occurred_on AS last_contact_on, l.source AS last_contact_source, l.event_id AS last_event_id,
       r.occurred_on AS last_report_on, r.city AS last_report_city, r.city_code AS last_report_city_code,
       r.file_id AS last_report_file_id
  FROM latest l
  LEFT JOIN report r USING (member_key);
