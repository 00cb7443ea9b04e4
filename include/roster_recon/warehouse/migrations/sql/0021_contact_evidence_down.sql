-- Migration 0021 undone: member_current reads the ledger's last contact again (a view cannot lose columns in
-- place, so the two it gained stay, the source null), the evidence views and tables, and the flag it allowed.
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
       v.valid_from AS facts_since,
       NULL::text AS last_contact_source,
       v.last_contact_date AS ledger_last_contact_date
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

DROP VIEW reporting.unmatched_self_reports, reporting.contact_evidence;
DROP TABLE core.evidence_file, core.unmatched_self_report, core.member_contact, core.contact_event, staging.self_report;
DELETE FROM core.member_flag WHERE flag = 'no_contact_record';
ALTER TABLE core.member_flag DROP CONSTRAINT member_flag_flag_check;
ALTER TABLE core.member_flag ADD CONSTRAINT member_flag_flag_check
    CHECK (flag IN ('missing_outflow_time', 'missing_destination', 'missing_contact', 'missing_industry',
                    'lost_contact', 'duplicate_enrollment', 'not_placed_in_gba', 'destination_outdated'));
