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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAGES = ("discover", "read", "normalise", "validate", "stage", "merge", "flags", "finish", "reports")
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


def stage_table(timings: Path, run_logs: dict[str, float]) -> tuple[list[str], dict[str, float]]:
    records = [json.loads(line) for line in timings.read_text().splitlines()] if timings.exists() else []
    runs: dict[str, list[dict]] = {}
    for record in records:
        runs.setdefault(record["run_id"], []).append(record)
    lines = []
    peaks = {}
    for (label, wall), (run_id, stages) in zip(run_logs.items(), runs.items(), strict=False):
        lines.append(f"\n{label}: {wall:.1f} s wall through `airflow dags test` (run {run_id})")
        lines.append(f"  {'stage':<10}{'seconds':>9}{'rows':>10}{'rows/s':>11}{'peak RSS MB':>13}")
        for stage in STAGES:
            mine = [r for r in stages if r["stage"] == stage]
            if not mine:
                continue
            seconds = sum(r["seconds"] for r in mine)
            rows = sum(r["rows"] for r in mine)
            rate = f"{rows / seconds:,.0f}" if rows and seconds else "-"
            peak = max(r["peak_rss_mb"] for r in mine)
            lines.append(f"  {stage:<10}{seconds:>9.2f}{rows:>10,}{rate:>11}{peak:>13,.0f}")
        peaks[label] = max(r["peak_rss_mb"] for r in stages)
    return lines, peaks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--naive-rows", type=int, default=20_000, help="sample size for the naive baseline")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    from bench.naive import naive_run
    from roster_recon import warehouse
    from roster_recon.generate import generate

    data_dir = args.data_dir.resolve()
    for name in ("drop", "gx", "reports", "timings.jsonl", "naive"):
        target = data_dir / name
        shutil.rmtree(target, ignore_errors=True) if target.is_dir() else target.unlink(missing_ok=True)
    data_dir.mkdir(parents=True, exist_ok=True)
    airflow_home = data_dir / "airflow"
    if not (airflow_home / "airflow.db").exists():
        airflow_home.mkdir(parents=True, exist_ok=True)
        env = airflow_env(data_dir, ROOT / "dags", data_dir / "x.jsonl")
        airflow(["db", "migrate"], env, data_dir / "migrate.log")
        airflow(["pools", "set", "roster_merge", "1", "one merge at a time"], env, data_dir / "pool.log")
    warehouse.reset_embedded(data_dir)
    scale = args.rows / 11_300
    timings = data_dir / "timings.jsonl"

    print(f"generating {args.rows:,} rows …", flush=True)
    started = time.perf_counter()
    generate(data_dir / "drop", 1, args.seed, FIRST, scale)
    print(f"  generated in {time.perf_counter() - started:.0f} s", flush=True)

    naive = naive_run(data_dir / "drop", data_dir / "naive", args.naive_rows, warehouse.embedded_url(data_dir))

    walls = {}
    walls["first load"] = dag_run(data_dir, FIRST, timings, "first")
    generate(data_dir / "drop", 2, args.seed, DELTA, scale, month_one_as_of=FIRST, month_two=DELTA_RATES)
    walls["5 % delta"] = dag_run(data_dir, DELTA, timings, "delta")
    walls["no new files"] = dag_run(data_dir, IDLE, timings, "idle")
    empties = [empty_dag_run(data_dir) for _ in range(3)]
    empty = statistics.median(empties)

    lines, peaks = stage_table(timings, walls)
    print("\n".join(lines))
    naive_total = naive["seconds_per_row"] * args.rows
    print(
        f"\nnaive way on {naive['rows']:,} sample rows: {naive['seconds']:.1f} s "
        f"({', '.join(f'{k} {v:.1f} s' for k, v in naive['stages'].items())}); "
        f"extrapolated linearly to {args.rows:,} rows: {naive_total:.0f} s"
    )
    print(f"empty DAG through `airflow dags test`: median {empty:.1f} s of {', '.join(f'{e:.1f}' for e in empties)}")
    first = walls["first load"]
    print(
        f"bench: {args.rows} rows end-to-end in {first:.1f} s (naive {naive_total:.0f} s, "
        f"{naive_total / first:.1f}x faster), delta run {walls['5 % delta']:.1f} s, "
        f"idle run {walls['no new files']:.1f} s, peak RSS {max(peaks.values(), default=0):.0f} MB"
    )


if __name__ == "__main__":
    main()
