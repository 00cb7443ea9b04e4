"""Finish on a real PostgreSQL: files archived once, feedback written, follow-up lists rewritten only on change."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from helpers import AS_OF, WANZAI, person, rows, run_all, run_day, write_roster
from python_calamine import CalamineWorkbook

from roster_recon import tasks
from roster_recon.delivery import finish
from roster_recon.intake import judge


def test_follow_up_list_is_written_again_only_when_it_changes(make_settings, engine, validator):
    def follow_up(result):
        done = result["finished"].get("360922", {"follow_up_written": 0, "follow_up_members": None})
        lists = sorted((settings.drop_root / WANZAI / "_follow_up").glob("*.xlsx"))
        names = [row[1] for row in CalamineWorkbook.from_path(str(lists[-1])).get_sheet_by_index(0).to_python()[1:]]
        return done["follow_up_written"], done["follow_up_members"], [p.name for p in lists], names

    day1, day2, day3 = AS_OF, AS_OF + dt.timedelta(days=1), AS_OF + dt.timedelta(days=2)
    settings = make_settings(day1)
    write_roster(
        settings.drop_root,
        WANZAI,
        "甲支部.csv",
        [person(1), person(2, 流出时间=""), person(5, 最后联系时间="2026-05-27")],  # lost from 2026-11-28
    )
    assert follow_up(run_all(settings, validator)) == (1, 1, ["随访名单_360922_2026-11-26.xlsx"], ["党员2"])
    # The next day nothing arrives and no flag changes: the list on file is still right, and the county is not even
    # finished (no task for it in the DAG).
    idle = run_all(make_settings(day2), validator)
    assert idle["finished"] == {}
    assert follow_up(idle) == (0, None, ["随访名单_360922_2026-11-26.xlsx"], ["党员2"])
    # A day later 党员5 passes six months without contact: a flag is raised, so a new list is written, lost first.
    assert follow_up(run_all(make_settings(day3), validator)) == (
        1,
        2,
        ["随访名单_360922_2026-11-26.xlsx", "随访名单_360922_2026-11-28.xlsx"],
        ["党员5", "党员2"],
    )
    # A file that loads also writes it again, even when the flags stay the same.
    again = [person(1), person(2, 流出时间="", 联系电话="13900000002"), person(5, 最后联系时间="2026-05-27")]
    write_roster(settings.drop_root, WANZAI, "甲支部.csv", again)
    assert follow_up(run_all(make_settings(day3 + dt.timedelta(days=1)), validator))[:2] == (1, 2)
    # A file that loads but changes nothing on the list (a member without flags changed industry): the rows are read
    # and hashed, and the workbook on file stays.
    unflagged = [person(1, 从事行业="物流"), *again[1:]]
    write_roster(settings.drop_root, WANZAI, "甲支部.csv", unflagged)
    day5 = day3 + dt.timedelta(days=2)
    assert follow_up(run_all(make_settings(day5), validator))[:3] == (
        0,
        2,
        ["随访名单_360922_2026-11-26.xlsx", "随访名单_360922_2026-11-28.xlsx", "随访名单_360922_2026-11-29.xlsx"],
    )
    written = rows(
        engine, "SELECT as_of, members, path FROM audit.follow_up_list WHERE county_code = '360922' ORDER BY list_id"
    )
    assert [(w["as_of"], w["members"]) for w in written] == [
        (day1, 1),
        (day3, 2),
        (day3 + dt.timedelta(days=1), 2),
        (day5, 2),  # checked, not written: it points at the list of the day before
    ]
    assert written[-1]["path"] == written[-2]["path"]


def test_a_file_saved_again_after_it_was_read_stays_and_is_read_next_run(make_settings, engine, validator):
    settings = make_settings(AS_OF)
    path = write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1)])
    run_day(settings, validator, until="merge")
    write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1), person(2)])  # the clerk saves again
    for county in tasks.folders_to_finish(settings):
        tasks.finish_folder(settings, county)
    tasks.report_run(settings)
    assert path.exists()  # not archived under the old content's audit row
    run_all(make_settings(AS_OF + dt.timedelta(days=1)), validator)
    assert not path.exists()
    audit = rows(engine, "SELECT rows_loaded, archived_to IS NOT NULL AS archived FROM audit.file ORDER BY file_id")
    assert [(a["rows_loaded"], a["archived"]) for a in audit] == [(1, False), (2, True)]
    assert rows(engine, "SELECT count(*) AS n FROM reporting.member_current")[0]["n"] == 2


def test_a_crash_between_recording_the_destination_and_moving_is_finished_by_the_retry(
    make_settings, engine, validator, monkeypatch
):
    settings = make_settings(AS_OF)
    path = write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1)])
    run_day(settings, validator, until="merge")

    def worker_dies(source, target):
        raise SystemExit("worker killed")

    monkeypatch.setattr(finish.archive, "move", worker_dies)
    with pytest.raises(SystemExit):
        tasks.finish_folder(settings, "360922")
    recorded = rows(engine, "SELECT archived_to FROM audit.file")[0]["archived_to"]
    assert recorded and path.exists()  # the destination is known before the move
    monkeypatch.undo()
    tasks.finish_folder(settings, "360922")  # the retry
    assert not path.exists() and Path(recorded).exists()
    assert rows(engine, "SELECT archived_to FROM audit.file")[0]["archived_to"] == recorded


def test_what_is_hashed_parsed_and_archived_is_one_content(make_settings, engine, validator, monkeypatch):
    """A clerk saving the file while it is read: the warehouse holds what was parsed, under that content's sha256."""

    settings = make_settings(AS_OF)
    path = write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1)])
    first_version = hashlib.sha256(path.read_bytes()).hexdigest()
    real_reader = judge.read_isolated

    def clerk_saves_while_it_is_read(copy, *args):
        write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1), person(2)])
        return real_reader(copy, *args)

    monkeypatch.setattr(judge, "read_isolated", clerk_saves_while_it_is_read)
    run_all(settings, validator)
    monkeypatch.undo()
    audit = rows(engine, "SELECT sha256, rows_loaded, archived_to FROM audit.file")
    assert [(a["sha256"], a["rows_loaded"], a["archived_to"]) for a in audit] == [(first_version, 1, None)]
    assert path.exists()  # the saved version was never read: it stays, and the next run reads it
    run_all(make_settings(AS_OF + dt.timedelta(days=1)), validator)
    assert not path.exists() and rows(engine, "SELECT count(*) AS n FROM reporting.member_current")[0]["n"] == 2


def test_feedback_owed_by_a_finish_that_died_is_written_by_the_next_run(make_settings, engine, validator, monkeypatch):
    settings = make_settings(AS_OF)
    path = write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1, 从事行业="")])
    run_day(settings, validator, until="merge")

    def worker_dies(*args):
        raise SystemExit("worker killed")

    monkeypatch.setattr(finish.feedback, "write_file_feedback", worker_dies)
    with pytest.raises(SystemExit):  # every try of the finish task dies
        tasks.finish_folder(settings, "360922")
    monkeypatch.undo()
    tasks.report_run(settings)
    assert path.exists() and not (settings.drop_root / WANZAI / "_feedback").exists()
    run_all(make_settings(AS_OF + dt.timedelta(days=1)), validator)
    audit = rows(engine, "SELECT status, feedback_path FROM audit.file ORDER BY file_id")
    assert [a["status"] for a in audit] == ["loaded", "duplicate"]
    assert audit[0]["feedback_path"] and Path(audit[0]["feedback_path"]).is_file()
    cells = str(CalamineWorkbook.from_path(audit[0]["feedback_path"]).get_sheet_by_index(1).to_python())
    assert "从事行业" in cells
    assert not path.exists()


def test_a_retry_never_erases_a_recorded_archive_destination(make_settings, engine, validator):
    settings = make_settings(AS_OF)
    path = write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1)])
    run_day(settings, validator, until="finish")
    archived_to = rows(engine, "SELECT archived_to FROM audit.file")[0]["archived_to"]
    assert archived_to and Path(archived_to).is_file() and not path.exists()
    write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1), person(2)])  # December's roster arrives
    tasks.finish_folder(settings, "360922")  # a retry of the finish task (its first try's success was lost)
    assert rows(engine, "SELECT archived_to FROM audit.file")[0]["archived_to"] == archived_to
    assert path.exists()  # the new file waits for the next run


def test_a_retry_after_a_death_between_the_move_and_the_check_gives_an_unread_version_back(
    make_settings, engine, validator, monkeypatch
):
    settings = make_settings(AS_OF)
    path = write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1)])
    run_day(settings, validator, until="merge")
    write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1), person(2)])  # the clerk saves again

    def worker_dies(target):
        raise SystemExit("worker killed after the move")

    monkeypatch.setattr(finish.discover, "sha256_of", worker_dies)
    with pytest.raises(SystemExit):
        tasks.finish_folder(settings, "360922")
    monkeypatch.undo()
    assert not path.exists()  # the unread version sits in the archive
    tasks.finish_folder(settings, "360922")  # the retry
    assert path.exists() and rows(engine, "SELECT archived_to FROM audit.file")[0]["archived_to"] is None
    assert list((settings.drop_root / WANZAI / "_archive" / AS_OF.isoformat()).iterdir()) == []


def test_a_file_swapped_for_a_pipe_after_it_was_read_is_given_back_unopened_and_the_rest_finish(
    make_settings, engine, validator
):
    import os

    settings = make_settings(AS_OF)
    swapped = write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1)])
    other = write_roster(settings.drop_root, WANZAI, "乙支部.csv", [person(2)])
    os.utime(other, (swapped.stat().st_mtime + 10,) * 2)  # read after 甲支部 (oldest first)
    run_day(settings, validator, until="merge")
    swapped.unlink()
    os.mkfifo(swapped)  # opening it to check its hash would wait for a writer for ever
    for county in tasks.folders_to_finish(settings):
        tasks.finish_folder(settings, county)
    assert not other.exists()  # the county's other file was archived
    audit = rows(engine, "SELECT file_name, archived_to IS NOT NULL AS archived FROM audit.file ORDER BY file_name")
    assert {a["file_name"]: a["archived"] for a in audit} == {"乙支部.csv": True, "甲支部.csv": False}


def test_two_runs_of_one_date_keep_each_files_feedback(make_settings, engine, validator):
    """A ``_READY`` run in the afternoon and the night's run of the same date, each reading a 甲支部.csv with a
    problem: the clerk finds both workbooks, not the second written over the first."""
    ready = make_settings(AS_OF, run_id="ready")
    write_roster(ready.drop_root, WANZAI, "甲支部.csv", [person(1), person(2, 流出时间="")])
    run_all(ready, validator)
    night = make_settings(AS_OF, run_id="night")
    write_roster(night.drop_root, WANZAI, "甲支部.csv", [person(1), person(3, 流入地="")])
    run_all(night, validator)
    audit = rows(engine, "SELECT run_id, feedback_path FROM audit.file ORDER BY file_id")
    assert [a["run_id"] for a in audit] == ["ready", "night"]
    first, second = (Path(a["feedback_path"]) for a in audit)
    assert first.name == f"甲支部（csv）_反馈_{AS_OF.isoformat()}.xlsx"
    assert second.name == f"甲支部（csv）_反馈_{AS_OF.isoformat()} (2).xlsx"
    cells = [str(CalamineWorkbook.from_path(str(p)).get_sheet_by_index(1).to_python()) for p in (first, second)]
    assert "党员2" in cells[0] and "党员3" not in cells[0]
    assert "党员3" in cells[1] and "党员2" not in cells[1]


def test_a_file_name_as_long_as_the_file_system_allows_is_archived_with_its_feedback(make_settings, engine, validator):
    """An 83-character branch name (253 bytes with ``.csv``), sent twice on one date: its archive copy needs `` (2)``
    and its feedback workbook a type and a date: both names are cut to fit, where they failed every night."""
    long_name = "宜春市万载县" + "某某镇某某村流动党员党支部" * 5 + "二〇二六年十一月台账修订版本第三稿"
    long_name = long_name[:83]
    for run_id in ("ready", "night"):
        settings = make_settings(AS_OF, run_id=run_id)
        path = write_roster(settings.drop_root, WANZAI, f"{long_name}.csv", [person(1), person(2, 流出时间="")])
        assert len(path.name.encode()) == 253
        run_all(settings, validator)
    audit = rows(engine, "SELECT run_id, status, archived_to, feedback_path FROM audit.file ORDER BY file_id")
    assert [(a["run_id"], a["status"]) for a in audit] == [("ready", "loaded"), ("night", "duplicate")]
    archived = [Path(a["archived_to"]) for a in audit]
    feedback = Path(audit[0]["feedback_path"])  # a duplicate has nothing to fix: no workbook
    assert all(path.is_file() and len(path.name.encode()) <= 255 for path in [*archived, feedback])
    assert feedback.name.endswith(f"…（csv）_反馈_{AS_OF.isoformat()}.xlsx")
    assert Path(audit[1]["archived_to"]).name.endswith("… (2).csv")
    assert not list((settings.drop_root / WANZAI).glob("*.csv"))
