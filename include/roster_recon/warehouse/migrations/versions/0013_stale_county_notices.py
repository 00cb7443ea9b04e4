"""audit.stale_notice: which county was reported silent, for which spell, when.

A county that has sent nothing for ``roster_stale_days`` is named in every report while it stays silent, but the data
team is notified once per spell: a spell is the county and the day its silence began (the as-of date of the run that
received its last file, or of the warehouse's first run when it never sent one). A file from the county ends the spell.

Revision ID: 0013
"""

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.get_bind().exec_driver_sql(
        "CREATE TABLE audit.stale_notice ("
        "  county_code  text NOT NULL,"
        "  silent_since date NOT NULL,"
        "  noticed_on   date NOT NULL,"
        "  run_id       text NOT NULL REFERENCES audit.run,"
        "  noticed_at   timestamptz NOT NULL DEFAULT now(),"
        "  PRIMARY KEY (county_code, silent_since))"
    )


def downgrade() -> None:
    op.get_bind().exec_driver_sql("DROP TABLE audit.stale_notice")
