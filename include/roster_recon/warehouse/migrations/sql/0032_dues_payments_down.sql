DROP VIEW reporting.unmatched_dues_payments;
DROP TABLE core.unmatched_dues_payment;
DELETE FROM core.contact_event WHERE source = 'dues_payment';
DROP INDEX core.contact_event_once;
CREATE UNIQUE INDEX contact_event_once ON core.contact_event
    (member_key, source, occurred_on, coalesce(reported_at, '-infinity'::timestamptz),
     (CASE WHEN source = 'self_report' THEN '' ELSE coalesce(county_code, committee_code, '') END));
ALTER TABLE core.contact_event DROP CONSTRAINT contact_event_source_check;
ALTER TABLE core.contact_event ADD CONSTRAINT contact_event_source_check
    CHECK (source IN ('ledger', 'gba_activity', 'dues', 'self_report'));
ALTER TABLE core.contact_event_replaced DROP COLUMN paid_for;
ALTER TABLE core.contact_event DROP COLUMN paid_for;
DROP TABLE staging.dues_payment;
