"""Great Expectations decides: the rows GX reports under the hard rules are exactly the rows rejected."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from helpers import id_number

from roster_recon.delivery.data_docs import build_data_docs
from roster_recon.intake.validate import RosterValidator


@pytest.fixture(scope="module")
def validator():
    return RosterValidator()


def roster(**columns) -> pd.DataFrame:
    size = len(next(iter(columns.values())))
    base = {
        "name": [f"n{i}" for i in range(size)],
        "id_number": [id_number(i) for i in range(size)],
        "branch": ["甲"] * size,
        "outflow_date": ["2020-01-01"] * size,
        "destination": ["深圳"] * size,
        "phone_if_valid": ["+8613800138000"] * size,
        "industry": ["物流"] * size,
    }
    base.update(columns)
    return pd.DataFrame(base, index=range(100, 100 + size))


def test_a_clean_roster_passes_every_rule(validator):
    outcome = validator.validate(roster(name=["a", "b"]), "test_clean", "clean")
    assert outcome.rejected_rows == set()
    assert all(result.success for result in outcome.results)
    assert {r.rule for r in outcome.results} >= {"name_missing", "id_invalid", "id_repeated_in_branch"}


def test_each_hard_rule_rejects_its_rows_and_only_them(validator):
    ids = [id_number(1), id_number(2), id_number(1), "36042619910102009X", None, id_number(6)]
    frame = roster(name=["a", "b", "c", "d", "e", None], id_number=ids, branch=["甲", "甲", "甲", "甲", "甲", "乙"])
    outcome = validator.validate(frame, "test_hard", "hard")
    assert outcome.rejected == {
        "id_repeated_in_branch": [102],  # the later row only
        "id_invalid": [103],
        "id_missing": [104],
        "name_missing": [105],
    }
    assert outcome.rejected_rows == {102, 103, 104, 105}


def test_same_id_in_two_branches_is_not_a_repeat(validator):
    frame = roster(id_number=[id_number(1), id_number(1)], branch=["甲", "乙"])
    assert validator.validate(frame, "test_branches", "branches").rejected_rows == set()


def test_soft_rules_report_but_never_reject(validator):
    frame = roster(outflow_date=[None, "2020-01-01"], destination=[None, None], phone_if_valid=[None, None])
    outcome = validator.validate(frame, "test_soft", "soft")
    assert outcome.rejected_rows == set()
    soft = {r.rule: r for r in outcome.results if r.severity == "soft"}
    assert soft["outflow_date_missing"].unexpected_count == 1
    assert soft["destination_missing"].unexpected_count == 2
    assert not soft["phone_missing_or_invalid"].success
    assert soft["industry_missing"].success


def test_data_docs_name_every_validated_file_and_show_no_row_value(tmp_path):
    validator = RosterValidator()
    repeated, off_by_one = id_number(7), id_number(8)[:-1] + ("1" if id_number(8)[-1] != "1" else "2")
    frame = roster(
        name=["a", "b", "c", "d"],
        id_number=[repeated, repeated, off_by_one, id_number(9)],
        file_name=["洪塘镇东风村党支部.csv", "洪塘镇东风村党支部.csv", "甲支部.xlsx", "甲支部.xlsx"],
        file_key=[0, 0, 1, 1],
    )
    outcome = validator.validate(frame, "county_360922", "run1 360922 (2 files)")
    assert outcome.rejected == {"id_repeated_in_branch": [101], "id_invalid": [102]}
    stored = json.dumps(validator.documents, ensure_ascii=False)
    index = build_data_docs(validator.documents, tmp_path / "site")
    pages = "".join(p.read_text(encoding="utf-8") for p in index.parent.rglob("*.html"))
    assert "洪塘镇东风村党支部.csv" in pages and "甲支部.xlsx" in pages
    written = "".join(p.read_text(encoding="utf-8", errors="replace") for p in tmp_path.rglob("*") if p.is_file())
    for raw in (repeated, off_by_one):  # GX's COMPLETE result listed both; neither may be kept or shown
        assert raw not in stored and raw not in written
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # the scratch context is gone


def test_validators_in_parallel_processes_share_no_file(tmp_path):
    """Mapped ingest tasks validate at once in separate processes; none may write where another reads."""
    code = (
        "import os, sys, pandas as pd; from helpers import id_number;"
        "from roster_recon.intake.validate import RosterValidator;"
        "frame = pd.DataFrame({'name': ['a'], 'id_number': [id_number(1)], 'branch': ['x'], 'outflow_date': [None],"
        " 'destination': [None], 'phone_if_valid': [None], 'industry': [None]});"
        "outcome = RosterValidator().validate(frame, 'county_' + sys.argv[1], 'r ' + sys.argv[1]);"
        "print(sorted(os.listdir('.')), outcome.rejected_rows)"
    )
    tests = Path(__file__).resolve().parents[1]
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(n)],
            cwd=tmp_path,
            env={**os.environ, "PYTHONPATH": str(tests)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(4)
    ]
    outputs = [worker.communicate(timeout=300) for worker in workers]
    assert [worker.returncode for worker in workers] == [0] * 4, [err[-2000:] for _, err in outputs]
    assert all(out.strip() == "[] set()" for out, _ in outputs), outputs
    assert list(tmp_path.iterdir()) == []


def test_a_county_batch_splits_back_into_each_files_verdict(validator):
    ids = [id_number(1), None, id_number(3), id_number(3), id_number(5)]
    frame = roster(id_number=ids, destination=[None, "深圳", "深圳", None, None]).reset_index(drop=True)
    frame["file_key"] = [0, 0, 1, 1, 1]  # file 2 had a header and no rows
    per_file = validator.validate(frame, "test_split", "split").split(frame["file_key"].to_numpy(), range(3))
    assert [per_file[key].rejected for key in range(3)] == [{"id_missing": [1]}, {"id_repeated_in_branch": [3]}, {}]
    counts = {key: {r.rule: (r.element_count, r.unexpected_count) for r in per_file[key].results} for key in range(3)}
    assert counts[0]["destination_missing"] == (2, 1) and counts[1]["destination_missing"] == (3, 2)
    assert counts[2]["destination_missing"] == (0, 0)
    present = {key: next(r.success for r in per_file[key].results if r.rule == "rows_present") for key in range(3)}
    assert present == {0: True, 1: True, 2: False}
