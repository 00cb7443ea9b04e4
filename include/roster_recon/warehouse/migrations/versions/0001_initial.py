"""Schemas staging, core, audit and reporting; the contract's reporting views.

Revision ID: 0001
"""

from pathlib import Path

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SQL = Path(__file__).resolve().parent.parent / "sql"


def upgrade() -> None:
    bind = op.get_bind()
    bind.exec_driver_sql((SQL / "0001_schema.sql").read_text(encoding="utf-8"))
    bind.exec_driver_sql((SQL / "0001_reporting_views.sql").read_text(encoding="utf-8"))


def downgrade() -> None:
    op.get_bind().exec_driver_sql(
        "DROP SCHEMA IF EXISTS reporting CASCADE; DROP SCHEMA IF EXISTS core CASCADE;"
        " DROP SCHEMA IF EXISTS staging CASCADE;"
    )
