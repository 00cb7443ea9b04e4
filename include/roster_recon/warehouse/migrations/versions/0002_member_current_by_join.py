"""reporting.member_current: open flags joined per roster entry instead of a sub-query per row.

Revision ID: 0002
"""

from pathlib import Path

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SQL = Path(__file__).resolve().parent.parent / "sql"


def upgrade() -> None:
    op.get_bind().exec_driver_sql((SQL / "0002_member_current.sql").read_text(encoding="utf-8"))


def downgrade() -> None:
    views = (SQL / "0001_reporting_views.sql").read_text(encoding="utf-8")
    statement = views[views.index("CREATE VIEW reporting.member_current") :].split(";", 1)[0]
    op.get_bind().exec_driver_sql(statement.replace("CREATE VIEW", "CREATE OR REPLACE VIEW", 1))
