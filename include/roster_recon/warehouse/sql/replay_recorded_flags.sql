-- The flags open at the end of %(as_of)s, as the runs recorded them (raised that day or before, not closed by then).
SELECT member_key, county_code, branch, flag
  FROM core.member_flag
 WHERE raised_on <= %(as_of)s AND (closed_on IS NULL OR closed_on > %(as_of)s)
   AND member_key LIKE %(member)s
