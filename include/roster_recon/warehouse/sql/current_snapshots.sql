-- The content behind each of a county's branches' current snapshot.
SELECT s.branch, f.sha256, f.file_id
  FROM core.branch_source s
  JOIN audit.file f USING (file_id)
 WHERE s.county_code = :county_code
