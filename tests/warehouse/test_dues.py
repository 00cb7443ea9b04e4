"""Dues payments, the fourth kind of input, through every task on a real PostgreSQL: read from ``<drop_root>/dues/``,
validated by their own suite, recorded once per (member, month paid for, day paid) as evidence of contact, the
unmatched counted for the data team, finished like any folder, replayed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from helpers import (
    AS_OF,
    TONGGU,
    WANZAI,
    as_role,
    id_number,
    person,
    rows,
    run_all,
    write_csv_export,
    write_roster,
)
from pii import leaks

from roster_recon import warehouse
from roster_recon.intake.kinds.dues.rows import parse_paid_for, positive_amount
from roster_recon.intake.stage import member_key
from roster_recon.settings import DEMO_PII_SECRET
from roster_recon.warehouse.replay import replay

HEADER = ["姓名", "身份证号码", "缴费月份", "缴费时间", "金额", "缴费方式"]


def payment(serial: int, month: str, at: str, amount: str = "50.00") -> dict:
    values = {"姓名": f"党员{serial}", "身份证号码": id_number(serial), "缴费月份": month, "缴费时间": at}
    return {**values, "金额": amount, "缴费方式": "微信"}


def write_dues(drop_root: Path, name: str, payments: list[dict]) -> Path:
    # GB18030: as a platform's export written for Excel.
    return write_csv_export(drop_root / "dues", name, HEADER, payments, "gb18030")


def key(serial: int) -> str:
    return member_key(id_number(serial), DEMO_PII_SECRET).hex()


def test_the_month_paid_for_and_the_amount_are_read_in_every_form_an_export_writes():
    october = dt.date(2026, 10, 1)
    for text in ("2026-10", "2026年10月", "202610", "2026/10", "2026.10", "2026年 10 月", "2026-10-15"):
        assert parse_paid_for(text) == october, text
    assert parse_paid_for(dt.datetime(2026, 10, 31, 12)) == october
    assert parse_paid_for("46300") == dt.date(2026, 10, 1)  # an Excel date in October 2026
    assert parse_paid_for("2026-10-15 10:00") == october  # the platform's time of the month's date
    for text in ("2026-13", "202600", "十月", "", None, "2026", "2026年13月", "0000-01", "9999-12", "13800138000"):
        assert parse_paid_for(text) is None, text
    amounts = ("50", "50.00", "￥50", "50元", "1,000", "５０", "+50", ".5", "50.")
    assert [positive_amount(v) for v in amounts] == [True] * len(amounts)
    nonsense = ("0", "-5", "免缴", "", None, "Infinity", "NaN", "1e308", "100001", "1_000", "1e999999999999999999")
    assert [positive_amount(v) for v in nonsense] == [False] * len(nonsense)


def test_dues_payments_are_evidence_once_each_and_the_unmatched_are_counted(make_settings, engine, admin_engine):
    settings = make_settings(AS_OF)
    drop = settings.drop_root
    old = {"最后联系时间": "2025-01-01"}  # by the ledger alone, all three are out of touch
    write_roster(drop, WANZAI, "甲支部.csv", [person(1, **old), person(2, **old), person(3, **old)])
    paid = payment(1, "2026-10", "2026-11-05 10:00:00")
    write_dues(
        drop,
        "党费缴纳记录_202611.csv",
        [
            paid,
            payment(2, "2026年9月", "2026/9/30 下午3:00"),
            payment(9, "202611", "2026-11-10 08:00"),  # an ID that matches no member
            payment(3, "2026-10", "昨天"),  # a payment time nobody can read: rejected
            payment(1, "十月", "2026-11-06 09:00", amount="0"),  # two warnings, still evidence
        ],
    )
    # The next export overlaps: the same payment again, and November's paid the same day.
    write_dues(drop, "党费缴纳记录_202611_补.csv", [paid, payment(1, "2026-11", "2026-11-05 10:00:00")])
    run_all(settings)

    pieces = rows(
        engine,
        "SELECT paid_for, occurred_on FROM core.contact_event WHERE source = 'dues_payment'"
        " AND member_key = decode(:k, 'hex') ORDER BY paid_for NULLS LAST",
        k=key(1),
    )
    assert [(p["paid_for"], p["occurred_on"]) for p in pieces] == [
        (dt.date(2026, 10, 1), dt.date(2026, 11, 5)),
        (dt.date(2026, 11, 1), dt.date(2026, 11, 5)),  # another month, the same day: another payment
        (None, dt.date(2026, 11, 6)),  # the month unreadable: the payment still shows contact
    ]
    current = {r["name"]: r for r in rows(engine, "SELECT * FROM reporting.member_current")}
    assert (current["党员1"]["last_contact_date"], current["党员1"]["last_contact_source"]) == (
        dt.date(2026, 11, 6),
        "dues_payment",
    )
    assert current["党员2"]["last_contact_date"] == dt.date(2026, 9, 30)
    lost = {
        r["member_key"]
        for r in rows(engine, "SELECT member_key FROM reporting.member_flags WHERE flag = 'lost_contact'")
    }
    assert lost == {key(3)}  # three's only payment was rejected: still out of touch by the ledger

    files = {
        r["file_name"]: (r["status"], r["rows_loaded"], r["rows_rejected"])
        for r in rows(engine, "SELECT * FROM audit.file WHERE county_code = 'dues'")
    }
    assert files == {"党费缴纳记录_202611.csv": ("loaded", 4, 1), "党费缴纳记录_202611_补.csv": ("loaded", 2, 0)}
    problems = rows(
        engine,
        "SELECT p.code, p.source_row, p.severity, p.member_name FROM audit.file_problem p JOIN audit.file f"
        " USING (file_id) WHERE f.county_code = 'dues' ORDER BY p.source_row, p.code",
    )
    assert [(p["code"], p["source_row"], p["severity"], p["member_name"]) for p in problems] == [
        ("payment_time_missing", 5, "error", None),
        ("amount_not_positive", 6, "warning", None),
        ("paid_for_unreadable", 6, "warning", None),
    ]
    assert rows(engine, "SELECT * FROM reporting.unmatched_dues_payments") == [
        {"month": dt.date(2026, 11, 1), "payments": 1, "latest": dt.date(2026, 11, 10)}
    ]
    # Nothing but the key, the month and the day: no name, amount or channel anywhere in the warehouse.
    columns = rows(
        engine,
        "SELECT column_name FROM information_schema.columns WHERE table_name IN ('dues_payment', 'contact_event')",
    )
    assert not {c["column_name"] for c in columns} & {"name", "amount", "channel", "id_number"}

    # The folder is finished like any other: exports archived, the rejected row in the feedback, no follow-up list.
    dues = drop / "dues"
    assert sorted(p.name for p in (dues / "_archive" / AS_OF.isoformat()).iterdir()) == sorted(files)
    assert list((dues / "_feedback").glob("*.xlsx")) and not (dues / "_follow_up").exists()

    # The data team reads the unmatched payments; a county login does not. A county sees its members' payments.
    assert as_role(admin_engine, "roster_reader", "SELECT count(*) FROM reporting.unmatched_dues_payments") == [(1,)]
    assert as_role(admin_engine, f"roster_county_{TONGGU}", "SELECT * FROM reporting.unmatched_dues_payments") == []
    assert as_role(admin_engine, "roster_committee_440000", "SELECT * FROM reporting.unmatched_dues_payments") == []
    seen = as_role(admin_engine, "roster_county_360922", "SELECT DISTINCT source FROM reporting.contact_evidence")
    assert ("dues_payment",) in seen

    # The same export dropped again is a duplicate; the date replays to what the run recorded.
    (dues / "again.csv").write_bytes((dues / "_archive" / AS_OF.isoformat() / "党费缴纳记录_202611.csv").read_bytes())
    run_all(make_settings(AS_OF + dt.timedelta(days=1)))
    assert rows(engine, "SELECT status FROM audit.file WHERE file_name = 'again.csv'") == [{"status": "duplicate"}]
    with warehouse.raw_connection(engine) as connection:
        assert replay(connection, AS_OF).equal
        assert replay(connection, AS_OF + dt.timedelta(days=1)).equal
    assert leaks(settings.data_dir, phones=True) == {}
