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

from roster_recon.warehouse.roles import VIEW_FUNCTIONS, roster_roles

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

SQL = Path(__file__).resolve().parent.parent / "sql"


def upgrade() -> None:
    bind = op.get_bind()
    bind.exec_driver_sql((SQL / "0024_isolation.sql").read_text(encoding="utf-8"))
    for role in roster_roles():  # a county or committee the reference data gained since migrations 0008 and 0020
        bind.exec_driver_sql(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN"
            f" CREATE ROLE {role} NOLOGIN; END IF; END $$"
        )
    grantees = ", ".join(roster_roles())
    bind.exec_driver_sql(
        "DO $$ BEGIN EXECUTE 'GRANT CONNECT ON DATABASE '"
        f" || pg_catalog.quote_ident(pg_catalog.current_database()) || ' TO {grantees}'; END $$;"
        f" GRANT EXECUTE ON FUNCTION {', '.join(VIEW_FUNCTIONS)} TO {grantees}"
    )
    for role in roster_roles():
        # SET without INHERIT: the loader gains no reader's rights, it may only become one for a page's transaction.
        # A loader that did not create the roles (a DBA made them) is granted this by the DBA: see the README.
        bind.exec_driver_sql(
            "DO $$ BEGIN"
            f" IF NOT pg_catalog.pg_has_role(current_user, '{role}', 'SET') THEN"
            f"   GRANT {role} TO current_user WITH INHERIT FALSE, SET TRUE;"
            " END IF;"
            " EXCEPTION WHEN insufficient_privilege THEN"
            f"   RAISE WARNING 'roster_loader cannot SET ROLE {role}: the Rosters pages cannot read as it';"
            " END $$"
        )


def downgrade() -> None:
    bind = op.get_bind()
    grantees = ", ".join(roster_roles())
    bind.exec_driver_sql(
        f"REVOKE EXECUTE ON FUNCTION {', '.join(VIEW_FUNCTIONS)} FROM {grantees};"
        " DO $$ BEGIN EXECUTE 'REVOKE CONNECT ON DATABASE '"
        f" || pg_catalog.quote_ident(pg_catalog.current_database()) || ' FROM {grantees}'; END $$;"
    )
    bind.exec_driver_sql((SQL / "0024_isolation_down.sql").read_text(encoding="utf-8"))
