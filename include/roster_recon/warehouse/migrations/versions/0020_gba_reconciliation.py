"""Both sides of every member: GBA committees' rosters, the reconciliation categories, their views and roles.

- ``core.gba_committee`` (1+7+N by code, synchronised from the reference data every run), ``staging.gba_row`` and
  ``staging.gba_candidate`` (unlogged), ``core.gba_placement`` (type-2 history of GBA branch rosters),
  ``core.gba_candidate`` (a broken ID's candidates, as keys), ``core.gba_reconciliation`` (one row per spell of a
  member in a category), ``core.gba_lead`` (whose lead each category is).
- Flags ``not_placed_in_gba`` and ``destination_outdated``.
- Roles ``roster_committee_<code>`` (NOLOGIN, like the county roles) reading ``reporting``;
  ``reporting.readable_committees()``; row-level security on the new tables, and a committee's own files and
  ignored entries in ``audit``.
- Views ``reporting.gba_reconciliation``, ``gba_committee_summary``, ``gba_branch_summary`` and ``gba_leads``.

Revision ID: 0020
"""

from pathlib import Path

from alembic import op

from roster_recon import reference

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

SQL = Path(__file__).resolve().parent.parent / "sql"


def committee_roles() -> list[str]:
    return [f"roster_committee_{code}" for code in sorted(reference.committees())]


def upgrade() -> None:
    bind = op.get_bind()
    for role in committee_roles():
        bind.exec_driver_sql(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN"
            f" CREATE ROLE {role} NOLOGIN; END IF; END $$"
        )
    grantees = ", ".join(committee_roles())
    bind.exec_driver_sql(
        f"GRANT USAGE ON SCHEMA reporting TO {grantees};"
        f" GRANT SELECT ON ALL TABLES IN SCHEMA reporting TO {grantees};"
        f" ALTER DEFAULT PRIVILEGES IN SCHEMA reporting GRANT SELECT ON TABLES TO {grantees}"
    )
    bind.exec_driver_sql((SQL / "0020_gba_reconciliation.sql").read_text(encoding="utf-8"))


def downgrade() -> None:
    bind = op.get_bind()
    bind.exec_driver_sql((SQL / "0020_gba_reconciliation_down.sql").read_text(encoding="utf-8"))
    grantees = ", ".join(committee_roles())
    bind.exec_driver_sql(
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA reporting REVOKE SELECT ON TABLES FROM {grantees};"
        f" REVOKE SELECT ON ALL TABLES IN SCHEMA reporting FROM {grantees};"
        f" REVOKE USAGE ON SCHEMA reporting FROM {grantees}"
    )
