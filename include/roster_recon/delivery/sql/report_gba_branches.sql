-- Members in the Greater Bay Area per committee and home branch, and how many of them have all four clears.
SELECT gba_committee, county_code, county_name, branch, count(*) AS members,
       count(*) FILTER (WHERE NOT flags && ARRAY['missing_outflow_time', 'missing_destination', 'missing_contact',
                                               'missing_industry']) AS complete
  FROM report_members
 WHERE in_gba
 GROUP BY 1, 2, 3, 4
 ORDER BY 1, 5 DESC, 2, 4
