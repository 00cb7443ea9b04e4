"""Everything that touches Airflow besides the DAG file: the ``_READY`` trigger (``ready``), the stale-county notifier
(``notify``) and the Rosters pages inside the Airflow UI (``web`` and its sections), each reader served what their
PostgreSQL role allows (``page_access``).
"""
