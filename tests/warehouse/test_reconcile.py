"""Both sides of every member on a real PostgreSQL: GBA rosters merged with history, one category per member,
the home side's flags, what each role may read, and probable matches measured on injected typos."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

import openpyxl
import pytest
import sqlalchemy as sa
from helpers import (
    AS_OF,
    DONGGUAN,
    SHENZHEN,
    TONGGU,
    WANZAI,
    as_role,
    gba_person,
    id_number,
    person,
    rows,
    run_all,
    write_gba_roster,
    write_roster,
)
from pii import leaks

from roster_recon.intake.normalise import check_character
from roster_recon.intake.stage import member_key
from roster_recon.settings import DEMO_PII_SECRET

DAY_TWO = AS_OF + dt.timedelta(days=1)


def broken(number: str) -> str:
    """The number with its check character typed wrong."""
    return number[:17] + next(c for c in "0123456789X" if c != number[17])


def categories(engine) -> dict[str, dict]:
    found = rows(engine, "SELECT * FROM reporting.gba_reconciliation ORDER BY name")
    return {row["name"]: row for row in found}


def two_sided_flags(engine) -> dict[str, list[str]]:
    found = rows(
        engine,
        "SELECT name, flag FROM reporting.member_flags"
        " WHERE flag IN ('not_placed_in_gba', 'destination_outdated') ORDER BY name, flag",
    )
    return {row["name"]: row["flag"] for row in found}


def the_two_sides(settings) -> None:
    """万载县's 甲支部 (members 1-8) and 铜鼓县 (9), against 深圳's and 东莞's branch rosters; 珠海 sends nothing."""
    ledger = [person(i) for i in range(1, 8)]
    ledger[2]["流入地"] = "广东省东莞市长安镇"  # 3: the ledger says 东莞, 深圳 placed them
    ledger[5]["流入地"] = "广东省珠海市香洲区"  # 6: expected by 珠海, which has sent nothing
    ledger.append(person(8, 流入地="浙江省杭州市"))  # 8: not in the GBA, not expected
    write_roster(settings.drop_root, WANZAI, "甲支部.csv", ledger)
    write_roster(settings.drop_root, TONGGU, "铜鼓镇党支部.csv", [person(9)])
    write_gba_roster(
        settings.drop_root,
        SHENZHEN,
        "宜春市驻深圳流动党员第一支部.csv",
        [
            gba_person(1),  # matched
            gba_person(2, 联系电话="13912345678", 原党组织="乙支部"),  # matched, with differences
            gba_person(3),  # city_differs
            gba_person(5, 身份证号码=broken(id_number(5))),  # probable match of member 5
            gba_person(20, **{"原籍县（市、区）": "铜鼓"}),  # on no ledger: 铜鼓县's lead
            gba_person(7),  # placed twice (also in 东莞)
        ],
    )
    write_gba_roster(
        settings.drop_root, DONGGUAN, "东莞一支部.csv", [gba_person(7, branch="宜春市驻东莞流动党员第一支部")]
    )
    # 4 and 9 (深圳 by their ledgers) are placed nowhere: not_placed


def test_both_sides_give_one_category_per_member_with_the_home_sides_flags(
    make_settings, engine, validator, gba_validator
):
    settings = make_settings(AS_OF)
    the_two_sides(settings)
    run_all(settings, validator, gba_validator)
    found = categories(engine)
    assert {name: row["category"] for name, row in found.items()} == {
        "党员1": "matched",
        "党员2": "matched",
        "党员3": "city_differs",
        "党员4": "not_placed",
        "党员5": "probable_match",
        "党员6": "awaiting_roster",
        "党员7": "placed_twice",
        "党员9": "not_placed",
        "党员20": "not_on_ledger",
    }
    assert found["党员2"]["differences"] == ["phone", "home_branch"]
    assert found["党员1"]["differences"] == []
    assert found["党员3"]["expected_committee"] == "441900" and found["党员3"]["gba_committee"] == "440300"
    assert found["党员5"]["probable_positions"] == "18"
    assert found["党员5"]["id_number_masked"] == id_number(5)[:6] + "********" + id_number(5)[14:]  # the ledger's
    assert found["党员20"]["home_county_code"] == "360926"
    assert found["党员9"]["home_county_code"] == "360926" and found["党员9"]["expected_committee"] == "440300"
    assert {row["since"] for row in found.values()} == {AS_OF}
    # The latest evidence of contact from either side: the GBA roster's activity is newer than the ledger's date.
    assert (found["党员1"]["last_contact_date"], found["党员1"]["last_contact_source"]) == (
        dt.date(2026, 11, 1),
        "gba_activity",
    )
    assert found["党员4"]["last_contact_source"] == "ledger"
    assert two_sided_flags(engine) == {
        "党员3": "destination_outdated",
        "党员4": "not_placed_in_gba",
        "党员9": "not_placed_in_gba",
    }
    summary = {row["committee_code"]: row for row in rows(engine, "SELECT * FROM reporting.gba_committee_summary")}
    assert len(summary) == 8
    shenzhen = summary["440300"]
    assert (shenzhen["branches"], shenzhen["placed"], shenzhen["expected"], shenzhen["matched"]) == (1, 5, 6, 2)
    assert (shenzhen["not_placed"], shenzhen["placed_twice"], shenzhen["probable_match"]) == (2, 1, 1)
    assert summary["440400"]["last_roster_at"] is None and summary["440400"]["awaiting_roster"] == 1
    # The broken ID's row was rejected (the feedback says so) and kept only as keys: nothing to rebuild it from.
    with engine.connect() as connection:
        dump = connection.exec_driver_sql(
            "SELECT string_agg(t::text, chr(10)) FROM (SELECT * FROM core.gba_placement) t"
        ).scalar()
    assert broken(id_number(5)) not in dump and id_number(5) not in dump and id_number(1) not in dump
    assert leaks(settings.data_dir) == {}


def test_a_rerun_changes_nothing_and_a_category_that_changes_keeps_its_history(
    make_settings, engine, validator, gba_validator
):
    settings = make_settings(AS_OF)
    the_two_sides(settings)
    run_all(settings, validator, gba_validator)
    before = rows(engine, "SELECT * FROM core.gba_reconciliation ORDER BY member_key, since")
    flags_before = rows(engine, "SELECT * FROM core.member_flag ORDER BY flag_id")
    run_all(dataclasses.replace(settings, run_id="test__rerun"), validator, gba_validator)
    assert rows(engine, "SELECT * FROM core.gba_reconciliation ORDER BY member_key, since") == before
    assert rows(engine, "SELECT * FROM core.member_flag ORDER BY flag_id") == flags_before
    # Day two: 深圳 places member 4, and 东莞's branch drops member 7 (now placed once, by 深圳: matched).
    day_two = make_settings(DAY_TWO)
    write_gba_roster(
        day_two.drop_root,
        SHENZHEN,
        "宜春市驻深圳流动党员第一支部.csv",
        [gba_person(i) for i in (1, 2, 3, 4, 7, 20)] + [gba_person(5, 身份证号码=broken(id_number(5)))],
    )
    # An empty roster: no rows, the branch named by the file (a branch column with no rows names nothing).
    write_roster(day_two.drop_root, DONGGUAN, "宜春市驻东莞流动党员第一支部.csv", [], header=["姓名", "身份证号码"])
    run_all(day_two, validator, gba_validator)
    found = categories(engine)
    assert (found["党员4"]["category"], found["党员4"]["since"]) == ("matched", DAY_TWO)
    assert (found["党员7"]["category"], found["党员7"]["since"]) == ("matched", DAY_TWO)
    assert (found["党员1"]["category"], found["党员1"]["since"]) == ("matched", AS_OF)
    history = rows(
        engine,
        "SELECT category, since, closed_on FROM core.gba_reconciliation r JOIN reporting.member_current m"
        " ON m.member_key = encode(r.member_key, 'hex') WHERE m.name = '党员4' ORDER BY since",
    )
    assert history == [
        {"category": "not_placed", "since": AS_OF, "closed_on": DAY_TWO},
        {"category": "matched", "since": DAY_TWO, "closed_on": None},
    ]
    flag = rows(
        engine,
        "SELECT f.raised_on, f.closed_on FROM core.member_flag f JOIN reporting.member_current m"
        " ON m.member_key = encode(f.member_key, 'hex')"
        " WHERE m.name = '党员4' AND f.flag = 'not_placed_in_gba'",
    )
    assert flag == [{"raised_on": AS_OF, "closed_on": DAY_TWO}]
    placements = rows(
        engine,
        "SELECT branch, valid_from, valid_to FROM core.gba_placement"
        " WHERE committee_code = '441900' ORDER BY version_id",
    )
    assert placements == [{"branch": "宜春市驻东莞流动党员第一支部", "valid_from": AS_OF, "valid_to": DAY_TWO}]


def test_committee_files_are_archived_with_feedback_and_each_committee_gets_its_leads(
    make_settings, engine, validator, gba_validator
):
    settings = make_settings(AS_OF)
    the_two_sides(settings)
    (settings.drop_root / SHENZHEN / "说明.txt").write_text("请查收", encoding="utf-8")
    run_all(settings, validator, gba_validator)
    shenzhen = settings.drop_root / SHENZHEN
    assert (shenzhen / "_archive" / AS_OF.isoformat() / "宜春市驻深圳流动党员第一支部.csv").is_file()
    feedback = openpyxl.load_workbook(next((shenzhen / "_feedback").glob("宜春市驻深圳流动党员第一支部*.xlsx")))
    problems = [[c.value for c in row] for row in feedback.worksheets[1].iter_rows(min_row=2)]
    assert any(row[1] == "党员5" and row[4] == "错误 error" for row in problems)
    assert not any(id_number(5) in str(cell) or broken(id_number(5)) in str(cell) for row in problems for cell in row)
    leads = openpyxl.load_workbook(shenzhen / "_follow_up" / f"核对清单_440300_{AS_OF}.xlsx").active
    listed = {row[1]: row for row in ([c.value for c in r] for r in leads.iter_rows(min_row=2))}
    assert set(listed) == {"党员3", "党员4", "党员5", "党员7", "党员9"}  # 20 is 铜鼓县's lead, 1 and 2 matched
    assert listed["党员5"][8] == "18" and listed["党员4"][5] == "+8613800000004"  # the full phone: they must call
    municipal = settings.drop_root / "gba" / "440000-粤港澳大湾区"
    assert not municipal.exists()  # a committee without a folder gets nothing written
    county = openpyxl.load_workbook(next((settings.drop_root / WANZAI / "_follow_up").glob("*.xlsx")))
    assert county.sheetnames[1] == "大湾区核对"
    both_sides = {row[2]: row[0] for row in county["大湾区核对"].iter_rows(min_row=2, values_only=True)}
    assert both_sides == {"党员3": "编入党委与台账去向不一致（请更新去向）", "党员4": "未编入大湾区党组织"}
    ignored = rows(engine, "SELECT county_code, name FROM audit.ignored_entry")
    assert {"county_code": "440300", "name": "说明.txt"} in ignored
    # The same roster again: a duplicate, and the committee's list is not rewritten.
    day_two = make_settings(DAY_TWO)
    write_gba_roster(
        day_two.drop_root,
        DONGGUAN,
        "东莞一支部.csv",
        [gba_person(7, branch="宜春市驻东莞流动党员第一支部")],
    )
    written = run_all(day_two, validator, gba_validator)["finished"]
    assert written["441900"]["follow_up_written"] == 0
    audit = rows(engine, "SELECT county_code, status FROM reporting.file_audit WHERE as_of = :d", d=DAY_TWO)
    assert audit == [{"county_code": "441900", "status": "duplicate"}]


def test_each_committee_reads_its_own_rows_and_a_county_its_own_members(
    make_settings, engine, admin_engine, validator, gba_validator
):
    settings = make_settings(AS_OF)
    the_two_sides(settings)
    run_all(settings, validator, gba_validator)
    names = "SELECT name FROM reporting.gba_reconciliation ORDER BY name"

    def seen(role: str) -> list[str]:
        return [name for (name,) in as_role(admin_engine, role, names)]

    everyone = ["党员1", "党员2", "党员20", "党员3", "党员4", "党员5", "党员6", "党员7", "党员9"]
    assert seen("roster_reader") == everyone
    assert seen("roster_committee_440000") == everyone  # the municipal committee sees every GBA row
    assert seen("roster_committee_441900") == ["党员3", "党员7"]  # expected by it, or placed by it
    assert seen("roster_committee_440400") == ["党员6"]
    assert seen("roster_county_360926") == ["党员20", "党员9"]  # its members, on either side
    with admin_engine.begin() as connection:
        connection.exec_driver_sql("DROP ROLE IF EXISTS li_dongguan; CREATE ROLE li_dongguan LOGIN")
        connection.exec_driver_sql("GRANT roster_committee_441900 TO li_dongguan")
    try:
        assert seen("li_dongguan") == ["党员3", "党员7"]
        summary = as_role(
            admin_engine, "li_dongguan", "SELECT committee_code, placed FROM reporting.gba_committee_summary"
        )
        assert {code: placed for code, placed in summary if placed} == {"441900": 1}
        files = as_role(admin_engine, "li_dongguan", "SELECT county_code FROM reporting.file_audit")
        assert {code for (code,) in files} == {"441900"}
    finally:
        with admin_engine.begin() as connection:
            connection.exec_driver_sql("DROP OWNED BY li_dongguan; DROP ROLE li_dongguan")
    for table in ("core.gba_placement", "core.gba_reconciliation", "staging.gba_row"):
        with pytest.raises(sa.exc.ProgrammingError, match="permission denied"):
            as_role(admin_engine, "roster_committee_440300", f"SELECT 1 FROM {table} LIMIT 1")
    phones = as_role(admin_engine, "roster_committee_440300", "SELECT phone_masked FROM reporting.gba_reconciliation")
    assert all(phone is None or "****" in phone for (phone,) in phones)


def one_slip(number: str, rng: random.Random) -> str:
    """One digit typed over another, or two neighbours swapped (positions 7-18), so that the check fails."""
    while True:
        position = rng.randrange(6, 17)
        if rng.random() < 0.5 and position < 16:
            typed = number[:position] + number[position + 1] + number[position] + number[position + 2 :]
        else:
            typed = number[:position] + rng.choice("0123456789") + number[position + 1 :]
        if typed[:17] != number[:17] and check_character(typed[:17]) != typed[17]:
            return typed


def test_probable_matches_find_injected_typos_and_suggest_nothing_wrong(
    make_settings, engine, validator, gba_validator
):
    """600 members on a ledger; the GBA roster carries each with one slip in the ID. 100 more rows carry a slip in the
    ID of someone on no ledger, and 100 a slip in a member's ID under another name: neither may be suggested.
    (The figures for a larger set: ``bench/probable_matches.py``.)"""
    rng = random.Random(21)
    settings = make_settings(AS_OF)
    # Names repeat (15 members per name), birth dates are spread over forty years as in life.
    born = {
        i: (dt.date(1966, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 40))).strftime("%Y%m%d")
        for i in range(1, 601)
    }
    numbers = {i: id_number(i, born=born[i]) for i in range(1, 601)}
    members = [person(i, 姓名=f"张{i % 40}", 身份证号码=numbers[i]) for i in range(1, 601)]
    write_roster(settings.drop_root, WANZAI, "甲支部.csv", members)
    typos = [gba_person(i, 姓名=f"张{i % 40}", 身份证号码=one_slip(numbers[i], rng)) for i in range(1, 601)]
    strangers = [gba_person(i, 身份证号码=one_slip(id_number(i, place="360981"), rng)) for i in range(601, 701)]
    renamed = [gba_person(i, 姓名="李四", 身份证号码=one_slip(numbers[i], rng)) for i in range(1, 101)]
    # A file more than half of whose rows break a hard rule is rejected whole: each file holds as many good rows.
    placed = [gba_person(i, 姓名=f"王{i}", 身份证号码=id_number(i, place="360983")) for i in range(1, 801)]
    write_gba_roster(settings.drop_root, SHENZHEN, "宜春市驻深圳流动党员第一支部.csv", typos + placed[:600])
    write_gba_roster(
        settings.drop_root,
        SHENZHEN,
        "宜春市驻深圳流动党员第二支部.csv",
        [{**row, "所在支部": "宜春市驻深圳流动党员第二支部"} for row in strangers + renamed + placed[600:]],
    )
    run_all(settings, validator, gba_validator)
    suggested = {
        row["member_key"]
        for row in rows(engine, "SELECT member_key FROM reporting.gba_reconciliation WHERE category = 'probable_match'")
    }
    intended = {member_key(numbers[i], DEMO_PII_SECRET).hex() for i in range(1, 601)}
    recall, wrong = len(suggested & intended) / len(intended), len(suggested - intended)
    print(
        rows(
            engine, "SELECT county_code, status, rows_read, rows_loaded, rows_rejected, error FROM reporting.file_audit"
        )
    )
    print(rows(engine, "SELECT category, count(*) FROM reporting.gba_reconciliation GROUP BY 1"))
    assert wrong == 0 and recall >= 0.95, (recall, wrong)
    # Every row whose ID broke was rejected and listed, the strangers' and the renamed ones' too.
    assert rows(engine, "SELECT sum(rows_rejected) AS n FROM reporting.file_audit WHERE county_code = '440300'") == [
        {"n": 800}
    ]


def test_a_broken_id_one_slip_from_a_known_member_gets_the_positions_to_check_in_its_feedback(
    make_settings, engine, validator, gba_validator
):
    settings = make_settings(AS_OF)
    write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(i) for i in (1, 2, 3)])
    run_all(settings, validator, gba_validator)
    day_two = make_settings(DAY_TWO)
    number = id_number(2)
    swapped = number[:15] + number[16] + number[15] + number[17:]  # two neighbours the wrong way round
    assert swapped != number
    write_roster(day_two.drop_root, WANZAI, "乙支部.csv", [person(4), person(5), person(2, 身份证号码=swapped)])
    write_gba_roster(
        day_two.drop_root, SHENZHEN, "第一支部.csv", [gba_person(1), gba_person(3, 身份证号码=broken(id_number(3)))]
    )
    run_all(day_two, validator, gba_validator)
    found = rows(
        engine,
        "SELECT f.county_code, p.source_row, p.member_name, p.code, p.severity, p.message_en, p.value_masked"
        " FROM audit.file_problem p JOIN audit.file f USING (file_id) WHERE p.code = 'id_probable_match'"
        " ORDER BY f.county_code",
    )
    assert [(f["county_code"], f["source_row"], f["member_name"], f["severity"]) for f in found] == [
        ("360922", 4, "党员2", "warning"),
        ("440300", 3, "党员3", "warning"),
    ]
    assert "position(s) 16,17" in found[0]["message_en"] and "position(s) 18" in found[1]["message_en"]
    assert all(f["value_masked"] is None for f in found)  # never a number, only where to look
    feedback = openpyxl.load_workbook(next((day_two.drop_root / WANZAI / "_feedback").glob("乙支部*.xlsx")))
    cells = [str(c) for row in feedback.worksheets[1].iter_rows(values_only=True) for c in row]
    assert any("请核对第 16,17 位" in cell for cell in cells) and not any(number in cell for cell in cells)


def test_a_county_is_never_pointed_at_another_countys_member(make_settings, engine, validator, gba_validator):
    """铜鼓's clerk types 万载's member 2 with one slip: positions to check would, with the clerk's own number,
    disclose the other county's member's ID. No suggestion is made; the row is rejected as a broken ID."""
    settings = make_settings(AS_OF)
    write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(i) for i in (1, 2, 3)])
    run_all(settings, validator, gba_validator)
    day_two = make_settings(DAY_TWO)
    number = id_number(2)
    swapped = number[:15] + number[16] + number[15] + number[17:]
    write_roster(day_two.drop_root, TONGGU, "铜鼓镇党支部.csv", [person(4), person(5), person(2, 身份证号码=swapped)])
    run_all(day_two, validator, gba_validator)
    found = rows(
        engine,
        "SELECT p.code FROM audit.file_problem p JOIN audit.file f USING (file_id)"
        " WHERE f.county_code = '360926' AND p.member_name = '党员2'",
    )
    assert found and all(f["code"] != "id_probable_match" for f in found)


def test_a_placed_member_whose_id_is_mistyped_on_the_next_roster_stays_placed(
    make_settings, engine, validator, gba_validator
):
    """As on a county ledger: a row that breaks a hard rule keeps the member with the facts last accepted, found by
    the row's name when the ID is what is broken."""
    settings = make_settings(AS_OF)
    write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1), person(2)])
    write_gba_roster(settings.drop_root, SHENZHEN, "第一支部.csv", [gba_person(1), gba_person(2)])
    run_all(settings, validator, gba_validator)
    day_two = make_settings(DAY_TWO)
    write_gba_roster(
        day_two.drop_root, SHENZHEN, "第一支部.csv", [gba_person(1, 身份证号码=broken(id_number(1))), gba_person(2)]
    )
    run_all(day_two, validator, gba_validator)
    found = categories(engine)
    assert (found["党员1"]["category"], found["党员1"]["since"]) == ("matched", AS_OF)
    placements = rows(engine, "SELECT name, id_valid, valid_from, valid_to FROM core.gba_placement ORDER BY version_id")
    assert placements == [
        {"name": "党员1", "id_valid": True, "valid_from": AS_OF, "valid_to": None},  # kept, by its name
        {"name": "党员2", "id_valid": True, "valid_from": AS_OF, "valid_to": None},
        {"name": "党员1", "id_valid": False, "valid_from": DAY_TWO, "valid_to": None},  # the broken row, as keys
    ]
    audit = rows(engine, "SELECT rows_read, rows_rejected FROM reporting.file_audit WHERE as_of = :d", d=DAY_TWO)
    assert audit == [{"rows_read": 2, "rows_rejected": 1}]


def test_the_home_sides_flag_is_on_the_entry_the_member_is_reconciled_by(
    make_settings, engine, validator, gba_validator
):
    settings = make_settings(AS_OF)
    write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1)])  # 深圳 by this ledger
    write_roster(settings.drop_root, TONGGU, "铜鼓镇党支部.csv", [person(1, 流入地="浙江省杭州市")])  # enrolled twice
    write_gba_roster(settings.drop_root, SHENZHEN, "第一支部.csv", [gba_person(2)])
    run_all(settings, validator, gba_validator)
    assert categories(engine)["党员1"]["category"] == "not_placed"
    flagged = rows(
        engine, "SELECT county_code, flag FROM reporting.member_flags WHERE flag = 'not_placed_in_gba' ORDER BY 1"
    )
    assert flagged == [{"county_code": "360922", "flag": "not_placed_in_gba"}]  # not 铜鼓县's, which says 杭州


def test_a_day_without_rosters_recomputes_only_what_its_date_moved(make_settings, engine, validator, gba_validator):
    settings = make_settings(AS_OF)
    write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1), person(2)])
    write_gba_roster(
        settings.drop_root,
        SHENZHEN,
        "第一支部.csv",
        [gba_person(1), gba_person(2, 最近活动时间=DAY_TWO.isoformat())],  # dated tomorrow: warned, counted tomorrow
    )
    run_all(settings, validator, gba_validator)
    found = categories(engine)
    assert (found["党员2"]["last_contact_date"], found["党员2"]["last_contact_source"]) == (
        dt.date(2026, 10, 31),  # dues paid to 2026年10月: the month's last day, newer than the ledger's 10-01
        "dues",
    )
    run_all(make_settings(DAY_TWO), validator, gba_validator)  # no file: only the date moved
    found = categories(engine)
    assert (found["党员2"]["last_contact_date"], found["党员2"]["last_contact_source"]) == (DAY_TWO, "gba_activity")
    assert (found["党员2"]["category"], found["党员2"]["since"]) == ("matched", AS_OF)
    before = rows(engine, "SELECT * FROM core.gba_reconciliation ORDER BY member_key")
    run_all(make_settings(DAY_TWO + dt.timedelta(days=1)), validator, gba_validator)  # nothing moved at all
    assert rows(engine, "SELECT * FROM core.gba_reconciliation ORDER BY member_key") == before


def test_a_member_who_moves_branch_during_a_category_replays_every_date_as_recorded(
    make_settings, engine, validator, gba_validator
):
    from roster_recon import warehouse
    from roster_recon.warehouse.replay import replay

    settings = make_settings(AS_OF)
    write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1), person(3)])  # 1: 深圳, placed nowhere
    write_gba_roster(settings.drop_root, SHENZHEN, "第一支部.csv", [gba_person(2)])  # 深圳 has sent a roster
    run_all(settings, validator, gba_validator)
    assert categories(engine)["党员1"]["category"] == "not_placed"

    day_two = make_settings(DAY_TWO)  # the member moves to 乙支部 of the same county: still placed nowhere
    write_roster(day_two.drop_root, WANZAI, "甲支部.csv", [person(3)])
    write_roster(day_two.drop_root, WANZAI, "乙支部.csv", [person(1)])
    run_all(day_two, validator, gba_validator)
    spell = categories(engine)["党员1"]
    assert (spell["category"], spell["since"]) == ("not_placed", AS_OF)  # the category's spell goes on
    flagged = rows(
        engine, "SELECT branch FROM reporting.member_flags WHERE flag = 'not_placed_in_gba' AND name = '党员1'"
    )
    assert [f["branch"] for f in flagged] == ["乙支部"]
    with warehouse.raw_connection(engine) as connection:
        first, second = replay(connection, AS_OF), replay(connection, DAY_TWO)
    assert (first.missing, first.extra) == (set(), set())
    assert second.equal


def test_a_committee_whose_sync_brings_back_last_months_roster_keeps_the_current_one(
    make_settings, engine, validator, gba_validator
):
    import os

    first = make_settings(AS_OF)
    current = write_gba_roster(first.drop_root, SHENZHEN, "第一支部_11月.csv", [gba_person(1)])
    content = current.read_bytes()
    run_all(first, validator, gba_validator)
    later = make_settings(DAY_TWO)
    again = later.drop_root / SHENZHEN / current.name
    again.write_bytes(content)  # the committee sends its current roster again, and a sync brings October's back
    older = write_gba_roster(later.drop_root, SHENZHEN, "第一支部_10月.csv", [gba_person(1), gba_person(2)])
    os.utime(older, (older.stat().st_atime, again.stat().st_mtime - 30 * 86400))
    run_all(later, validator, gba_validator)
    audit = rows(
        engine, "SELECT file_name, status FROM reporting.file_audit WHERE run_id = :r ORDER BY 1", r=later.run_id
    )
    assert [(a["file_name"], a["status"]) for a in audit] == [
        ("第一支部_10月.csv", "superseded"),
        ("第一支部_11月.csv", "duplicate"),
    ]
    placed = rows(engine, "SELECT name FROM core.gba_placement WHERE valid_to IS NULL ORDER BY name")
    assert [p["name"] for p in placed] == ["党员1"]
