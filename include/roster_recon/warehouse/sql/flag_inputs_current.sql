-- What the flags are computed from (wanted_flags.sql), as the warehouse holds it now: the current roster entries,
-- both sides' open categories and each member's latest evidence. The replay of a past date defines the same three
-- views as of that date instead (flag_inputs_as_of.sql). %(scoped)s: only the members in flag_scope (flag_scope.sql;
-- the table exists, empty, when every member is computed). = ANY (ARRAY(…)), not IN: a lookup by the member index.
CREATE OR REPLACE TEMP VIEW flag_entry AS
SELECT * FROM core.roster_version
 WHERE valid_to IS NULL
   AND (NOT %(scoped)s OR member_key = ANY (ARRAY(SELECT member_key FROM flag_scope)));
CREATE OR REPLACE TEMP VIEW flag_category AS
SELECT member_key, home_county_code, home_branch, category, expected_committee, gba_placements, ledger_city
  FROM core.gba_reconciliation
 WHERE closed_on IS NULL AND category IN ('not_placed', 'city_differs')
   AND (NOT %(scoped)s OR member_key = ANY (ARRAY(SELECT member_key FROM flag_scope)));
CREATE OR REPLACE TEMP VIEW flag_contact AS
SELECT member_key, last_contact_on, last_contact_source, last_event_id, last_report_on, last_report_city,
       last_report_city_code, last_report_file_id
  FROM core.member_contact
 WHERE NOT %(scoped)s OR member_key = ANY (ARRAY(SELECT member_key FROM flag_scope));
