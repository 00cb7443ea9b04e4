-- Was a file of the county loaded by a run merged after its follow-up list was written?
SELECT EXISTS (SELECT 1
                 FROM audit.file f
                 JOIN audit.run r USING (run_id)
                WHERE f.county_code = :county_code AND f.status = 'loaded' AND r.merged_at > :written_at)
