"""Runs on a real PostgreSQL: the claim, crashes at every step, what the report says failed, silent counties."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa
from helpers import (
    AS_OF,
    SHENZHEN,
    TONGGU,
    WANZAI,
    gba_person,
    id_number,
    person,
    rows,
    run_all,
    run_day,
    write_gba_roster,
    write_roster,
)

from roster_recon import tasks
from roster_recon.delivery import report
from roster_recon.errors import RunCannotProceed
from roster_recon.warehouse.merge import RunOutOfOrderError, StagedRowsMissingError
from roster_recon.warehouse.runs import RunClaimedError, RunNotPreparedError


def test_crash_after_merge_before_archive_loses_and_doubles_nothing(make_settings, engine, validator):
    settings = make_settings(AS_OF)
    path = write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1), person(2)])
    run_day(settings, validator, until="merge")
    # The worker dies here: the warehouse has committed, the file is still in the drop folder.
    assert path.exists()
    tasks.report_run(settings)  # the report task runs whatever failed (trigger rule all_done)
    nxt = make_settings(AS_OF + dt.timedelta(days=1))
    run_all(nxt, validator)
    assert not path.exists()
    audit = rows(engine, "SELECT status, rows_loaded FROM reporting.file_audit ORDER BY received_at")
    assert [(a["status"], a["rows_loaded"]) for a in audit] == [("loaded", 2), ("duplicate", 0)]
    assert rows(engine, "SELECT count(*) AS n FROM core.roster_version")[0]["n"] == 2


STAGED = """
SELECT f.county_code, f.file_name,
       (SELECT count(*) FROM staging.roster_row r WHERE r.file_id = f.file_id) AS roster_rows,
       (SELECT count(*) FROM staging.branch_presence p WHERE p.file_id = f.file_id) AS presence,
       (SELECT count(*) FROM staging.gba_row g WHERE g.file_id = f.file_id) AS gba_rows,
       (SELECT count(*) FROM staging.gba_candidate c WHERE c.file_id = f.file_id) AS candidates,
       (SELECT count(*) FROM staging.self_report s WHERE s.file_id = f.file_id) AS reports
  FROM audit.file f ORDER BY f.county_code, f.file_name"""


def test_an_ingest_tried_again_stages_its_own_rows_once_and_leaves_the_others(
    make_settings, engine, validator, gba_validator
):
    from roster_recon import reference

    settings = make_settings(AS_OF)
    write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1), person(2), person(4, 身份证号码="12345")])
    write_roster(settings.drop_root, TONGGU, "乙支部.csv", [person(5), person(6)])
    number = id_number(3)
    broken = number[:16] + str((int(number[16]) + 1) % 10) + number[17]  # one digit off: the check fails
    write_gba_roster(settings.drop_root, SHENZHEN, "第一支部.csv", [gba_person(1), gba_person(3, 身份证号码=broken)])
    reports = settings.drop_root / "self-reports"
    reports.mkdir(parents=True)
    (reports / "码上报导出.csv").write_text(
        f"上报时间,身份证号码,现居城市\n2026-11-20 10:00:00,{id_number(1)},深圳市\n", encoding="utf-8"
    )
    counties = tasks.prepare_run(settings)
    assert len(counties) == 4

    def ingest(code: str):
        committee = code in reference.committees()
        return tasks.ingest_folder(settings, code, validator=gba_validator if committee else validator)

    for code in counties:
        ingest(code)
    once = rows(engine, STAGED)
    staged = {row["county_code"]: row for row in once}
    assert [staged[c]["roster_rows"] for c in ("360922", "360926")] == [2, 2] and staged["360922"]["presence"] == 1
    assert (staged["440300"]["gba_rows"], staged["self-reports"]["reports"]) == (2, 1)
    assert staged["440300"]["candidates"] > 0
    for code in counties:  # each as if its try had died after staging (its files recorded), the others untouched
        ingest(code)
        assert rows(engine, STAGED) == once
    tasks.merge_run(settings)
    assert rows(engine, "SELECT count(*) AS n FROM core.roster_version")[0]["n"] == 4
    assert rows(engine, "SELECT count(*) AS n FROM core.contact_event WHERE source = 'self_report'")[0]["n"] == 1


def test_crash_before_merge_reads_the_file_again(make_settings, engine, validator):
    settings = make_settings(AS_OF)
    path = write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1)])
    run_day(settings, validator, until="ingest")
    # The run dies before merging; a later run picks the file up again and loads it once.
    assert tasks.report_run(settings)["failures"] == [
        "merge failed: nothing of this run was merged; every file stays in its drop folder"
    ]
    run_all(make_settings(AS_OF + dt.timedelta(days=1)), validator)
    assert not path.exists()
    audit = rows(engine, "SELECT status FROM audit.file ORDER BY file_id")
    assert [a["status"] for a in audit] == ["abandoned", "loaded"]
    assert rows(engine, "SELECT count(*) AS n FROM reporting.member_current")[0]["n"] == 1


def test_staged_rows_lost_in_a_server_restart_are_read_again_by_the_merge(make_settings, engine, validator):
    settings = make_settings(AS_OF)
    path = write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1), person(2)])
    other = write_roster(settings.drop_root, TONGGU, "乙支部.csv", [person(5)])
    run_day(settings, validator, until="ingest")
    with engine.begin() as connection:  # what a crash of the server does to the unlogged staging table
        connection.exec_driver_sql(
            "DELETE FROM staging.roster_row"
            " WHERE file_id IN (SELECT file_id FROM audit.file WHERE county_code = '360922')"
        )
    assert tasks.merge_run(settings, validator)["snapshot_rows"] == 3
    for code in tasks.folders_to_finish(settings):
        tasks.finish_folder(settings, code)
    assert tasks.report_run(settings)["failures"] == []
    assert not path.exists() and not other.exists()
    audit = rows(engine, "SELECT county_code, status, rows_loaded FROM audit.file ORDER BY county_code")
    assert [(a["county_code"], a["status"], a["rows_loaded"]) for a in audit] == [
        ("360922", "loaded", 2),
        ("360926", "loaded", 1),
    ]
    assert rows(engine, "SELECT count(*) AS n FROM reporting.member_current")[0]["n"] == 3


def test_a_folder_that_cannot_be_read_again_is_held_back_and_the_others_merge(make_settings, engine, validator):
    settings = make_settings(AS_OF)
    path = write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1), person(2)])
    other = write_roster(settings.drop_root, TONGGU, "乙支部.csv", [person(5)])
    run_day(settings, validator, until="ingest")
    with engine.begin() as connection:  # the server restarted: 万载's staged rows are gone
        connection.exec_driver_sql(
            "DELETE FROM staging.roster_row"
            " WHERE file_id IN (SELECT file_id FROM audit.file WHERE county_code = '360922')"
        )
    (settings.drop_root / "360922-副本").mkdir()  # and a clerk copied the folder: its code is now claimed twice
    assert tasks.merge_run(settings, validator)["snapshot_rows"] == 1
    for code in tasks.folders_to_finish(settings):
        tasks.finish_folder(settings, code)
    failures = tasks.report_run(settings)["failures"]
    assert any("360922" in failure and "merge task's log" in failure for failure in failures), failures
    reasons = rows(engine, "SELECT reason FROM audit.ignored_entry WHERE county_code = '360922' AND holds_back_county")
    assert any("reading it again in the merge failed" in r["reason"] for r in reasons), reasons
    assert path.exists() and not other.exists()  # 万载's file waits for the next run; 铜鼓's is archived
    audit = rows(engine, "SELECT county_code, status FROM audit.file ORDER BY county_code")
    assert [(a["county_code"], a["status"]) for a in audit] == [("360926", "loaded")]


def lost_rows_stop(settings, engine) -> None:
    """The merge's own check, as after the folders were read again and the rows went missing once more."""
    from roster_recon import warehouse
    from roster_recon.warehouse import merge

    with warehouse.raw_connection(engine) as connection:
        merge.begin_merge(connection, settings.run_id, settings.as_of)


def test_staged_rows_still_missing_stop_the_merge(make_settings, engine, validator):
    settings = make_settings(AS_OF)
    write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1), person(2)])
    run_day(settings, validator, until="ingest")
    with engine.begin() as connection:
        connection.exec_driver_sql("TRUNCATE staging.roster_row")
    with pytest.raises(StagedRowsMissingError, match=r"甲支部\.csv"):
        lost_rows_stop(settings, engine)
    assert rows(engine, "SELECT count(*) AS n FROM core.roster_version")[0]["n"] == 0


def test_a_file_staged_before_rows_were_counted_is_checked_for_its_accepted_rows(make_settings, engine, validator):
    settings = make_settings(AS_OF)
    write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1), person(2)])
    run_day(settings, validator, until="ingest")
    with engine.begin() as connection:  # as a worker still on the code before 0031 records it, then a crash
        connection.exec_driver_sql("UPDATE audit.file SET rows_staged = NULL")
        connection.exec_driver_sql("DELETE FROM staging.roster_row WHERE source_row = 3")
    with pytest.raises(StagedRowsMissingError, match=r"甲支部\.csv"):
        lost_rows_stop(settings, engine)


def test_a_new_kinds_staging_table_is_walked_by_abandonment_and_the_merge_check(make_settings, engine, validator):
    with engine.begin() as connection:  # what a fourth kind's migration would add, listed nowhere else
        connection.exec_driver_sql(
            "CREATE UNLOGGED TABLE staging.added_kind (run_id text NOT NULL, file_id bigint NOT NULL, note text)"
        )
        connection.exec_driver_sql("INSERT INTO staging.added_kind VALUES ('dead__2026-11-25', 1, 'left')")
    settings = make_settings(AS_OF)
    write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1), person(2)])
    run_day(settings, validator, until="ingest")
    assert rows(engine, "SELECT count(*) AS n FROM staging.added_kind")[0]["n"] == 0  # abandoned by prepare
    with engine.begin() as connection:  # a row the ledger never copied: the staged counts no longer agree
        connection.execute(
            sa.text("INSERT INTO staging.added_kind SELECT run_id, file_id, 'stray' FROM audit.file WHERE run_id = :r"),
            {"r": settings.run_id},
        )
    with pytest.raises(StagedRowsMissingError, match=r"甲支部\.csv"):
        lost_rows_stop(settings, engine)
    tasks.merge_run(settings, validator)  # the folder read again: its stray row forgotten with the attempt
    assert rows(engine, "SELECT count(*) AS n FROM staging.added_kind")[0]["n"] == 0
    assert rows(engine, "SELECT rows_staged, status FROM audit.file") == [{"rows_staged": 2, "status": "loaded"}]


def test_an_earlier_run_is_refused_and_not_retried(make_settings, engine, validator):
    run_all(make_settings(AS_OF), validator)
    with pytest.raises(RunOutOfOrderError, match="not rewritten backwards"):
        tasks.prepare_run(make_settings(AS_OF - dt.timedelta(days=1)))
    assert issubclass(RunOutOfOrderError, RunCannotProceed)  # the DAG fails the task at once
    assert rows(engine, "SELECT count(*) AS n FROM audit.run_claim")[0]["n"] == 0  # and holds nothing


def test_a_report_that_fails_still_releases_the_claim(make_settings, engine, validator, monkeypatch):
    settings = make_settings(AS_OF)
    write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1)])
    run_day(settings, validator, until="finish")

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(report, "write_report", disk_full)
    with pytest.raises(OSError, match="No space left"):
        tasks.report_run(settings)
    monkeypatch.undo()
    assert rows(engine, "SELECT count(*) AS n FROM audit.run_claim")[0]["n"] == 0
    later = make_settings(AS_OF, run_id="manual__after_a_failed_report")
    write_roster(later.drop_root, WANZAI, "乙支部.csv", [person(2)])
    assert run_all(later, validator)["reported"]["failures"] == []  # not "still in progress" for six hours


def test_a_second_run_stops_instead_of_spoiling_the_first(make_settings, engine, validator):
    """A manual run started while the scheduled one is between ingest and merge loses nothing of either."""
    scheduled = make_settings(AS_OF, run_id="scheduled__2026-11-26")
    write_roster(scheduled.drop_root, WANZAI, "甲支部.csv", [person(1), person(2)])
    run_day(scheduled, validator, until="ingest")
    manual = make_settings(AS_OF, run_id="manual__2026-11-26")
    with pytest.raises(RunClaimedError, match=r"scheduled__2026-11-26.*still in progress"):
        tasks.prepare_run(manual)
    with pytest.raises(RunClaimedError, match="does not hold the warehouse"):
        tasks.merge_run(manual)
    with pytest.raises(RunNotPreparedError, match="prepare task failed"):
        tasks.report_run(manual)  # its report says so and leaves the scheduled run's claim alone
    assert rows(engine, "SELECT count(*) AS n FROM staging.roster_row")[0]["n"] == 2
    merged = tasks.merge_run(scheduled)  # the staged-row check passes on the real rows
    assert merged["snapshot_rows"] == 2
    for county in tasks.folders_to_finish(scheduled):  # the rest of the merge task, and the finish tasks
        tasks.finish_folder(scheduled, county)
    assert tasks.report_run(scheduled)["failures"] == []
    run_all(manual, validator)  # once the first run has reported, the second may run


def test_a_claim_left_by_a_dead_run_is_taken_over_and_the_dead_run_cannot_merge(make_settings, engine, validator):
    dead = make_settings(AS_OF, run_id="dead")
    write_roster(dead.drop_root, WANZAI, "甲支部.csv", [person(1)])
    run_day(dead, validator, until="ingest")
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE audit.run_claim SET touched_at = now() - interval '7 hours'")
    run_all(make_settings(AS_OF + dt.timedelta(days=1)), validator)
    with pytest.raises(RunClaimedError):
        tasks.merge_run(dead)
    assert [a["status"] for a in rows(engine, "SELECT status FROM audit.file ORDER BY file_id")] == [
        "abandoned",
        "loaded",
    ]


def test_the_report_names_a_county_whose_ingest_failed(make_settings, engine, validator, monkeypatch):
    settings = make_settings(AS_OF)
    write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1)])
    broken = write_roster(settings.drop_root, "360926", "乙支部.csv", [person(2)])
    day = run_day(settings, validator, counties=["360922"])  # 360926's ingest task dies
    assert day["counties"] == ["360922", "360926"]
    reported = day["reported"]
    assert reported["failures"] == [
        "ingest failed for county 360926: its files were not merged and stay in the drop folder, to be read again"
        " by the next run (see the county's ingest task log, or the merge task's log when the merge had to read the"
        " folder again)"
    ]
    page = Path(reported["report"]).read_text(encoding="utf-8")
    assert "ingest failed for county 360926" in page
    assert broken.exists() and rows(engine, "SELECT count(*) AS n FROM reporting.member_current")[0]["n"] == 1


def test_a_silent_county_is_named_in_every_report_and_announced_once_per_spell(make_settings, engine, validator):
    from roster_recon.warehouse import stale

    def silent(result):
        figures = report.read_figures(engine, result["run_id"], stale_days=35)
        return [
            (c.county_code, c.days_silent, c.never_sent) for c in figures.stale if c.county_code in ("360922", "360926")
        ]

    def run(as_of, files=()):
        settings = make_settings(as_of)
        for county, name, people in files:
            write_roster(settings.drop_root, county, name, people)
        result = run_all(settings, validator)
        result["run_id"] = settings.run_id
        newly = result["reported"]["newly_stale"]
        tasks.record_stale_notices(settings, newly)  # what the DAG does once the notifier has told the team
        return result, {c["county_code"] for c in newly}

    day = AS_OF
    first, told = run(day, [(WANZAI, "甲支部.csv", [person(1)])])
    assert silent(first) == [] and told == set()
    # 34 days on, 万载 has sent nothing since day one, 铜鼓 never sent: nobody is stale yet.
    quiet, told = run(day + dt.timedelta(days=34))
    assert silent(quiet) == [] and told == set()
    # Day 35: both are named, and announced (with the eight other counties, which never sent either).
    late, told = run(day + dt.timedelta(days=35))
    assert silent(late) == [("360922", 35, False), ("360926", 35, True)]
    assert {"360922", "360926"} <= told and len(told) == 10
    page = Path(late["reported"]["report"]).read_text(encoding="utf-8")
    assert "sent nothing for 35 days or more" in page and "从未报送" in page
    # The next night they are still named but not announced again: one notice per spell.
    later, told = run(day + dt.timedelta(days=36))
    assert silent(later) == [("360922", 36, False), ("360926", 36, True)] and told == set()
    # 万载 sends a file: its spell ends. Silent again 35 days later, it is a new spell and announced again.
    back, told = run(day + dt.timedelta(days=37), [(WANZAI, "甲支部.csv", [person(1), person(2)])])
    assert ("360922", 0, False) not in silent(back) and [c for c, *_ in silent(back)] == ["360926"]
    again, told = run(day + dt.timedelta(days=72))
    assert ("360922", 35, False) in silent(again) and told == {"360922"}
    notices = rows(engine, "SELECT silent_since FROM audit.stale_notice WHERE county_code = '360922' ORDER BY 1")
    assert [n["silent_since"] for n in notices] == [day, day + dt.timedelta(days=37)]
    assert stale.StaleCounty("360922", "万载县", day, 35, False).describe().startswith("360922 万载县: nothing for 35")


def test_two_folders_for_one_county_hold_back_that_county_only_and_the_run_says_so(make_settings, engine, validator):
    settings = make_settings(AS_OF)
    first = write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1)])
    second = write_roster(settings.drop_root, "360922", "乙支部.csv", [person(2)])
    write_roster(settings.drop_root, TONGGU, "铜鼓镇党支部.csv", [person(3)])
    result = run_all(settings, validator)
    assert result["counties"] == ["360926"]
    assert first.exists() and second.exists()  # left where they are
    assert [r["county_code"] for r in rows(engine, "SELECT county_code FROM reporting.member_current")] == ["360926"]
    failures = result["reported"]["failures"]
    assert len(failures) == 1 and failures[0].startswith("county 360922 held back")
    assert "360922-万载县" in failures[0]
    assert "county 360922 held back" in Path(result["reported"]["report"]).read_text(encoding="utf-8")


@pytest.mark.parametrize("share", ["missing", "empty", "unreadable"])
def test_a_run_over_an_unmounted_share_fails_and_says_so_instead_of_a_green_night(
    share, make_settings, engine, validator, tmp_path
):
    import os

    from roster_recon.intake.discover import DropRootUnavailable

    first = make_settings(AS_OF)
    write_roster(first.drop_root, WANZAI, "甲支部.csv", [person(1)])
    run_all(first, validator)
    mount = tmp_path / "share"
    if share != "missing":
        mount.mkdir()
    if share == "unreadable":
        (mount / "360922").mkdir()
        mount.chmod(0o000)
    settings = make_settings(AS_OF + dt.timedelta(days=1), drop_root=mount)
    try:
        if share == "unreadable" and os.geteuid() == 0:  # root reads any folder: take the share away instead
            mount.chmod(0o700)
            (mount / "360922").rmdir()
        with pytest.raises(DropRootUnavailable, match=r"is the county share mounted|cannot be read"):
            tasks.prepare_run(settings)
        with pytest.raises(RunNotPreparedError, match="never finished listing the drop folders"):
            tasks.merge_run(settings)  # the DAG's merge runs whatever failed before it (all_done)
        written = tasks.report_run(settings)
    finally:
        if mount.exists():
            mount.chmod(0o700)
    assert any("prepare failed before it finished listing the drop folders" in line for line in written["failures"])
    assert rows(engine, "SELECT status FROM audit.run WHERE run_id = :r", r=settings.run_id)[0]["status"] != "merged"
    assert rows(engine, "SELECT count(*) AS n FROM reporting.member_current")[0]["n"] == 1  # nothing lost either


def test_a_merge_that_dies_before_choosing_what_to_finish_is_a_failure_in_the_report(make_settings, validator):
    settings = make_settings(AS_OF)
    write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1)])
    run_day(settings, validator, until="merge")  # merged; the task dies before folders_to_finish
    written = tasks.report_run(settings)
    assert any("before choosing the folders to finish" in line for line in written["failures"])
