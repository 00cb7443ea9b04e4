"""Both sides of every member: GBA committees' rosters, the reconciliation categories, their views and roles.

- ``core.gba_committee`` (1+7+N by code), ``staging.gba_row`` and ``staging.gba_candidate`` (unlogged),
  ``core.gba_placement`` (type-2 history of GBA branch rosters), ``core.gba_candidate`` (a broken ID's candidates,
  as keys), ``core.gba_reconciliation`` (one row per spell of a member in a category).
- Flags ``not_placed_in_gba`` and ``destination_outdated``.
- Roles ``roster_committee_<code>`` and ``reporting.readable_committees()``; row-level security on the new tables,
  and a committee's own files in ``audit.file``.
- Views ``reporting.gba_reconciliation``, ``reporting.gba_committee_summary`` and ``reporting.gba_branch_summary``.

Revision ID: 0020
"""

from pathlib import Path

from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

SQL = Path(__file__).resolve().parent.parent / "sql"


def upgrade() -> None:
    # No bind parameters: a % in the SQL (format()) is doubled for the driver.
    op.get_bind().exec_driver_sql((SQL / "0020_gba_reconciliation.sql").read_text(encoding="utf-8").replace("%", "%%"))


def downgrade() -> None:
    op.get_bind().exec_driver_sql(
        "DROP VIEW reporting.gba_branch_summary, reporting.gba_committee_summary, reporting.gba_reconciliation;"
        " DROP POLICY committee_files ON audit.file;"
        " DROP TABLE core.gba_reconciliation, core.gba_candidate, core.gba_placement, staging.gba_candidate,"
        " staging.gba_row, core.gba_committee;"
        " DROP FUNCTION reporting.readable_committees();"
        " DELETE FROM core.member_flag WHERE flag IN ('not_placed_in_gba', 'destination_outdated');"
        " ALTER TABLE core.member_flag DROP CONSTRAINT member_flag_flag_check;"
        " ALTER TABLE core.member_flag ADD CONSTRAINT member_flag_flag_check"
        "  CHECK (flag IN ('missing_outflow_time', 'missing_destination', 'missing_contact', 'missing_industry',"
        "                 'lost_contact', 'duplicate_enrollment'))"
    )
