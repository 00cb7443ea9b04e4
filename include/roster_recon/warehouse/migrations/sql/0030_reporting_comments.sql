-- The reporting contract, in the catalog: every view of schema reporting and every column says what it holds, its
-- grain and whose rows a login sees. docs/reporting.md is generated from these comments (make reporting-doc), and
-- tests/warehouse/test_reporting_doc.py fails when a view or column has none. A migration that drops and recreates
-- a reporting view writes its comments again.

-- Who may read: roster_reader sees every row; a county login (roster_county_<code>) the rows of its own county; a
-- committee login (roster_committee_<code>) the rows of its committee, 440000 (the municipal committee) every GBA
-- row. The views run with their owner's rights; the row policies key on current_user, which a view does not change.

COMMENT ON VIEW reporting.member_current IS
'One row per member per branch roster the member is currently on (a member on two counties'' ledgers has two rows).
The latest version of the ledger facts, masked: no full ID number or phone. Rows: a county login sees its county''s
members; a committee login none (its members are in gba_reconciliation).';
COMMENT ON COLUMN reporting.member_current.member_key IS 'The member''s key: HMAC-SHA256 of the normalised ID number, hex; the same member has the same key in every view and every run.';
COMMENT ON COLUMN reporting.member_current.name IS 'Name as the ledger writes it.';
COMMENT ON COLUMN reporting.member_current.gender IS 'Gender as the ledger writes it (男 / 女), or null.';
COMMENT ON COLUMN reporting.member_current.id_number_masked IS 'ID number masked: the first 6 and last 4 characters of the normalised 18-character number (360922********1236).';
COMMENT ON COLUMN reporting.member_current.county_code IS 'The home county whose ledger lists the member (6-digit code, e.g. 360922 万载县).';
COMMENT ON COLUMN reporting.member_current.county_name IS 'The home county''s name.';
COMMENT ON COLUMN reporting.member_current.branch IS 'The home branch (党支部) whose roster lists the member.';
COMMENT ON COLUMN reporting.member_current.outflow_date IS 'Outflow time (外出时间), one of the four clears; null when the ledger leaves it blank (flag missing_outflow_time).';
COMMENT ON COLUMN reporting.member_current.destination IS 'Destination as the ledger writes it (流入地), one of the four clears.';
COMMENT ON COLUMN reporting.member_current.destination_city IS 'The prefecture-level city the destination names, normalised (深圳市), or null when none is recognised.';
COMMENT ON COLUMN reporting.member_current.destination_city_code IS 'That city''s 6-digit division code (440300), or null.';
COMMENT ON COLUMN reporting.member_current.in_gba IS 'True when the destination city is in the Guangdong-Hong Kong-Macao Greater Bay Area.';
COMMENT ON COLUMN reporting.member_current.gba_committee IS 'The name (not the code) of the GBA committee that should place the member (the city committee of the destination, else the municipal committee); null outside the GBA. gba_reconciliation holds committee codes.';
COMMENT ON COLUMN reporting.member_current.phone_masked IS 'Contact phone masked: first 3 and last 4 digits of the national number (138****8000); null when none is valid.';
COMMENT ON COLUMN reporting.member_current.industry IS 'Industry (从事行业), one of the four clears.';
COMMENT ON COLUMN reporting.member_current.last_contact_date IS 'The latest evidence of contact from any source on or before the last run date (see contact_evidence).';
COMMENT ON COLUMN reporting.member_current.contact_status IS 'Contact status as the ledger writes it (正常, 失联, ...).';
COMMENT ON COLUMN reporting.member_current.flags IS 'The open flags of this row, a sorted text array (see member_flags); empty when none.';
COMMENT ON COLUMN reporting.member_current.facts_since IS 'The run date since which these facts hold (the start of the current version in member_history).';
COMMENT ON COLUMN reporting.member_current.last_contact_source IS 'The source of last_contact_date: ledger, gba_activity, dues or self_report.';
COMMENT ON COLUMN reporting.member_current.ledger_last_contact_date IS 'The last contact date the ledger itself writes (one piece of evidence among the others).';

COMMENT ON VIEW reporting.member_flags IS
'One row per open flag on a member''s current roster entry (flags close, with history, when their cause goes: see
flag_history). Rows: a county login sees its county''s flags.';
COMMENT ON COLUMN reporting.member_flags.member_key IS 'The member''s key (as in member_current).';
COMMENT ON COLUMN reporting.member_flags.name IS 'Name as the current ledger writes it.';
COMMENT ON COLUMN reporting.member_flags.county_code IS 'The county whose ledger entry carries the flag.';
COMMENT ON COLUMN reporting.member_flags.branch IS 'The branch whose ledger entry carries the flag.';
COMMENT ON COLUMN reporting.member_flags.flag IS 'missing_outflow_time, missing_destination, missing_contact, missing_industry, lost_contact, no_contact_record, duplicate_enrollment, not_placed_in_gba or destination_outdated.';
COMMENT ON COLUMN reporting.member_flags.raised_on IS 'The run date the flag was raised on.';
COMMENT ON COLUMN reporting.member_flags.detail IS 'What a clerk needs to act: for lost_contact the latest evidence (date, source, file); for duplicate_enrollment the other entries.';

COMMENT ON VIEW reporting.flag_history IS
'One row per flag ever raised, open or closed. Rows: a county login sees its county''s flags.';
COMMENT ON COLUMN reporting.flag_history.member_key IS 'The member''s key (as in member_current).';
COMMENT ON COLUMN reporting.flag_history.county_code IS 'The county whose ledger entry carried the flag.';
COMMENT ON COLUMN reporting.flag_history.branch IS 'The branch whose ledger entry carried the flag.';
COMMENT ON COLUMN reporting.flag_history.flag IS 'The flag (as in member_flags).';
COMMENT ON COLUMN reporting.flag_history.raised_on IS 'The run date the flag was raised on.';
COMMENT ON COLUMN reporting.flag_history.closed_on IS 'The run date its cause went, or null while it is open.';
COMMENT ON COLUMN reporting.flag_history.detail IS 'The latest detail while the flag is open (each run brings it up to date); for a closed flag, the detail as it closed.';

COMMENT ON VIEW reporting.member_history IS
'One row per version of a member''s roster facts on one branch roster: a new version when a fact changes, the old one
closed. Rows: a county login sees its county''s versions.';
COMMENT ON COLUMN reporting.member_history.member_key IS 'The member''s key (as in member_current).';
COMMENT ON COLUMN reporting.member_history.county_code IS 'The county whose ledger held this version.';
COMMENT ON COLUMN reporting.member_history.branch IS 'The branch whose roster held this version.';
COMMENT ON COLUMN reporting.member_history.destination_city IS 'The destination city of this version (as in member_current).';
COMMENT ON COLUMN reporting.member_history.phone_masked IS 'The phone of this version, masked.';
COMMENT ON COLUMN reporting.member_history.industry IS 'The industry of this version.';
COMMENT ON COLUMN reporting.member_history.contact_status IS 'The contact status of this version.';
COMMENT ON COLUMN reporting.member_history.valid_from IS 'The run date this version took effect.';
COMMENT ON COLUMN reporting.member_history.valid_to IS 'The run date it was replaced or the member left the roster; null for the current version.';
COMMENT ON COLUMN reporting.member_history.destination IS 'The destination of this version, as the ledger wrote it.';
COMMENT ON COLUMN reporting.member_history.last_contact_date IS 'The last contact date this version of the ledger wrote.';

COMMENT ON VIEW reporting.county_summary IS
'One row per county of Yichun: its ledgers'' size and how complete they are, as of the last run. A member counts once
per county. Rows: a county login sees its own county; a committee login none.';
COMMENT ON COLUMN reporting.county_summary.county_code IS 'The county''s 6-digit code.';
COMMENT ON COLUMN reporting.county_summary.county_name IS 'The county''s name.';
COMMENT ON COLUMN reporting.county_summary.branches IS 'Branches with at least one member on a current roster (an empty roster''s branch is not counted).';
COMMENT ON COLUMN reporting.county_summary.members IS 'Members on the county''s current rosters.';
COMMENT ON COLUMN reporting.county_summary.members_complete IS 'Members with all four clears (outflow time, destination, contact, industry).';
COMMENT ON COLUMN reporting.county_summary.completeness_pct IS '100 * members_complete / members, one decimal; null for a county with no members.';
COMMENT ON COLUMN reporting.county_summary.missing_outflow_data IS 'Members with at least one of the four clears missing.';
COMMENT ON COLUMN reporting.county_summary.lost_contact IS 'Members with an open lost_contact flag.';
COMMENT ON COLUMN reporting.county_summary.duplicate_enrollment IS 'Members with an open duplicate_enrollment flag (on two branches'' rosters).';
COMMENT ON COLUMN reporting.county_summary.last_file_loaded_at IS 'When the county''s most recent loaded file was received.';
COMMENT ON COLUMN reporting.county_summary.files_rejected_last_run IS 'Files of the county rejected by the last merged run.';

COMMENT ON VIEW reporting.county_sending IS
'One row per county: when it last sent any file, for spotting a county that has gone silent. Rows: a county login
sees its own county.';
COMMENT ON COLUMN reporting.county_sending.county_code IS 'The county''s 6-digit code.';
COMMENT ON COLUMN reporting.county_sending.county_name IS 'The county''s name.';
COMMENT ON COLUMN reporting.county_sending.last_as_of IS 'The run date of the latest run that found a file of the county; null if none ever did.';
COMMENT ON COLUMN reporting.county_sending.silent_since IS 'last_as_of, or the first run date when the county never sent a file.';
COMMENT ON COLUMN reporting.county_sending.latest_run_as_of IS 'The run date of the latest run (to measure the silence against).';

COMMENT ON VIEW reporting.destination_summary IS
'One row per destination city (and GBA committee): members currently going there, counted once each. Rows: counts
over the members the login may see.';
COMMENT ON COLUMN reporting.destination_summary.destination_city IS 'The destination city, normalised; null for destinations not recognised.';
COMMENT ON COLUMN reporting.destination_summary.destination_city_code IS 'The city''s 6-digit division code, or null.';
COMMENT ON COLUMN reporting.destination_summary.in_gba IS 'True for a city in the Greater Bay Area.';
COMMENT ON COLUMN reporting.destination_summary.gba_committee IS 'The name (not the code) of the GBA committee that places members going there; null outside the GBA.';
COMMENT ON COLUMN reporting.destination_summary.members IS 'Members whose current destination is this city.';

COMMENT ON VIEW reporting.file_audit IS
'One row per file a run accounted for: loaded, duplicate, superseded or rejected (entries deliberately left alone are
in ignored_entries). Rows: a county login sees its county''s files, a committee login its committee''s.';
COMMENT ON COLUMN reporting.file_audit.county_code IS 'The folder the file came from: a county''s code, a GBA committee''s code, or self-reports.';
COMMENT ON COLUMN reporting.file_audit.file_name IS 'The file''s name as dropped.';
COMMENT ON COLUMN reporting.file_audit.sha256 IS 'SHA-256 of the file''s bytes, as read.';
COMMENT ON COLUMN reporting.file_audit.received_at IS 'When a run recorded the file.';
COMMENT ON COLUMN reporting.file_audit.status IS 'loaded, duplicate (the same content as the current source of every branch it covers, or of an export already loaded, or this very file received before and left in the folder), superseded (a newer file of the same branch won) or rejected (see error).';
COMMENT ON COLUMN reporting.file_audit.rows_read IS 'Data rows read from the file.';
COMMENT ON COLUMN reporting.file_audit.rows_loaded IS 'Rows merged into the warehouse.';
COMMENT ON COLUMN reporting.file_audit.rows_rejected IS 'Rows refused by a hard rule (the feedback workbook lists them).';
COMMENT ON COLUMN reporting.file_audit.error IS 'Why the file was rejected, or a note on a duplicate or superseded file, in Chinese and English.';
COMMENT ON COLUMN reporting.file_audit.run_id IS 'The Airflow run that accounted for the file.';
COMMENT ON COLUMN reporting.file_audit.as_of IS 'That run''s date.';
COMMENT ON COLUMN reporting.file_audit.archived_to IS 'Where the file was moved after the run (the folder''s _archive, or _rejected for a rejected file), or null while it waits.';
COMMENT ON COLUMN reporting.file_audit.feedback_path IS 'The feedback workbook written for the file, or null.';

COMMENT ON VIEW reporting.ignored_entries IS
'One row per entry of a drop folder a run deliberately left alone (a folder, a temporary file, a file of an unknown
kind, an unreadable name), with the reason. Rows: a county login sees its county''s, a committee login its committee''s.';
COMMENT ON COLUMN reporting.ignored_entries.run_id IS 'The Airflow run that saw the entry.';
COMMENT ON COLUMN reporting.ignored_entries.as_of IS 'That run''s date.';
COMMENT ON COLUMN reporting.ignored_entries.county_code IS 'The folder the entry is in (a county, a committee, or self-reports); null for an entry of the drop root itself.';
COMMENT ON COLUMN reporting.ignored_entries.name IS 'The entry''s name as shown to a clerk (undecodable bytes escaped).';
COMMENT ON COLUMN reporting.ignored_entries.reason IS 'Why it was left alone, in Chinese and English.';

COMMENT ON VIEW reporting.validation_summary IS
'One row per Great Expectations rule per validated file: the verdict and its counts, never the unexpected values.
Rows: a county login sees its county''s files, a committee login its committee''s.';
COMMENT ON COLUMN reporting.validation_summary.run_id IS 'The Airflow run that validated the file.';
COMMENT ON COLUMN reporting.validation_summary.as_of IS 'That run''s date.';
COMMENT ON COLUMN reporting.validation_summary.county_code IS 'The folder the file came from.';
COMMENT ON COLUMN reporting.validation_summary.file_name IS 'The file''s name as dropped.';
COMMENT ON COLUMN reporting.validation_summary.expectation IS 'The expectation''s type (expect_column_values_to_match_regex, ...).';
COMMENT ON COLUMN reporting.validation_summary.column_name IS 'The column it checks, by its canonical name.';
COMMENT ON COLUMN reporting.validation_summary.severity IS 'hard (a failing row is rejected), soft (a warning in the feedback) or table (a rule about the whole file).';
COMMENT ON COLUMN reporting.validation_summary.success IS 'True when every row passed.';
COMMENT ON COLUMN reporting.validation_summary.element_count IS 'Rows checked.';
COMMENT ON COLUMN reporting.validation_summary.unexpected_count IS 'Rows that failed.';
COMMENT ON COLUMN reporting.validation_summary.unexpected_percent IS 'Failed rows as a percentage of the rows checked.';

COMMENT ON VIEW reporting.follow_up_list IS
'One row per run per follow-up list kept for a county or a GBA committee (its open flags or leads): the workbook is
rewritten only when its content changes, so the same path may repeat over runs. Rows: a county login sees its
county''s, a committee login its committee''s.';
COMMENT ON COLUMN reporting.follow_up_list.county_code IS 'The county or committee the workbook is for.';
COMMENT ON COLUMN reporting.follow_up_list.as_of IS 'The run date the list was kept for.';
COMMENT ON COLUMN reporting.follow_up_list.members IS 'Members listed.';
COMMENT ON COLUMN reporting.follow_up_list.open_flags IS 'Open flags or leads listed.';
COMMENT ON COLUMN reporting.follow_up_list.path IS 'Where the workbook was written (in the folder''s _follow_up).';
COMMENT ON COLUMN reporting.follow_up_list.written_at IS 'When that run kept it (written, or found unchanged).';

COMMENT ON VIEW reporting.contact_evidence IS
'One row per piece of evidence of contact, from every source, kept for ever: the grain is one piece per source''s
identity (a ledger row''s date, a GBA row''s activity or dues month, a self-report per member and report time).
Rows: a county login sees its own ledgers'' dates and every piece, from every source (GBA rosters, self-reports with
their city), about a member currently on its ledgers; a committee login the evidence from its rosters and from
self-reports in the cities it serves; 440000 all evidence.';
COMMENT ON COLUMN reporting.contact_evidence.member_key IS 'The member''s key (as in member_current).';
COMMENT ON COLUMN reporting.contact_evidence.occurred_on IS 'The day of the contact itself, not a run date (for dues, the last day of the month paid to).';
COMMENT ON COLUMN reporting.contact_evidence.source IS 'ledger, gba_activity, dues or self_report.';
COMMENT ON COLUMN reporting.contact_evidence.file_name IS 'The file the evidence came from.';
COMMENT ON COLUMN reporting.contact_evidence.county_code IS 'The county the evidence belongs to (the ledger''s county), or null.';
COMMENT ON COLUMN reporting.contact_evidence.committee_code IS 'The GBA committee it belongs to (the roster''s, or the one serving a self-report''s city), or null.';
COMMENT ON COLUMN reporting.contact_evidence.reported_at IS 'A self-report''s report time (Asia/Shanghai); null for other sources.';
COMMENT ON COLUMN reporting.contact_evidence.city IS 'The city a self-report names; null for other sources.';
COMMENT ON COLUMN reporting.contact_evidence.known_on IS 'The run date the warehouse first held this evidence (a replay of an earlier date ignores it).';

COMMENT ON VIEW reporting.unmatched_self_reports IS
'One row per recognised city (and one row for every city not recognised, together) named by self-reports whose ID
number matches no member the warehouse knows (no ledger entry ever accepted, no GBA placement): for the committees to
follow up. Rows: a committee login sees the cities it serves, 440000 all; a county login none.';
COMMENT ON COLUMN reporting.unmatched_self_reports.city IS 'The city the reports name (for the row of cities not recognised, the name written most often), or (none).';
COMMENT ON COLUMN reporting.unmatched_self_reports.city_code IS 'The city''s 6-digit code, or null.';
COMMENT ON COLUMN reporting.unmatched_self_reports.committee_code IS 'The GBA committee that serves the city, or null outside the GBA.';
COMMENT ON COLUMN reporting.unmatched_self_reports.reports IS 'Unmatched reports naming the city.';
COMMENT ON COLUMN reporting.unmatched_self_reports.latest IS 'The latest report time among them.';

COMMENT ON VIEW reporting.gba_reconciliation IS
'One row per member on either side of the two-sided check (a home ledger with a GBA destination, or a GBA branch
roster), in exactly one category, as of the last run. Rows: a county login sees members whose home county is its own;
a committee login members of its committee, expected or placing; 440000 every row.';
COMMENT ON COLUMN reporting.gba_reconciliation.member_key IS 'The member''s key (as in member_current).';
COMMENT ON COLUMN reporting.gba_reconciliation.name IS 'Name, from the ledger when the member is on one, else from the GBA roster.';
COMMENT ON COLUMN reporting.gba_reconciliation.id_number_masked IS 'ID number masked (first 6, last 4).';
COMMENT ON COLUMN reporting.gba_reconciliation.category IS 'matched, city_differs, not_placed, awaiting_roster, not_on_ledger, placed_twice or probable_match.';
COMMENT ON COLUMN reporting.gba_reconciliation.since IS 'The run date the member entered this category.';
COMMENT ON COLUMN reporting.gba_reconciliation.home_county_code IS 'The home county (the ledger''s, else the one the GBA row names), or null.';
COMMENT ON COLUMN reporting.gba_reconciliation.home_branch IS 'The home branch (the ledger''s, else the one the GBA row names).';
COMMENT ON COLUMN reporting.gba_reconciliation.ledger_city IS 'The destination city on the home ledger, or null.';
COMMENT ON COLUMN reporting.gba_reconciliation.expected_committee IS 'The committee the ledger''s destination expects (city committee, else 440000), or null.';
COMMENT ON COLUMN reporting.gba_reconciliation.gba_committee IS 'The code of the committee that placed the member, or null (member_current.gba_committee holds a name).';
COMMENT ON COLUMN reporting.gba_reconciliation.gba_branch IS 'The GBA branch that placed the member, or null.';
COMMENT ON COLUMN reporting.gba_reconciliation.differences IS 'For a member on both sides (matched, city_differs, placed_twice), the facts the two sides give differently (phone, home_county, home_branch).';
COMMENT ON COLUMN reporting.gba_reconciliation.last_contact_date IS 'The latest evidence of contact from any source.';
COMMENT ON COLUMN reporting.gba_reconciliation.last_contact_source IS 'Its source.';
COMMENT ON COLUMN reporting.gba_reconciliation.gba_placements IS 'Every GBA branch listing the member (committee: branch), for placed_twice.';
COMMENT ON COLUMN reporting.gba_reconciliation.phone_masked IS 'A phone from either side, masked.';
COMMENT ON COLUMN reporting.gba_reconciliation.probable_positions IS 'For probable_match, the character positions of the ID number to check.';
COMMENT ON COLUMN reporting.gba_reconciliation.committees IS 'Every committee concerned with the row (expected and placing): whose logins see it.';

COMMENT ON VIEW reporting.gba_leads IS
'One row per lead per committee it goes to (the contract''s "lead goes to"): city_differs and placed_twice to every
committee concerned, not_placed to the expected committee, awaiting_roster and a not_on_ledger row naming no home
county to 440000, probable_match to the committee that sent the row (a not_on_ledger row naming a county is the
county''s lead, in its follow-up list). Rows follow gba_reconciliation''s: a committee login also sees rows addressed to
another committee about members it is concerned with, so filter on committee_code for a committee''s own leads.';
COMMENT ON COLUMN reporting.gba_leads.committee_code IS 'The committee the lead goes to.';
COMMENT ON COLUMN reporting.gba_leads.member_key IS 'The member''s key (as in member_current).';
COMMENT ON COLUMN reporting.gba_leads.since IS 'The run date the member entered the category (the Rosters page lists leads oldest first; the view has no order).';
COMMENT ON COLUMN reporting.gba_leads.category IS 'The category (as in gba_reconciliation).';
COMMENT ON COLUMN reporting.gba_leads.name IS 'Name.';
COMMENT ON COLUMN reporting.gba_leads.id_number_masked IS 'ID number masked (first 6, last 4).';
COMMENT ON COLUMN reporting.gba_leads.home_county_code IS 'The home county, or null.';
COMMENT ON COLUMN reporting.gba_leads.home_branch IS 'The home branch, or null.';
COMMENT ON COLUMN reporting.gba_leads.gba_committee IS 'The committee that placed the member, or null.';
COMMENT ON COLUMN reporting.gba_leads.gba_branch IS 'The GBA branch that placed the member, or null.';
COMMENT ON COLUMN reporting.gba_leads.gba_placements IS 'Every GBA branch listing the member.';
COMMENT ON COLUMN reporting.gba_leads.expected_committee IS 'The committee the ledger''s destination expects, or null.';
COMMENT ON COLUMN reporting.gba_leads.detail IS 'The ID positions to check (probable_match), else the differences.';
COMMENT ON COLUMN reporting.gba_leads.phone_masked IS 'A phone from either side, masked (the follow-up workbook, not this view, carries the full number).';
COMMENT ON COLUMN reporting.gba_leads.last_contact_date IS 'The latest evidence of contact from any source.';
COMMENT ON COLUMN reporting.gba_leads.last_contact_source IS 'Its source.';

COMMENT ON VIEW reporting.gba_committee_summary IS
'One row per GBA committee (the municipal committee 440000 and the seven city committees): placed against expected,
and the categories, as of the last run. Counts cover the rows the login may see.';
COMMENT ON COLUMN reporting.gba_committee_summary.committee_code IS 'The committee''s 6-digit code.';
COMMENT ON COLUMN reporting.gba_committee_summary.committee_name IS 'The committee''s name.';
COMMENT ON COLUMN reporting.gba_committee_summary.branches IS 'GBA branches with a current roster.';
COMMENT ON COLUMN reporting.gba_committee_summary.placed IS 'Members placed in its branches (valid ID numbers).';
COMMENT ON COLUMN reporting.gba_committee_summary.expected IS 'Members whose ledger destination expects this committee.';
COMMENT ON COLUMN reporting.gba_committee_summary.matched IS 'Members in category matched.';
COMMENT ON COLUMN reporting.gba_committee_summary.city_differs IS 'Members in category city_differs.';
COMMENT ON COLUMN reporting.gba_committee_summary.not_placed IS 'Members in category not_placed.';
COMMENT ON COLUMN reporting.gba_committee_summary.not_on_ledger IS 'Members in category not_on_ledger.';
COMMENT ON COLUMN reporting.gba_committee_summary.placed_twice IS 'Members in category placed_twice.';
COMMENT ON COLUMN reporting.gba_committee_summary.probable_match IS 'Rows in category probable_match.';
COMMENT ON COLUMN reporting.gba_committee_summary.matched_pct IS '100 * matched / expected, one decimal; null when nobody is expected.';
COMMENT ON COLUMN reporting.gba_committee_summary.last_roster_at IS 'When its most recent loaded roster was received.';
COMMENT ON COLUMN reporting.gba_committee_summary.awaiting_roster IS 'Members expected by a committee that has never sent a roster.';

COMMENT ON VIEW reporting.gba_branch_summary IS
'One row per GBA branch with at least one member placed (valid ID) on its current roster: the N of 1+7+N. Rows: a
committee login sees its branches, 440000 all; a county login none.';
COMMENT ON COLUMN reporting.gba_branch_summary.committee_code IS 'The committee the branch belongs to.';
COMMENT ON COLUMN reporting.gba_branch_summary.branch IS 'The GBA branch''s name.';
COMMENT ON COLUMN reporting.gba_branch_summary.placed IS 'Members on its roster with a valid ID number.';
COMMENT ON COLUMN reporting.gba_branch_summary.matched IS 'Of those, members in category matched.';
COMMENT ON COLUMN reporting.gba_branch_summary.with_leads IS 'Of those, members in any other category.';
COMMENT ON COLUMN reporting.gba_branch_summary.broken_ids IS 'Rows of its roster whose ID number is broken.';

COMMENT ON FUNCTION reporting.includes_municipal(text[]) IS
'True when the committee codes include the municipal committee (440000), whose logins see every GBA row.';
