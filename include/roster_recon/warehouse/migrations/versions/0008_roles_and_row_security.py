"""Who may read what: ``roster_reader`` reads ``reporting`` only; a county login sees its own county's rows only.

- Roles (cluster-wide, created once): ``roster_reader`` and ``roster_county_<code>`` for each Yichun county, all
  NOLOGIN; the DBA gives them LOGIN and a password, or makes personal logins members of them. The pipeline itself
  connects as ``roster_loader`` (LOGIN CREATEROLE, owner of the database, never a superuser), which owns and writes
  ``staging``, ``core`` and ``audit`` and creates these roles.
- Nobody but ``roster_loader`` can use ``core``, ``staging`` or ``audit``; readers get ``reporting`` only.
- Row-level security, forced (the owner is subject to it too), on every table that carries a county's rows and is
  read by a reporting view: ``roster_loader`` and members of ``roster_reader`` see every row; a member of
  ``roster_county_<code>`` sees that county's rows; anyone else sees none.

The reporting views keep PostgreSQL's default (owner's rights) rather than ``security_invoker``: an invoker's view
needs SELECT on the ``core`` tables underneath, which would let every reader read full phones in ``core`` directly.
With owner's rights and RLS forced on the base tables, the policies see the reader's ``current_user`` and filter;
the reader never gets a grant on ``core``.

Revision ID: 0008
"""

from alembic import op

from roster_recon import reference

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

COUNTY_TABLES = ("core.roster_version", "core.member_flag", "core.county", "audit.file", "audit.ignored_entry")


def county_roles() -> list[str]:
    return [f"roster_county_{code}" for code in sorted(reference.counties())]


def upgrade() -> None:
    bind = op.get_bind()
    readers = ["roster_reader", *county_roles()]
    for role in readers:
        bind.exec_driver_sql(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN"
            f" CREATE ROLE {role} NOLOGIN; END IF; END $$"
        )
    grantees = ", ".join(readers)
    bind.exec_driver_sql(
        "REVOKE ALL ON SCHEMA core, staging, audit FROM PUBLIC;"
        f" GRANT USAGE ON SCHEMA reporting TO {grantees};"
        f" GRANT SELECT ON ALL TABLES IN SCHEMA reporting TO {grantees};"
        f" ALTER DEFAULT PRIVILEGES IN SCHEMA reporting GRANT SELECT ON TABLES TO {grantees};"
        # Which counties the current login may see: by its role name or the county roles it is a member of.
        " CREATE FUNCTION reporting.readable_counties() RETURNS text[] LANGUAGE sql STABLE AS $$"
        "   SELECT CASE WHEN pg_has_role(current_user, 'roster_loader', 'MEMBER')"
        "                 OR pg_has_role(current_user, 'roster_reader', 'MEMBER') THEN NULL"
        "          ELSE coalesce(array_agg(substr(rolname, 15)), '{}') END"
        "     FROM pg_roles"
        "    WHERE rolname ~ '^roster_county_[0-9]{6}$' AND pg_has_role(current_user, oid, 'MEMBER') $$;"
        " COMMENT ON FUNCTION reporting.readable_counties() IS"
        " 'NULL: every county (roster_loader, roster_reader); else the counties of the login''s county roles'"
    )
    for table in COUNTY_TABLES:
        # The scalar subquery makes PostgreSQL evaluate the role check once per query, not once per row.
        bind.exec_driver_sql(
            f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY; ALTER TABLE {table} FORCE ROW LEVEL SECURITY;"
            f" CREATE POLICY county_rows ON {table}"
            "  USING ((SELECT reporting.readable_counties()) IS NULL"
            "         OR county_code = ANY ((SELECT reporting.readable_counties())::text[]))"
            "  WITH CHECK (pg_has_role(current_user, 'roster_loader', 'MEMBER'))"
        )


def downgrade() -> None:
    bind = op.get_bind()
    for table in COUNTY_TABLES:
        bind.exec_driver_sql(
            f"DROP POLICY county_rows ON {table}; ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY;"
            f" ALTER TABLE {table} DISABLE ROW LEVEL SECURITY"
        )
    grantees = ", ".join(["roster_reader", *county_roles()])
    bind.exec_driver_sql(
        "DROP FUNCTION reporting.readable_counties();"
        f" ALTER DEFAULT PRIVILEGES IN SCHEMA reporting REVOKE SELECT ON TABLES FROM {grantees};"
        f" REVOKE SELECT ON ALL TABLES IN SCHEMA reporting FROM {grantees};"
        f" REVOKE USAGE ON SCHEMA reporting FROM {grantees}"
    )
