"""Contact evidence on a real PostgreSQL: members' self-reports, GBA party life and dues, ledgers; each piece once,
with its source and file; the flags it decides; what each role reads of it; the replay of past dates."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from helpers import (
    AS_OF,
    SHENZHEN,
    TONGGU,
    WANZAI,
    as_role,
    gba_person,
    id_number,
    latest_evidence_differences,
    person,
    rows,
    run_all,
    write_csv_export,
    write_gba_roster,
    write_roster,
)
from pii import leaks

from roster_recon import warehouse
from roster_recon.intake.stage import member_key
from roster_recon.settings import DEMO_PII_SECRET
from roster_recon.warehouse.replay import explain, replay

DAY_TWO = AS_OF + dt.timedelta(days=3)
REPORT_HEADER = ["上报时间", "姓名", "身份证号码", "现居城市", "详细地址", "联系电话", "工作单位"]


def report(serial: int, at: str, city: str = "广东省深圳市", **changes) -> dict:
    values = {
        "上报时间": at,
        "姓名": f"党员{serial}",
        "身份证号码": id_number(serial),
        "现居城市": city,
        "详细地址": f"{city}某区某街道",
        "联系电话": f"138{serial:08d}",
        "工作单位": "某公司",
    }
    values.update(changes)
    return values


def write_export(drop_root: Path, name: str, reports: list[dict]) -> Path:
    return write_csv_export(drop_root / "self-reports", name, REPORT_HEADER, reports, "utf-8-sig")


def key(serial: int) -> str:
    """A member's key in the hex the ``reporting`` views show."""
    return member_key(id_number(serial), DEMO_PII_SECRET).hex()


def flags(engine, serial: int) -> dict[str, str]:
    """The member's open flags about contact, with their detail."""
    found = rows(
        engine,
        "SELECT flag, detail FROM reporting.member_flags WHERE member_key = :k"
        " AND flag IN ('lost_contact', 'no_contact_record', 'destination_outdated')",
        k=key(serial),
    )
    return {row["flag"]: row["detail"] for row in found}


def test_evidence_from_every_source_decides_lost_contact_and_replays(make_settings, engine, admin_engine):
    day_one = make_settings(AS_OF)
    drop = day_one.drop_root
    old = {"最后联系时间": "2025-01-01"}  # by its ledger alone, everyone here is out of touch since January 2025
    write_roster(
        drop,
        WANZAI,
        "甲支部.csv",
        [
            person(1, **old),  # reported through 码上报 last week
            person(2, **old),  # nothing since: lost, the ledger's date named
            person(3, 最后联系时间=""),  # no evidence from anyone: no contact record
            person(4, **old),  # attended party life in Shenzhen
            person(5, 最后联系时间="", 流出时间="2026-10-01"),  # gone a month: nobody expects a record yet
            person(6, **old),  # reports from Foshan; the ledger says Shenzhen
        ],
    )
    write_gba_roster(drop, SHENZHEN, "第一支部.csv", [gba_person(4, 最近活动时间="2026-10-20", 党费缴至="2025年1月")])
    overlap = report(1, "2026-11-18 09:30:00")
    write_export(
        drop,
        "码上报导出_20261101-20261120.csv",
        [
            report(6, "2026-11-02 20:15:00", city="广东省佛山市"),
            overlap,
            report(7, "2026-11-03 10:00:00", city="广州"),  # an ID that matches no member
            report(8, "昨天"),  # a time nobody can read: rejected
        ],
    )
    write_export(drop, "码上报导出_20261117-20261125.csv", [overlap])  # the overlap, sent again in the next export
    run_all(day_one)

    assert set(flags(engine, 1)) == set()
    assert flags(engine, 2)["lost_contact"] == "last contact 2025-01-01 (ledger, 甲支部.csv)"
    assert set(flags(engine, 3)) == {"no_contact_record"} and set(flags(engine, 5)) == set()
    assert set(flags(engine, 4)) == set()
    # Six's report is older than the ledger's destination (first loaded today): not yet a sign it is out of date.
    assert "destination_outdated" not in flags(engine, 6)
    current = {
        r["name"]: (r["last_contact_date"], r["last_contact_source"], r["ledger_last_contact_date"])
        for r in rows(engine, "SELECT * FROM reporting.member_current")
    }
    assert current["党员1"] == (dt.date(2026, 11, 18), "self_report", dt.date(2025, 1, 1))
    assert current["党员4"] == (dt.date(2026, 10, 20), "gba_activity", dt.date(2025, 1, 1))
    assert current["党员3"] == (None, None, None)
    counted = rows(
        engine,
        "SELECT source, count(*) AS n FROM core.contact_event WHERE member_key = decode(:k, 'hex') GROUP BY source",
        k=key(1),
    )
    assert {(r["source"], r["n"]) for r in counted} == {("self_report", 1), ("ledger", 1)}  # the overlap once
    files = {
        r["file_name"]: (r["status"], r["rows_loaded"], r["rows_rejected"])
        for r in rows(engine, "SELECT * FROM audit.file WHERE county_code = 'self-reports'")
    }
    assert files == {
        "码上报导出_20261101-20261120.csv": ("loaded", 3, 1),
        "码上报导出_20261117-20261125.csv": ("loaded", 1, 0),
    }
    problems = rows(
        engine,
        "SELECT p.code, p.source_row, p.member_name FROM audit.file_problem p JOIN audit.file f USING (file_id)"
        " WHERE f.county_code = 'self-reports'",
    )
    # A report's name is kept nowhere, not even beside its problem: the row and the masked ID identify it.
    assert [(p["code"], p["source_row"], p["member_name"]) for p in problems] == [("report_time_missing", 5, None)]
    assert rows(engine, "SELECT city, reports FROM reporting.unmatched_self_reports") == [
        {"city": "广州市", "reports": 1}
    ]
    # The self-reports folder was finished like any other: the export archived, the rejected row in the feedback.
    reports_folder = drop / "self-reports"
    assert [p.name for p in (reports_folder / "_archive" / AS_OF.isoformat()).iterdir()]
    assert list((reports_folder / "_feedback").glob("*.xlsx")) and not (reports_folder / "_follow_up").exists()

    # Day two: six reports from Foshan again, now after the ledger stated Shenzhen; the same export sent again.
    day_two = make_settings(DAY_TWO)
    write_export(drop, "码上报导出_20261127-20261128.csv", [report(6, "2026-11-28 08:00:00", city="佛山市顺德区")])
    (drop / "self-reports" / "copy.csv").write_bytes(
        (drop / "self-reports" / "_archive" / AS_OF.isoformat() / "码上报导出_20261117-20261125.csv").read_bytes()
    )
    run_all(day_two)
    assert flags(engine, 6)["destination_outdated"] == (
        "self-report of 2026-11-28 from 佛山市 (码上报导出_20261127-20261128.csv); the ledger says 深圳市"
    )
    statuses = {r["file_name"]: r["status"] for r in rows(engine, "SELECT * FROM reporting.file_audit")}
    assert statuses["copy.csv"] == "duplicate"

    # What each login reads: a county its members' evidence, whatever the source; a committee its city's reports.
    seen_by_wanzai = as_role(admin_engine, "roster_county_360922", "SELECT source FROM reporting.contact_evidence")
    assert {source for (source,) in seen_by_wanzai} == {"ledger", "self_report", "gba_activity", "dues"}
    named = as_role(admin_engine, "roster_county_360922", "SELECT DISTINCT file_name FROM reporting.contact_evidence")
    assert {name for (name,) in named} == {
        "甲支部.csv",
        "第一支部.csv",
        "码上报导出_20261101-20261120.csv",  # the second export brought nothing new: its report was counted
        "码上报导出_20261127-20261128.csv",
    }
    assert as_role(admin_engine, f"roster_county_{TONGGU}", "SELECT * FROM reporting.contact_evidence") == []
    assert as_role(admin_engine, f"roster_county_{TONGGU}", "SELECT * FROM reporting.unmatched_self_reports") == []
    foshan = as_role(
        admin_engine, "roster_committee_440600", "SELECT DISTINCT member_key FROM reporting.contact_evidence"
    )
    assert foshan == [(key(6),)]
    with pytest.raises(sa.exc.ProgrammingError, match="permission denied"):
        as_role(admin_engine, "roster_reader", "SELECT count(*) FROM core.contact_event")

    # Both dates replay to what their runs recorded, and a member's flag is explained from the evidence.
    with warehouse.raw_connection(engine) as connection:
        for day in (AS_OF, DAY_TWO):
            assert replay(connection, day).equal
        result = replay(connection, AS_OF, key(2)[:10])
    lines = explain(result, key(2)[:10])
    assert any("lost_contact" in line and "2025-01-01 (ledger, 甲支部.csv)" in line for line in lines)
    assert any("2025-01-01 ledger" in line and "360922" in line for line in lines)
    assert leaks(day_two.data_dir, phones=True) == {}


def test_evidence_dated_after_its_run_counts_when_its_day_comes_and_a_date_sent_again_counts_once(
    make_settings, engine
):
    old = {"最后联系时间": "2025-01-01"}
    day_one = make_settings(AS_OF)
    drop = day_one.drop_root
    write_roster(drop, WANZAI, "甲支部.csv", [person(1, **old), person(2, **old)])
    ahead = AS_OF + dt.timedelta(days=2)  # a report timed after the run's date (a clock set wrong, or a late run)
    write_export(drop, "码上报导出.csv", [report(1, f"{ahead.isoformat()} 10:00:00")])
    run_all(day_one)
    assert set(flags(engine, 1)) == {"lost_contact"} == set(flags(engine, 2))  # not yet its day
    assert latest_evidence_differences(engine, AS_OF) == 0

    # Day two: no new file at all; the report's day has come.
    day_two = make_settings(AS_OF + dt.timedelta(days=3))
    run_all(day_two)
    assert set(flags(engine, 1)) == set() and set(flags(engine, 2)) == {"lost_contact"}
    assert latest_evidence_differences(engine, day_two.as_of) == 0

    # Day three: the same ledger again with one thing changed for each member: two's date, one's trade.
    day_three = make_settings(AS_OF + dt.timedelta(days=4))
    write_roster(drop, WANZAI, "甲支部.csv", [person(1, 从事行业="物流", **old), person(2, 最后联系时间="2026-11-20")])
    run_all(day_three)
    assert set(flags(engine, 1)) == set() == set(flags(engine, 2))
    current = {r["name"]: (r["last_contact_date"], r["last_contact_source"]) for r in rows(engine, SELECT_CURRENT)}
    assert current == {"党员1": (ahead, "self_report"), "党员2": (dt.date(2026, 11, 20), "ledger")}
    assert latest_evidence_differences(engine, day_three.as_of) == 0
    ledger_dates = rows(
        engine,
        "SELECT encode(member_key, 'hex') AS k, occurred_on, known_on FROM core.contact_event"
        " WHERE source = 'ledger' ORDER BY k, occurred_on",
    )
    assert sorted((r["k"], r["occurred_on"], r["known_on"]) for r in ledger_dates) == sorted(
        [
            (key(1), dt.date(2025, 1, 1), AS_OF),  # sent again on day three: still the first file's, once
            (key(2), dt.date(2025, 1, 1), AS_OF),
            (key(2), dt.date(2026, 11, 20), day_three.as_of),
        ]
    )
    with warehouse.raw_connection(engine) as connection:
        assert all(replay(connection, day).equal for day in (AS_OF, day_two.as_of, day_three.as_of))


SELECT_CURRENT = "SELECT name, last_contact_date, last_contact_source FROM reporting.member_current"


def test_a_report_exported_again_with_its_city_corrected_is_one_piece_the_later_city_winning(make_settings, engine):
    day_one = make_settings(AS_OF)
    drop = day_one.drop_root
    write_roster(drop, WANZAI, "甲支部.csv", [person(1, 流入地="广东省深圳市南山区")])
    run_all(day_one)
    at = f"{(AS_OF + dt.timedelta(days=1)).isoformat()} 09:30:00"  # after the ledger first said 深圳

    day_two = make_settings(AS_OF + dt.timedelta(days=2))
    write_export(drop, "码上报导出_1.csv", [report(1, at, city="广东省东莞市")])  # the city mistyped
    run_all(day_two)
    assert "destination_outdated" in flags(engine, 1)

    day_three = make_settings(AS_OF + dt.timedelta(days=3))
    write_export(drop, "码上报导出_2.csv", [report(1, at, city="广东省深圳市")])  # exported again, corrected
    run_all(day_three)
    pieces = rows(
        engine,
        "SELECT city FROM reporting.contact_evidence WHERE source = 'self_report' AND member_key = :k",
        k=key(1),
    )
    assert [p["city"] for p in pieces] == ["深圳市"]  # one piece per (member, report time)
    assert "destination_outdated" not in flags(engine, 1)
    assert latest_evidence_differences(engine, day_three.as_of) == 0

    # Two exports of the report in one run, the older one with the wrong city: the later export (by its time) wins.
    day_four = make_settings(AS_OF + dt.timedelta(days=4))
    stale = write_export(drop, "码上报导出_3b.csv", [report(1, at, city="广东省东莞市")])
    fresh = write_export(drop, "码上报导出_3a.csv", [report(1, at, city="广东省深圳市")])
    os.utime(stale, (stale.stat().st_atime, fresh.stat().st_mtime - 60))
    run_all(day_four)
    cities = rows(
        engine, "SELECT city FROM reporting.contact_evidence WHERE source = 'self_report' AND member_key = :k", k=key(1)
    )
    assert [c["city"] for c in cities] == ["深圳市"]
    assert "destination_outdated" not in flags(engine, 1)

    # An older export (by its time) arriving in a later run corrects nothing: the city stays the later export's.
    day_five = make_settings(AS_OF + dt.timedelta(days=5))
    late = write_export(drop, "码上报导出_0.csv", [report(1, at, city="广东省东莞市")])
    os.utime(late, (late.stat().st_atime, late.stat().st_mtime - 10 * 86400))
    run_all(day_five)
    cities = rows(
        engine, "SELECT city FROM reporting.contact_evidence WHERE source = 'self_report' AND member_key = :k", k=key(1)
    )
    assert [c["city"] for c in cities] == ["深圳市"]
    with warehouse.raw_connection(engine) as connection:
        days = (day_one.as_of, day_two.as_of, day_three.as_of, day_four.as_of, day_five.as_of)
        assert all(replay(connection, day).equal for day in days)
        then = replay(connection, day_two.as_of, key(1))
    assert [piece[1] for piece in then.evidence].count("self_report") == 1
    assert any(flag[3] == "destination_outdated" for flag in then.recomputed)
