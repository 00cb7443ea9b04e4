-- Was a file of the county, or any GBA committee's roster (the sheet 大湾区核对 reads both sides), loaded by a run
-- merged after its follow-up list was written?
SELECT EXISTS (SELECT 1
                 FROM audit.file f
                 JOIN audit.run r USING (run_id)
                WHERE (f.county_code = :county_code
                       OR f.county_code IN (SELECT committee_code FROM core.gba_committee))
                  AND f.status = 'loaded' AND r.merged_at > :written_at)
