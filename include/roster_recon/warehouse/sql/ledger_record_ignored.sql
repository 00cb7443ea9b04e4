-- warehouse/ledger.py: record_ignored
INSERT INTO audit.ignored_entry (run_id, county_code, name, reason, holds_back_county)
VALUES (:run_id, :county_code, :name, :reason, :holds_back_county)
