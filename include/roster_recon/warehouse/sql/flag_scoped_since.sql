-- warehouse/flag.py: the date since which only what the date moved needs its flags computed again, or nothing (every
-- entry then). The flags in the table are the latest merged run's (the latest date, and of its runs the last merged):
-- only when that run's flags came from the same rules and warehouse schema (%(rules)s) and the same number of
-- months, on an earlier date, and this run loaded no file, are they right for every member but those a date line
-- crossed, whose evidence came due, or whose category changed today (flag_scope.sql).
WITH latest AS (
    SELECT as_of, lost_contact_months, flag_rules
      FROM audit.run
     WHERE status = 'merged' AND run_id <> %(run_id)s
     ORDER BY as_of DESC, merged_at DESC
     LIMIT 1
)
SELECT as_of
  FROM latest
 WHERE as_of < %(as_of)s AND lost_contact_months = %(lost_contact_months)s AND flag_rules = %(rules)s
   AND NOT EXISTS (SELECT 1 FROM audit.file WHERE run_id = %(run_id)s AND status IN ('staged', 'loaded'));
