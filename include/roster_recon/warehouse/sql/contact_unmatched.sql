-- The self-reports (per city) and the dues payments (per month paid for) whose ID number matches no member on either
-- side (no ledger entry ever accepted, no GBA placement): counted again when the run loaded a file (only new reports, members or placements change
-- it). Hash anti-joins: the row-level security on the inputs leaves the planner no estimate to choose by.
SET LOCAL enable_nestloop = off;
CREATE TEMP TABLE unmatched_recount ON COMMIT DROP AS
SELECT EXISTS (SELECT 1 FROM audit.file WHERE run_id = %(run_id)s AND status = 'loaded') AS due;
DELETE FROM core.unmatched_self_report WHERE (SELECT due FROM unmatched_recount);
INSERT INTO core.unmatched_self_report (city_code, city, committee_code, reports, latest)
SELECT e.city_code, mode() WITHIN GROUP (ORDER BY e.city), e.committee_code, count(*), max(e.reported_at)
  FROM core.contact_event e
 WHERE (SELECT due FROM unmatched_recount)
   AND e.source = 'self_report'
   AND NOT EXISTS (SELECT 1 FROM core.member m WHERE m.member_key = e.member_key)
   AND NOT EXISTS (SELECT 1 FROM core.gba_placement p WHERE p.member_key = e.member_key)
 GROUP BY e.city_code, e.committee_code;
DELETE FROM core.unmatched_dues_payment WHERE (SELECT due FROM unmatched_recount);
INSERT INTO core.unmatched_dues_payment (paid_for, payments, latest)
SELECT e.paid_for, count(*), max(e.occurred_on)
  FROM core.contact_event e
 WHERE (SELECT due FROM unmatched_recount)
   AND e.source = 'dues_payment'
   AND NOT EXISTS (SELECT 1 FROM core.member m WHERE m.member_key = e.member_key)
   AND NOT EXISTS (SELECT 1 FROM core.gba_placement p WHERE p.member_key = e.member_key)
 GROUP BY e.paid_for;
SET LOCAL enable_nestloop = on;
