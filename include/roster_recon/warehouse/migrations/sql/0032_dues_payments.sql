-- Dues payments (contract: "Dues payments"): the online dues platform's exports, the fourth kind of input.

-- An export's accepted payments waiting for the merge: the key, the month paid for and the day paid, nothing else
-- (no raw ID, no name, amount or channel).
CREATE UNLOGGED TABLE staging.dues_payment (
    run_id     text NOT NULL,
    file_id    bigint NOT NULL,
    source_row integer NOT NULL,
    member_key bytea NOT NULL,
    paid_for   date,            -- the first day of the month paid for, when the export names one that can be read
    paid_on    date NOT NULL    -- the day it was paid, in Asia/Shanghai
);

-- A payment is one piece of evidence per (member, month paid for, day paid): exports overlap, and a payment seen
-- twice counts once. The month joins the piece's identity.
ALTER TABLE core.contact_event ADD COLUMN paid_for date;
ALTER TABLE core.contact_event_replaced ADD COLUMN paid_for date;
ALTER TABLE core.contact_event DROP CONSTRAINT contact_event_source_check;
ALTER TABLE core.contact_event ADD CONSTRAINT contact_event_source_check
    CHECK (source IN ('ledger', 'gba_activity', 'dues', 'self_report', 'dues_payment'));
DROP INDEX core.contact_event_once;
CREATE UNIQUE INDEX contact_event_once ON core.contact_event
    (member_key, source, occurred_on, coalesce(reported_at, '-infinity'::timestamptz),
     (CASE WHEN source = 'self_report' THEN '' ELSE coalesce(county_code, committee_code, '') END),
     coalesce(paid_for, '-infinity'::date));

-- Payments whose ID number matches no member on either side, per month paid for: counted by the merge
-- (warehouse/sql/contact_unmatched.sql) whenever a file was loaded. No member key is kept here. The data team's
-- alone: a payment names no county or committee the warehouse could file it under.
CREATE TABLE core.unmatched_dues_payment (
    paid_for date,
    payments bigint NOT NULL,
    latest   date NOT NULL
);
ALTER TABLE core.unmatched_dues_payment ENABLE ROW LEVEL SECURITY;
ALTER TABLE core.unmatched_dues_payment FORCE ROW LEVEL SECURITY;
CREATE POLICY data_team_rows ON core.unmatched_dues_payment
    USING ((SELECT reporting.readable_counties()) IS NULL)
    WITH CHECK ((SELECT pg_has_role(current_user, 'roster_loader', 'MEMBER')));

CREATE VIEW reporting.unmatched_dues_payments AS
SELECT paid_for AS month, payments, latest FROM core.unmatched_dues_payment;

COMMENT ON VIEW reporting.unmatched_dues_payments IS
'One row per month paid for (and one row for payments whose month could not be read) counting the dues payments
whose ID number matches no member the warehouse knows (no ledger entry ever accepted, no GBA placement): for the data
team to follow up with the dues platform. Rows: the data team only; a county or committee login sees none.';
COMMENT ON COLUMN reporting.unmatched_dues_payments.month IS 'The month paid for (its first day), or null when the export did not say or could not be read.';
COMMENT ON COLUMN reporting.unmatched_dues_payments.payments IS 'Unmatched payments for the month.';
COMMENT ON COLUMN reporting.unmatched_dues_payments.latest IS 'The latest day one of them was paid.';
