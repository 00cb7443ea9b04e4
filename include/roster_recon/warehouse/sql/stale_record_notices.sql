-- warehouse/stale.py: record_notices
INSERT INTO audit.stale_notice (county_code, silent_since, noticed_on, run_id)
VALUES (:county_code, :silent_since, :as_of, :run_id)
ON CONFLICT DO NOTHING
