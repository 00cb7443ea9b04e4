"""The run's own steps, recorded: ``prepare`` finished listing the drop folders (``audit.run.listed_at``) and ``merge``
finished choosing the folders to finish (``finish_chosen_at``). A run whose step is missing is a failure in its report
and its DAG run's state, never a green run that read nothing (an unmounted share). Runs recorded before this
migration are taken to have done both (listed when started, chosen when merged).

Revision ID: 0025
"""

from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.get_bind().exec_driver_sql(
        "ALTER TABLE audit.run ADD COLUMN listed_at timestamptz, ADD COLUMN finish_chosen_at timestamptz;"
        " UPDATE audit.run SET listed_at = started_at, finish_chosen_at = merged_at"
    )


def downgrade() -> None:
    op.get_bind().exec_driver_sql("ALTER TABLE audit.run DROP COLUMN listed_at, DROP COLUMN finish_chosen_at")
