-- Every content a folder of events (self-reports) has loaded, and the first file that loaded it.
SELECT sha256, min(file_id) AS file_id
  FROM audit.file
 WHERE county_code = :county_code AND status = 'loaded'
 GROUP BY sha256
