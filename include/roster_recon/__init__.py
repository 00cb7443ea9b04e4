"""Roster reconciliation for Yichun's mobile members: county ledgers, GBA committee rosters and the members' own
reports, read from the county share, validated with Great Expectations, merged into PostgreSQL with full history,
and given back as follow-up lists, reports and the Rosters pages.

The ground floor (``settings``, ``errors``, ``share``, ``outcome``, ``timing``, ``sql_files``) is imported by every
layer; ``intake`` turns files into outcomes, ``warehouse`` owns every table, ``delivery`` gives results back,
``airflow_facing`` is all that touches Airflow, and ``tasks`` calls them in the order the DAG runs.
"""
