"""``make fuzz``: hostile files dropped beside good ones into several counties, committees and the folders of events
(self-reports, dues), run through the real DAG (``airflow dags test``), then every entry accounted for.

Prints one line, ``fuzz: N files, N accounted for, 0 stuck folders, good files merged M/M, peak RSS R MB``, and
exits non-zero when an entry is unaccounted for, a folder is stuck, a good file is not merged whole or the peak
RSS passes 1 GB. The detail (each entry's outcome and reason) is in ``<data dir>/fuzz-result.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import shutil
import sys
import time
from collections import Counter
from pathlib import Path

import sqlalchemy as sa

from bench.run import ROOT, airflow, airflow_env
from fuzz.hostile import MAKERS, Folder, good_file, pick

AS_OF = dt.date(2026, 11, 26)
PEAK_RSS_LIMIT_MB = 1024
COUNTIES = ("360902", "360922", "360926", "360981", "360983")
COMMITTEES = ("440300", "441900", "440000")
GOOD_ROWS = 3


def folders(drop_root: Path) -> dict[str, Folder]:
    """The folders under attack, by the code the warehouse records them with."""
    from roster_recon import reference

    counties, committees = reference.counties(), reference.committees()
    found = {code: Folder(drop_root / f"{code}-{counties[code].name}", "county", code) for code in COUNTIES}
    for code in COMMITTEES:
        found[code] = Folder(drop_root / "gba" / f"{code}-{committees[code][:12]}", "gba", "360922")
    found["self-reports"] = Folder(drop_root / "self-reports", "self_report", "360926")
    found["dues"] = Folder(drop_root / "dues", "dues", "360926")
    for folder in found.values():
        folder.path.mkdir(parents=True, exist_ok=True)
    return found


def drop(drop_root: Path, files: int, seed: int) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, int]]]:
    """Good files first (two per county, one per committee, for the self-reports and for dues), then hostile entries
    at random to make ``files`` in all. Returns what was dropped where (name -> maker) and the good files' rows."""
    rng = random.Random(seed)
    dropped: dict[str, dict[str, str]] = {}
    good: dict[str, dict[str, int]] = {}
    targets = folders(drop_root)
    serial = 900_000
    for code, folder in targets.items():
        for number in range(2 if folder.kind == "county" else 1):
            name, rows = good_file(folder, number, serial, GOOD_ROWS)
            serial += GOOD_ROWS
            dropped.setdefault(code, {})[name] = "good"
            good.setdefault(code, {})[name] = rows
    made = sum(len(names) for names in dropped.values())
    for n in range(max(0, files - made)):
        code = rng.choice(list(targets))
        maker = pick(rng)
        name = maker(rng, targets[code], n)
        dropped.setdefault(code, {})[name] = maker.__name__
    return dropped, good


def accounted(engine: sa.Engine, run_id: str) -> tuple[dict[str, dict[str, str]], dict[str, list[str]]]:
    """Every entry the run recorded, per folder code: name -> outcome (status or ``ignored``) and reason; and the
    tasks the run left unfinished, per task."""
    from roster_recon.warehouse import runs

    with engine.connect() as connection:
        recorded: dict[str, dict[str, str]] = {}
        files = connection.execute(
            sa.text("SELECT county_code, file_name, status, error FROM audit.file WHERE run_id = :r"), {"r": run_id}
        )
        for row in files:
            recorded.setdefault(row.county_code, {})[row.file_name] = f"{row.status}: {row.error or ''}"
        ignored = connection.execute(
            sa.text("SELECT county_code, name, reason FROM audit.ignored_entry WHERE run_id = :r"), {"r": run_id}
        )
        for row in ignored:
            recorded.setdefault(row.county_code or "", {})[row.name] = f"ignored: {row.reason}"
        unfinished = runs.unfinished(connection, run_id)
    return recorded, unfinished


def rows_loaded(engine: sa.Engine, run_id: str) -> dict[tuple[str, str], tuple[str, int]]:
    with engine.connect() as connection:
        found = connection.execute(
            sa.text("SELECT county_code, file_name, status, rows_loaded FROM audit.file WHERE run_id = :r"),
            {"r": run_id},
        )
        return {(r.county_code, r.file_name): (r.status, r.rows_loaded) for r in found}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=30)
    args = parser.parse_args()

    from roster_recon import warehouse
    from roster_recon.demo import driver as demo
    from roster_recon.share import shown

    data_dir = args.data_dir.resolve()
    demo.reset(data_dir)
    airflow_home = data_dir / "airflow"
    if not (airflow_home / "airflow.db").exists():
        airflow_home.mkdir(parents=True, exist_ok=True)
        env = airflow_env(data_dir, ROOT / "dags", data_dir / "x.jsonl")
        airflow(["db", "migrate"], env, data_dir / "migrate.log")
        airflow(["pools", "set", "roster_merge", "1", "one merge at a time"], env, data_dir / "pool.log")
    drop_root = data_dir / "drop"
    started = time.perf_counter()
    dropped, good = drop(drop_root, args.files, args.seed)
    total = sum(len(names) for names in dropped.values())
    print(f"dropped {total} entries ({len(MAKERS)} hostile kinds) in {time.perf_counter() - started:.0f} s", flush=True)

    timings = data_dir / "fuzz-timings.jsonl"
    timings.unlink(missing_ok=True)
    env = airflow_env(data_dir, ROOT / "dags", timings)
    started = time.perf_counter()
    failed = None
    try:
        airflow(["dags", "test", "roster_reconcile", AS_OF.isoformat()], env, data_dir / "fuzz-run.log")
    except Exception as error:  # the run's own failure is a finding: the checks below say what it left behind
        failed = error
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    engine = sa.create_engine(warehouse.embedded_url(data_dir), poolclass=sa.pool.NullPool)
    with engine.connect() as connection:
        run_id = connection.execute(
            sa.text("SELECT run_id FROM audit.run WHERE as_of = :d ORDER BY started_at DESC LIMIT 1"), {"d": AS_OF}
        ).scalar()
    recorded, unfinished = accounted(engine, run_id) if run_id else ({}, {"prepare": ["(no run)"]})
    loaded = rows_loaded(engine, run_id) if run_id else {}

    outcomes: dict[str, dict[str, dict[str, str]]] = {}
    lost: list[str] = []
    for code, names in dropped.items():
        seen = recorded.get(code, {})
        for name, maker in names.items():
            outcome = seen.get(shown(name))
            if outcome is None or outcome.split(":", 1)[0] in ("staged", "abandoned"):  # never settled
                lost.append(f"{code}/{shown(name)} ({maker})")
            outcomes.setdefault(code, {})[shown(name)] = {"maker": maker, "outcome": outcome or "UNACCOUNTED"}
    stuck = {code for code in dropped if any(code in codes for codes in unfinished.values())}
    stuck |= {entry.split("/", 1)[0] for entry in lost}
    good_total = sum(len(names) for names in good.values())
    merged = sum(
        loaded.get((code, name)) == ("loaded", rows) for code, names in good.items() for name, rows in names.items()
    )
    by_outcome = Counter(
        (o["maker"], o["outcome"].split(":", 1)[0]) for names in outcomes.values() for o in names.values()
    )
    result = {
        "as_of": AS_OF.isoformat(),
        "seed": args.seed,
        "files": total,
        "accounted": total - len(lost),
        "lost": lost,
        "stuck_folders": sorted(stuck),
        "unfinished_tasks": unfinished,
        "good_merged": merged,
        "good_total": good_total,
        "peak_rss_mb": round(peak_mb),
        "run_seconds": round(seconds, 1),
        "run_failed": str(failed) if failed else None,
        "by_maker_and_outcome": {f"{maker} -> {outcome}": n for (maker, outcome), n in sorted(by_outcome.items())},
        "entries": outcomes,
    }
    (data_dir / "fuzz-result.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    for key, count in result["by_maker_and_outcome"].items():
        print(f"  {key}: {count}")
    if failed:
        print(f"the DAG run failed ({failed}); log: {data_dir / 'fuzz-run.log'}")
    for entry in lost[:20]:
        print(f"  unaccounted: {entry}")
    print(f"run through `airflow dags test` in {seconds:.0f} s; detail in {data_dir / 'fuzz-result.json'}")
    print(
        f"fuzz: {total} files, {total - len(lost)} accounted for, {len(stuck)} stuck folders,"
        f" good files merged {merged}/{good_total}, peak RSS {peak_mb:.0f} MB"
    )
    ok = not lost and not stuck and merged == good_total and peak_mb <= PEAK_RSS_LIMIT_MB and failed is None
    shutil.rmtree(data_dir / "holding", ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
