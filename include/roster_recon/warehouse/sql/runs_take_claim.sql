-- Claim the warehouse for :run_id (the same run keeps its claim time; another run's claim is taken over).
INSERT INTO audit.run_claim (singleton, run_id)
VALUES (true, :run_id)
    ON CONFLICT (singleton) DO UPDATE
   SET run_id = excluded.run_id,
       claimed_at = CASE WHEN audit.run_claim.run_id = excluded.run_id THEN audit.run_claim.claimed_at ELSE now() END,
       touched_at = now()
