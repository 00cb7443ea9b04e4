-- warehouse/__init__.py: sync_reference (the 1+7+N committees)
INSERT INTO core.gba_committee (committee_code, committee_name, is_municipal)
VALUES (:code, :name, :municipal)
    ON CONFLICT (committee_code) DO UPDATE
   SET committee_name = excluded.committee_name, is_municipal = excluded.is_municipal
 WHERE (core.gba_committee.committee_name, core.gba_committee.is_municipal)
       IS DISTINCT FROM (excluded.committee_name, excluded.is_municipal)
