-- The entries of a county's folder a run left alone, but a _READY marker (no mistake of the clerk's).
SELECT name, reason
  FROM audit.ignored_entry
 WHERE run_id = :r AND county_code = :c AND reason <> :marker
 ORDER BY name
