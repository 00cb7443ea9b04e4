-- Migration 0020 undone: the views, policies, tables and function it created; the two flags it allowed.
-- The committee roles are cluster-wide and stay, like the county roles.
DROP VIEW reporting.gba_leads, core.gba_lead, reporting.gba_branch_summary, reporting.gba_committee_summary,
          reporting.gba_reconciliation;
DROP POLICY committee_files ON audit.file;
DROP POLICY committee_entries ON audit.ignored_entry;
DROP TABLE core.gba_reconciliation, core.gba_candidate, core.gba_placement, staging.gba_candidate, staging.gba_row;
DROP FUNCTION reporting.includes_municipal(text[]);
DROP TABLE core.gba_committee;
DROP FUNCTION reporting.readable_committees();
DELETE FROM core.member_flag WHERE flag IN ('not_placed_in_gba', 'destination_outdated');
ALTER TABLE core.member_flag DROP CONSTRAINT member_flag_flag_check;
ALTER TABLE core.member_flag ADD CONSTRAINT member_flag_flag_check
    CHECK (flag IN ('missing_outflow_time', 'missing_destination', 'missing_contact', 'missing_industry',
                    'lost_contact', 'duplicate_enrollment'));
