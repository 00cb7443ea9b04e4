"""Flags raised and closed per run, not per as-of date.

``core.member_flag`` records the run that raised and the run that closed each flag, and ``audit.run`` the counts,
so the runs page shows what each run changed: an idle run on the same day as a loading one raised nothing, where the
count by date showed the loading run's figures again. Flags of earlier runs have no run recorded (null).

Revision ID: 0018
"""

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.get_bind().exec_driver_sql(
        "ALTER TABLE core.member_flag ADD COLUMN raised_by_run text, ADD COLUMN closed_by_run text;"
        " ALTER TABLE audit.run ADD COLUMN flags_raised integer, ADD COLUMN flags_closed integer"
    )


def downgrade() -> None:
    op.get_bind().exec_driver_sql(
        "ALTER TABLE core.member_flag DROP COLUMN raised_by_run, DROP COLUMN closed_by_run;"
        " ALTER TABLE audit.run DROP COLUMN flags_raised, DROP COLUMN flags_closed"
    )
