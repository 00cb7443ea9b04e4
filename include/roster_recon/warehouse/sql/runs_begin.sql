-- warehouse/runs.py: begin
INSERT INTO audit.run (run_id, as_of, lost_contact_months)
VALUES (:run_id, :as_of, :months)
ON CONFLICT (run_id) DO NOTHING
