"""Reading in a child process: a reader that panics, aborts, hangs or eats memory rejects its file, not the county."""

from __future__ import annotations

from functools import partial

import pytest
from helpers import AS_OF, crashing_reader, person, write_roster

from roster_recon.intake import discover, judge
from roster_recon.intake.isolated import read_isolated
from roster_recon.intake.kinds import COUNTY
from roster_recon.intake.read import RosterFileError, read_roster
from roster_recon.outcome import CurrentSnapshots


@pytest.mark.parametrize(
    ("start", "code", "said"),
    [
        (b"PANIC", "reader_crashed", "PanicException"),
        (b"ABORT", "reader_crashed", "SIGABRT"),
        (b"HANG", "reader_timed_out", "more than 2 s"),
        (b"GREEDY", "reader_crashed", "MemoryError"),
    ],
)
def test_a_reader_that_panics_aborts_hangs_or_eats_memory_rejects_the_file(tmp_path, start, code, said):
    path = tmp_path / "甲支部.xlsx"
    path.write_bytes(start + b" not a workbook")
    with pytest.raises(RosterFileError) as rejected:
        read_isolated(path, 50, reader=crashing_reader, memory_mb=512, seconds=2)
    assert rejected.value.code == code and said in rejected.value.message_en
    assert "另存为 .xlsx" in rejected.value.message_zh


def test_a_file_read_in_the_child_is_the_same_table_and_its_rejections_the_same(tmp_path):
    path = write_roster(tmp_path, "360922", "甲支部.csv", [person(1), person(2)])
    isolated, direct = read_isolated(path, 50), read_roster(path, 50)
    assert isolated.frame.equals(direct.frame) and isolated.row_numbers == direct.row_numbers
    empty = tmp_path / "空.csv"
    empty.write_bytes(b"")
    with pytest.raises(RosterFileError) as rejected:
        read_isolated(empty, 50)
    assert rejected.value.code == "empty_file"


def test_a_workbook_that_crashes_the_reader_is_rejected_and_the_countys_other_files_load(
    make_settings, validator, monkeypatch
):
    settings = make_settings(AS_OF)
    write_roster(settings.drop_root, "360922-万载县", "甲支部.csv", [person(1)])
    for start in (b"PANIC", b"ABORT"):
        (settings.drop_root / "360922-万载县" / f"{start.decode()}.xlsx").write_bytes(start + b" damaged")
    monkeypatch.setattr(judge, "read_isolated", partial(read_isolated, reader=crashing_reader, seconds=30))
    files, _ = discover.roster_files(discover.folder_of(settings.drop_root, "360922"))

    def validate(frame, file_names):
        return validator.validate(frame, "county_360922", "test", file_names)

    found = judge.folder_outcomes(files, "360922", CurrentSnapshots({}), validate, settings, kind=COUNTY)
    outcomes = {o.name: o for o in found}
    assert {name: o.status for name, o in outcomes.items()} == {
        "甲支部.csv": "staged",
        "PANIC.xlsx": "rejected",
        "ABORT.xlsx": "rejected",
    }
    assert "reader crashed" in outcomes["ABORT.xlsx"].error and "SIGABRT" in outcomes["ABORT.xlsx"].error


def test_a_task_process_of_a_celery_worker_may_read_in_a_child(tmp_path, monkeypatch):
    """Celery's prefork pool marks its processes daemonic, and Airflow forks the task process from them:
    multiprocessing would refuse that process a child ("daemonic processes are not allowed to have children")."""
    import multiprocessing

    monkeypatch.setitem(multiprocessing.current_process()._config, "daemon", True)
    path = write_roster(tmp_path, "360922", "甲支部.csv", [person(1)])
    assert len(read_isolated(path, 50).frame) == 1
