"""Who is looking at a Rosters page, and reading as them: the Airflow user behind a request, the PostgreSQL role
their pages read as (``warehouse/page_readers.py`` maps one to the other), and a transaction under that role, so row
security decides what a page shows whatever its URL names.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa
from fastapi import Request

from roster_recon import sql_files
from roster_recon.warehouse import page_readers

PREFIX = "/roster"
_sql = sql_files.loader(__file__)


@contextmanager
def reading_as(engine: sa.Engine, role: str):
    """A connection whose read-only transaction reads as ``role``: row security applies to the page as it does to
    that role's own login, and the role is gone with the transaction."""
    with engine.begin() as connection:
        connection.exec_driver_sql("SET TRANSACTION READ ONLY")
        connection.execute(sa.text("SELECT pg_catalog.set_config('role', :role, true)"), {"role": role})
        # Fail closed: on a connection in autocommit the setting would end with its own statement, and the page
        # would read as the loader (every row).
        if connection.exec_driver_sql("SELECT current_user").scalar() != role:
            raise RuntimeError(f"the Rosters page could not read as {role}")
        yield connection


def may_read(connection, what: str, code: str) -> bool:
    """Whether the role the connection reads as may read county (``what='county'``) or committee ``code``."""
    return bool(connection.execute(sa.text(_sql(f"may_read_{what}")), {"c": code}).scalar())


async def airflow_user(request: Request) -> str:
    """The Airflow user behind the request, after Airflow's own check: logged in (bearer token or the UI's cookie,
    401 otherwise). What the user may read is their ``audit.page_reader`` mapping's to say, not their Airflow role:
    a clerk needs no access to the DAG (whose logs and XComs cover every county) to read their county's page.

    Imported on first use: importing Airflow's API security module is slow (docs/benchmarks.md), and every task
    process loads the plugins (for their macros), so the plugin itself must stay light.
    """
    from airflow.api_fastapi.core_api.security import bearer_scheme, get_user, requires_authenticated

    user = await get_user(request, None, await bearer_scheme(request))
    requires_authenticated()(request, user)
    return user.get_name()


@dataclass(frozen=True)
class Reader:
    """A person looking at the pages: their Airflow user and the PostgreSQL role their pages read as."""

    airflow_user: str
    role: str

    @property
    def data_team(self) -> bool:
        return self.role == page_readers.READER_ROLE

    def home(self) -> str:
        """Their first page: the latest run for the data team, else their county's or committee's page."""
        if self.data_team:
            return f"{PREFIX}/"
        kind, code = self.role.removeprefix("roster_").split("_", 1)
        return f"{PREFIX}/{'counties' if kind == 'county' else 'committees'}/{code}/"


NO_PAGES = (
    "Airflow user {user} has not been given a view of any county or committee / 该账号尚未开通查看权限;"
    " the data team grants one: python -m roster_recon.warehouse.page_readers grant {user} county <code>"
)
DATA_TEAM_ONLY = "this page is the data team's / 此页面仅限数据组查看"
