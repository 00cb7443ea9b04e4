-- Was any roster (a county's or a committee's) loaded by a run merged after the list was written? Both sides
-- feed a two-sided list, so either may have changed it.
SELECT EXISTS (SELECT 1
                 FROM audit.file f
                 JOIN audit.run r USING (run_id)
                WHERE f.status = 'loaded' AND r.merged_at > :written_at)
