-- A county's follow-up list: every current roster entry with an open flag, the longest out of touch first (by the
-- latest evidence from any source, core.member_contact, named with its source).
-- The open flags are aggregated once (MATERIALIZED): joined through the member_current view, PostgreSQL planned a
-- nested loop over the view that took minutes per county at a million members. The masked ID is looked up per
-- entry (a join hashed all million members to disk for twenty thousand entries), and the member key ends the
-- order, so the same entries always make the same list (its digest decides whether the workbook is rewritten).
WITH open_flags AS MATERIALIZED (
    SELECT member_key, county_code, branch, array_agg(flag ORDER BY flag) AS flags, min(raised_on) AS raised_on
      FROM core.member_flag
     WHERE closed_on IS NULL AND county_code = %(county_code)s
     GROUP BY member_key, county_code, branch
)
-- Columns in the workbook's order (feedback.FOLLOW_UP_HEADERS).
SELECT v.branch,
       v.name,
       (SELECT m.id_number_masked FROM core.member m WHERE m.member_key = f.member_key) AS id_number_masked,
       v.phone, f.flags, f.raised_on, v.outflow_date, v.destination, v.industry, c.last_contact_on,
       c.last_contact_source, v.contact_status
  FROM open_flags f
  JOIN core.roster_version v
    ON v.valid_to IS NULL AND v.member_key = f.member_key AND v.county_code = f.county_code AND v.branch = f.branch
-- Said again for the table: the planner does not carry the county through the materialised CTE, and without
-- it hashed every current version to disk (1.05 s per county of 20,000 entries at 1M; 0.37 s by index).
   AND v.county_code = %(county_code)s
  LEFT JOIN core.member_contact c ON c.member_key = f.member_key
 ORDER BY ('lost_contact' = ANY (f.flags)) DESC, c.last_contact_on ASC NULLS FIRST, f.raised_on, v.branch, v.name, f.member_key
