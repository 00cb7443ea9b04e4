-- Can any member's category, or the latest evidence it shows, have changed since the last reconciliation? Only by a
-- roster loaded in this run, by evidence dated after the latest merged run's as-of date and on or before this one's
-- (a date in the future when it was loaded), or on a warehouse never reconciled (the first run after migration 0020).
WITH previous AS (
    SELECT coalesce(max(as_of), '-infinity'::date) AS as_of
      FROM audit.run WHERE status = 'merged' AND run_id <> %(run_id)s
)
SELECT EXISTS (SELECT 1 FROM audit.file WHERE run_id = %(run_id)s AND status = 'loaded')
    OR (NOT EXISTS (SELECT 1 FROM core.gba_reconciliation)
        AND EXISTS (SELECT 1 FROM core.roster_version WHERE valid_to IS NULL AND in_gba))
    OR EXISTS (SELECT 1 FROM core.gba_placement, previous p
                WHERE valid_to IS NULL
                  AND (last_activity > p.as_of AND last_activity <= %(as_of)s
                       OR (dues_paid_to + interval '1 month' - interval '1 day')::date > p.as_of
                          AND (dues_paid_to + interval '1 month' - interval '1 day')::date <= %(as_of)s))
    OR EXISTS (SELECT 1 FROM core.roster_version, previous p
                WHERE valid_to IS NULL AND last_contact_date > p.as_of AND last_contact_date <= %(as_of)s)
