-- warehouse/stale.py: stale_counties (since when each county has sent nothing; the rule is reporting.county_sending's)
SELECT county_code, county_name, last_as_of, silent_since
  FROM reporting.county_sending
