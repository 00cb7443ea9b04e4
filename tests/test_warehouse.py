"""The warehouse end to end on a real PostgreSQL: merge, history, flags, views, reruns, crashes, privacy."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa
from helpers import HEADER, id_number, person, run_all, write_roster
from pii import leaks
from python_calamine import CalamineWorkbook

from roster_recon import tasks, warehouse
from roster_recon.delivery import finish, report
from roster_recon.intake.validate import RosterValidator
from roster_recon.warehouse.merge import RunOutOfOrderError, StagedRowsMissingError
from roster_recon.warehouse.runs import RunClaimedError, RunNotPreparedError

AS_OF = dt.date(2026, 11, 26)
WANZAI, TONGGU = "360922-万载县", "360926"


@pytest.fixture(scope="module")
def validator():
    return RosterValidator()


def rows(engine, query, **params):
    with engine.connect() as connection:
        return [dict(r) for r in connection.execute(sa.text(query), params).mappings()]


def flags_of(engine, serial, branch=None):
    query = "SELECT branch, flags FROM reporting.member_current WHERE name = :name"
    found = {r["branch"]: sorted(r["flags"]) for r in rows(engine, query, name=f"党员{serial}")}
    return found[branch] if branch else found


def test_first_run_loads_and_flags(make_settings, engine, validator):
    settings = make_settings(AS_OF)
    write_roster(
        settings.drop_root,
        WANZAI,
        "洪塘镇东风村党支部_2026-11.csv",
        [
            person(1),
            person(2, 流出时间=""),
            person(3, 流出时间="2026-11-26"),  # on the as-of date: not missing
            person(4, 流出时间="2026-11-27"),  # after it: missing
            person(5, 最后联系时间="2026-05-26"),  # exactly six months: not lost
            person(6, 最后联系时间="2026-05-25"),  # one day more: lost
            person(7, 联系状态="失联"),
            person(8, 联系电话="12345", 流入地="", 从事行业=""),
            person(9, 身份证号码=id_number(9)[:17] + ("0" if id_number(9)[17] != "0" else "1")),  # bad check char
        ],
    )
    result = run_all(settings, validator)
    assert result["ingested"]["360922"]["rows_read"] == 9
    assert result["ingested"]["360922"]["rows_rejected"] == 1
    assert flags_of(engine, 1, "洪塘镇东风村党支部") == []
    assert flags_of(engine, 2, "洪塘镇东风村党支部") == ["missing_outflow_time"]
    assert flags_of(engine, 3, "洪塘镇东风村党支部") == []
    assert flags_of(engine, 4, "洪塘镇东风村党支部") == ["missing_outflow_time"]
    assert flags_of(engine, 5, "洪塘镇东风村党支部") == []
    assert flags_of(engine, 6, "洪塘镇东风村党支部") == ["lost_contact"]
    assert flags_of(engine, 7, "洪塘镇东风村党支部") == ["lost_contact"]
    assert flags_of(engine, 8, "洪塘镇东风村党支部") == [
        "missing_contact",
        "missing_destination",
        "missing_industry",
    ]
    assert rows(engine, "SELECT count(*) AS n FROM reporting.member_current WHERE name = '党员9'")[0]["n"] == 0
    current = rows(engine, "SELECT * FROM reporting.member_current WHERE name = '党员1'")[0]
    assert current["id_number_masked"] == id_number(1)[:6] + "********" + id_number(1)[-4:]
    assert current["phone_masked"] == "138****0001"
    assert current["destination_city_code"] == "440300" and current["in_gba"] is True
    assert current["gba_committee"] == "宜春市驻深圳流动党员党委"
    audit = rows(engine, "SELECT * FROM reporting.file_audit")
    assert [(a["status"], a["rows_read"], a["rows_loaded"], a["rows_rejected"]) for a in audit] == [("loaded", 9, 8, 1)]
    archived = list((settings.drop_root / WANZAI / "_archive" / "2026-11-26").iterdir())
    assert [p.name for p in archived] == ["洪塘镇东风村党支部_2026-11.csv"]
    assert list((settings.drop_root / WANZAI / "_feedback").glob("*.xlsx"))
    summary = {r["county_code"]: r for r in rows(engine, "SELECT * FROM reporting.county_summary")}
    assert len(summary) == 10 and summary["360921"]["members"] == 0
    assert summary["360922"]["members"] == 8 and summary["360922"]["lost_contact"] == 2
    assert summary["360922"]["missing_outflow_data"] == 3 and summary["360922"]["members_complete"] == 5


def test_history_leave_return_move_and_duplicate_enrollment(make_settings, engine, validator):
    day1, day2, day3 = dt.date(2026, 9, 26), dt.date(2026, 10, 26), dt.date(2026, 11, 26)
    s1 = make_settings(day1)
    write_roster(s1.drop_root, WANZAI, "甲支部.csv", [person(1), person(2), person(3)])
    write_roster(s1.drop_root, TONGGU, "乙支部.csv", [person(3), person(4)])  # 3 on two rosters, two counties
    run_all(s1, validator)
    assert flags_of(engine, 3) == {"甲支部": ["duplicate_enrollment"], "乙支部": ["duplicate_enrollment"]}

    s2 = make_settings(day2)
    # 1 moves to Dongguan; 2 leaves 甲 and joins 乙 (a move between branches in one run); 3 leaves 乙.
    write_roster(s2.drop_root, WANZAI, "甲支部.csv", [person(1, 流入地="东莞市长安镇"), person(3)])
    write_roster(s2.drop_root, TONGGU, "乙支部.csv", [person(2), person(4)])
    run_all(s2, validator)
    assert flags_of(engine, 3) == {"甲支部": []}
    history = rows(
        engine,
        "SELECT h.destination_city, h.valid_from, h.valid_to FROM reporting.member_history"
        " h JOIN core.roster_version v USING (member_key, branch, valid_from)"
        " WHERE v.name = '党员1' ORDER BY valid_from",
    )
    assert [(h["destination_city"], h["valid_from"], h["valid_to"]) for h in history] == [
        ("深圳市", day1, day2),
        ("东莞市", day2, None),
    ]
    moved = rows(
        engine,
        "SELECT branch, valid_from, valid_to FROM core.roster_version WHERE name = '党员2' ORDER BY valid_from",
    )
    assert [(m["branch"], m["valid_to"]) for m in moved] == [("甲支部", day2), ("乙支部", None)]
    closed = rows(
        engine,
        "SELECT flag, raised_on, closed_on FROM reporting.flag_history f"
        " JOIN core.roster_version v USING (member_key, county_code, branch)"
        " WHERE v.name = '党员3' AND v.branch = '乙支部'",
    )
    assert {(c["flag"], c["raised_on"], c["closed_on"]) for c in closed} == {("duplicate_enrollment", day1, day2)}
    # The run report's roster changes: 2 joined 乙; 2 left 甲 and 3 left 乙; 1 changed destination.
    assert report.read_figures(engine, s2.run_id).changes == {"joined": 1, "left": 2, "changed": 1}

    s3 = make_settings(day3)
    write_roster(s3.drop_root, TONGGU, "乙支部.csv", [person(2), person(3), person(4)])  # 3 comes back to 乙
    run_all(s3, validator)
    spells = rows(
        engine,
        "SELECT valid_from, valid_to FROM core.roster_version WHERE name = '党员3'"
        " AND branch = '乙支部' ORDER BY valid_from",
    )
    assert [(s["valid_from"], s["valid_to"]) for s in spells] == [(day1, day2), (day3, None)]
    assert report.read_figures(engine, s3.run_id).changes == {"joined": 1, "left": 0, "changed": 0}


# The county summary as migration 0001 defined it: every current roster entry through reporting.member_current,
# grouped per member. Migration 0015 counts the same from the tables; the two must agree.
COUNTY_SUMMARY_THROUGH_MEMBER_CURRENT = """
WITH per_member AS (
    SELECT county_code, member_key,
           bool_or(flags && ARRAY['missing_outflow_time', 'missing_destination', 'missing_contact',
                                  'missing_industry']) AS missing_outflow_data,
           bool_or('lost_contact' = ANY (flags)) AS lost_contact,
           bool_or('duplicate_enrollment' = ANY (flags)) AS duplicate_enrollment
      FROM reporting.member_current GROUP BY county_code, member_key
), branches AS (
    SELECT county_code, count(DISTINCT branch) AS branches FROM reporting.member_current GROUP BY county_code
)
SELECT c.county_code, coalesce(b.branches, 0) AS branches, count(pm.member_key) AS members,
       count(pm.member_key) FILTER (WHERE NOT pm.missing_outflow_data) AS members_complete,
       round(100.0 * count(pm.member_key) FILTER (WHERE NOT pm.missing_outflow_data)
             / nullif(count(pm.member_key), 0), 1) AS completeness_pct,
       count(pm.member_key) FILTER (WHERE pm.missing_outflow_data) AS missing_outflow_data,
       count(pm.member_key) FILTER (WHERE pm.lost_contact) AS lost_contact,
       count(pm.member_key) FILTER (WHERE pm.duplicate_enrollment) AS duplicate_enrollment
  FROM core.county c LEFT JOIN per_member pm USING (county_code) LEFT JOIN branches b USING (county_code)
 GROUP BY c.county_code, b.branches ORDER BY c.county_code
"""


def test_the_county_summary_agrees_with_its_members_through_every_kind_of_change(make_settings, engine, validator):
    """Moves between branches and counties, a member on two rosters, flags raised and closed, an empty county."""
    columns = (
        "county_code",
        "branches",
        "members",
        "members_complete",
        "completeness_pct",
        "missing_outflow_data",
        "lost_contact",
        "duplicate_enrollment",
    )
    runs = [
        (
            dt.date(2026, 9, 26),
            {
                WANZAI: {
                    "甲支部.csv": [person(1), person(2, 流出时间=""), person(3)],
                    "丙支部.csv": [person(5, 联系状态="失联"), person(6, 从事行业="")],
                },
                TONGGU: {"乙支部.csv": [person(3), person(4, 最后联系时间="2025-01-01")]},
            },
        ),
        (
            dt.date(2026, 10, 26),
            {WANZAI: {"甲支部.csv": [person(1), person(2), person(4)]}, TONGGU: {"乙支部.csv": [person(7, 流入地="")]}},
        ),
    ]
    for as_of, drops in runs:
        settings = make_settings(as_of)
        for county, files in drops.items():
            for name, people in files.items():
                write_roster(settings.drop_root, county, name, people)
        run_all(settings, validator)
        expected = rows(engine, COUNTY_SUMMARY_THROUGH_MEMBER_CURRENT)
        actual = rows(engine, "SELECT * FROM reporting.county_summary ORDER BY county_code")
        assert [tuple(r[c] for c in columns) for r in actual] == [tuple(r[c] for c in columns) for r in expected]
        assert sum(r["members"] for r in actual) > 0 and any(r["duplicate_enrollment"] for r in actual) is (
            as_of == runs[0][0]
        )


def test_rerun_with_no_new_files_changes_nothing(make_settings, engine, validator):
    settings = make_settings(AS_OF)
    write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1), person(2, 联系状态="失联")])
    run_all(settings, validator)
    snapshot = (
        "SELECT (SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM core.roster_version t),"
        " (SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM core.member_flag t),"
        " (SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM core.member t)"
    )
    before = rows(engine, snapshot)
    again = run_all(make_settings(AS_OF, run_id="rerun"), validator)
    assert again["ingested"] == {} and again["finished"] == {}  # nothing to read, nothing to move or rewrite
    assert rows(engine, snapshot) == before


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


def test_crash_after_merge_before_archive_loses_and_doubles_nothing(make_settings, engine, validator):
    settings = make_settings(AS_OF)
    path = write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1), person(2)])
    tasks.prepare_run(settings)
    tasks.ingest_county(settings, "360922", validator=validator)
    tasks.merge_run(settings)
    # The worker dies here: the warehouse has committed, the file is still in the drop folder.
    assert path.exists()
    tasks.report_run(settings)  # the report task runs whatever failed (trigger rule all_done)
    nxt = make_settings(AS_OF + dt.timedelta(days=1))
    run_all(nxt, validator)
    assert not path.exists()
    audit = rows(engine, "SELECT status, rows_loaded FROM reporting.file_audit ORDER BY received_at")
    assert [(a["status"], a["rows_loaded"]) for a in audit] == [("loaded", 2), ("duplicate", 0)]
    assert rows(engine, "SELECT count(*) AS n FROM core.roster_version")[0]["n"] == 2


def test_crash_before_merge_reads_the_file_again(make_settings, engine, validator):
    settings = make_settings(AS_OF)
    path = write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1)])
    tasks.prepare_run(settings)
    tasks.ingest_county(settings, "360922", validator=validator)
    # The run dies before merging; a later run picks the file up again and loads it once.
    assert tasks.report_run(settings)["failures"] == [
        "merge failed: nothing of this run was merged; every file stays in its drop folder"
    ]
    run_all(make_settings(AS_OF + dt.timedelta(days=1)), validator)
    assert not path.exists()
    audit = rows(engine, "SELECT status FROM audit.file ORDER BY file_id")
    assert [a["status"] for a in audit] == ["abandoned", "loaded"]
    assert rows(engine, "SELECT count(*) AS n FROM reporting.member_current")[0]["n"] == 1


def test_staged_rows_lost_in_a_server_restart_stop_the_merge_and_are_read_again(make_settings, engine, validator):
    settings = make_settings(AS_OF)
    path = write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1), person(2)])
    tasks.prepare_run(settings)
    tasks.ingest_county(settings, "360922", validator=validator)
    with engine.begin() as connection:  # what a crash of the server does to the unlogged staging table
        connection.exec_driver_sql("TRUNCATE staging.roster_row")
    with pytest.raises(StagedRowsMissingError, match=r"甲支部\.csv"):
        tasks.merge_run(settings)
    assert path.exists() and rows(engine, "SELECT count(*) AS n FROM core.roster_version")[0]["n"] == 0
    tasks.report_run(settings)
    run_all(make_settings(AS_OF + dt.timedelta(days=1)), validator)
    assert [a["status"] for a in rows(engine, "SELECT status FROM audit.file ORDER BY file_id")] == [
        "abandoned",
        "loaded",
    ]
    assert rows(engine, "SELECT count(*) AS n FROM reporting.member_current")[0]["n"] == 2


def test_a_failing_merge_leaves_no_partial_state(make_settings, engine, validator, monkeypatch):
    settings = make_settings(AS_OF)
    write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1)])
    tasks.prepare_run(settings)
    tasks.ingest_county(settings, "360922", validator=validator)

    def broken_flags(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(tasks.flag, "recompute_flags", broken_flags)
    with pytest.raises(RuntimeError):
        tasks.merge_run(settings)
    assert rows(engine, "SELECT count(*) AS n FROM core.roster_version")[0]["n"] == 0
    assert rows(engine, "SELECT status FROM audit.file")[0]["status"] == "staged"
    monkeypatch.undo()
    tasks.merge_run(settings)  # the retry succeeds
    assert rows(engine, "SELECT count(*) AS n FROM core.roster_version")[0]["n"] == 1


def test_an_earlier_run_is_refused(make_settings, engine, validator):
    run_all(make_settings(AS_OF), validator)
    with pytest.raises(RunOutOfOrderError, match="not rewritten backwards"):
        tasks.prepare_run(make_settings(AS_OF - dt.timedelta(days=1)))


def test_a_file_mostly_wrong_is_rejected_whole(make_settings, engine, validator):
    settings = make_settings(AS_OF)
    write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1), person(2, 身份证号码="123"), person(3, 姓名="")])
    run_all(settings, validator)
    audit = rows(engine, "SELECT status, error FROM reporting.file_audit")[0]
    assert audit["status"] == "rejected" and "not a usable roster" in audit["error"]
    assert (settings.drop_root / WANZAI / "_rejected" / "甲支部.csv").exists()
    assert rows(engine, "SELECT count(*) AS n FROM core.roster_version")[0]["n"] == 0


def test_no_raw_id_number_anywhere_in_the_warehouse_or_in_any_file_the_run_wrote(make_settings, engine, validator):
    settings = make_settings(AS_OF)
    one_digit_off = id_number(7)[:16] + str((int(id_number(7)[16]) + 1) % 10) + id_number(7)[17]
    people = [person(i) for i in range(1, 6)] + [
        person(6, 身份证号码=id_number(6)[:17] + "Y"),
        person(7, 身份证号码=one_digit_off),  # GX's COMPLETE result lists such values
        person(8, 身份证号码=id_number(1)),  # repeated in the branch: a valid raw ID among the unexpected values
    ]
    write_roster(settings.drop_root, WANZAI, "甲支部.csv", people)
    run_all(settings, validator)
    raw_ids = {id_number(i) for i in range(1, 7)} | {id_number(6)[:17] + "Y", one_digit_off}
    tables = rows(
        engine,
        "SELECT table_schema, table_name FROM information_schema.tables"
        " WHERE table_schema IN ('staging', 'core', 'audit')",
    )
    assert len(tables) >= 9
    with engine.connect() as connection:
        for table in tables:
            name = f'"{table["table_schema"]}"."{table["table_name"]}"'
            dump = connection.exec_driver_sql(
                f"SELECT coalesce(string_agg(t::text, chr(10)), '') FROM {name} t"
            ).scalar()
            assert not any(raw in dump for raw in raw_ids), f"raw ID found in {table}"
    # The mask hides exactly the birth date: no birth date may be kept anywhere beside it.
    columns = rows(
        engine,
        "SELECT table_schema, table_name, column_name FROM information_schema.columns"
        " WHERE table_schema IN ('staging', 'core', 'audit', 'reporting') AND column_name LIKE '%birth%'",
    )
    assert columns == []
    # Reports, Data Docs and validation results the run wrote (everything outside the county folders).
    assert (settings.data_dir / "data_docs").exists() and (settings.data_dir / "reports").exists()
    assert leaks(settings.data_dir) == {}
    assert leaks(settings.data_dir, phones=True) == {}


def test_migrations_are_idempotent(engine):
    assert warehouse.migrate(engine) == warehouse.migrate(engine)


def test_history_and_flags_point_at_known_members_and_files(make_settings, engine, validator):
    settings = make_settings(AS_OF)
    write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1), person(2, 联系状态="失联")])
    run_all(settings, validator)
    orphans = rows(
        engine,
        "SELECT (SELECT count(*) FROM core.roster_version v LEFT JOIN core.member m USING (member_key)"
        "         WHERE m.member_key IS NULL) AS versions,"
        " (SELECT count(*) FROM core.member_flag f LEFT JOIN core.member m USING (member_key)"
        "   WHERE m.member_key IS NULL) AS flags,"
        " (SELECT count(*) FROM core.roster_version v LEFT JOIN audit.file f ON f.file_id = v.source_file_id"
        "   WHERE f.file_id IS NULL) AS files",
    )[0]
    assert orphans == {"versions": 0, "flags": 0, "files": 0}


def test_a_second_run_stops_instead_of_spoiling_the_first(make_settings, engine, validator):
    """A manual run started while the scheduled one is between ingest and merge loses nothing of either."""
    scheduled = make_settings(AS_OF, run_id="scheduled__2026-11-26")
    write_roster(scheduled.drop_root, WANZAI, "甲支部.csv", [person(1), person(2)])
    tasks.prepare_run(scheduled)
    tasks.ingest_county(scheduled, "360922", validator=validator)
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
    assert tasks.report_run(scheduled)["failures"] == []
    run_all(manual, validator)  # once the first run has reported, the second may run


def test_a_claim_left_by_a_dead_run_is_taken_over_and_the_dead_run_cannot_merge(make_settings, engine, validator):
    dead = make_settings(AS_OF, run_id="dead")
    write_roster(dead.drop_root, WANZAI, "甲支部.csv", [person(1)])
    tasks.prepare_run(dead)
    tasks.ingest_county(dead, "360922", validator=validator)
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
    counties = tasks.prepare_run(settings)
    assert counties == ["360922", "360926"]
    tasks.ingest_county(settings, "360922", validator=validator)  # 360926's ingest task dies
    tasks.merge_run(settings)
    for county in tasks.counties_to_finish(settings):
        tasks.finish_county(settings, county)
    reported = tasks.report_run(settings)
    assert reported["failures"] == [
        "ingest failed for county 360926: its files were not merged and stay in the drop folder, to be read again"
        " by the next run (see the county's ingest task log)"
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


def test_a_file_saved_again_after_it_was_read_stays_and_is_read_next_run(make_settings, engine, validator):
    settings = make_settings(AS_OF)
    path = write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1)])
    tasks.prepare_run(settings)
    tasks.ingest_county(settings, "360922", validator=validator)
    tasks.merge_run(settings)
    write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1), person(2)])  # the clerk saves again
    for county in tasks.counties_to_finish(settings):
        tasks.finish_county(settings, county)
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
    tasks.prepare_run(settings)
    tasks.ingest_county(settings, "360922", validator=validator)
    tasks.merge_run(settings)

    def worker_dies(source, target):
        raise SystemExit("worker killed")

    monkeypatch.setattr(finish.archive, "move", worker_dies)
    with pytest.raises(SystemExit):
        tasks.finish_county(settings, "360922")
    recorded = rows(engine, "SELECT archived_to FROM audit.file")[0]["archived_to"]
    assert recorded and path.exists()  # the destination is known before the move
    monkeypatch.undo()
    tasks.finish_county(settings, "360922")  # the retry
    assert not path.exists() and Path(recorded).exists()
    assert rows(engine, "SELECT archived_to FROM audit.file")[0]["archived_to"] == recorded


def test_a_file_that_breaks_the_reader_is_rejected_and_the_countys_other_files_load(
    make_settings, engine, validator, monkeypatch
):
    from roster_recon.intake import read

    settings = make_settings(AS_OF)
    write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1)])
    broken = write_roster(settings.drop_root, WANZAI, "乙支部.csv", [person(2)])
    real_reader = read._read_csv

    def reader_with_a_bug(path):  # the reader parses a private copy of the file: it knows it by its content
        if "党员2" in path.read_text(encoding="utf-8-sig"):
            raise IndexError("list index out of range")
        return real_reader(path)

    monkeypatch.setattr(read, "_read_csv", reader_with_a_bug)
    run_all(settings, validator)
    audit = rows(engine, "SELECT file_name, status, error FROM reporting.file_audit ORDER BY file_name")
    assert [(a["file_name"], a["status"]) for a in audit] == [("乙支部.csv", "rejected"), ("甲支部.csv", "loaded")]
    assert "IndexError" in audit[0]["error"]
    assert (settings.drop_root / WANZAI / "_rejected" / broken.name).exists()
    assert list((settings.drop_root / WANZAI / "_feedback").glob("乙支部（csv）_反馈_*.xlsx"))


def test_lost_contact_in_sql_agrees_with_the_calendar_rule_at_month_ends(make_settings, engine, validator):
    from roster_recon.warehouse.flag import is_lost_contact

    as_of = dt.date(2026, 8, 31)
    last_contacts = ["2026-02-28", "2026-02-27", "2026-03-01", "2026-02-28", "2025-08-31"]
    settings = make_settings(as_of)
    people = [person(i, 最后联系时间=day) for i, day in enumerate(last_contacts, start=1)]
    write_roster(settings.drop_root, WANZAI, "甲支部.csv", people)
    run_all(settings, validator)
    found = {
        r["name"]: "lost_contact" in r["flags"]
        for r in rows(engine, "SELECT name, flags FROM reporting.member_current")
    }
    expected = {
        f"党员{i}": is_lost_contact(dt.date.fromisoformat(day), as_of, 6) for i, day in enumerate(last_contacts, 1)
    }
    assert found == expected and found["党员1"] is True  # Feb 28 + 6 months = Aug 28 < Aug 31


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


@pytest.fixture
def admin_engine(postgres_admin_url, warehouse_url):
    """A superuser connection to the test database: only to act as other roles (SET ROLE), never the pipeline's."""
    database = sa.engine.make_url(warehouse_url).database
    admin = sa.create_engine(sa.engine.make_url(postgres_admin_url).set(database=database), poolclass=sa.pool.NullPool)
    yield admin
    admin.dispose()


def as_role(admin_engine, role: str, query: str):
    with admin_engine.connect() as connection:
        connection.exec_driver_sql(f"SET ROLE {role}")
        return connection.exec_driver_sql(query).all()


def test_each_reader_sees_only_what_its_role_allows(make_settings, engine, admin_engine, validator):
    settings = make_settings(AS_OF)
    write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1), person(2)])
    write_roster(settings.drop_root, TONGGU, "铜鼓镇党支部.csv", [person(3, 联系状态="失联")])
    run_all(settings, validator)
    counties = "SELECT DISTINCT county_code FROM reporting.member_current ORDER BY 1"
    assert as_role(admin_engine, "roster_reader", counties) == [("360922",), ("360926",)]
    assert as_role(admin_engine, "roster_county_360922", counties) == [("360922",)]
    for view in ("member_history", "member_flags", "county_summary", "file_audit", "destination_summary"):
        county_rows = as_role(admin_engine, "roster_county_360926", f"SELECT * FROM reporting.{view}")
        assert county_rows, view
        if view not in ("destination_summary",):
            assert {row.county_code for row in county_rows} == {"360926"}, view
    # A personal login that is a member of a county's role sees that county only.
    with admin_engine.begin() as connection:
        connection.exec_driver_sql("DROP ROLE IF EXISTS zhang_tonggu; CREATE ROLE zhang_tonggu LOGIN")
        connection.exec_driver_sql("GRANT roster_county_360926 TO zhang_tonggu")
    try:
        assert as_role(admin_engine, "zhang_tonggu", counties) == [("360926",)]
    finally:
        with admin_engine.begin() as connection:
            connection.exec_driver_sql("DROP OWNED BY zhang_tonggu; DROP ROLE zhang_tonggu")
    for role in ("roster_reader", "roster_county_360922"):
        for table in ("core.roster_version", "core.member", "staging.roster_row", "audit.file"):
            with pytest.raises(sa.exc.ProgrammingError, match="permission denied"):
                as_role(admin_engine, role, f"SELECT 1 FROM {table} LIMIT 1")
    # Phones are masked for every reader; the full number lives in core only.
    phones = as_role(admin_engine, "roster_reader", "SELECT phone_masked FROM reporting.member_current")
    assert {phone for (phone,) in phones} == {"138****0001", "138****0002", "138****0003"}


def test_the_pipeline_refuses_to_connect_as_a_superuser(admin_engine):
    with pytest.raises(warehouse.WarehouseRoleError, match="superuser: connect as roster_loader"):
        warehouse.migrate(admin_engine)


def test_row_security_is_forced_and_no_view_runs_as_a_reader_with_core_rights(engine):
    tables = rows(
        engine,
        "SELECT n.nspname || '.' || c.relname AS name, c.relrowsecurity, c.relforcerowsecurity"
        " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname IN ('core', 'audit') AND c.relkind = 'r' AND EXISTS"
        " (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'county_code')",
    )
    exposed = {"core.roster_version", "core.member_flag", "core.county", "audit.file", "audit.ignored_entry"}
    forced = {t["name"] for t in tables if t["relrowsecurity"] and t["relforcerowsecurity"]}
    assert exposed <= forced
    owners = rows(engine, "SELECT DISTINCT viewowner FROM pg_views WHERE schemaname = 'reporting'")
    assert owners == [{"viewowner": "roster_loader"}]


def test_a_file_is_read_only_after_two_looks_the_settle_window_apart(engine, tmp_path):
    """By the warehouse's clock, never the file's mtime against a worker's clock (file servers' clocks drift)."""
    import os
    import time

    from roster_recon.intake import settle

    folder = tmp_path / "360922"
    folder.mkdir()
    steady, growing = folder / "甲支部.csv", folder / "乙支部.csv"
    for path in (steady, growing):
        path.write_text("姓名\n张三\n", encoding="utf-8")
        an_hour_ago = time.time() - 3600  # old by the worker's clock: the old rule read it at once
        os.utime(path, (an_hour_ago, an_hour_ago))
    with engine.begin() as connection:
        settle.look(connection, "360922", [steady, growing])  # prepare's look
    pauses = []

    def time_passes(seconds):
        pauses.append(seconds)
        with open(growing, "a", encoding="utf-8") as handle:  # the share is still writing this one
            handle.write("李四\n")
        with engine.begin() as connection:  # the warehouse's clock moves on
            connection.exec_driver_sql("UPDATE audit.file_sighting SET first_seen_at = first_seen_at - interval '61 s'")

    ready, changing = settle.settled(engine, "360922", [steady, growing], 60, sleep=time_passes)
    assert ready == [steady] and changing == [growing]
    assert len(pauses) == 1 and 59 < pauses[0] <= 61  # it waited out the window once
    ready, changing = settle.settled(engine, "360922", [steady, growing], 0, sleep=time_passes)
    assert ready == [steady, growing] and len(pauses) == 1  # no window, no wait


def test_a_workbook_with_a_sheet_per_branch_loads_each_branch_and_names_the_sheets_left_out(
    make_settings, engine, validator
):
    import xlsxwriter

    settings = make_settings(AS_OF)
    folder = settings.drop_root / WANZAI
    folder.mkdir(parents=True)
    workbook = xlsxwriter.Workbook(str(folder / "万载县台账_2026-11.xlsx"))
    for sheet_name, serials in (("甲支部", (1, 2)), ("乙支部", (3,)), ("停用", (4,))):
        sheet = workbook.add_worksheet(sheet_name)
        for column, header in enumerate(["姓名", "身份证号码", "联系电话"]):
            sheet.write_string(0, column, header)
        for row, serial in enumerate(serials, start=1):
            sheet.write_string(row, 0, f"党员{serial}")
            sheet.write_string(row, 1, id_number(serial))
            sheet.write_string(row, 2, f"138{serial:08d}")
        if sheet_name == "停用":
            sheet.hide()
    workbook.close()
    run_all(settings, validator)
    branches = rows(engine, "SELECT branch, count(*) AS n FROM reporting.member_current GROUP BY 1 ORDER BY 1")
    assert [(b["branch"], b["n"]) for b in branches] == [("乙支部", 1), ("甲支部", 2)]
    feedback = next((folder / "_feedback").glob("*.xlsx"))
    cells = " ".join(
        str(cell) for row in CalamineWorkbook.from_path(str(feedback)).get_sheet_by_index(1).to_python() for cell in row
    )
    assert "停用" in cells and "hidden" in cells


def test_an_empty_roster_empties_its_branch_and_says_how_many_left(make_settings, engine, validator):
    write_roster(make_settings(AS_OF).drop_root, WANZAI, "甲支部.csv", [person(1), person(2)])
    write_roster(make_settings(AS_OF).drop_root, WANZAI, "乙支部.csv", [person(3)])
    run_all(make_settings(AS_OF), validator)
    later = make_settings(AS_OF + dt.timedelta(days=30))
    write_roster(later.drop_root, WANZAI, "甲支部_2026-12.csv", [])  # the header only: everybody has gone home
    result = run_all(later, validator)
    current = rows(engine, "SELECT branch, name FROM reporting.member_current ORDER BY name")
    assert [(c["branch"], c["name"]) for c in current] == [("乙支部", "党员3")]
    audit = rows(
        engine, "SELECT status, rows_read, error FROM reporting.file_audit WHERE file_name = '甲支部_2026-12.csv'"
    )
    assert audit[0]["status"] == "loaded" and audit[0]["rows_read"] == 0
    assert "2 member(s) left the roster of 甲支部" in audit[0]["error"]
    assert result["merged"]["current_entries_after"] == 1
    history = rows(engine, "SELECT count(*) AS n FROM reporting.member_history WHERE branch = '甲支部'")
    assert history[0]["n"] == 2  # kept, closed


def test_a_header_only_file_with_a_branch_column_names_no_branch_and_is_rejected(make_settings, engine, validator):
    settings = make_settings(AS_OF)
    write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1)])
    run_all(settings, validator)
    later = make_settings(AS_OF + dt.timedelta(days=1))
    write_roster(later.drop_root, WANZAI, "全县.csv", [], header=[*HEADER, "所在党支部"])
    run_all(later, validator)
    audit = rows(engine, "SELECT status, error FROM reporting.file_audit WHERE file_name = '全县.csv'")[0]
    assert audit["status"] == "rejected" and "no branch" in audit["error"]
    assert rows(engine, "SELECT count(*) AS n FROM reporting.member_current")[0]["n"] == 1


def test_a_known_member_whose_new_row_breaks_a_hard_rule_stays_with_the_facts_last_accepted(
    make_settings, engine, validator
):
    first = make_settings(AS_OF)
    people = [person(i, 从事行业="物流") for i in range(1, 7)]
    write_roster(first.drop_root, WANZAI, "甲支部.csv", people)
    run_all(first, validator)
    later = make_settings(AS_OF + dt.timedelta(days=30))
    broken_id = id_number(2)[:17] + ("0" if id_number(2)[17] != "0" else "1")
    write_roster(
        later.drop_root,
        WANZAI,
        "甲支部.csv",
        [
            person(1, 姓名="", 从事行业="餐饮"),  # name missing: found by its valid ID
            person(2, 身份证号码=broken_id, 从事行业="餐饮"),  # ID broken: found by its name, unique in the branch
            person(3, 从事行业="餐饮"),
            person(4, 从事行业="餐饮"),
            person(5, 从事行业="餐饮"),
            person(99, 身份证号码="123", 从事行业="餐饮"),  # a newcomer with a broken ID: not added
            # 党员6 is absent: the only one who leaves
        ],
    )
    run_all(later, validator)
    current = {r["name"]: r["industry"] for r in rows(engine, "SELECT name, industry FROM reporting.member_current")}
    assert current == {"党员1": "物流", "党员2": "物流", "党员3": "餐饮", "党员4": "餐饮", "党员5": "餐饮"}
    audit = rows(engine, "SELECT rows_read, rows_rejected FROM reporting.file_audit ORDER BY received_at")
    assert (audit[-1]["rows_read"], audit[-1]["rows_rejected"]) == (6, 3)


def test_committee_names_stored_by_earlier_versions_are_corrected_in_place(make_settings, engine, validator):
    from alembic import command
    from alembic.config import Config

    settings = make_settings(AS_OF)
    write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1), person(2, 流入地="澳门特别行政区")])
    run_all(settings, validator)
    with engine.begin() as connection:  # as an earlier version of the pipeline wrote them
        connection.exec_driver_sql(
            "UPDATE core.roster_version SET gba_committee = CASE WHEN gba_committee LIKE '%%深圳%%'"
            " THEN '宜春市驻深圳流动党员委员会' ELSE '宜春市驻大湾区流动党员委员会' END"
        )
    config = Config()
    config.set_main_option("script_location", str(warehouse.MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0010")
        command.upgrade(config, "head")
    committees = rows(engine, "SELECT name, gba_committee, facts_since FROM reporting.member_current ORDER BY name")
    assert [(c["name"], c["gba_committee"]) for c in committees] == [
        ("党员1", "宜春市驻深圳流动党员党委"),
        ("党员2", "宜春市驻粤港澳大湾区流动党员党委"),
    ]
    assert {c["facts_since"] for c in committees} == {AS_OF}  # renamed in place: no new version
