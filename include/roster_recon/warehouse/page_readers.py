"""Who reads the Rosters pages as whom: each Airflow user is mapped to one PostgreSQL role (``audit.page_reader``).

A page reads the warehouse as that role (``SET LOCAL ROLE`` in the page's transaction), so row security decides what
it shows, exactly as for the person's own PostgreSQL login: ``all`` is ``roster_reader`` (the data team),
``county 360922`` is ``roster_county_360922``, ``committee 440300`` is ``roster_committee_440300``. An Airflow user
with no mapping sees no page. The data team grants and revokes from the command line:

    python -m roster_recon.warehouse.page_readers grant clerk_wanzai county 360922
    python -m roster_recon.warehouse.page_readers revoke clerk_wanzai
    python -m roster_recon.warehouse.page_readers list
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import sqlalchemy as sa

from roster_recon import reference, warehouse

READER_ROLE = "roster_reader"


class UnknownScopeError(ValueError):
    """A scope that names no county or committee of the reference data."""


def role_for(scope: str, code: str | None = None) -> str:
    """The PostgreSQL role of a scope: ``all``, ``county <code>`` or ``committee <code>``."""
    if scope == "all" and code is None:
        return READER_ROLE
    if scope == "county" and code in reference.counties():
        return f"roster_county_{code}"
    if scope == "committee" and code in reference.committees():
        return f"roster_committee_{code}"
    raise UnknownScopeError(
        f"{scope} {code or ''}".strip() + ": give 'all', 'county <code of a Yichun county>' or"
        " 'committee <code of a GBA committee>'"
    )


def grant(connection: sa.Connection, airflow_user: str, role: str) -> None:
    """Map ``airflow_user`` to ``role`` (replacing an earlier mapping)."""
    connection.execute(sa.text(warehouse.sql("page_reader_grant")), {"user": airflow_user, "role": role})


def revoke(connection: sa.Connection, airflow_user: str) -> bool:
    """Remove ``airflow_user``'s mapping; whether there was one."""
    gone = connection.execute(
        sa.text("DELETE FROM audit.page_reader WHERE airflow_user = :user"), {"user": airflow_user}
    )
    return gone.rowcount > 0


def role_of(connection: sa.Connection, airflow_user: str) -> str | None:
    """The role ``airflow_user`` reads the pages as, or ``None`` (no page for them)."""
    return connection.execute(
        sa.text("SELECT reads_as FROM audit.page_reader WHERE airflow_user = :user"), {"user": airflow_user}
    ).scalar()


def listing(connection: sa.Connection) -> list[tuple[str, str]]:
    return [tuple(row) for row in connection.execute(sa.text("SELECT airflow_user, reads_as FROM audit.page_reader"))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path(os.environ.get("ROSTER_DATA_DIR", ".data")))
    parser.add_argument(
        "--warehouse-url",
        default=os.environ.get("AIRFLOW_CONN_ROSTER_WAREHOUSE"),
        help="the warehouse (default: AIRFLOW_CONN_ROSTER_WAREHOUSE, else the embedded one under --data-dir)",
    )
    verbs = parser.add_subparsers(dest="verb", required=True)
    granting = verbs.add_parser("grant", help="let an Airflow user read the pages of one scope")
    granting.add_argument("airflow_user")
    granting.add_argument("scope", choices=("all", "county", "committee"))
    granting.add_argument("code", nargs="?")
    revoking = verbs.add_parser("revoke", help="take an Airflow user's pages away")
    revoking.add_argument("airflow_user")
    verbs.add_parser("list", help="every Airflow user and the role its pages read as")
    args = parser.parse_args(argv)
    engine = warehouse.create_engine(args.warehouse_url, args.data_dir)
    try:
        warehouse.migrate(engine)
        with engine.begin() as connection:
            if args.verb == "grant":
                role = role_for(args.scope, args.code)
                grant(connection, args.airflow_user, role)
                print(f"{args.airflow_user} reads the Rosters pages as {role}")
            elif args.verb == "revoke":
                print(f"{args.airflow_user}: {'revoked' if revoke(connection, args.airflow_user) else 'had no pages'}")
            else:
                for user, role in listing(connection):
                    print(f"{user}\t{role}")
    except UnknownScopeError as error:
        print(error, file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
