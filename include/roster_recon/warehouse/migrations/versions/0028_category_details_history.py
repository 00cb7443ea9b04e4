"""A category's spell keeps what the flags read of it on every date: when a member's details change during a spell
(the member moves branch, the ledger's city or the expected committee changes, a placement is added), the spell
goes on (``since`` is still the day the member entered the category), and the details it had until then move to
``core.gba_reconciliation_earlier`` (what the flags read: home county and branch, expected committee, placements,
ledger city), valid from ``details_since`` (or ``since``) until the day they changed. The replay of a past date reads
the details of that date, so it equals what that date's run recorded.

Revision ID: 0028
"""

from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.get_bind().exec_driver_sql(
        "ALTER TABLE core.gba_reconciliation ADD COLUMN details_since date;"
        " CREATE TABLE core.gba_reconciliation_earlier ("
        "  member_key bytea NOT NULL,"
        "  category text NOT NULL,"
        "  valid_from date NOT NULL,"
        "  valid_to date NOT NULL,"
        "  home_county_code text,"
        "  home_branch text,"
        "  expected_committee text,"
        "  gba_placements text,"
        "  ledger_city text,"
        "  CHECK (valid_to >= valid_from));"
        " CREATE INDEX gba_reconciliation_earlier_by_date ON core.gba_reconciliation_earlier (valid_to);"
        " ALTER TABLE core.gba_reconciliation_earlier ENABLE ROW LEVEL SECURITY;"
        " ALTER TABLE core.gba_reconciliation_earlier FORCE ROW LEVEL SECURITY;"
        " CREATE POLICY loader_only ON core.gba_reconciliation_earlier"
        "  USING ((SELECT pg_has_role(current_user, 'roster_loader', 'MEMBER')))"
    )


def downgrade() -> None:
    op.get_bind().exec_driver_sql(
        "DROP TABLE core.gba_reconciliation_earlier; ALTER TABLE core.gba_reconciliation DROP COLUMN details_since"
    )
