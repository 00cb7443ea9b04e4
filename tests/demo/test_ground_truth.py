"""Generated Yichun data (reduced scale) through the whole pipeline: the warehouse finds exactly the ground truth."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

from helpers import latest_evidence_differences, run_all

from roster_recon import warehouse
from roster_recon.demo.driver import compare_with_ground_truth
from roster_recon.demo.generate import generate
from roster_recon.intake.validate import RosterValidator
from roster_recon.warehouse.replay import replay

MONTH1, MONTH2 = dt.date(2026, 10, 26), dt.date(2026, 11, 26)


def test_two_generated_months_match_the_ground_truth(make_settings, engine, tmp_path):
    validator = RosterValidator()
    first = make_settings(MONTH1)
    generate(first.drop_root, 1, seed=11, as_of=MONTH1, scale=0.04)
    result = run_all(first, validator)
    assert result["ingested"]["360922"]["rejected"] == 1  # the work summary that is not a roster
    assert compare_with_ground_truth(engine, tmp_path, MONTH1) == 0

    second = make_settings(MONTH2)
    generate(second.drop_root, 2, seed=11, as_of=MONTH2, scale=0.04, month_one_as_of=MONTH1)
    run_all(second, validator)
    assert compare_with_ground_truth(engine, tmp_path, MONTH2) == 0

    # Every source fed the evidence, the exports' overlap counted once, the strangers' reports counted per city.
    with engine.connect() as connection:
        by_source = dict(connection.exec_driver_sql("SELECT source, count(*) FROM core.contact_event GROUP BY 1").all())
        unmatched = connection.exec_driver_sql("SELECT sum(reports) FROM reporting.unmatched_self_reports").scalar()
        unmatched_dues = connection.exec_driver_sql(
            "SELECT sum(payments) FROM reporting.unmatched_dues_payments"
        ).scalar()
        doubled = connection.exec_driver_sql(
            "SELECT count(*) FROM (SELECT member_key, reported_at FROM core.contact_event"
            " WHERE source = 'self_report' GROUP BY 1, 2 HAVING count(*) > 1) d"
        ).scalar()
        flags = dict(connection.exec_driver_sql("SELECT flag, count(*) FROM core.member_flag GROUP BY 1").all())
    assert set(by_source) == {"ledger", "gba_activity", "dues", "self_report", "dues_payment"}
    assert unmatched > 0 and unmatched_dues > 0 and doubled == 0
    assert flags["destination_outdated"] > 0  # no_contact_record: too rare at this scale (tests/warehouse/test_contact)


def test_every_run_of_the_two_months_replays_to_what_it_recorded(make_settings, engine):
    """The flags of each run date, recomputed from what the warehouse holds, equal what that run recorded; the
    latest date's details and every member's latest evidence too."""
    validator = RosterValidator()
    for month, day in ((1, MONTH1), (2, MONTH2)):
        settings = make_settings(day)
        generate(settings.drop_root, month, seed=12, as_of=day, scale=0.03, month_one_as_of=MONTH1)
        run_all(settings, validator)
    with warehouse.raw_connection(engine) as connection:
        results = [replay(connection, day) for day in (MONTH1, MONTH2)]
    for result in results:
        assert result.recorded and result.equal, (result.as_of, sorted(result.missing)[:3], sorted(result.extra)[:3])
    assert results[0].recorded != results[1].recorded  # the months differ: the replay is not of the latest state
    with engine.connect() as connection:
        details = {
            tuple(row[:4]): row[4]
            for row in connection.exec_driver_sql(
                "SELECT encode(member_key, 'hex'), county_code, branch, flag, detail FROM core.member_flag"
                " WHERE closed_on IS NULL"
            )
        }
    assert details == results[1].recomputed
    # Each member's latest evidence, worked out by the runs from what moved, is the full definition's.
    assert latest_evidence_differences(engine, MONTH2) == 0


def test_the_generator_is_deterministic_by_seed_whatever_the_hash_seed(tmp_path):
    """Same seed, same rosters and truth, in processes whose string hashing differs (set order must not matter)."""
    import os
    import subprocess
    import sys

    truths = []
    for hash_seed in ("1", "2"):
        drop = tmp_path / hash_seed / "drop"
        arguments = ["--drop-root", str(drop), "--month", "2", "--seed", "5", "--scale", "0.3"]
        subprocess.run(
            [sys.executable, "-m", "roster_recon.demo.generate", *arguments, "--as-of", "2026-11-26"],
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            check=True,
            capture_output=True,
        )
        truths.append((tmp_path / hash_seed / "ground_truth_month2.json").read_bytes())
    assert truths[0] == truths[1]


def test_the_demo_commands_make_demo_calls_run_as_modules(tmp_path):
    """``make demo`` calls ``python -m roster_recon.demo`` and ``python -m roster_recon.demo.generate``."""
    for module in ("roster_recon.demo", "roster_recon.demo.generate"):
        result = subprocess.run([sys.executable, "-m", module, "--help"], capture_output=True, text=True, check=False)
        assert result.returncode == 0 and "usage:" in result.stdout, (module, result.stderr[-500:])
