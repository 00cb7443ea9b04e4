"""audit.file_sighting: when each file in a county folder was first seen with its present size and mtime.

A file is read only once two looks ``roster_settle_seconds`` apart found it unchanged (``settle.py``). The looks are
timed by the warehouse's clock, since they happen in different tasks on different hosts and a file server's clock
may drift from all of them; the file's own mtime is compared, never aged against a clock.

Revision ID: 0009
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.get_bind().exec_driver_sql(
        "CREATE TABLE audit.file_sighting ("
        "  county_code   text NOT NULL,"
        "  file_name     text NOT NULL,"
        "  size_bytes    bigint NOT NULL,"
        "  mtime_ns      bigint NOT NULL,"
        "  first_seen_at timestamptz NOT NULL DEFAULT now(),"
        "  PRIMARY KEY (county_code, file_name))"
    )


def downgrade() -> None:
    op.get_bind().exec_driver_sql("DROP TABLE audit.file_sighting")
