"""The DAG through Airflow: it parses cleanly and fast, follows the house rules, and runs end to end."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from helpers import person, write_roster

DAGS = Path(__file__).resolve().parent.parent / "dags"


@pytest.fixture(scope="module")
def dag_bag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS))


def test_dags_import_without_errors(dag_bag):
    assert dag_bag.import_errors == {}
    assert set(dag_bag.dag_ids) == {"roster_reconcile"}


def test_dag_follows_the_house_rules(dag_bag):
    dag = dag_bag.get_dag("roster_reconcile")
    assert dag.catchup is False and dag.max_active_runs == 1
    assert str(dag.timezone.name) == "Asia/Shanghai"
    assert dag.tags and dag.doc_md
    assert dag.dagrun_timeout is not None and dag.dagrun_timeout.total_seconds() < 24 * 3600
    for task in dag.tasks:
        assert task.owner == "data-team"
        assert task.retries >= 2
        assert task.execution_timeout is not None, task.task_id  # a hung read (a FIFO, a dead share) ends


def test_the_dag_runs_at_two_in_shanghai_or_when_a_county_marks_its_files_ready(tmp_path, monkeypatch):
    """With the drop root known at parse time (as deployed), a ``_READY`` watcher joins the 02:00 schedule."""
    import runpy

    from airflow.sdk import AssetOrTimeSchedule, CronTriggerTimetable

    monkeypatch.delenv("AIRFLOW_VAR_ROSTER_DROP_ROOT", raising=False)
    bare = runpy.run_path(str(DAGS / "roster_reconcile.py"))["_schedule"]()
    assert isinstance(bare, CronTriggerTimetable)
    monkeypatch.setenv("AIRFLOW_VAR_ROSTER_DROP_ROOT", str(tmp_path))
    schedule = runpy.run_path(str(DAGS / "roster_reconcile.py"))["_schedule"]()
    assert isinstance(schedule, AssetOrTimeSchedule)
    assert isinstance(schedule.timetable, CronTriggerTimetable)
    assert schedule.timetable.expression == "0 2 * * *" and str(schedule.timetable.timezone) == "Asia/Shanghai"
    (asset,) = schedule.asset_condition.objects
    (watcher,) = asset.watchers
    classpath, kwargs = watcher.trigger.serialize()
    assert classpath == "roster_recon.airflow_facing.ready.ReadyMarkerTrigger" and kwargs["drop_root"] == str(tmp_path)


@pytest.mark.parametrize("drop_root", [None, "/srv/county-share"])
def test_dag_file_parses_quickly_and_imports_no_heavy_modules(drop_root):
    """As deployed, the dag-processor knows the drop root (the _READY watcher's): parsing imports the trigger then."""
    heavy_modules = (
        "pandas",
        "pyarrow",
        "great_expectations",
        "roster_recon.intake.read",
        "roster_recon.intake.validate",
    )
    code = (
        "import time, sys; import airflow.sdk; start = time.perf_counter();"
        f"import runpy; runpy.run_path({str(DAGS / 'roster_reconcile.py')!r});"
        "print(time.perf_counter() - start);"
        f"print(any(m in sys.modules for m in {heavy_modules!r}))"
    )
    env = {k: v for k, v in os.environ.items() if k != "AIRFLOW_VAR_ROSTER_DROP_ROOT"}
    if drop_root:
        env["AIRFLOW_VAR_ROSTER_DROP_ROOT"] = drop_root
    seconds, heavy = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    ).stdout.split()
    assert float(seconds) < 1.0
    assert heavy == "False"


@pytest.mark.airflow
def test_dag_runs_end_to_end(tmp_path, monkeypatch):
    from roster_recon import warehouse

    drop, data = tmp_path / "drop", tmp_path / "data"
    write_roster(drop, "360922-万载县", "洪塘镇东风村党支部_2026-11.csv", [person(1), person(2, 联系状态="失联")])
    write_roster(drop, "360926", "铜鼓镇党支部.csv", [person(2), person(3, 流出时间="")])
    (drop / "360926" / "~$铜鼓镇党支部.xlsx").write_bytes(b"lock")
    monkeypatch.setenv("AIRFLOW_VAR_ROSTER_DROP_ROOT", str(drop))
    monkeypatch.setenv("AIRFLOW_VAR_ROSTER_SETTLE_SECONDS", "0")
    monkeypatch.setenv("AIRFLOW_VAR_ROSTER_PII_SECRET", "test-secret-for-the-dag-run")
    monkeypatch.setenv("AIRFLOW_VAR_ROSTER_DEMO_MODE", "true")  # the embedded warehouse is for demo mode only
    monkeypatch.setenv("ROSTER_DATA_DIR", str(data))
    monkeypatch.delenv("AIRFLOW_CONN_ROSTER_WAREHOUSE", raising=False)

    from airflow.dag_processing.dagbag import DagBag

    dag = DagBag(dag_folder=str(DAGS)).get_dag("roster_reconcile")
    started = time.monotonic()
    run = dag.test(logical_date=dt.datetime(2026, 11, 25, 18, 0, tzinfo=dt.UTC))  # 02:00 on the 26th in Shanghai
    assert str(run.state) in ("success", "DagRunState.SUCCESS"), run.state
    assert time.monotonic() - started < 600

    engine = warehouse.create_engine(None, data)
    with engine.connect() as connection:
        current = connection.execute(
            sa.text("SELECT county_code, name, flags FROM reporting.member_current ORDER BY county_code, name")
        ).all()
        audit = connection.execute(sa.text("SELECT status, as_of FROM reporting.file_audit")).all()
    engine.dispose()
    assert [(c.county_code, c.name, sorted(c.flags)) for c in current] == [
        ("360922", "党员1", []),
        ("360922", "党员2", ["duplicate_enrollment", "lost_contact"]),
        ("360926", "党员2", ["duplicate_enrollment"]),
        ("360926", "党员3", ["missing_outflow_time"]),
    ]
    assert sorted(a.status for a in audit) == ["loaded", "loaded"]
    assert {a.as_of for a in audit} == {dt.date(2026, 11, 26)}
    assert (data / "reports" / "run-2026-11-26.html").exists()
    states = {(ti.task_id, ti.map_index): str(ti.state).split(".")[-1].lower() for ti in run.get_task_instances()}
    assert states[("ingest", 0)] == states[("ingest", 1)] == states[("finish", 0)] == "success"

    # The next day nothing arrives: no county is read or finished, yet the flags are recomputed and reported.
    idle = dag.test(logical_date=dt.datetime(2026, 11, 26, 18, 0, tzinfo=dt.UTC))
    assert str(idle.state) in ("success", "DagRunState.SUCCESS"), idle.state
    states = {(ti.task_id, ti.map_index): str(ti.state).split(".")[-1].lower() for ti in idle.get_task_instances()}
    assert states[("prepare", -1)] == states[("merge", -1)] == states[("report", -1)] == "success"
    assert states[("ingest", -1)] == states[("finish", -1)] == "skipped"
    assert (data / "reports" / "run-2026-11-27.html").exists()
