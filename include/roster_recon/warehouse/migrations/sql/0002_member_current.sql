-- Same columns as 0001; open flags come from one grouped join, which scans member_flag once for a whole-table
-- query and still narrows to one county when a query filters on county_code.
CREATE OR REPLACE VIEW reporting.member_current AS
SELECT v.member_key,
       v.name,
       v.gender,
       m.id_number_masked,
       v.county_code,
       c.county_name,
       v.branch,
       v.outflow_date,
       v.destination,
       v.destination_city,
       v.destination_city_code,
       coalesce(v.in_gba, false) AS in_gba,
       v.gba_committee,
       core.mask_phone(v.phone_national) AS phone_masked,
       v.industry,
       v.last_contact_date,
       v.contact_status,
       coalesce(f.flags, '{}'::text[]) AS flags,
       v.valid_from AS facts_since
  FROM core.roster_version v
  JOIN core.member m USING (member_key)
  LEFT JOIN core.county c USING (county_code)
  LEFT JOIN (
        SELECT member_key, county_code, branch, array_agg(flag ORDER BY flag) AS flags
          FROM core.member_flag
         WHERE closed_on IS NULL
         GROUP BY member_key, county_code, branch
       ) f USING (member_key, county_code, branch)
 WHERE v.valid_to IS NULL;
