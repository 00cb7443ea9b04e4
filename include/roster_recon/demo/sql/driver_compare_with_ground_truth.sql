-- demo/driver.py: compare_with_ground_truth
SELECT county_code, file_name, rows_rejected FROM reporting.file_audit f JOIN audit.run r USING (run_id) WHERE r.as_of = :d AND f.status IN ('loaded', 'rejected') ORDER BY f.received_at
