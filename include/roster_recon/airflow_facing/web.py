"""The "Rosters" page inside the Airflow UI: a FastAPI app the plugin in ``plugins/roster_pages.py`` mounts at /roster.

Every page is built from the warehouse when it is asked for, so it is the same whichever worker ran the report:

- ``/roster/`` — the latest run's report (the page the ``report`` task writes, read afresh);
- ``/roster/runs`` — past runs: files received and rejected, rows loaded, flags raised and closed;
- ``/roster/runs/<run id>`` — one run's report, with its Great Expectations Data Docs under ``…/data-docs/``,
  rendered from the results stored in the warehouse;
- ``/roster/counties/<code>`` — one county: its files, branches, open flags, follow-up list, silence.

Airflow does not authenticate a plugin's app by itself: the app requires a logged-in Airflow user (Airflow's own
dependency) on every route, and serves each person only what their role allows. An Airflow user is mapped to one
PostgreSQL role (``warehouse/page_readers.py``): the data team's (``roster_reader``) reads every page; a county's
or a committee's reads its own page only, queried under that role (``SET LOCAL ROLE`` in the page's read-only
transaction), so row security decides what it shows whatever the URL names. An Airflow user with no role gets no
page. What the pages show is what the ``reporting`` views show: IDs and phones masked, nothing from which an ID
could be rebuilt.
"""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable
from functools import lru_cache

import sqlalchemy as sa
from fastapi import Request  # at module level: FastAPI resolves the dependency's annotation from these globals

from roster_recon import sql_files
from roster_recon.airflow_facing import web_both_sides, web_county, web_docs, web_frame
from roster_recon.airflow_facing.page_access import (
    DATA_TEAM_ONLY,
    NO_PAGES,
    PREFIX,
    Reader,
    airflow_user,
    may_read,
    reading_as,
)
from roster_recon.warehouse import page_readers

# --- the warehouse, as the api-server sees it --------------------------------------------------------------------


@lru_cache(maxsize=1)
def _engine() -> sa.Engine:
    """The warehouse through the Airflow connection ``roster_warehouse``; in demo mode the embedded one."""
    from airflow.exceptions import AirflowNotFoundException
    from airflow.models.connection import Connection

    from roster_recon import settings, warehouse

    try:
        url = Connection.get_connection_from_secrets("roster_warehouse").get_uri()
    except AirflowNotFoundException:
        if _variable("roster_demo_mode", "false").lower() != "true":
            raise
        url = None
    return warehouse.create_engine(url, settings.default_data_dir())


def _variable(key: str, default: str) -> str:
    from airflow.models.variable import Variable

    return str(Variable.get(key, default_var=default))


def _stale_days() -> int:
    from roster_recon.settings import DEFAULT_STALE_DAYS

    try:
        return max(1, int(_variable("roster_stale_days", str(DEFAULT_STALE_DAYS))))
    except ValueError:
        return DEFAULT_STALE_DAYS


# --- pages ---------------------------------------------------------------------------------------------------------


def _county_links(page: str, codes: list[str]) -> str:
    """Make each county code in a report's first table cell a link to the county's page."""
    for code in codes:
        page = page.replace(f"<td>{code}</td>", f"<td><a href='{PREFIX}/counties/{code}/'>{code}</a></td>")
    return page


def latest_run_id(connection) -> str | None:
    return connection.execute(
        sa.text("SELECT run_id FROM audit.run ORDER BY as_of DESC, started_at DESC LIMIT 1")
    ).scalar()


def run_page(engine: sa.Engine, run_id: str, stale_days: int) -> str | None:
    """One run's report, as the ``report`` task renders it, with links to its Data Docs and county pages."""
    from roster_recon import reference
    from roster_recon.delivery import report
    from roster_recon.warehouse import ledger, runs

    with engine.connect() as connection:
        known = connection.execute(sa.text("SELECT 1 FROM audit.run WHERE run_id = :r"), {"r": run_id}).scalar()
        if not known:
            return None
        failures = runs.failures(connection, run_id, ledger.held_back(connection, run_id))
        documents = connection.execute(
            sa.text("SELECT count(*) FROM audit.validation_document WHERE run_id = :r"), {"r": run_id}
        ).scalar()
    figures = report.read_figures(engine, run_id, stale_days)
    docs = f"{PREFIX}/runs/{run_id}/data-docs/index.html" if documents else None
    page = report.render_html(figures, docs, failures)
    return web_both_sides.committee_links(_county_links(web_frame.with_nav(page), sorted(reference.counties())), PREFIX)


_sql = sql_files.loader(__file__)


def _count(value: int | None) -> str:
    return "–" if value is None else str(value)


def runs_page(engine: sa.Engine) -> str:
    with engine.connect() as connection:
        runs = connection.execute(sa.text(_sql("runs"))).mappings().all()
    rows = "".join(
        f"<tr><td><a href='{PREFIX}/runs/{html.escape(r['run_id'])}/'>{r['as_of']}</a></td>"
        f"<td>{html.escape(r['run_id'])}</td><td>{r['status']}</td><td>{r['files']}</td><td>{r['rejected']}</td>"
        f"<td>{r['duplicates']}</td><td>{r['rows_loaded']}</td><td>{_count(r['flags_raised'])}</td>"
        f"<td>{_count(r['flags_closed'])}</td></tr>"
        for r in runs
    )
    body = (
        "<h1>Runs / 运行记录</h1><p class='muted'>Flags raised and closed by each run (– for a run that did not merge,"
        " or ran before the pipeline counted per run).</p>"
        "<table><thead><tr><th>As of / 日期</th><th>Run</th><th>Status</th>"
        "<th>Files received / 收到文件</th><th>Rejected / 退回</th><th>Duplicates / 重复</th>"
        "<th>Rows loaded / 导入行数</th><th>Flags raised / 新增问题</th><th>Flags closed / 已解决</th></tr></thead>"
        f"<tbody>{rows or '<tr><td colspan=9>no runs yet / 尚无运行记录</td></tr>'}</tbody></table>"
    )
    return web_frame.page("Roster runs", body, "/runs")


# --- Data Docs, rendered from the stored results -----------------------------------------------------------------

# --- the app -------------------------------------------------------------------------------------------------------


def create_app(
    engine_factory=_engine,
    stale_days=_stale_days,
    identify: Callable[[Request], Awaitable[str]] = airflow_user,
):
    """The FastAPI app; ``identify`` names the Airflow user behind a request (Airflow's login; tests give their own)."""
    from fastapi import Depends, FastAPI, HTTPException
    from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
    from starlette.concurrency import run_in_threadpool

    async def reader(request: Request) -> Reader:
        user = await identify(request)

        def role() -> str | None:
            with engine_factory().connect() as connection:
                return page_readers.role_of(connection, user)

        found = await run_in_threadpool(role)
        if found is None:
            raise HTTPException(403, NO_PAGES.format(user=user))
        return Reader(user, found)

    def data_team(person: Reader = Depends(reader)) -> Reader:
        if not person.data_team:
            raise HTTPException(403, DATA_TEAM_ONLY)
        return person

    app = FastAPI(title="Rosters", dependencies=[Depends(reader)], docs_url=None, redoc_url=None, openapi_url=None)
    cache = web_docs.DocsCache()

    @app.exception_handler(HTTPException)
    async def refusal(request: Request, error: HTTPException) -> HTMLResponse:
        """A refusal or a page not found as a page a clerk can read (the reason escaped), with its status."""
        body = f"<h1>Rosters / 台账页面</h1><p class='stale'>{error.status_code}: {html.escape(str(error.detail))}</p>"
        return HTMLResponse(web_frame.page("Rosters", body, None), status_code=error.status_code, headers=error.headers)

    @app.get("/", response_class=HTMLResponse)
    def latest(person: Reader = Depends(reader)):
        if not person.data_team:
            return RedirectResponse(person.home())
        engine = engine_factory()
        with engine.connect() as connection:
            run_id = latest_run_id(connection)
        if run_id is None:
            body = "<h1>Rosters / 流动党员台账</h1><p class='none'>No run yet / 尚无运行记录</p>"
            return web_frame.page("Rosters", body)
        return run_page(engine, run_id, stale_days()) or ""

    @app.get("/runs", include_in_schema=False, dependencies=[Depends(data_team)])
    def runs_redirect():
        return RedirectResponse(f"{PREFIX}/runs/")

    @app.get("/runs/", response_class=HTMLResponse, dependencies=[Depends(data_team)])
    def runs() -> str:
        return runs_page(engine_factory())

    def found(page: str | None, missing: str) -> str:
        if page is None:
            raise HTTPException(404, missing)
        return page

    @app.get("/runs/{run_id}/", response_class=HTMLResponse, dependencies=[Depends(data_team)])
    def run(run_id: str) -> str:
        return found(run_page(engine_factory(), run_id, stale_days()), f"no run {run_id}")

    @app.get("/runs/{run_id}/data-docs/{path:path}", dependencies=[Depends(data_team)])
    def data_docs(run_id: str, path: str):
        if run_id in (".", "..") or "/" in run_id:
            raise HTTPException(404, "no such run")
        site = web_docs.data_docs_site(engine_factory(), run_id, cache.folder())
        target = web_docs.safe_file(site, path or "index.html") if site else None
        if target is None:
            raise HTTPException(404, "no such Data Docs page")
        return FileResponse(target)

    @app.get("/committees/{committee_code}/", response_class=HTMLResponse)
    def committee(committee_code: str, person: Reader = Depends(reader)) -> str:
        with reading_as(engine_factory(), person.role) as connection:
            allowed = may_read(connection, "committee", committee_code)
            body = web_both_sides.committee_body(connection, committee_code) if allowed else None
        title = f"GBA committee {committee_code}"
        active = "" if person.data_team else None
        return web_frame.page(title, found(body, f"no GBA committee {committee_code}"), active)

    @app.get("/counties/{county_code}/", response_class=HTMLResponse)
    def county(county_code: str, person: Reader = Depends(reader)) -> str:
        page = web_county.county_page(engine_factory(), person.role, county_code, stale_days())
        return found(page, f"no county {county_code}")

    return app
