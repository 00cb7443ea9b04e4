"""Merge and flags on a real PostgreSQL: snapshots into history, members leaving, returning and moving, flags."""

from __future__ import annotations

import datetime as dt

import pytest
from helpers import AS_OF, HEADER, TONGGU, WANZAI, flags_of, id_number, person, rows, run_all, run_day, write_roster
from python_calamine import CalamineWorkbook

from roster_recon import tasks
from roster_recon.delivery import report


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
    # Day one after the rosters' last contact (2026-10-01): evidence dated later than a run is not yet evidence.
    day1, day2, day3 = dt.date(2026, 10, 6), dt.date(2026, 10, 26), dt.date(2026, 11, 26)
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
        " h JOIN core.roster_version v ON h.member_key = encode(v.member_key, 'hex')"
        " AND (h.branch, h.valid_from) = (v.branch, v.valid_from) WHERE v.name = '党员1' ORDER BY h.valid_from",
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
        " JOIN core.roster_version v ON f.member_key = encode(v.member_key, 'hex')"
        " AND (f.county_code, f.branch) = (v.county_code, v.branch)"
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


def test_a_failing_merge_leaves_no_partial_state(make_settings, engine, validator, monkeypatch):
    settings = make_settings(AS_OF)
    write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1)])
    run_day(settings, validator, until="ingest")

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


def test_empty_sheets_are_branches_named_like_rows_and_each_says_how_many_left(make_settings, engine, validator):
    import xlsxwriter

    first = make_settings(AS_OF)
    write_roster(first.drop_root, WANZAI, "二支部（驻深圳）.csv", [person(1), person(2)])
    write_roster(first.drop_root, WANZAI, "三支部.csv", [person(3)])
    run_all(first, validator)
    later = make_settings(AS_OF + dt.timedelta(days=30))
    workbook = xlsxwriter.Workbook(str(later.drop_root / WANZAI / "万载县台账_2026-12.xlsx"))
    for sheet_name, serials in (("甲支部", (4,)), ("二支部（驻深圳） ", ()), ("三支部", ())):
        sheet = workbook.add_worksheet(sheet_name)
        for column, header in enumerate(["姓名", "身份证号码"]):
            sheet.write_string(0, column, header)
        for row, serial in enumerate(serials, start=1):
            sheet.write_string(row, 0, f"党员{serial}")
            sheet.write_string(row, 1, id_number(serial))
    workbook.close()
    run_all(later, validator)
    current = rows(engine, "SELECT branch, name FROM reporting.member_current ORDER BY name")
    assert [(c["branch"], c["name"]) for c in current] == [("甲支部", "党员4")]
    error = rows(engine, "SELECT error FROM audit.file WHERE run_id = :r", r=later.run_id)[0]["error"]
    assert "2 member(s) left the roster of 二支部(驻深圳)" in error
    assert "1 member(s) left the roster of 三支部" in error


def test_a_paragraph_pasted_into_the_branch_cell_rejects_that_row_and_the_night_merges(
    make_settings, engine, validator, gba_validator
):
    """A branch is a key of btree indexes (about 2,700 bytes an entry): 2,400 characters in 所在党支部 or 所在支部
    used to stage, then stop every county's merge on "index row size exceeds maximum"."""
    from helpers import SHENZHEN, gba_person, write_gba_roster

    settings = make_settings(AS_OF)
    # A paragraph, not a name: 2,400 characters that do not repeat (a repeated phrase compresses under the limit).
    note = "".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(2400))
    header = [
        "姓名",
        "身份证号码",
        "所在党支部",
        "流出时间",
        "流入地",
        "联系电话",
        "从事行业",
        "最后联系时间",
        "联系状态",
    ]
    people = [person(1, 所在党支部="甲支部"), person(2, 所在党支部=note), person(3, 所在党支部="甲支部")]
    write_roster(settings.drop_root, WANZAI, "万载台账.csv", people, header=header)
    write_roster(settings.drop_root, TONGGU, "铜鼓镇党支部.csv", [person(4)])
    number = id_number(2)
    mistyped = number[:17] + ("0" if number[17] != "0" else "1")  # a broken check character: kept for matching
    long_rows = [gba_person(3, 所在支部=note), gba_person(2, 身份证号码=mistyped, 所在支部=note)]
    gba_rows = [gba_person(1), gba_person(5), gba_person(6), *long_rows]
    write_gba_roster(settings.drop_root, SHENZHEN, "第一支部.csv", gba_rows)
    run_all(settings, validator, gba_validator)
    merged = rows(engine, "SELECT name, branch FROM reporting.member_current ORDER BY name")
    assert [(m["name"], m["branch"]) for m in merged] == [
        ("党员1", "甲支部"),
        ("党员3", "甲支部"),
        ("党员4", "铜鼓镇党支部"),
    ]
    problems = rows(
        engine,
        "SELECT f.county_code, p.source_row, p.code, p.message_en FROM audit.file_problem p JOIN audit.file f"
        " USING (file_id) WHERE p.code = 'branch_too_long' ORDER BY f.county_code",
    )
    assert [(p["county_code"], p["source_row"]) for p in problems] == [("360922", 3), ("440300", 5), ("440300", 6)]
    assert "write only the branch's name" in problems[0]["message_en"]
    placed = rows(engine, "SELECT name FROM reporting.gba_reconciliation WHERE gba_branch IS NOT NULL ORDER BY name")
    assert [p["name"] for p in placed] == ["党员1", "党员5", "党员6"]


def assert_flags_as_every_entry_computes(engine, as_of: dt.date, months: int) -> None:
    """The open flags are what computing every entry's gives (in a transaction rolled back)."""
    import psycopg2

    from roster_recon.warehouse import flag

    open_flags = (
        "SELECT encode(member_key, 'hex'), county_code, branch, flag, detail FROM core.member_flag"
        " WHERE closed_on IS NULL"
    )
    url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute(open_flags)
        kept = sorted(cursor.fetchall())
        flag.recompute_flags(connection, as_of, months, f"every-entry-{as_of}", every_entry=True)
        cursor.execute(open_flags)
        assert sorted(cursor.fetchall()) == kept, as_of
        connection.rollback()


def test_a_day_with_no_new_file_computes_only_what_the_date_moved_and_agrees_with_every_entry(
    make_settings, engine, validator
):
    first = dt.date(2026, 8, 20)
    settings = make_settings(first)
    people = [
        person(1, 最后联系时间="2026-02-19"),  # lost already
        person(2, 最后联系时间="2026-02-21"),  # lost from Aug 22
        person(3, 最后联系时间="2026-02-28"),  # lost from Aug 29
        person(4, 最后联系时间="2026-03-31"),  # lost from Oct 1 (Mar 31 + 6 months = Sep 30)
        person(5, 流出时间="2026-09-10"),  # an outflow in the future until Sep 10
        person(6, 最后联系时间="", 流出时间="2026-03-01"),  # no contact record from Sep 2
        person(7, 最后联系时间="2026-08-01"),  # nothing moves
    ]
    write_roster(settings.drop_root, WANZAI, "甲支部.csv", people)
    assert run_all(settings, validator)["merged"]["flags_scope"] == -1  # files loaded: every entry

    for day in ("2026-08-25", "2026-08-31", "2026-09-15", "2026-10-02"):
        as_of = dt.date.fromisoformat(day)
        merged = run_all(make_settings(as_of, run_id=f"idle-{day}"), validator)["merged"]
        assert 0 < merged["flags_scope"] < len(people), day  # the members a line crossed, by the indexes
        assert_flags_as_every_entry_computes(engine, as_of, 6)
    assert flags_of(engine, 4)["甲支部"] == ["lost_contact"] and flags_of(engine, 6)["甲支部"] == ["no_contact_record"]
    assert flags_of(engine, 5)["甲支部"] == [] and flags_of(engine, 7)["甲支部"] == []


def test_a_quiet_day_reuses_only_the_flags_the_latest_run_left_with_its_own_months(make_settings, engine, validator):
    """The flags in the table are the latest merged run's: a rerun of the same date with 3 months, then a quiet day
    with 6, computes every entry; and a merge that read another number of months than its prepare records those."""
    first, next_day = dt.date(2026, 8, 20), dt.date(2026, 8, 21)
    settings = make_settings(first)
    write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1, 最后联系时间="2026-04-10"), person(2)])
    run_all(settings, validator)
    run_all(make_settings(first, run_id="again-3", lost_contact_months=3), validator)
    assert flags_of(engine, 1)["甲支部"] == ["lost_contact"]  # Apr 10 + 3 months < Aug 20
    assert run_all(make_settings(next_day, run_id="quiet-6"), validator)["merged"]["flags_scope"] == -1
    assert flags_of(engine, 1)["甲支部"] == [] and assert_flags_as_every_entry_computes(engine, next_day, 6) is None

    # prepare read 6 months, the merge 3 (the Variable changed between them): the run records 3.
    day = dt.date(2026, 8, 22)
    tasks.prepare_run(make_settings(day, run_id="split"))
    tasks.merge_run(make_settings(day, run_id="split", lost_contact_months=3))
    tasks.report_run(make_settings(day, run_id="split", lost_contact_months=3))
    assert rows(engine, "SELECT lost_contact_months FROM audit.run WHERE run_id = 'split'") == [
        {"lost_contact_months": 3}
    ]
    assert run_all(make_settings(day + dt.timedelta(days=1), run_id="after"), validator)["merged"]["flags_scope"] == -1
    assert_flags_as_every_entry_computes(engine, day + dt.timedelta(days=1), 6)
