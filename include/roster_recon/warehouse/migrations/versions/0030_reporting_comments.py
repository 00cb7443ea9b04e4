"""The reporting contract in the catalog: a ``COMMENT`` on every view and column of schema ``reporting`` (what it
holds, its grain, whose rows a login sees), from which ``docs/reporting.md`` is generated.

Revision ID: 0030
"""

from pathlib import Path

from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None

SQL = Path(__file__).resolve().parent.parent / "sql"


def upgrade() -> None:
    op.get_bind().exec_driver_sql((SQL / "0030_reporting_comments.sql").read_text(encoding="utf-8"))


def downgrade() -> None:
    op.get_bind().exec_driver_sql((SQL / "0030_reporting_comments_down.sql").read_text(encoding="utf-8"))
