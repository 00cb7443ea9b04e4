-- The members whose flags the date can have moved since %(since)s (flag_scoped_since.sql), with a week's margin on
-- each line (a superset is harmless: their flags are computed in full). Adding calendar months keeps the order of
-- days, so a line crossed between the two dates lies in these ranges:
--   lost_contact       latest contact + N months < as-of: latest contact about N months before either date;
--   no_contact_record  outflow + N months < as-of: outflow about N months before either date;
--   missing_outflow_time  outflow after the as-of date: outflow between the two dates.
-- Plus the members whose evidence this run recorded (evidence that came due: evidence_touched, contact.py) and
-- whose both-sides category opened, closed or changed its details today. Range scans on member_contact_last_contact
-- and roster_version_current_outflow (migration 0033).
CREATE TEMP TABLE flag_scope ON COMMIT DROP AS
SELECT member_key
  FROM core.member_contact
 WHERE last_contact_on BETWEEN (%(since)s::date - make_interval(months => %(lost_contact_months)s))::date - 7
                           AND (%(as_of)s::date - make_interval(months => %(lost_contact_months)s))::date + 7
UNION
SELECT member_key
  FROM core.roster_version
 WHERE valid_to IS NULL
   AND (outflow_date BETWEEN %(since)s::date - 7 AND %(as_of)s::date + 7
        OR outflow_date BETWEEN (%(since)s::date - make_interval(months => %(lost_contact_months)s))::date - 7
                            AND (%(as_of)s::date - make_interval(months => %(lost_contact_months)s))::date + 7)
UNION
SELECT member_key FROM core.gba_reconciliation
 WHERE since = %(as_of)s OR closed_on = %(as_of)s OR details_since = %(as_of)s;
