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

import hashlib
import html
import shutil
import tempfile
import threading
from collections.abc import Awaitable, Callable
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa
from fastapi import Request  # at module level: FastAPI resolves the dependency's annotation from these globals

from roster_recon import sql_files
from roster_recon.airflow_facing import web_both_sides
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


def _nav(active: str) -> str:
    links = [("", "Latest run / 最新"), ("/runs", "Runs / 运行记录")]
    items = "".join(
        f"<a href='{PREFIX}{href}/'{' class=active' if href == active else ''}>{label}</a>" for href, label in links
    )
    return f"<nav class='roster-nav'>{items}</nav>"


NAV_STYLE = (
    ".roster-nav{margin:-1em 0 1.5em;padding:.5em 0;border-bottom:2px solid #3b78b5}"
    ".roster-nav a{margin-right:1.2em;text-decoration:none;color:#3b78b5;font-weight:600}"
    ".roster-nav a.active{color:#222}"
)


def _page(title: str, body: str, active: str | None = "") -> str:
    """A whole page; ``active=None`` leaves out the navigation to the data team's pages."""
    from roster_recon.delivery.report import STYLE

    return (
        "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{STYLE}{NAV_STYLE}</style></head><body>"
        f"{'' if active is None else _nav(active)}{body}</body></html>"
    )


def _with_nav(page: str, active: str = "") -> str:
    """A report page (a whole document) with the Rosters navigation at the top of its body."""
    return page.replace("</style>", NAV_STYLE + "</style>", 1).replace("<body>", "<body>" + _nav(active), 1)


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
    return web_both_sides.committee_links(_county_links(_with_nav(page), sorted(reference.counties())), PREFIX)


COUNTY_MEMBERS_SHOWN = 1000
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
    return _page("Roster runs", body, "/runs")


def county_page(engine: sa.Engine, role: str, county_code: str, stale_days: int) -> str | None:
    """A county's page read as ``role``; ``None`` for a county the role may not read (or that does not exist)."""
    from roster_recon.delivery import report
    from roster_recon.delivery.feedback import FLAG_NAMES_ZH

    with reading_as(engine, role) as connection:
        if not may_read(connection, "county", county_code):
            return None
        county = (
            connection.execute(
                sa.text("SELECT * FROM reporting.county_summary WHERE county_code = :c"), {"c": county_code}
            )
            .mappings()
            .first()
        )
        if county is None:
            return None
        files = report.query_frame(connection, _sql("county_files"), c=county_code)
        branches = report.query_frame(connection, _sql("county_branches"), c=county_code)
        flags = report.query_frame(connection, _sql("county_open_flags"), c=county_code)
        follow_up = connection.execute(sa.text(_sql("county_follow_up_list")), {"c": county_code}).mappings().first()
        members = report.query_frame(
            connection, _sql("county_members"), county_code=county_code, limit=COUNTY_MEMBERS_SHOWN + 1
        )
        two_sided = web_both_sides.county_section(connection, county_code)
        sending = connection.execute(sa.text(_sql("county_sending")), {"c": county_code}).mappings().first()
    silent = _silent(sending, stale_days)
    flags["flag"] = [f"{FLAG_NAMES_ZH.get(flag, flag)} {flag}" for flag in flags["flag"]]
    members["flag"] = [f"{FLAG_NAMES_ZH.get(flag, flag)} {flag}" for flag in members["flag"]]
    pct = county["completeness_pct"]
    body = [
        f"<h1>{county_code} {html.escape(county['county_name'])}</h1>",
        _sending(silent, county["last_file_loaded_at"], stale_days),
        f"<p>{county['members']} members in {county['branches']} branches; four clears complete for "
        f"{county['members_complete']} ({'-' if pct is None else pct}%); {county['lost_contact']} lost contact;"
        f" {county['duplicate_enrollment']} enrolled twice.</p>",
        "<h2>Follow-up list / 随访名单</h2>",
        f"<p>{follow_up['members']} members, as of {follow_up['as_of']}: "
        f"<code>{html.escape(Path(follow_up['path']).name)}</code> in the county's <code>_follow_up</code> folder</p>"
        if follow_up
        else "<p class='none'>none yet / 尚无</p>",
        "<h2>Open flags / 待处理问题</h2>",
        report.html_table(flags, {"flag": "Flag", "open_flags": "Open"})
        if not flags.empty
        else "<p class='none'>none / 无</p>",
        "<h2>Members to follow up / 需跟进党员</h2>",
        _members_table(members),
        two_sided,
        "<h2>Branches / 支部</h2>",
        report.html_table(
            branches,
            {"branch": "Branch / 支部", "members": "Members", "complete": "Complete", "lost_contact": "Lost contact"},
        )
        if not branches.empty
        else "<p class='none'>none / 无</p>",
        "<h2>Files received / 收到的文件</h2>",
        report.html_table(
            files,
            {
                "as_of": "As of",
                "file_name": "File",
                "status": "Outcome",
                "rows_read": "Rows read",
                "rows_loaded": "Loaded",
                "rows_rejected": "Rejected",
                "error": "Reason",
            },
        )
        if not files.empty
        else "<p class='none'>none / 无</p>",
    ]
    return _page(
        f"{county_code} {county['county_name']}", "".join(body), "" if role == page_readers.READER_ROLE else None
    )


def _silent(sending, stale_days: int):
    """The county's silence (``stale.StaleCounty``) as of the latest run, or ``None`` when it sends on time."""
    from roster_recon.warehouse.stale import StaleCounty

    if sending is None or sending["silent_since"] is None or sending["latest_run_as_of"] is None:
        return None
    days = (sending["latest_run_as_of"] - sending["silent_since"]).days
    if days < stale_days:
        return None
    return StaleCounty(
        sending["county_code"], sending["county_name"], sending["silent_since"], days, sending["last_as_of"] is None
    )


def _sending(silent, last_loaded, stale_days: int) -> str:
    """Whether the county sends on time: silent too long, never sent anything, or a file within the window."""
    if silent is not None:
        return f"<p class='stale'>{html.escape(silent.describe())} — silent for {stale_days}+ days / 长期未报送</p>"
    if last_loaded is None:
        return "<p class='stale'>No roster loaded yet / 尚未导入任何台账</p>"
    return f"<p class='muted'>Sent a file within the last {stale_days} days / 按时报送</p>"


def _members_table(members) -> str:
    """The members behind the open flags (masked), longest out of touch first; the first thousand."""
    from roster_recon.delivery import report

    headers = {
        "flag": "Flag / 问题",
        "name": "Name / 姓名",
        "id_number_masked": "ID / 身份证号",
        "branch": "Branch / 支部",
        "phone_masked": "Phone / 电话",
        "last_contact_date": "Last contact / 最近联系",
        "last_contact_source": "Source / 来源",
        "raised_on": "Since / 起始",
        "detail": "Detail / 说明",
    }
    return report.first_rows_table(members, headers, COUNTY_MEMBERS_SHOWN)


# --- Data Docs, rendered from the stored results -----------------------------------------------------------------

_docs_lock = threading.Lock()


def data_docs_site(engine: sa.Engine, run_id: str, cache: Path) -> Path | None:
    """The run's Data Docs site under ``cache``, rendered once per api-server process from the warehouse.

    The site's folder is named by a digest of the run id, never by the id itself (``.`` or ``..`` would name the
    cache or its parent).
    """
    from roster_recon.delivery.data_docs import build_data_docs
    from roster_recon.warehouse.ledger import validation_documents

    site = cache / hashlib.sha256(run_id.encode("utf-8")).hexdigest()[:32]
    with _docs_lock:
        if (site / "index.html").is_file():
            return site
        with engine.connect() as connection:
            documents = validation_documents(connection, run_id)
        if not documents:
            return None
        shutil.rmtree(site, ignore_errors=True)
        build_data_docs(documents, site)
        return site


class _DocsCache:
    """Where this process keeps the Data Docs sites it rendered: a private folder made on the first request (every
    task process imports the plugin; none of them should leave a folder behind)."""

    def __init__(self):
        self._folder: Path | None = None
        self._lock = threading.Lock()

    def folder(self) -> Path:
        with self._lock:
            if self._folder is None or not self._folder.is_dir():
                self._folder = Path(tempfile.mkdtemp(prefix="roster-data-docs-"))
            return self._folder


def _safe_file(site: Path, path: str) -> Path | None:
    """``path`` inside ``site`` (no escape by ``..`` or links), or ``None``."""
    target = (site / path).resolve()
    root = site.resolve()
    return target if target.is_file() and (target == root or root in target.parents) else None


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
    cache = _DocsCache()

    @app.exception_handler(HTTPException)
    async def refusal(request: Request, error: HTTPException) -> HTMLResponse:
        """A refusal or a page not found as a page a clerk can read (the reason escaped), with its status."""
        body = f"<h1>Rosters / 台账页面</h1><p class='stale'>{error.status_code}: {html.escape(str(error.detail))}</p>"
        return HTMLResponse(_page("Rosters", body, None), status_code=error.status_code, headers=error.headers)

    @app.get("/", response_class=HTMLResponse)
    def latest(person: Reader = Depends(reader)):
        if not person.data_team:
            return RedirectResponse(person.home())
        engine = engine_factory()
        with engine.connect() as connection:
            run_id = latest_run_id(connection)
        if run_id is None:
            return _page("Rosters", "<h1>Rosters / 流动党员台账</h1><p class='none'>No run yet / 尚无运行记录</p>")
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
        site = data_docs_site(engine_factory(), run_id, cache.folder())
        target = _safe_file(site, path or "index.html") if site else None
        if target is None:
            raise HTTPException(404, "no such Data Docs page")
        return FileResponse(target)

    @app.get("/committees/{committee_code}/", response_class=HTMLResponse)
    def committee(committee_code: str, person: Reader = Depends(reader)) -> str:
        with reading_as(engine_factory(), person.role) as connection:
            allowed = may_read(connection, "committee", committee_code)
            body = web_both_sides.committee_body(connection, committee_code) if allowed else None
        title = f"GBA committee {committee_code}"
        return _page(title, found(body, f"no GBA committee {committee_code}"), "" if person.data_team else None)

    @app.get("/counties/{county_code}/", response_class=HTMLResponse)
    def county(county_code: str, person: Reader = Depends(reader)) -> str:
        page = county_page(engine_factory(), person.role, county_code, stale_days())
        return found(page, f"no county {county_code}")

    return app
