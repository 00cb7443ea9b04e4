"""The file ledger on a real PostgreSQL: every file loaded, duplicate, superseded, rejected or ignored, and why."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
from pathlib import Path

import pytest
import xlsxwriter
from helpers import AS_OF, HEADER, TONGGU, WANZAI, person, rows, run_all, run_day, write_roster
from python_calamine import CalamineWorkbook


def test_same_file_again_is_a_duplicate_and_is_archived_not_loaded(make_settings, engine, validator):
    settings = make_settings(AS_OF)
    path = write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1)])
    content = path.read_bytes()
    run_all(settings, validator)
    path.write_bytes(content)  # the clerk sends the same file again
    run_all(make_settings(AS_OF, run_id="again"), validator)
    statuses = [r["status"] for r in rows(engine, "SELECT status FROM reporting.file_audit ORDER BY received_at")]
    assert statuses == ["loaded", "duplicate"]
    archive = settings.drop_root / WANZAI / "_archive" / AS_OF.isoformat()
    assert sorted(p.name for p in archive.iterdir()) == ["甲支部 (2).csv", "甲支部.csv"]


def test_a_file_mostly_wrong_is_rejected_whole(make_settings, engine, validator):
    settings = make_settings(AS_OF)
    write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1), person(2, 身份证号码="123"), person(3, 姓名="")])
    run_all(settings, validator)
    audit = rows(engine, "SELECT status, error FROM reporting.file_audit")[0]
    assert audit["status"] == "rejected" and "not a usable roster" in audit["error"]
    assert (settings.drop_root / WANZAI / "_rejected" / "甲支部.csv").exists()
    assert rows(engine, "SELECT count(*) AS n FROM core.roster_version")[0]["n"] == 0


def test_a_file_that_breaks_the_reader_is_rejected_and_the_countys_other_files_load(
    make_settings, engine, validator, monkeypatch
):
    from roster_recon.intake import read

    settings = make_settings(AS_OF)
    write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1)])
    broken = write_roster(settings.drop_root, WANZAI, "乙支部.csv", [person(2)])
    real_reader = read._read_csv

    def reader_with_a_bug(path, layout):  # the reader parses a private copy of the file: it knows it by its content
        if "党员2" in path.read_text(encoding="utf-8-sig"):
            raise IndexError("list index out of range")
        return real_reader(path, layout)

    monkeypatch.setattr(read, "_read_csv", reader_with_a_bug)
    run_all(settings, validator)
    audit = rows(engine, "SELECT file_name, status, error FROM reporting.file_audit ORDER BY file_name")
    assert [(a["file_name"], a["status"]) for a in audit] == [("乙支部.csv", "rejected"), ("甲支部.csv", "loaded")]
    assert "IndexError" in audit[0]["error"]
    assert (settings.drop_root / WANZAI / "_rejected" / broken.name).exists()
    assert list((settings.drop_root / WANZAI / "_feedback").glob("乙支部（csv）_反馈_*.xlsx"))


def test_one_empty_template_saved_under_two_branch_names_empties_both_branches(make_settings, engine, validator):
    settings = make_settings(AS_OF)
    write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1)])
    write_roster(settings.drop_root, WANZAI, "乙支部.csv", [person(2)])
    run_all(settings, validator)
    later = make_settings(AS_OF + dt.timedelta(days=1))
    template = write_roster(later.drop_root, WANZAI, "甲支部.csv", [])  # the header only
    (later.drop_root / WANZAI / "乙支部.csv").write_bytes(template.read_bytes())  # the same bytes, another branch
    run_all(later, validator)
    audit = rows(
        engine, "SELECT file_name, status FROM reporting.file_audit WHERE run_id = :r ORDER BY 1", r=later.run_id
    )
    assert [(a["file_name"], a["status"]) for a in audit] == [("乙支部.csv", "loaded"), ("甲支部.csv", "loaded")]
    assert rows(engine, "SELECT count(*) AS n FROM reporting.member_current")[0]["n"] == 0


def test_a_county_that_sends_an_earlier_roster_again_goes_back_to_it(make_settings, engine, validator):
    first = make_settings(AS_OF)
    october = write_roster(first.drop_root, WANZAI, "甲支部.csv", [person(1), person(2)]).read_bytes()
    run_all(first, validator)
    second = make_settings(AS_OF + dt.timedelta(days=1))
    write_roster(second.drop_root, WANZAI, "甲支部.csv", [person(1)])
    run_all(second, validator)
    third = make_settings(AS_OF + dt.timedelta(days=2))
    (third.drop_root / WANZAI / "甲支部.csv").write_bytes(october)  # the clerk sends October's roster again
    run_all(third, validator)
    statuses = rows(engine, "SELECT status FROM audit.file ORDER BY file_id")
    assert [s["status"] for s in statuses] == ["loaded", "loaded", "loaded"]
    names = rows(engine, "SELECT name FROM reporting.member_current ORDER BY name")
    assert [n["name"] for n in names] == ["党员1", "党员2"]
    fourth = make_settings(AS_OF + dt.timedelta(days=3))
    (fourth.drop_root / WANZAI / "甲支部.csv").write_bytes(october)  # and once more: now nothing would change
    run_all(fourth, validator)
    last = rows(engine, "SELECT status, duplicate_of FROM audit.file ORDER BY file_id DESC LIMIT 1")[0]
    third_id = rows(engine, "SELECT file_id FROM audit.file WHERE run_id = :r", r=third.run_id)[0]["file_id"]
    assert (last["status"], last["duplicate_of"]) == ("duplicate", third_id)


def test_a_file_whose_branches_a_newer_file_of_the_run_replaced_is_superseded(make_settings, engine, validator):
    settings = make_settings(AS_OF)
    older = write_roster(settings.drop_root, WANZAI, "甲支部_2026-10.csv", [person(1), person(2)])
    newer = write_roster(settings.drop_root, WANZAI, "甲支部_2026-11.csv", [person(1)])
    os.utime(older, (older.stat().st_atime, newer.stat().st_mtime - 60))
    run_all(settings, validator)
    audit = rows(engine, "SELECT file_name, status, error FROM reporting.file_audit ORDER BY file_name")
    assert [(a["file_name"], a["status"]) for a in audit] == [
        ("甲支部_2026-10.csv", "superseded"),
        ("甲支部_2026-11.csv", "loaded"),
    ]
    assert "replaced by a newer file" in audit[0]["error"]
    assert [r["name"] for r in rows(engine, "SELECT name FROM reporting.member_current")] == ["党员1"]
    assert not older.exists() and (settings.drop_root / WANZAI / "_archive" / AS_OF.isoformat() / older.name).exists()


def test_last_months_roster_synced_beside_the_current_one_sent_again_rolls_nothing_back(
    make_settings, engine, validator
):
    first = make_settings(AS_OF)
    current = write_roster(first.drop_root, WANZAI, "甲支部_2026-11.csv", [person(1)])
    content = current.read_bytes()
    run_all(first, validator)
    later = make_settings(AS_OF + dt.timedelta(days=1))
    again = later.drop_root / WANZAI / "甲支部_2026-11.csv"
    again.write_bytes(content)  # the clerk sends the current roster again ...
    older = write_roster(later.drop_root, WANZAI, "甲支部_2026-10.csv", [person(1), person(2)])
    os.utime(older, (older.stat().st_atime, again.stat().st_mtime - 30 * 86400))  # ... and a sync brings October's
    run_all(later, validator)
    audit = rows(
        engine, "SELECT file_name, status FROM reporting.file_audit WHERE run_id = :r ORDER BY 1", r=later.run_id
    )
    assert [(a["file_name"], a["status"]) for a in audit] == [
        ("甲支部_2026-10.csv", "superseded"),
        ("甲支部_2026-11.csv", "duplicate"),
    ]
    assert [r["name"] for r in rows(engine, "SELECT name FROM reporting.member_current")] == ["党员1"]
    assert rows(engine, "SELECT count(*) AS n FROM core.roster_version")[0]["n"] == 1


def test_a_file_an_earlier_run_could_not_archive_is_archived_not_read_again(
    make_settings, engine, validator, monkeypatch
):
    from roster_recon import tasks
    from roster_recon.delivery import archive

    first = make_settings(AS_OF)
    older = write_roster(first.drop_root, WANZAI, "甲支部_2026-10.csv", [person(1), person(2)])
    newer = write_roster(first.drop_root, WANZAI, "甲支部_2026-11.csv", [person(1)])
    os.utime(older, (older.stat().st_atime, newer.stat().st_mtime - 60))
    run_day(first, validator, until="merge")
    real_move = archive.move

    def open_in_wps(source, target):  # the share refuses to move a file another program holds open
        if source.name == older.name:
            raise PermissionError(13, "Permission denied", str(source))
        real_move(source, target)

    monkeypatch.setattr(archive, "move", open_in_wps)
    with pytest.raises(PermissionError):
        tasks.finish_folder(first, "360922")
    monkeypatch.setattr(archive, "move", real_move)
    tasks.report_run(first)  # the run ends failed
    assert older.exists()

    second = make_settings(AS_OF + dt.timedelta(days=1))
    run_all(second, validator)
    audit = {
        a["file_name"]: a
        for a in rows(
            engine, "SELECT file_name, status, error FROM reporting.file_audit WHERE run_id = :r", r=second.run_id
        )
    }
    left = audit[older.name]
    assert left["status"] == "duplicate" and "could not archive it" in left["error"]
    assert audit.get(newer.name, {"status": "duplicate"})["status"] == "duplicate"  # if finish died before it too
    assert not older.exists() and not newer.exists()
    assert [r["name"] for r in rows(engine, "SELECT name FROM reporting.member_current")] == ["党员1"]

    # Taken back out of the archive, times and all, it is the county sending October's roster again: it is read.
    third = make_settings(AS_OF + dt.timedelta(days=2))
    (archived,) = (third.drop_root / WANZAI / "_archive" / second.as_of.isoformat()).glob("甲支部_2026-10*.csv")
    shutil.copy2(archived, older)
    run_all(third, validator)
    (sent,) = rows(engine, "SELECT status FROM reporting.file_audit WHERE run_id = :r", r=third.run_id)
    assert sent["status"] == "loaded"
    assert sorted(r["name"] for r in rows(engine, "SELECT name FROM reporting.member_current")) == ["党员1", "党员2"]


def test_a_file_that_killed_two_attempts_is_rejected_unread_on_the_third(make_settings, engine, validator, monkeypatch):
    from roster_recon import tasks
    from roster_recon.intake import judge

    settings = make_settings(AS_OF)
    write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1)])
    deadly = write_roster(settings.drop_root, WANZAI, "乙支部.csv", [person(2)])
    real_read = judge._read

    def killed_while_reading(held, *args):  # the task process dies (the OOM killer, a lost worker) on this file
        if held.copy is not None and "党员2" in held.copy.read_text(encoding="utf-8-sig"):
            os.kill(os.getpid(), signal.SIGKILL)
        return real_read(held, *args)

    monkeypatch.setattr(judge, "_read", killed_while_reading)
    tasks.prepare_run(settings)
    for _attempt in range(2):
        child = os.fork()
        if child == 0:  # the attempt runs in a process of its own, as on a worker
            try:
                tasks.ingest_folder(settings, "360922", validator=validator)
            finally:
                os._exit(0)
        _, status = os.waitpid(child, 0)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    counted = rows(engine, "SELECT attempts FROM audit.file_reading WHERE county_code = '360922'")
    assert [c["attempts"] for c in counted] == [2]  # the first file was read each time; the second ended both

    tasks.ingest_folder(settings, "360922", validator=validator)  # the third attempt: the file is not read again
    tasks.merge_run(settings)
    for code in tasks.folders_to_finish(settings):
        tasks.finish_folder(settings, code)
    assert tasks.report_run(settings)["failures"] == []
    audit = rows(engine, "SELECT file_name, status, error FROM reporting.file_audit ORDER BY file_name")
    assert [(a["file_name"], a["status"]) for a in audit] == [("乙支部.csv", "rejected"), ("甲支部.csv", "loaded")]
    assert "stopped the pipeline twice" in audit[0]["error"]
    assert (settings.drop_root / WANZAI / "_rejected" / deadly.name).exists()
    assert rows(engine, "SELECT count(*) AS n FROM audit.file_reading")[0]["n"] == 0


def test_a_reading_that_fails_with_an_exception_is_no_ended_attempt(make_settings, engine, validator, monkeypatch):
    """A task timeout, a SIGTERM or a MemoryError raised while a file is read is not held against the file: only a
    process that dies while reading counts."""
    from roster_recon import tasks

    settings = make_settings(AS_OF)
    write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1)])

    def timed_out(*_args):
        raise TimeoutError("the task's execution_timeout")

    from roster_recon.intake import judge

    monkeypatch.setattr(judge, "_read", timed_out)
    tasks.prepare_run(settings)
    for _attempt in range(3):
        with pytest.raises(TimeoutError):
            tasks.ingest_folder(settings, "360922", validator=validator)
    assert rows(engine, "SELECT count(*) AS n FROM audit.file_reading")[0]["n"] == 0


def test_names_that_are_not_utf8_stop_nothing_and_read_as_gb18030(make_settings, engine, validator):
    """A zip unpacked with GBK names: the county folder, a file, a folder inside, a stray folder at the root."""
    settings = make_settings(AS_OF)
    root = os.fsencode(settings.drop_root)
    county = root + b"/" + "360922-万载县".encode("gbk")
    os.mkdir(county)
    roster = write_roster(settings.data_dir, "scratch", "x.csv", [person(1)]).read_bytes()
    with open(county + b"/" + "丙支部.csv".encode("gbk"), "wb") as handle:
        handle.write(roster)
    write_roster(settings.drop_root, TONGGU, "丁支部.csv", [person(2)])
    os.mkdir(county + b"/" + "旧台账".encode("gbk"))
    os.mkdir(root + b"/" + "说明".encode("gbk") + b"\xff")  # bytes of no encoding
    result = run_all(settings, validator)
    assert result["reported"]["failures"] == []
    audit = rows(engine, "SELECT county_code, file_name, status, archived_to FROM reporting.file_audit ORDER BY 1")
    assert [(a["county_code"], a["file_name"], a["status"]) for a in audit] == [
        ("360922", "丙支部.csv", "loaded"),
        ("360926", "丁支部.csv", "loaded"),
    ]
    assert audit[0]["archived_to"].endswith("360922-万载县/_archive/2026-11-26/丙支部.csv")
    branches = rows(engine, "SELECT branch FROM reporting.member_current ORDER BY branch")
    assert [b["branch"] for b in branches] == ["丁支部", "丙支部"]
    archived = os.listdir(county + b"/_archive/" + AS_OF.isoformat().encode())
    assert archived == ["丙支部.csv".encode("gbk")]  # the file keeps its bytes on disk
    assert os.listdir(county + b"/_follow_up") and os.listdir(county + b"/_feedback")  # the county's workbooks
    ignored = rows(engine, "SELECT county_code, name, reason FROM audit.ignored_entry ORDER BY name")
    assert ("360922", "旧台账") in [(i["county_code"], i["name"]) for i in ignored]
    assert (None, "说明\\xff") in [(i["county_code"], i["name"]) for i in ignored]


def test_a_folder_inside_a_county_folder_is_listed_as_ignored_with_the_reason(make_settings, engine, validator):
    settings = make_settings(AS_OF)
    write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1)])
    write_roster(settings.drop_root / WANZAI, "十一月", "乙支部.csv", [person(2)])  # a folder in the county folder
    result = run_all(settings, validator)
    ignored = rows(engine, "SELECT county_code, name, reason FROM audit.ignored_entry")
    assert [(i["county_code"], i["name"]) for i in ignored] == [("360922", "十一月")]
    assert "files inside folders are not read" in ignored[0]["reason"]
    assert "十一月" in Path(result["reported"]["report"]).read_text(encoding="utf-8")
    (told,) = (settings.drop_root / WANZAI / "_feedback").glob("未读取的文件.xlsx")
    cells = str(CalamineWorkbook.from_path(str(told)).get_sheet_by_index(0).to_python())
    assert "十一月" in cells and "files inside folders are not read" in cells
    assert rows(engine, "SELECT count(*) AS n FROM reporting.member_current")[0]["n"] == 1


def test_a_nul_byte_in_a_cell_is_removed_with_a_warning_and_the_file_loads(make_settings, engine, validator):
    settings = make_settings(AS_OF)
    write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1, 从事行业="电子\x00信息"), person(2)])
    result = run_all(settings, validator)
    assert result["ingested"]["360922"]["accepted"] == 1
    industry = rows(engine, "SELECT industry FROM reporting.member_current WHERE name = '党员1'")[0]["industry"]
    assert industry == "电子信息"
    problems = rows(engine, "SELECT source_row, column_name, code, severity FROM audit.file_problem")
    assert {
        "source_row": 2,
        "column_name": "从事行业",
        "code": "control_characters_removed",
        "severity": "warning",
    } in (problems)


def test_a_county_whose_folder_holds_only_a_folder_is_told_its_files_were_not_read(make_settings, engine, validator):
    settings = make_settings(AS_OF)
    write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1)])
    write_roster(settings.drop_root / TONGGU, "十一月", "乙支部.csv", [person(2)])  # nothing but a folder
    run_all(settings, validator)
    told = settings.drop_root / TONGGU / "_feedback" / "未读取的文件.xlsx"
    assert "十一月" in str(CalamineWorkbook.from_path(str(told)).get_sheet_by_index(0).to_python())
    (settings.drop_root / TONGGU / "十一月" / "乙支部.csv").rename(settings.drop_root / TONGGU / "乙支部.csv")
    (settings.drop_root / TONGGU / "十一月").rmdir()  # the clerk moves the file up
    run_all(make_settings(AS_OF + dt.timedelta(days=1)), validator)
    assert not told.exists()  # nothing left unread: the workbook goes
    assert rows(engine, "SELECT count(*) AS n FROM reporting.member_current")[0]["n"] == 2


def test_a_problem_in_a_workbook_with_a_sheet_per_branch_names_its_sheet(make_settings, engine, validator):
    settings = make_settings(AS_OF)
    folder = settings.drop_root / WANZAI
    folder.mkdir(parents=True)
    book = xlsxwriter.Workbook(str(folder / "万载县台账.xlsx"))
    for sheet_name, first in (("甲支部", 1), ("乙支部", 4)):
        sheet = book.add_worksheet(sheet_name)
        sheet.write_row(0, 0, HEADER)
        for offset, changes in enumerate(({}, {"姓名": ""}, {})):  # the second row of each sheet has no name
            sheet.write_row(offset + 1, 0, [str(v) for v in person(first + offset, **changes).values()])
    book.close()
    run_all(settings, validator)
    problems = rows(
        engine, "SELECT sheet, source_row, code FROM audit.file_problem WHERE code = 'name_missing' ORDER BY sheet"
    )
    assert [(p["sheet"], p["source_row"]) for p in problems] == [("乙支部", 3), ("甲支部", 3)]
    (told,) = (folder / "_feedback").glob("万载县台账（xlsx）_反馈_*.xlsx")
    listed = CalamineWorkbook.from_path(str(told)).get_sheet_by_index(1).to_python()
    assert listed[0][:2] == ["工作表 Sheet", "行号 Row"]
    assert {(row[0], str(row[1])) for row in listed[1:]} >= {("甲支部", "3"), ("乙支部", "3")}
