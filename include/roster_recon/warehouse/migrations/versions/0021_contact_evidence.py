"""Contact evidence from every source: members' self-reports, party life, dues, ledgers.

- ``staging.self_report`` (unlogged): a 码上报 export's rows, keyed; ``core.contact_event``: every piece of
  evidence, its source, file and the as-of date of the run that loaded it, kept for ever (filled here from the
  ledgers' and GBA rosters' history); ``core.member_contact``: each member's latest evidence and self-report.
- Flag ``no_contact_record``; row-level security on the two tables.
- Views ``reporting.contact_evidence`` and ``reporting.unmatched_self_reports``; ``reporting.member_current`` takes
  its last contact from the evidence and gains ``last_contact_source`` (and the ledger's own date).

Revision ID: 0021
"""

from pathlib import Path

from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

SQL = Path(__file__).resolve().parent.parent / "sql"


def upgrade() -> None:
    op.get_bind().exec_driver_sql((SQL / "0021_contact_evidence.sql").read_text(encoding="utf-8"))


def downgrade() -> None:
    op.get_bind().exec_driver_sql((SQL / "0021_contact_evidence_down.sql").read_text(encoding="utf-8"))
