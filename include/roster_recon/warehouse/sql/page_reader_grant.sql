-- warehouse/page_readers.py: grant (an Airflow user's one role, replacing an earlier one)
INSERT INTO audit.page_reader (airflow_user, reads_as) VALUES (:user, :role)
    ON CONFLICT (airflow_user) DO UPDATE SET reads_as = excluded.reads_as, granted_at = now()
