-- The reporting schema: the stable contract downstream reports read. Masked IDs and phones only.

CREATE VIEW reporting.member_current AS
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
       coalesce(
           (SELECT array_agg(f.flag ORDER BY f.flag)
              FROM core.member_flag f
             WHERE f.closed_on IS NULL
               AND f.member_key = v.member_key AND f.county_code = v.county_code AND f.branch = v.branch),
           '{}'::text[]) AS flags,
       v.valid_from AS facts_since
  FROM core.roster_version v
  JOIN core.member m USING (member_key)
  LEFT JOIN core.county c USING (county_code)
 WHERE v.valid_to IS NULL;

CREATE VIEW reporting.member_flags AS
SELECT f.member_key, v.name, f.county_code, f.branch, f.flag, f.raised_on, f.detail
  FROM core.member_flag f
  JOIN core.roster_version v
    ON v.valid_to IS NULL
   AND v.member_key = f.member_key AND v.county_code = f.county_code AND v.branch = f.branch
 WHERE f.closed_on IS NULL;

CREATE VIEW reporting.member_history AS
SELECT v.member_key,
       v.county_code,
       v.branch,
       v.destination_city,
       core.mask_phone(v.phone_national) AS phone_masked,
       v.industry,
       v.contact_status,
       v.valid_from,
       v.valid_to,
       v.destination,
       v.last_contact_date
  FROM core.roster_version v;

CREATE VIEW reporting.flag_history AS
SELECT member_key, county_code, branch, flag, raised_on, closed_on, detail
  FROM core.member_flag;

CREATE VIEW reporting.file_audit AS
SELECT f.county_code, f.file_name, f.sha256, f.received_at, f.status,
       f.rows_read, f.rows_loaded, f.rows_rejected, f.error,
       f.run_id, r.as_of, f.archived_to, f.feedback_path
  FROM audit.file f
  JOIN audit.run r USING (run_id)
 WHERE f.status IN ('loaded', 'duplicate', 'rejected');

CREATE VIEW reporting.county_summary AS
WITH per_member AS (
    SELECT county_code,
           member_key,
           bool_or(flags && ARRAY['missing_outflow_time', 'missing_destination',
                                  'missing_contact', 'missing_industry']) AS missing_outflow_data,
           bool_or('lost_contact' = ANY (flags)) AS lost_contact,
           bool_or('duplicate_enrollment' = ANY (flags)) AS duplicate_enrollment
      FROM reporting.member_current
     GROUP BY county_code, member_key
), branches AS (
    SELECT county_code, count(DISTINCT branch) AS branches
      FROM reporting.member_current
     GROUP BY county_code
), last_run AS (
    SELECT run_id FROM audit.run WHERE status = 'merged' ORDER BY as_of DESC, merged_at DESC LIMIT 1
)
SELECT c.county_code,
       c.county_name,
       coalesce(b.branches, 0) AS branches,
       count(pm.member_key) AS members,
       count(pm.member_key) FILTER (WHERE NOT pm.missing_outflow_data) AS members_complete,
       round(100.0 * count(pm.member_key) FILTER (WHERE NOT pm.missing_outflow_data)
             / nullif(count(pm.member_key), 0), 1) AS completeness_pct,
       count(pm.member_key) FILTER (WHERE pm.missing_outflow_data) AS missing_outflow_data,
       count(pm.member_key) FILTER (WHERE pm.lost_contact) AS lost_contact,
       count(pm.member_key) FILTER (WHERE pm.duplicate_enrollment) AS duplicate_enrollment,
       (SELECT max(f.received_at) FROM audit.file f
         WHERE f.county_code = c.county_code AND f.status = 'loaded') AS last_file_loaded_at,
       (SELECT count(*) FROM audit.file f JOIN last_run USING (run_id)
         WHERE f.county_code = c.county_code AND f.status = 'rejected') AS files_rejected_last_run
  FROM core.county c
  LEFT JOIN per_member pm USING (county_code)
  LEFT JOIN branches b USING (county_code)
 GROUP BY c.county_code, c.county_name, b.branches;

CREATE VIEW reporting.destination_summary AS
SELECT destination_city,
       destination_city_code,
       in_gba,
       gba_committee,
       count(DISTINCT member_key) AS members
  FROM reporting.member_current
 GROUP BY destination_city, destination_city_code, in_gba, gba_committee;

CREATE VIEW reporting.validation_summary AS
SELECT v.run_id, r.as_of, f.county_code, f.file_name, v.expectation, v.column_name, v.severity,
       v.success, v.element_count, v.unexpected_count, v.unexpected_percent
  FROM audit.validation_result v
  JOIN audit.file f USING (file_id)
  JOIN audit.run r ON r.run_id = v.run_id;

CREATE VIEW reporting.ignored_entries AS
SELECT i.run_id, r.as_of, i.county_code, i.name, i.reason
  FROM audit.ignored_entry i
  JOIN audit.run r USING (run_id);
