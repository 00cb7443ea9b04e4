-- A rerun of prepare: its earlier ignored entries go, except those an ingesting county recorded itself.
DELETE FROM audit.ignored_entry
 WHERE run_id = :run_id AND (county_code IS NULL OR NOT county_code = ANY (:to_ingest))
