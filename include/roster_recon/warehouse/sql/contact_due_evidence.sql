-- Evidence whose day has come since the latest merged run moves a member's latest evidence too. Evidence dated on or
-- before the day it was loaded moved it in the run that loaded it (or, loaded before migration 0021, in the latest
-- evidence that migration computed), so only evidence dated after that day waits (core.contact_event_due).
-- evidence_moved collects the pieces that may move their member's latest evidence (contact_latest_moved.sql reads
-- them): these, and what the run records (contact_record_evidence.sql).
CREATE TEMP TABLE evidence_moved ON COMMIT DROP AS
SELECT event_id, member_key, source, occurred_on, reported_at, city, city_code, file_id
  FROM core.contact_event
 WHERE occurred_on > known_on AND occurred_on <= %(as_of)s
   AND occurred_on > (SELECT coalesce(max(as_of), '-infinity'::date)
                        FROM audit.run WHERE status = 'merged' AND run_id <> %(run_id)s);
