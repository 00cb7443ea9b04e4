-- The flags open at the end of %(as_of)s, as the runs recorded them (raised that day or before, not closed by then).
SELECT encode(member_key, 'hex'), county_code, branch, flag
  FROM core.member_flag
 WHERE raised_on <= %(as_of)s AND (closed_on IS NULL OR closed_on > %(as_of)s)
   AND encode(member_key, 'hex') LIKE %(member)s
