"""The DAG as it is deployed: a real scheduler runs mapped tasks at once, in separate processes.

``airflow dags test`` runs one task at a time in one process and cannot show a race. Here the stack of
``deploy/stack.py`` runs the scheduled run of a generated month and then a second month, first with LocalExecutor
(parallelism 4), then with CeleryExecutor, Redis and two workers that share nothing but the warehouse and the county
share. A task that needed a retry counts as a failure. The LocalExecutor stack then runs a day on which one county's
ingest fails for good: that run must end red with its report written and the other counties merged. Then a clerk's
``_READY`` marker starts a run within minutes, the county silent for 40 days is announced, and the Rosters page
shows it all to a logged-in user and nothing to anyone else.
"""

from __future__ import annotations

import os
import time
import urllib.parse
from pathlib import Path

import pendulum
import pytest
import sqlalchemy as sa
from pii import leaks

from deploy import stack
from roster_recon import reference, warehouse
from roster_recon.demo.driver import compare_with_ground_truth
from roster_recon.demo.generate import generate
from roster_recon.share import DUES_DIR, SELF_REPORTS_DIR

pytestmark = pytest.mark.stack
DAG_ID = "roster_reconcile"
SHANGHAI = pendulum.timezone("Asia/Shanghai")
SCALE, SEED = 0.04, 11


def scheduled_as_of() -> pendulum.DateTime:
    """When the scheduled run that unpausing creates is due: the latest 02:00 in Shanghai (catchup=False)."""
    now = pendulum.now(SHANGHAI)
    due = now.replace(hour=2, minute=0, second=0, microsecond=0)
    return due if due <= now else due.subtract(days=1)


@pytest.fixture(scope="module", params=["local", "celery"])
def running_stack(request, tmp_path_factory):
    state_dir = tmp_path_factory.mktemp(f"stack-{request.param}")
    # LocalExecutor on the embedded warehouse (parallel task processes share one embedded server, as under
    # `make airflow`); Celery on the TCP server, the only thing its workers share besides the county share.
    state = stack.up(state_dir, executor=request.param, workers=2, embedded_warehouse=request.param == "local")
    yield state
    stopped = stack.down(state_dir)
    assert "scheduler" in stopped and "postgres" in stopped


def first_try_successes(api: stack.ApiClient, run: dict) -> list[str]:
    """Every task instance of the run that did not succeed on its first try (empty is good)."""
    problems = []
    for ti in api.task_instances(DAG_ID, run["dag_run_id"]):
        if ti["state"] not in ("success", "skipped") or ti["try_number"] > 1:
            problems.append(
                f"{ti['task_id']}[{ti.get('rendered_map_index') or ti['map_index']}] {ti['state']}"
                f" try {ti['try_number']}"
            )
    return problems


def just_now() -> str:
    """A logical date the scheduler accepts (not in the future) for a run triggered now."""
    return pendulum.now("UTC").subtract(seconds=5).to_iso8601_string()


def dropped_earlier(drop_root: Path, seconds: float = 300.0) -> None:
    """Files the counties dropped a while ago: older than the settle window (60 s, deploy/airflow.env)."""
    then = time.time() - seconds
    for path in drop_root.rglob("*"):
        if path.is_file():
            os.utime(path, (then, then))


def warehouse_engine(state: stack.StackState) -> sa.Engine:
    if state.embedded_warehouse:
        url = warehouse.embedded_url(Path(state.state_dir) / "data")
        return sa.create_engine(url, poolclass=sa.pool.NullPool)
    return sa.create_engine(warehouse.psycopg2_url(state.warehouse_url), poolclass=sa.pool.NullPool)


def test_two_months_under_a_real_scheduler_succeed_on_the_first_try(running_stack):
    state, api = running_stack, stack.ApiClient(running_stack)
    drop_root, truth_dir = Path(state.drop_root), Path(state.drop_root).parent
    month_one = scheduled_as_of()
    generate(drop_root, 1, seed=SEED, as_of=month_one.date(), scale=SCALE, secret=state.pii_secret.encode())
    dropped_earlier(drop_root)
    api.wait_for_dag(DAG_ID)
    api.unpause(DAG_ID)  # catchup=False: the scheduler creates the run of the latest 02:00 at once
    run = api.wait_for_run(DAG_ID)
    assert run["run_type"] == "scheduled"
    assert pendulum.parse(run["logical_date"]) == month_one
    assert run["state"] == "success" and first_try_successes(api, run) == []
    engine = warehouse_engine(state)
    assert compare_with_ground_truth(engine, truth_dir, month_one.date()) == 0

    # The next month's files. The scheduler refuses a logical date in the future, so they are not dated a month
    # on: they arrive later and the data team runs the DAG for them at once.
    # Their as-of date is the run's logical date in Shanghai: the same day, or the next one after 16:00 UTC.
    logical_date = just_now()
    month_two = pendulum.parse(logical_date).in_timezone(SHANGHAI).date()
    generate(
        drop_root,
        2,
        seed=SEED,
        as_of=month_two,
        scale=SCALE,
        month_one_as_of=month_one.date(),
        secret=state.pii_secret.encode(),
    )
    dropped_earlier(drop_root)
    second = api.trigger(DAG_ID, logical_date, run_id="month_two")
    run = api.wait_for_run(DAG_ID, second["dag_run_id"])
    assert run["state"] == "success" and first_try_successes(api, run) == []
    assert compare_with_ground_truth(engine, truth_dir, month_two) == 0
    ingests = [ti for ti in api.task_instances(DAG_ID, run["dag_run_id"]) if ti["task_id"] == "ingest"]
    # Every county, every GBA committee, the 红帆 system and the dues platform sent files: ten county ingests, eight
    # committee ingests, the self-reports' and the dues', at once.
    assert sorted(ti["rendered_map_index"] for ti in ingests) == sorted(
        [*reference.counties(), *reference.committees(), SELF_REPORTS_DIR, DUES_DIR]
    )

    # Nothing the deployment wrote outside the county share holds a raw ID or a full mobile: task and service logs,
    # reports, Data Docs (the warehouse's own data files and the generator's answer sheet aside).
    state_dir = Path(state.state_dir)
    skip = (
        drop_root,
        state_dir / "postgres",
        state_dir / "data" / "warehouse",
        truth_dir / "ground_truth_month1.json",
        truth_dir / "ground_truth_month2.json",
    )
    assert leaks(state_dir, phones=True, skip=skip) == {}

    if state.executor == "celery":
        counts = stack.worker_task_counts(state)
        assert all(count > 0 for count in counts.values()), counts  # both workers ran tasks
        reports = [Path(state.state_dir) / worker / "reports" for worker in ("worker1", "worker2")]
        assert sum((folder / f"run-{month_one.date()}.html").exists() for folder in reports) >= 1
    engine.dispose()


def test_a_county_whose_ingest_fails_ends_the_run_red_with_its_report(running_stack):
    state, api = running_stack, stack.ApiClient(running_stack)
    if state.executor != "local":
        pytest.skip("shown once, on the LocalExecutor stack (it waits out the failing task's retries)")
    engine = warehouse_engine(state)
    with engine.begin() as connection:  # a real fault in the real warehouse: county 360926's rows cannot be staged
        connection.exec_driver_sql(
            "CREATE FUNCTION public.refuse_rows() RETURNS trigger LANGUAGE plpgsql AS"
            " $$ BEGIN RAISE EXCEPTION 'could not extend file: No space left on device'; END $$;"
            " CREATE TRIGGER refuse_360926 BEFORE INSERT ON staging.roster_row FOR EACH ROW"
            " WHEN (NEW.county_code = '360926') EXECUTE FUNCTION public.refuse_rows()"
        )
    drop_root = Path(state.drop_root)
    from helpers import person, write_roster

    county_folders = {folder.name[:6]: folder.name for folder in drop_root.iterdir()}  # 360926-铜鼓县, …
    broken = write_roster(drop_root, county_folders["360926"], "新增支部.csv", [person(901), person(902)])
    fine = write_roster(drop_root, county_folders["360922"], "新增支部.csv", [person(903)])
    dropped_earlier(drop_root)
    # Triggered with no logical date, as Airflow 3 allows (asset-triggered runs have none either): as of its start.
    triggered = api.trigger(DAG_ID, None, run_id="broken_county")
    assert triggered["logical_date"] is None
    day = pendulum.now(SHANGHAI)
    run = api.wait_for_run(DAG_ID, triggered["dag_run_id"], timeout=1200)
    assert run["state"] == "failed"
    states = {
        (ti["task_id"], ti.get("rendered_map_index") or str(ti["map_index"])): ti["state"]
        for ti in api.task_instances(DAG_ID, run["dag_run_id"])
    }
    assert states[("ingest", "360926")] == "failed"
    assert states[("ingest", "360922")] == states[("merge", "-1")] == "success"
    assert states[("report", "-1")] == "failed"  # written, then failed on purpose
    page = (Path(state.state_dir) / "data" / "reports" / f"run-{day.date()}.html").read_text(encoding="utf-8")
    assert "ingest failed for county 360926" in page
    assert broken.exists() and not fine.exists()  # the broken county's file waits; the other was merged and archived
    with engine.connect() as connection:
        loaded = connection.execute(
            sa.text("SELECT county_code, status FROM reporting.file_audit WHERE file_name = '新增支部.csv'")
        ).all()
        assert [tuple(row) for row in loaded] == [("360922", "loaded")]
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "DROP TRIGGER refuse_360926 ON staging.roster_row; DROP FUNCTION public.refuse_rows()"
        )
    engine.dispose()


def test_a_ready_marker_starts_a_run_a_silent_county_is_announced_and_the_rosters_page_is_for_logged_in_users(
    running_stack,
):
    state, api = running_stack, stack.ApiClient(running_stack)
    if state.executor != "local":
        pytest.skip("shown once, on the LocalExecutor stack")
    engine = warehouse_engine(state)
    today = pendulum.now(SHANGHAI).date()
    # County 360983 (丰城市) has been silent for 40 days: its files were received by a run 40 days ago.
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO audit.run (run_id, as_of, status, merged_at)"
                " VALUES ('forty_days_ago', :as_of, 'merged', now() - interval '40 days')"
            ),
            {"as_of": today.subtract(days=40)},
        )
        connection.execute(sa.text("UPDATE audit.file SET run_id = 'forty_days_ago' WHERE county_code = '360983'"))
    drop_root = Path(state.drop_root)
    from helpers import person, write_roster

    county_folders = {folder.name[:6]: folder for folder in drop_root.iterdir() if folder.is_dir()}
    roster = write_roster(drop_root, county_folders["360922"].name, "就绪支部.csv", [person(911), person(912)])
    dropped_earlier(drop_root)
    before = {run["dag_run_id"] for run in api.runs(DAG_ID)}
    marker = county_folders["360922"] / "_READY"
    marker.write_text("")  # the clerk's "my files are there"
    deadline = time.monotonic() + 300
    while not (new := [r for r in api.runs(DAG_ID) if r["dag_run_id"] not in before]) and time.monotonic() < deadline:
        time.sleep(3)
    assert new, "no run started within five minutes of the _READY marker"
    run = api.wait_for_run(DAG_ID, new[0]["dag_run_id"])
    assert run["run_type"] == "asset_triggered" and run["logical_date"] is None
    assert run["state"] == "success" and first_try_successes(api, run) == []
    assert not marker.exists() and not roster.exists()  # the marker consumed; the roster read and archived
    with engine.connect() as connection:
        loaded = connection.execute(
            sa.text("SELECT status FROM reporting.file_audit WHERE file_name = '就绪支部.csv' AND run_id = :r"),
            {"r": run["dag_run_id"]},
        ).scalars()
        assert list(loaded) == ["loaded"]
        notices = connection.execute(
            sa.text("SELECT county_code, run_id FROM audit.stale_notice WHERE county_code = '360983'")
        ).all()
        assert [tuple(n) for n in notices] == [("360983", run["dag_run_id"])]
    # The notifier's warning is in the report task's log, once.
    report_logs = [
        path.read_text(encoding="utf-8", errors="replace")
        for path in (Path(state.state_dir) / "airflow" / "logs").rglob("*.log")
        if "task_id=report" in str(path) and run["dag_run_id"] in str(path)
    ]
    assert sum(text.count("STALE COUNTIES") for text in report_logs) == 1
    assert any("360983" in text for text in report_logs)

    # The Rosters page: nothing for an anonymous caller, every page for a logged-in one, no raw ID on any.
    for path in ("/roster/", "/roster/runs/", "/roster/counties/360983/"):
        status, _ = api.page(path, token=False)
        assert status in (401, 403), (path, status)
    pages = {path: api.page(path) for path in ("/roster/", "/roster/runs/", "/roster/counties/360983/")}
    assert all(status == 200 for status, _ in pages.values()), {p: s for p, (s, _) in pages.items()}
    latest = pages["/roster/"][1]
    assert "宜春市驻粤港澳大湾区流动党员党委" in latest and "宜春市驻深圳流动党员党委" in latest
    assert "360983" in latest and "sent nothing for 35 days or more" in latest
    assert run["dag_run_id"] in pages["/roster/runs/"][1]
    assert "silent for 35+ days" in pages["/roster/counties/360983/"][1]
    status, docs = api.page(f"/roster/runs/{urllib.parse.quote(run['dag_run_id'], safe='')}/data-docs/index.html")
    assert status == 200 and "<html" in docs.lower()
    # A county clerk (an Airflow viewer mapped to 丰城市) reads its own county's page and nothing else.
    clerk = stack.ApiClient(state, "clerk_360983")
    status, own = clerk.page("/roster/counties/360983/")
    assert status == 200 and "silent for 35+ days" in own and "/roster/runs/" not in own
    for path in ("/roster/counties/360922/", "/roster/runs/", "/roster/committees/440300/"):
        status, text = clerk.page(path)
        assert status in (403, 404) and "党员" not in text, (path, status)
    plugins = api.get("/api/v2/plugins")["plugins"]
    assert any(view.get("href") == "/roster/" for p in plugins for view in p.get("external_views", []))
    out = Path(state.state_dir) / "pages"
    out.mkdir(exist_ok=True)
    for number, (_, text) in enumerate(pages.values()):
        (out / f"page{number}.html").write_text(text, encoding="utf-8")
    assert leaks(out, phones=True) == {}
    engine.dispose()
