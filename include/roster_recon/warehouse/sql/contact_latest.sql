-- The latest evidence of each member in evidence_touched, as the warehouse knew it at the end of %(as_of)s: evidence
-- loaded by a run as of that date or before, dated on or before it. The latest self-report beside it (its city may
-- say the ledger's destination is out of date). The one definition of "latest": the current run's refresh and the
-- replay of a past date both read it (ties: the later report time, then the piece recorded first).
CREATE TEMP TABLE latest_contact ON COMMIT DROP AS
WITH touched AS (
    SELECT DISTINCT member_key FROM evidence_touched
), known AS (
    SELECT e.*
      FROM core.contact_event e
      JOIN touched t USING (member_key)
     WHERE e.occurred_on <= %(as_of)s AND e.known_on <= %(as_of)s
), latest AS (
    SELECT DISTINCT ON (member_key) member_key, occurred_on, source, event_id
      FROM known
     ORDER BY member_key, occurred_on DESC, reported_at DESC NULLS LAST, event_id
), report AS (
    SELECT DISTINCT ON (member_key) member_key, occurred_on, event_id
      FROM known
     WHERE source = 'self_report'
     ORDER BY member_key, reported_at DESC, event_id
)
SELECT l.member_key, l.occurred_on AS last_contact_on, l.source AS last_contact_source, l.event_id AS last_event_id,
       r.occurred_on AS last_report_on, r.event_id AS last_report_event_id
  FROM latest l
  LEFT JOIN report r USING (member_key);
