"""Isolation that holds against a curious login: row security no session can widen, pages that read as the person.

- ``reporting.readable_counties()`` and ``readable_committees()`` pin ``search_path = pg_catalog, pg_temp`` and
  qualify what they read (a login's ``CREATE TEMP VIEW pg_roles`` made them admit every row); ``core.mask_phone``
  gets a SQL-standard body, bound when created.
- PUBLIC keeps nothing: TEMP and CONNECT on the database, every privilege on the ``public`` schema and EXECUTE on the
  warehouse's functions are revoked; the roster roles get CONNECT and EXECUTE on the functions their views and
  policies call.
- ``roster_loader`` may ``SET ROLE`` to each roster role without inheriting its rights, so a Rosters page reads as the
  person looking at it (``audit.page_reader`` maps an Airflow user to one role).
- The county pages' last two reads of ``audit`` go through ``reporting.follow_up_list`` (row security added on
  ``audit.follow_up_list``) and ``reporting.county_sending``.

Revision ID: 0024
"""

from pathlib import Path

from alembic import op

from roster_recon.warehouse import roles
from roster_recon.warehouse.roles import VIEW_FUNCTIONS, roster_roles

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

SQL = Path(__file__).resolve().parent.parent / "sql"


def upgrade() -> None:
    bind = op.get_bind()
    bind.exec_driver_sql((SQL / "0024_isolation.sql").read_text(encoding="utf-8"))
    # Each roster role: created if the reference data gained it since 0008 and 0020, CONNECT now that PUBLIC has none,
    # EXECUTE on what its views and policies call, and the loader's SET on it (without INHERIT) for the pages.
    roles.ensure(bind)


def downgrade() -> None:
    bind = op.get_bind()
    grantees = ", ".join(roster_roles())
    bind.exec_driver_sql(
        f"REVOKE EXECUTE ON FUNCTION {', '.join(VIEW_FUNCTIONS)} FROM {grantees};"
        " DO $$ BEGIN EXECUTE 'REVOKE CONNECT ON DATABASE '"
        f" || pg_catalog.quote_ident(pg_catalog.current_database()) || ' FROM {grantees}'; END $$;"
    )
    bind.exec_driver_sql((SQL / "0024_isolation_down.sql").read_text(encoding="utf-8"))
