-- warehouse/flag.py: the date since which only what the date moved needs its flags computed again, or NULL (every
-- entry then). Only a run that loaded no file, after a merged run of an earlier date whose flags came from the same
-- rules (%(rules)s) and the same number of months: its flags are then right for every member but those a date line
-- crossed, or whose evidence came due today (flag_scope.sql).
SELECT p.as_of
  FROM audit.run p
 WHERE p.status = 'merged' AND p.run_id <> %(run_id)s
   AND p.as_of < %(as_of)s AND p.lost_contact_months = %(lost_contact_months)s AND p.flag_rules = %(rules)s
   AND p.as_of = (SELECT max(as_of) FROM audit.run WHERE status = 'merged' AND run_id <> %(run_id)s)
   AND NOT EXISTS (SELECT 1 FROM audit.file WHERE run_id = %(run_id)s AND status IN ('staged', 'loaded'))
 ORDER BY p.merged_at DESC
 LIMIT 1;
