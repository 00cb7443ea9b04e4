-- core.member_contact for the members whose latest evidence may have moved (latest_contact: contact_latest_moved.sql
-- in a run, contact_latest.sql in the benchmark's and a replay's).
DELETE FROM core.member_contact c USING evidence_touched t WHERE c.member_key = t.member_key;
INSERT INTO core.member_contact (member_key, last_contact_on, last_contact_source, last_event_id, last_report_on,
                                 last_report_city, last_report_city_code, last_report_file_id)
SELECT member_key, last_contact_on, last_contact_source, last_event_id, last_report_on, last_report_city,
       last_report_city_code, last_report_file_id
  FROM latest_contact;
