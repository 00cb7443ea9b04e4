-- Can any member's category, or the latest evidence it shows, have changed since the last reconciliation? Only by a
-- file loaded in this run (a roster, or self-reports), by evidence dated after the latest merged run's as-of date
-- and on or before this one's (a date in the future when it was loaded), or on a warehouse never reconciled (the
-- first run after migration 0020).
WITH previous AS (
    SELECT coalesce(max(as_of), '-infinity'::date) AS as_of
      FROM audit.run WHERE status = 'merged' AND run_id <> %(run_id)s
)
SELECT EXISTS (SELECT 1 FROM audit.file WHERE run_id = %(run_id)s AND status = 'loaded')
    OR (NOT EXISTS (SELECT 1 FROM core.gba_reconciliation)
        AND EXISTS (SELECT 1 FROM core.roster_version WHERE valid_to IS NULL AND in_gba))
    -- Evidence dated after the day it was loaded (core.contact_event_due), whose day has come since.
    OR EXISTS (SELECT 1 FROM core.contact_event, previous p
                WHERE occurred_on > known_on AND occurred_on > p.as_of AND occurred_on <= %(as_of)s)
