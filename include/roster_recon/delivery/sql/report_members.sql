-- The members the GBA and lost-contact sections count, read from reporting.member_current once (each reading of the
-- view joins every current roster entry with its member and open flags: ~1.5 s at a million members).
CREATE TEMP TABLE report_members ON COMMIT DROP AS
SELECT member_key, county_code, county_name, branch, destination_city, destination_city_code, in_gba,
       gba_committee, last_contact_date, flags
  FROM reporting.member_current
 WHERE in_gba OR 'lost_contact' = ANY (flags)
