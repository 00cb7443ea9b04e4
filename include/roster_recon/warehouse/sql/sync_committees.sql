-- warehouse/__init__.py: sync_reference (the 1+7+N committees)
INSERT INTO core.gba_committee (committee_code, committee_name)
VALUES (:code, :name)
    ON CONFLICT (committee_code) DO UPDATE SET committee_name = excluded.committee_name
 WHERE core.gba_committee.committee_name IS DISTINCT FROM excluded.committee_name
