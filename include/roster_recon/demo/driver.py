"""``make demo`` helpers: a clean start, and the summary printed after each run (with the ground-truth check).

``python -m roster_recon.demo reset --data-dir .data``
``python -m roster_recon.demo summary --data-dir .data --as-of 2026-11-26 [--check-ground-truth]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
from collections import Counter
from pathlib import Path

import sqlalchemy as sa

from roster_recon import reference, sql_files, warehouse
from roster_recon.delivery import report

sql = sql_files.loader(__file__)


def reset(data_dir: Path) -> None:
    """Forget the previous demo: drop folders, reports, Data Docs and the warehouse database."""
    for name in ("drop", "reports", "data_docs", "gx"):
        shutil.rmtree(data_dir / name, ignore_errors=True)
    for truth in data_dir.glob("ground_truth_month*.json"):
        truth.unlink()
    warehouse.reset_embedded(data_dir)


def summary(data_dir: Path, as_of: dt.date, check_ground_truth: bool) -> int:
    engine = sa.create_engine(warehouse.embedded_url(data_dir), poolclass=sa.pool.NullPool)
    with engine.connect() as connection:
        run_id = connection.execute(
            sa.text("SELECT run_id FROM audit.run WHERE as_of = :d AND status = 'merged' ORDER BY merged_at DESC"),
            {"d": as_of},
        ).scalar()
        if run_id is None:
            print(f"no merged run as of {as_of}; see the run log under {data_dir}")
            return 1
        files = connection.execute(
            sa.text(sql("driver_summary")),
            {"r": run_id},
        ).all()
        ignored = connection.execute(
            sa.text("SELECT county_code, name, reason FROM audit.ignored_entry WHERE run_id = :r"), {"r": run_id}
        ).all()
    print(report.summary_text(report.read_figures(engine, run_id)))
    committees = reference.committees()
    print("\n  every county file this run (GBA committees' files: per committee below):")
    for file in files:
        if file.county_code in committees:
            continue
        note = f"  ({file.error})" if file.error else ""
        print(
            f"    {file.county_code} {file.status:<9} {file.rows_loaded:>4}/{file.rows_read:<4} rows"
            f"  {file.file_name}{note[:110]}"
        )
    by_committee: dict[str, list] = {}
    for file in files:
        if file.county_code in committees:
            by_committee.setdefault(file.county_code, []).append(file)
    for code, sent in by_committee.items():
        statuses = ", ".join(f"{n} {s}" for s, n in sorted(Counter(f.status for f in sent).items()))
        loaded, read = sum(f.rows_loaded for f in sent), sum(f.rows_read for f in sent)
        print(f"    {code} gba/  {len(sent)} files ({statuses}), {loaded}/{read} rows")
    for entry in ignored:
        print(f"    {entry.county_code or '------'} ignored        {entry.name}  ({entry.reason})")
    print(f"\n  report:     {data_dir / 'reports' / f'run-{as_of.isoformat()}.html'}")
    print(f"  data docs:  {data_dir / 'data_docs' / as_of.isoformat() / 'index.html'}")
    print(f"  feedback:   {data_dir / 'drop'}/<county>/_feedback/   follow-up lists: <county>/_follow_up/")
    status = 0
    if check_ground_truth:
        status = compare_with_ground_truth(engine, data_dir, as_of)
    engine.dispose()
    return status


def compare_with_ground_truth(engine: sa.Engine, data_dir: Path, as_of: dt.date) -> int:
    """Flags per roster entry and rejected rows per file, against what the generator wrote down."""
    truths = sorted(data_dir.glob("ground_truth_month*.json"))
    truth = json.loads(truths[-1].read_text(encoding="utf-8"))
    with engine.connect() as connection:
        current = {
            (row.member_key, row.county_code, row.branch): sorted(row.flags)
            for row in connection.execute(
                sa.text("SELECT member_key, county_code, branch, flags FROM reporting.member_current")
            )
        }
        rejected = {
            f"{row.county_code}/{row.file_name}": row.rows_rejected
            for row in connection.execute(
                sa.text(sql("driver_compare_with_ground_truth")),
                {"d": as_of},
            )
        }
    expected = {(e["member_key"], e["county_code"], e["branch"]): e["flags"] for e in truth["entries"]}
    flag_mismatches = [key for key in expected.keys() | current.keys() if expected.get(key) != current.get(key)]
    file_mismatches = [
        name
        for name, file in truth["files"].items()
        if not file.get("whole_file") and rejected.get(name) != file["rejected_rows"]
    ]
    with engine.connect() as connection:
        categories = dict(
            connection.execute(sa.text("SELECT member_key, category FROM reporting.gba_reconciliation")).all()
        )
    expected_categories = truth["gba"]["categories"]
    category_mismatches = [
        key
        for key in expected_categories.keys() | categories.keys()
        if expected_categories.get(key) != categories.get(key)
    ]
    verdict = "MATCHES" if not flag_mismatches and not file_mismatches and not category_mismatches else "DOES NOT MATCH"
    print(
        f"\n  ground truth ({truths[-1].name}): {verdict} — {len(expected)} roster entries,"
        f" {len(flag_mismatches)} with different flags; {len(truth['files'])} files,"
        f" {len(file_mismatches)} with a different count of rejected rows"
    )
    print(
        f"  both sides: {len(expected_categories)} members in the ground truth's categories"
        f" ({', '.join(f'{c} {n}' for c, n in truth['gba']['counts'].items())}), {len(category_mismatches)} different"
    )
    for key in category_mismatches[:5]:
        print(f"    member {key[:12]}…: expected {expected_categories.get(key)}, found {categories.get(key)}")
    for key in flag_mismatches[:5]:
        print(f"    entry {key[1]} {key[2]} {key[0][:12]}…: expected {expected.get(key)}, found {current.get(key)}")
    for name in file_mismatches[:5]:
        print(f"    file {name}: expected {truth['files'][name]['rejected_rows']} rejected, found {rejected.get(name)}")
    return 0 if verdict == "MATCHES" else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("reset", "summary"))
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--as-of", type=dt.date.fromisoformat)
    parser.add_argument("--check-ground-truth", action="store_true")
    args = parser.parse_args(argv)
    data_dir = args.data_dir.resolve()
    if args.command == "reset":
        reset(data_dir)
        print(f"demo data reset under {data_dir}")
        return 0
    return summary(data_dir, args.as_of, args.check_ground_truth)


if __name__ == "__main__":
    sys.exit(main())
