"""Indexes for the flags a date can move: a day with no new file recomputes the flags of the members whose latest
contact, or whose outflow date, crossed a line of the flag rules between the last run's date and this one's
(``sql/flag_scope.sql``), found by these two range scans instead of by recomputing every entry. Each run records
the digest of the flag rules it applied (``audit.run.flag_rules``): after rules that changed, every entry is computed.

Revision ID: 0033
"""

from alembic import op

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.get_bind().exec_driver_sql(
        "CREATE INDEX IF NOT EXISTS member_contact_last_contact ON core.member_contact (last_contact_on);"
        " CREATE INDEX IF NOT EXISTS roster_version_current_outflow ON core.roster_version (outflow_date)"
        " WHERE valid_to IS NULL;"
        " ALTER TABLE audit.run ADD COLUMN IF NOT EXISTS flag_rules text;"
        " COMMENT ON COLUMN audit.run.flag_rules IS 'SHA-256 of the flag rules the run applied (warehouse/flag.py).'"
    )


def downgrade() -> None:
    op.get_bind().exec_driver_sql(
        "DROP INDEX IF EXISTS core.member_contact_last_contact;"
        " DROP INDEX IF EXISTS core.roster_version_current_outflow;"
        " ALTER TABLE audit.run DROP COLUMN IF EXISTS flag_rules"
    )
