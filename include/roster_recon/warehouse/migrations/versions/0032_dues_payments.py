"""Dues payments, the fourth kind of input (contract: "Dues payments"): the dues platform's exports staged in
``staging.dues_payment`` and recorded once per (member, month paid for, day paid) as evidence of source
``dues_payment``; the payments whose ID matches no member counted per month for the data team
(``reporting.unmatched_dues_payments``).

Revision ID: 0032
"""

from pathlib import Path

from alembic import op

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None

SQL = Path(__file__).resolve().parent.parent / "sql"


def upgrade() -> None:
    op.get_bind().exec_driver_sql((SQL / "0032_dues_payments.sql").read_text(encoding="utf-8"))


def downgrade() -> None:
    op.get_bind().exec_driver_sql((SQL / "0032_dues_payments_down.sql").read_text(encoding="utf-8"))
