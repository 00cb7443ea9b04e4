-- The county page: its branches, members, four clears complete, lost contact.
SELECT branch,
       count(DISTINCT member_key) AS members,
       count(DISTINCT member_key) FILTER (WHERE NOT flags && ARRAY['missing_outflow_time', 'missing_destination',
                                                                   'missing_contact', 'missing_industry']) AS complete,
       count(DISTINCT member_key) FILTER (WHERE 'lost_contact' = ANY (flags)) AS lost_contact
  FROM reporting.member_current
 WHERE county_code = :c
 GROUP BY branch
 ORDER BY branch
