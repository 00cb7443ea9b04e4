"""``make bench``: N roster rows through the real pipeline (Airflow ``dags test``), against the naive way.

Three runs on the embedded PostgreSQL: a first load, a 5 % delta (moves, new phones, departures, arrivals), and a
run with no new files; plus an empty DAG through ``airflow dags test`` for the fixed cost. Stage figures come from
``roster_recon.timing`` (``ROSTER_TIMINGS``). The naive baseline (pandas default readers, row-by-row Python checks,
``DataFrame.to_sql``, a per-member upsert loop) runs on a sample of the same files and is extrapolated linearly.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAGES = (
    "discover",
    "read",
    "normalise",
    "validate",
    "stage",
    "evidence",
    "merge_gba",
    "merge",
    "unmatched",
    "reconcile",
    "flags",
    "finish",
    "reports",
)
# Stages that serve the GBA side alone (the other stages' GBA share is told by their records' committee codes).
GBA_STAGES = ("merge_gba", "reconcile")
# The self-reports' share: their folder's records, and the evidence stage (every source's evidence; mostly theirs).
SELF_REPORTS, EVIDENCE_STAGES = "self-reports", ("evidence", "unmatched")
# The stages a floor is measured for (bench/floors.py): all but finding the folders and counting the unmatched.
FLOOR_STAGES = tuple(stage for stage in STAGES if stage not in ("discover", "unmatched"))
FIRST, DELTA, IDLE = dt.date(2026, 10, 26), dt.date(2026, 11, 26), dt.date(2026, 11, 27)
DELTA_RATES = {
    "move_city": 0.02,
    "return_home": 0.01,
    "newcomers": 0.01,
    "fix_problem": 0.2,
    "branch_silent": 0.0,
    "contact_refreshed": 0.01,
}


def airflow_env(data_dir: Path, dags_folder: Path, timings: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "AIRFLOW_HOME": str(data_dir / "airflow"),
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{data_dir / 'airflow' / 'airflow.db'}",
            "AIRFLOW__CORE__DAGS_FOLDER": str(dags_folder),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__LOGGING__LOGGING_LEVEL": "WARNING",
            "AIRFLOW_VAR_ROSTER_DROP_ROOT": str(data_dir / "drop"),
            "AIRFLOW_VAR_ROSTER_SETTLE_SECONDS": "0",
            "AIRFLOW_VAR_ROSTER_DEMO_MODE": "true",
            "ROSTER_DATA_DIR": str(data_dir),
            "ROSTER_TIMINGS": str(timings),
        }
    )
    return env


def airflow(args: list[str], env: dict[str, str], log: Path) -> float:
    started = time.perf_counter()
    with log.open("w") as handle:
        subprocess.run(
            [str(Path(sys.executable).parent / "airflow"), *args],
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            check=True,
        )
    return time.perf_counter() - started


def dag_run(data_dir: Path, as_of: dt.date, timings: Path, label: str) -> float:
    env = airflow_env(data_dir, ROOT / "dags", timings)
    return airflow(["dags", "test", "roster_reconcile", as_of.isoformat()], env, data_dir / f"{label}.log")


def empty_dag_run(data_dir: Path) -> float:
    folder = data_dir / "empty_dags"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "empty_dag.py").write_text(
        "import pendulum\nfrom airflow.sdk import dag, task\n\n"
        "@dag(schedule=None, start_date=pendulum.datetime(2026, 1, 1), catchup=False)\n"
        "def empty_dag():\n    @task\n    def nothing():\n        return 0\n\n    nothing()\n\nempty_dag()\n"
    )
    env = airflow_env(data_dir, folder, data_dir / "empty-timings.jsonl")
    return airflow(["dags", "test", "empty_dag", "2026-11-26"], env, data_dir / "empty.log")


def read_stages(timings: Path) -> dict[str, dict[str, float]]:
    """Seconds, rows and peak RSS per stage of one run, from its timings file, and the GBA side's share."""
    from roster_recon import reference

    records = [json.loads(line) for line in timings.read_text().splitlines()] if timings.exists() else []
    # One DAG run's: a process left over from an interrupted benchmark can still append its own (the 95.6 s "delta
    # report" of issue 22's figures was 26.0 s of this run plus 69.5 s of such a leftover).
    runs = Counter(record["run_id"] for record in records)
    if len(runs) > 1:
        mine = runs.most_common(1)[0][0]
        print(f"  {timings.name}: ignored the timings of other runs: {sorted(set(runs) - {mine})}", flush=True)
        records = [record for record in records if record["run_id"] == mine]
    stages = {}
    for record in records:  # a stage's steps (evidence/record …): seconds only
        if "/" in record["stage"]:
            step = stages.setdefault(record["stage"], {"seconds": 0.0})
            step["seconds"] += record["seconds"]
    for stage in STAGES:
        mine = [r for r in records if r["stage"] == stage]
        if mine:
            gba = [r for r in mine if stage in GBA_STAGES or r.get("county_code") in reference.committees()]
            reports = [r for r in mine if stage in EVIDENCE_STAGES or r.get("county_code") == SELF_REPORTS]
            stages[stage] = {
                "seconds": sum(r["seconds"] for r in mine),
                "rows": sum(r["rows"] for r in mine),
                "peak_rss_mb": max(r["peak_rss_mb"] for r in mine),
                "gba_seconds": sum(r["seconds"] for r in gba),
                "gba_rows": sum(r["rows"] for r in gba),
                "reports_seconds": sum(r["seconds"] for r in reports),
                "reports_rows": sum(r["rows"] for r in reports),
            }
    return stages


def stage_table(label: str, walls: list[float], runs: list[dict[str, dict[str, float]]]) -> list[str]:
    """Per stage: median seconds over the repetitions, rows, rows/s at the median, the highest peak RSS."""
    median = statistics.median(walls)
    lines = [
        f"\n{label}: median {median:.1f} s wall through `airflow dags test`"
        f" (runs: {', '.join(f'{w:.1f}' for w in walls)})",
        f"  {'stage':<10}{'seconds':>9}{'rows':>11}{'rows/s':>11}{'peak RSS MB':>13}"
        f"{'of which GBA s':>16}{'GBA rows':>10}{'self-reports s':>16}{'their rows':>11}",
    ]
    for stage in STAGES:
        mine = [run[stage] for run in runs if stage in run]
        if not mine:
            continue
        seconds = statistics.median(m["seconds"] for m in mine)
        rows = int(statistics.median(m["rows"] for m in mine))
        rate = f"{rows / seconds:,.0f}" if rows and seconds else "-"
        peak = max(m["peak_rss_mb"] for m in mine)
        gba_seconds = statistics.median(m.get("gba_seconds", 0.0) for m in mine)
        gba_rows = int(statistics.median(m.get("gba_rows", 0) for m in mine))
        reports_seconds = statistics.median(m.get("reports_seconds", 0.0) for m in mine)
        reports_rows = int(statistics.median(m.get("reports_rows", 0) for m in mine))
        lines.append(
            f"  {stage:<10}{seconds:>9.2f}{rows:>11,}{rate:>11}{peak:>13,.0f}{gba_seconds:>16.2f}{gba_rows:>10,}"
            f"{reports_seconds:>16.2f}{reports_rows:>11,}"
        )
        steps = dict.fromkeys(
            name for run in runs for name in run if name.startswith(f"{stage}/") and "/sql:" not in name
        )
        for step in steps:
            seconds = statistics.median(run[step]["seconds"] for run in runs if step in run)
            lines.append(f"    {'· ' + step.split('/', 1)[1]:<8}{seconds:>9.2f}")
    gba_total = statistics.median(sum(stage.get("gba_seconds", 0.0) for stage in run.values()) for run in runs)
    reports_total = statistics.median(sum(stage.get("reports_seconds", 0.0) for stage in run.values()) for run in runs)
    lines.append(f"  GBA committees' rosters and the reconciliation of both sides: {gba_total:.1f} s of the stages")
    lines.append(f"  self-reports (their folder) and the evidence of every source: {reports_total:.1f} s of the stages")
    return lines


def statement_table(stages: dict[str, list[dict]]) -> list[str]:
    """Every timed statement of the merge (``timing.TimedCursor``): first load, delta and idle day side by side."""
    medians = {
        key: {
            name: statistics.median(run[name]["seconds"] for run in runs if name in run)
            for name in {name for run in runs for name in run if "/sql:" in name}
        }
        for key, runs in stages.items()
    }
    names = sorted(set().union(*medians.values()), key=lambda n: STAGES.index(n.split("/")[0]))
    lines = [
        "\nthe merge's statements (seconds; the delta's work should follow its change, not the rows read):",
        f"  {'statement':<44}{'first':>9}{'delta':>9}{'idle':>9}{'delta/first':>13}",
    ]
    for name in names:
        first, delta, idle = (medians.get(key, {}).get(name, 0.0) for key in ("first", "delta", "idle"))
        ratio = f"{delta / first:.2f}" if first >= 0.05 else "-"
        lines.append(f"  {name.replace('/sql:', ' · '):<44}{first:>9.2f}{delta:>9.2f}{idle:>9.2f}{ratio:>13}")
    return lines


def floor_table(floors: dict[str, float], first: dict[str, dict[str, float]]) -> list[str]:
    """Each stage's first-load seconds beside its floor (``bench/floors.py``)."""
    lines = [
        "\neach stage against its floor (the fastest way this machine does that stage's work, on the same rows):",
        f"  {'stage':<11}{'first load':>11}{'floor':>9}{'ratio':>8}",
    ]
    for stage in FLOOR_STAGES:
        seconds = first.get(stage, {}).get("seconds", 0.0)
        floor = floors.get(stage)
        if floor is None:
            continue
        ratio = seconds / floor if floor else float("inf")
        lines.append(f"  {stage:<11}{seconds:>11.2f}{floor:>9.2f}{ratio:>7.1f}x" + ("  > 2x" if ratio > 2 else ""))
    if "stage:hmac" in floors:
        lines.append(f"  (stage's floor: HMAC {floors['stage:hmac']:.2f} s + COPY {floors['stage:copy']:.2f} s)")
    return lines


def _generator_digest() -> str:
    """What the generated rosters depend on besides rows and seed: the generator's and reference data's source."""
    import hashlib

    package = ROOT / "include" / "roster_recon"
    digest = hashlib.sha256()
    for path in sorted([*(package / "demo").glob("*.py"), *(package / "reference").glob("*.csv")]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def scheduler_first_load(data_dir: Path, month_one: Path, parallelism: int = 2) -> dict:
    """The first load under a real scheduler: the native stack (``deploy/stack.py``) with LocalExecutor and
    ``parallelism`` task slots, the month-one rosters in its share, the DAG unpaused so the scheduler creates the run
    of the latest 02:00 itself; the run's own start and end (from the API) give the figure. Settle window 0, as in
    the ``dags test`` runs."""
    from deploy import stack

    state_dir = data_dir / "scheduler"
    shutil.rmtree(state_dir, ignore_errors=True)
    shutil.copytree(month_one, state_dir / "drop")
    state = stack.up(
        state_dir,
        executor="local",
        drop_root=state_dir / "drop",
        settings={"AIRFLOW__CORE__PARALLELISM": str(parallelism), "AIRFLOW_VAR_ROSTER_SETTLE_SECONDS": "0"},
    )
    try:
        api = stack.ApiClient(state)
        api.wait_for_dag("roster_reconcile")
        api.unpause("roster_reconcile")
        run = api.wait_for_run("roster_reconcile", timeout=3600)
        ended, started = (dt.datetime.fromisoformat(run[key]) for key in ("end_date", "start_date"))
        seconds = (ended - started).total_seconds()
        tries = [ti["try_number"] for ti in api.task_instances("roster_reconcile", run["dag_run_id"])]
        return {
            "seconds": float(seconds),
            "state": run["state"],
            "tasks": len(tries),
            "retried": sum(t > 1 for t in tries),
        }
    finally:
        stack.down(state_dir)


def measure_floors(data_dir: Path, month_one: Path, first: dict[str, dict[str, float]]) -> dict[str, float]:
    """Each stage's floor (``bench/floors.py``) on the month-one files and the warehouse the runs left."""
    import psycopg2

    from bench import floors
    from roster_recon import warehouse

    rows = {stage: int(first.get(stage, {}).get("rows", 0)) for stage in ("evidence", "merge_gba", "merge")}
    connection = psycopg2.connect(warehouse.embedded_url(data_dir).replace("postgresql+psycopg2", "postgresql"))
    try:
        return floors.measure(month_one, connection, rows, data_dir)
    finally:
        connection.close()


def twelve_months(data_dir: Path) -> dict:
    """Eleven earlier months of self-reports added to the warehouse the runs left (``bench/twelve_months.sql``: each
    member reports in a month with the demo's likelihood), then, each in a transaction rolled back: refreshing the
    latest evidence of one month's reporters, recomputing every entry's flags, and replaying the delta's date."""
    import psycopg2

    from roster_recon import warehouse
    from roster_recon.warehouse import flag, replay

    connection = psycopg2.connect(warehouse.embedded_url(data_dir).replace("postgresql+psycopg2", "postgresql"))
    try:
        with connection, connection.cursor() as cursor:
            cursor.execute((ROOT / "bench" / "twelve_months.sql").read_text(encoding="utf-8"), {"as_of": IDLE})
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*), pg_total_relation_size('core.contact_event') / 1048576 FROM core.contact_event"
            )
            events, mb = cursor.fetchone()
            started = time.perf_counter()
            # As a run does it (contact.record_evidence): from the month's reports (the delta's) and the latest before.
            cursor.execute(
                "CREATE TEMP TABLE evidence_moved ON COMMIT DROP AS"
                " SELECT event_id, member_key, source, occurred_on, reported_at, city, city_code, file_id"
                " FROM core.contact_event WHERE source = 'self_report' AND known_on = %(delta)s;"
                " CREATE TEMP TABLE evidence_touched ON COMMIT DROP AS SELECT DISTINCT member_key FROM evidence_moved",
                {"delta": DELTA},
            )
            touched = cursor.rowcount
            cursor.execute("ANALYZE evidence_touched; ANALYZE evidence_moved")
            cursor.execute(warehouse.sql("contact_latest_moved"), {"as_of": IDLE})
            cursor.execute(warehouse.sql("contact_refresh"), {"as_of": IDLE})
            refresh = time.perf_counter() - started
        connection.rollback()
        started = time.perf_counter()
        flag.recompute_flags(connection, IDLE, 6, "bench-twelve-months")
        flags = time.perf_counter() - started
        connection.rollback()
        started = time.perf_counter()
        replay.replay(connection, DELTA)
        replayed = time.perf_counter() - started
    finally:
        connection.close()
    return {
        "events": events,
        "mb": int(mb),
        "touched": touched,
        "refresh_s": round(refresh, 1),
        "flags_s": round(flags, 1),
        "replay_s": round(replayed, 1),
    }


def _commit() -> str:
    git = shutil.which("git")
    if git is None:
        return "unknown"
    result = subprocess.run([git, "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return result.stdout.strip() or "unknown"


def save_result(path: Path, record: dict) -> list[dict]:
    """Keep ``record`` with the figures of the other sizes (one per row count, the newest wins); return them all."""
    records = json.loads(path.read_text()) if path.exists() else []
    records = sorted([r for r in records if r["rows"] != record["rows"]] + [record], key=lambda r: r["rows"])
    path.write_text(json.dumps(records, indent=1) + "\n")
    return records


def plot_results(records: list[dict], out: Path) -> None:
    """Cost against rows, log-log: first load, delta, idle, the naive way, the empty DAG and the one-minute line."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [r["rows"] for r in records]
    figure, axes = plt.subplots(figsize=(8, 5), dpi=110)
    for key, label, style in (
        ("first", "first load", "o-"),
        ("delta", "5 % delta", "s-"),
        ("idle", "no new files", "^-"),
        ("naive", "naive way (extrapolated from its sample)", "x--"),
        ("empty_dag", "empty DAG (Airflow's fixed cost)", ":"),
    ):
        axes.plot(rows, [r[key] for r in records], style, label=label)
    scheduled = [r for r in records if r.get("scheduler_first")]
    if scheduled:
        axes.plot(
            [r["rows"] for r in scheduled],
            [r["scheduler_first"] for r in scheduled],
            "D",
            label="first load, real scheduler (LocalExecutor, 2 slots)",
        )
    axes.axhline(60, color="grey", linewidth=0.8)
    axes.text(rows[0], 63, "one minute", color="grey", fontsize=8)
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xticks(rows, [f"{n:,}" for n in rows])
    axes.set_xlabel("roster rows")
    axes.set_ylabel("seconds through airflow dags test")
    commits = sorted({r["commit"] for r in records})
    axes.set_title(f"roster_reconcile cost against rows (commit {', '.join(commits)}; {records[-1]['measured']})")
    axes.grid(True, which="both", linewidth=0.3)
    axes.legend(fontsize=8)
    figure.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out)
    plt.close(figure)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=3, help="repetitions of the three runs; medians are printed")
    parser.add_argument(
        "--naive-rows",
        type=int,
        default=100_000,
        help="the naive way's row-by-row work on this share of every file's rows (naive-rows / rows); all are read",
    )
    parser.add_argument(
        "--results",
        type=Path,
        default=ROOT / "bench" / "results.json",
        help="figures of every size measured, by rows (this run's replace earlier ones); drawn as --plot",
    )
    parser.add_argument("--plot", type=Path, default=ROOT / "docs" / "bench-scaling.png")
    parser.add_argument(
        "--scheduler",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also time the first load under a real scheduler (LocalExecutor, two task slots)",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--floors",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="each stage's floor on the same rows (bench/floors.py), printed beside the stage (--no-floors: not)",
    )
    parser.add_argument(
        "--self-reports",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="the members' 码上报 and dues exports too, at the demo's rate (--no-self-reports: rosters alone)",
    )
    parser.add_argument(
        "--twelve-months",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="then add eleven earlier months of self-reports and time the evidence and flags over twelve",
    )
    parser.add_argument(
        "--gba",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="the GBA committees' rosters too, in the demo's proportion (--no-gba: the county ledgers alone)",
    )
    args = parser.parse_args()

    from bench.naive import naive_run
    from roster_recon import warehouse
    from roster_recon.demo import driver as demo
    from roster_recon.demo.generate import generate
    from roster_recon.share import DUES_DIR

    data_dir = args.data_dir.resolve()
    for name in ("timings", "naive"):
        shutil.rmtree(data_dir / name, ignore_errors=True)
    (data_dir / "timings").mkdir(parents=True)
    airflow_home = data_dir / "airflow"
    if not (airflow_home / "airflow.db").exists():
        airflow_home.mkdir(parents=True, exist_ok=True)
        env = airflow_env(data_dir, ROOT / "dags", data_dir / "x.jsonl")
        airflow(["db", "migrate"], env, data_dir / "migrate.log")
        airflow(["pools", "set", "roster_merge", "1", "one merge at a time"], env, data_dir / "pool.log")
    scale = args.rows / 11_300

    # The rosters are generated once and copied in for every repetition: month one, and month two's 5 % delta
    # (generated on its own; it rebuilds month one from the seed). They are kept for the next benchmark with the
    # same rows, seed and generator: a million rows take minutes to generate.
    pristine = data_dir / "pristine"
    month_one, month_two = pristine / "month1" / "drop", pristine / "month2" / "drop"
    stamp = f"rows={args.rows} seed={args.seed} generator={_generator_digest()}"
    if (pristine / "stamp").exists() and (pristine / "stamp").read_text() == stamp:
        print(f"reusing the {args.rows:,} generated rows under {pristine}", flush=True)
    else:
        print(f"generating {args.rows:,} rows …", flush=True)
        started = time.perf_counter()
        shutil.rmtree(pristine, ignore_errors=True)
        generate(month_one, 1, args.seed, FIRST, scale)
        generate(month_two, 2, args.seed, DELTA, scale, month_one_as_of=FIRST, month_two=DELTA_RATES)
        (pristine / "stamp").write_text(stamp)
        print(f"  generated in {time.perf_counter() - started:.0f} s", flush=True)

    # Without the GBA committees' rosters (as the figures before issue 21), or without the self-reports (before 22).
    # (--no-self-reports leaves out the dues exports too: the members' evidence beside the ledgers' own dates.)
    kept = (("gba", args.gba), (SELF_REPORTS, args.self_reports), (DUES_DIR, args.self_reports))
    left_out = [name for name, keep in kept if not keep]
    if left_out:
        for month in (month_one, month_two):
            month_without = month.parent / "drop_without"
            shutil.rmtree(month_without, ignore_errors=True)
            shutil.copytree(month, month_without, ignore=shutil.ignore_patterns(*left_out))
        month_one, month_two = (m.parent / "drop_without" for m in (month_one, month_two))
    demo.reset(data_dir)
    shutil.copytree(month_one, data_dir / "drop")
    naive = naive_run(data_dir / "drop", min(args.naive_rows / args.rows, 1.0), warehouse.embedded_url(data_dir))

    labels = {
        "first": ("first load", FIRST, month_one),
        "delta": ("5 % delta", DELTA, month_two),
        "idle": ("no new files", IDLE, None),
    }
    walls: dict[str, list[float]] = {key: [] for key in labels}
    stages: dict[str, list[dict]] = {key: [] for key in labels}
    for repetition in range(1, args.repeat + 1):
        demo.reset(data_dir)
        for key, (label, as_of, files) in labels.items():
            if files is not None:
                shutil.copytree(files, data_dir / "drop", dirs_exist_ok=True)
            timings = data_dir / "timings" / f"{key}-{repetition}.jsonl"
            walls[key].append(dag_run(data_dir, as_of, timings, f"{key}-{repetition}"))
            stages[key].append(read_stages(timings))
            print(f"  repetition {repetition}: {label} {walls[key][-1]:.1f} s", flush=True)
    floors = measure_floors(data_dir, month_one, stages["first"][-1]) if args.floors else None
    twelve = twelve_months(data_dir) if args.twelve_months else None
    empties = [empty_dag_run(data_dir) for _ in range(3)]
    empty = statistics.median(empties)
    scheduled = scheduler_first_load(data_dir, month_one) if args.scheduler else None

    for key, (label, _, _) in labels.items():
        print("\n".join(stage_table(label, walls[key], stages[key])))
    print("\n".join(statement_table(stages)))
    if floors:
        first_medians = {
            stage: {"seconds": statistics.median(run[stage]["seconds"] for run in stages["first"] if stage in run)}
            for stage in FLOOR_STAGES
            if any(stage in run for run in stages["first"])
        }
        print("\n".join(floor_table(floors, first_medians)))
    naive_total = naive["extrapolated"]
    print(
        f"\nnaive way on the same files ({naive['rows_read']:,} rows read, the row-by-row work on {naive['rows']:,}):"
        f" {naive['seconds']:.1f} s ({', '.join(f'{k} {v:.1f} s' for k, v in naive['stages'].items())});"
        f" extrapolated to every row: {naive_total:.0f} s ("
        + ", ".join(f"{kind} {figures['extrapolated']:.0f} s" for kind, figures in naive["kinds"].items())
        + ")"
    )
    print(f"empty DAG through `airflow dags test`: median {empty:.1f} s of {', '.join(f'{e:.1f}' for e in empties)}")
    if scheduled:
        print(
            f"first load under a real scheduler (LocalExecutor, 2 task slots, one run): {scheduled['seconds']:.0f} s,"
            f" run {scheduled['state']}, {scheduled['tasks']} task instances, {scheduled['retried']} retried"
        )
    if twelve:
        print(
            f"twelve months of self-reports: core.contact_event {twelve['events']:,} rows, {twelve['mb']:,} MB with"
            f" its indexes; refreshing the latest evidence of a month's reporters ({twelve['touched']:,} members)"
            f" {twelve['refresh_s']:.1f} s; the flags of every entry {twelve['flags_s']:.1f} s;"
            f" replaying a past date {twelve['replay_s']:.1f} s"
        )
    first, delta, idle = (statistics.median(walls[key]) for key in labels)
    # The line's rows: the ledger rows generated, and the GBA rosters' and self-reports' rows the first load read.
    read = stages["first"][-1].get("read", {})
    ledger_rows, gba_rows, report_rows = args.rows, int(read.get("gba_rows", 0)), int(read.get("reports_rows", 0))
    peak = max(stage.get("peak_rss_mb", 0.0) for runs in stages.values() for run in runs for stage in run.values())
    print(
        f"medians of {args.repeat} runs; peak RSS is the largest of any stage (the dags test process, reset per stage)"
    )
    record = {
        "rows": args.rows,
        "repeat": args.repeat,
        "first": round(first, 1),
        "delta": round(delta, 1),
        "idle": round(idle, 1),
        "empty_dag": round(empty, 1),
        "naive": round(naive_total, 1),
        "naive_sample_rows": naive["rows"],
        "floors": {stage: round(seconds, 2) for stage, seconds in floors.items()} if floors else None,
        "ledger_rows": ledger_rows,
        "gba_rows": gba_rows,
        "self_report_rows": report_rows,
        "peak_rss_mb": round(peak),
        "scheduler_first": scheduled["seconds"] if scheduled else None,
        "gba": args.gba,
        "self_reports": args.self_reports,
        "twelve_months": twelve,
        "measured": dt.date.today().isoformat(),
        "commit": _commit(),
    }
    plot_results(save_result(args.results, record), args.plot)
    print(f"figures kept in {args.results}; plot of every size measured: {args.plot}")
    print(
        f"bench: {ledger_rows} ledger rows + {gba_rows} GBA rows + {report_rows} self-reports end-to-end in"
        f" {first:.1f} s (naive {naive_total:.0f} s on the same rows, {naive_total / first:.1f}x faster),"
        f" delta run {delta:.1f} s, idle run {idle:.1f} s (empty DAG {empty:.1f} s), peak RSS {peak:.0f} MB"
    )


if __name__ == "__main__":
    main()
