"""The roster roles every reader of ``reporting`` is granted, kept in step with the reference data on every migrate.

Migrations 0008 and 0020 created the county and committee roles the reference data named then. A county or GBA
committee added to the reference data later needs the same: the role (NOLOGIN; a DBA gives it LOGIN or grants it to
personal logins), CONNECT, the ``reporting`` schema and its views, EXECUTE on the functions its views and policies
call, and the loader's ``SET`` on it (without INHERIT) for the Rosters pages. ``ensure`` gives each role what it
lacks, and is a no-op for a role that has it all.
"""

from __future__ import annotations

import logging
import re

import sqlalchemy as sa

from roster_recon import reference, warehouse

log = logging.getLogger(__name__)

ROLE_PATTERN = re.compile(r"^roster_(reader|county_[0-9]{6}|committee_[0-9]{6})$")
VIEW_FUNCTIONS = (
    "reporting.readable_counties()",
    "reporting.readable_committees()",
    "reporting.includes_municipal(text[])",
    "core.mask_phone(text)",
)


def roster_roles() -> list[str]:
    """Every role a reader of ``reporting`` is granted: the reader, each county's, each committee's."""
    counties = [f"roster_county_{code}" for code in sorted(reference.counties())]
    committees = [f"roster_committee_{code}" for code in sorted(reference.committees())]
    return ["roster_reader", *counties, *committees]


def ensure(connection: sa.Connection) -> list[str]:
    """Give every roster role what it lacks; returns the roles the loader may not ``SET`` (a DBA made them)."""
    not_settable = []
    lacking = connection.execute(
        sa.text(warehouse.sql("roles_lacking")), {"roles": roster_roles(), "functions": list(VIEW_FUNCTIONS)}
    ).scalars()
    database = connection.exec_driver_sql("SELECT pg_catalog.quote_ident(pg_catalog.current_database())").scalar()
    for role in lacking:
        if not ROLE_PATTERN.match(role):  # names come from the reference data's codes; never spliced unchecked
            raise ValueError(f"not a roster role name: {role!r}")
        connection.exec_driver_sql(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = '{role}') THEN"
            f" CREATE ROLE {role} NOLOGIN; END IF; END $$;"
            f" GRANT CONNECT ON DATABASE {database} TO {role};"
            f" GRANT USAGE ON SCHEMA reporting TO {role};"
            f" GRANT SELECT ON ALL TABLES IN SCHEMA reporting TO {role};"
            f" GRANT EXECUTE ON FUNCTION {', '.join(VIEW_FUNCTIONS)} TO {role}"
        )
        settable = connection.execute(
            sa.text("SELECT pg_catalog.pg_has_role(current_user, :role, 'SET')"), {"role": role}
        ).scalar()
        if not settable:
            try:
                with connection.begin_nested():
                    connection.exec_driver_sql(f"GRANT {role} TO current_user WITH INHERIT FALSE, SET TRUE")
            except sa.exc.ProgrammingError:  # insufficient privilege: the DBA grants it (docs/security.md)
                not_settable.append(role)
    if not_settable:
        log.warning("the Rosters pages cannot read as %s: the DBA grants them to the loader", ", ".join(not_settable))
    return not_settable
