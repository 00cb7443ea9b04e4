"""A self-report is one piece per (member, report time), the latest export's city winning.

The old identity held the committee that serves the reported city, so an export sent again with the city corrected
counted the report twice and kept the first city. Now the corrected piece replaces the old one, which moves to
``core.contact_event_replaced`` with the date it was replaced on: the replay of an earlier date still sees the city
that date's run saw. Pieces already counted twice keep the one recorded last.

Revision ID: 0027
"""

from pathlib import Path

from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

SQL = Path(__file__).resolve().parent.parent / "sql"


def upgrade() -> None:
    op.get_bind().exec_driver_sql((SQL / "0027_self_report_identity.sql").read_text(encoding="utf-8"))


def downgrade() -> None:
    op.get_bind().exec_driver_sql((SQL / "0027_self_report_identity_down.sql").read_text(encoding="utf-8"))
