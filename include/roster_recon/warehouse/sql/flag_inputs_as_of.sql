-- What the flags are computed from, as the warehouse held it at the end of %(as_of)s (the last run of that date):
-- roster entries valid then, categories open then, and the latest evidence then (latest_contact, built by
-- contact_latest.sql for every member with evidence known by that date). Same views as flag_inputs_current.sql.
CREATE OR REPLACE TEMP VIEW flag_entry AS
SELECT * FROM core.roster_version
 WHERE valid_from <= %(as_of)s AND (valid_to IS NULL OR valid_to > %(as_of)s);
CREATE OR REPLACE TEMP VIEW flag_category AS
SELECT member_key, home_county_code, home_branch, category, expected_committee, gba_placements, ledger_city
  FROM core.gba_reconciliation
 WHERE coalesce(details_since, since) <= %(as_of)s AND (closed_on IS NULL OR closed_on > %(as_of)s)
   AND category IN ('not_placed', 'city_differs')
 UNION ALL
-- A spell's details of then, when they changed since (core.gba_reconciliation_earlier).
SELECT member_key, home_county_code, home_branch, category, expected_committee, gba_placements, ledger_city
  FROM core.gba_reconciliation_earlier
 WHERE valid_from <= %(as_of)s AND valid_to > %(as_of)s
   AND category IN ('not_placed', 'city_differs');
CREATE OR REPLACE TEMP VIEW flag_contact AS
SELECT member_key, last_contact_on, last_contact_source, last_event_id, last_report_on, last_report_city,
       last_report_city_code, last_report_file_id
  FROM latest_contact;
