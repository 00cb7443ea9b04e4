"""Generated Yichun data (reduced scale) through the whole pipeline: the warehouse finds exactly the ground truth."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

from helpers import run_all

from roster_recon.demo.driver import compare_with_ground_truth
from roster_recon.demo.generate import generate
from roster_recon.intake.validate import RosterValidator

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
