-- Apply the flags wanted as of %(as_of)s (wanted_flag, from wanted_flags.sql): a flag that no longer applies is
-- closed; a new one is raised; an open one keeps the day its spell began, its detail brought up to date.
-- %(scoped)s: wanted_flag holds the flags of the members in flag_scope only, and only theirs are closed.

UPDATE core.member_flag f
   SET closed_on = %(as_of)s, closed_by_run = %(run_id)s
 WHERE f.closed_on IS NULL
   AND NOT EXISTS (
        SELECT 1 FROM wanted_flag w
         WHERE w.member_key = f.member_key AND w.county_code = f.county_code
           AND w.branch = f.branch AND w.flag = f.flag)
   AND (NOT %(scoped)s OR f.member_key = ANY (ARRAY(SELECT member_key FROM flag_scope)));

UPDATE core.member_flag f
   SET detail = w.detail
  FROM wanted_flag w
 WHERE f.closed_on IS NULL
   AND w.member_key = f.member_key AND w.county_code = f.county_code AND w.branch = f.branch AND w.flag = f.flag
   AND f.detail IS DISTINCT FROM w.detail;

INSERT INTO core.member_flag (member_key, county_code, branch, flag, raised_on, detail, raised_by_run)
SELECT w.member_key, w.county_code, w.branch, w.flag, %(as_of)s, w.detail, %(run_id)s
  FROM wanted_flag w
 WHERE NOT EXISTS (
        SELECT 1 FROM core.member_flag f
         WHERE f.closed_on IS NULL
           AND w.member_key = f.member_key AND w.county_code = f.county_code
           AND w.branch = f.branch AND w.flag = f.flag);
