"""Runs that are safe in parallel, and no birth date kept.

- ``audit.validation_document``: each ingest task's Great Expectations result (counts, no row values), so the report
  task renders Data Docs once per run from the warehouse instead of tasks sharing a GX file context.
- ``audit.county_run``: which county each run sent to ``ingest`` and ``finish``, and when each finished, so the
  report can name a county whose task failed without reading Airflow's task states.
- ``audit.run_claim``: the one run that may stage and merge. A second run (a manual ``airflow dags test`` beside
  the scheduled one) stops with a message instead of deleting the first run's staged rows.
- ``audit.ignored_entry.holds_back_county``: a county folder problem (two folders claim one county, a folder that
  cannot be read) holds back that county only; the report names it and the run ends red.
- ``birth_date`` dropped from ``core.member`` and ``staging.roster_row``: the masked ID hides exactly the birth
  date, so the two together rebuilt every raw ID number.

Revision ID: 0007
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.get_bind().exec_driver_sql(
        "ALTER TABLE core.member DROP COLUMN birth_date;"
        " ALTER TABLE staging.roster_row DROP COLUMN birth_date;"
        " CREATE TABLE audit.validation_document ("
        "  run_id      text NOT NULL REFERENCES audit.run ON DELETE CASCADE,"
        "  county_code text NOT NULL,"
        "  asset_name  text NOT NULL,"
        "  run_name    text NOT NULL,"
        "  run_time    text NOT NULL,"
        "  result      jsonb NOT NULL,"
        "  PRIMARY KEY (run_id, county_code, asset_name));"
        " CREATE TABLE audit.county_run ("
        "  run_id          text NOT NULL REFERENCES audit.run ON DELETE CASCADE,"
        "  county_code     text NOT NULL,"
        "  ingest_required boolean NOT NULL DEFAULT false,"
        "  ingested_at     timestamptz,"
        "  finish_required boolean NOT NULL DEFAULT false,"
        "  finished_at     timestamptz,"
        "  PRIMARY KEY (run_id, county_code));"
        " CREATE TABLE audit.run_claim ("
        "  singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),"
        "  run_id     text NOT NULL,"
        "  claimed_at timestamptz NOT NULL DEFAULT now(),"
        "  touched_at timestamptz NOT NULL DEFAULT now());"
        " ALTER TABLE audit.ignored_entry ADD COLUMN holds_back_county boolean NOT NULL DEFAULT false;"
    )


def downgrade() -> None:
    op.get_bind().exec_driver_sql(
        "DROP TABLE audit.run_claim, audit.county_run, audit.validation_document;"
        " ALTER TABLE audit.ignored_entry DROP COLUMN holds_back_county;"
        " ALTER TABLE core.member ADD COLUMN birth_date date;"
        " ALTER TABLE staging.roster_row ADD COLUMN birth_date date;"
    )
