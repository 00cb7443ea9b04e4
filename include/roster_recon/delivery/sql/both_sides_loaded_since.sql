-- Was any roster (a county's or a committee's) loaded by a run merged after a follow-up list was written? Both
-- sides feed every list: a county's entries and its sheet 大湾区核对, a committee's leads.
SELECT EXISTS (SELECT 1
                 FROM audit.file f
                 JOIN audit.run r USING (run_id)
                WHERE f.status = 'loaded' AND r.merged_at > :written_at)
