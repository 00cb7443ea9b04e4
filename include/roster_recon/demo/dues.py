"""Demo data: the online dues platform's payment exports (contract: "Dues payments"), as they arrive.

Each month about half the members pay online, once, in the 30 days before the month's as-of date, for the month before
(a few pay two months at once: two rows at the same time). Two exports cover the month and overlap by five days, so a
payment in the overlap arrives twice (and must count once). About 1 % of payments carry an ID number that matches no
member (paid for someone whose ledger is elsewhere); one row of the second export has a payment time nobody can read
(a row to reject).

``evidence_days`` gives, per ID number, the days the pipeline must count as contact.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

from roster_recon.demo.people import Member
from roster_recon.intake.normalise import check_character

PAY_SHARE = 0.5
TWO_MONTHS_SHARE = 0.05
UNMATCHED_SHARE = 0.01
WINDOW_DAYS = 30
EXPORTS = ((0, 20), (15, 30))  # days of the window each export covers: they overlap by five days
FOLDER = "dues"
HEADERS = {
    "name": "姓名",
    "id_number": "身份证号码",
    "paid_for": "缴费月份",
    "paid_at": "缴费时间",
    "amount": "缴费金额",
    "channel": "支付渠道",
}
CHANNELS = ("微信", "支付宝", "银行卡")


@dataclass(frozen=True)
class Payment:
    id_number: str
    name: str
    paid_for: dt.date  # the month's first day
    at: dt.datetime  # Asia/Shanghai, naive
    amount: str
    channel: str


def _month_before(day: dt.date) -> dt.date:
    return (day.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def payments_for(people: list[Member], seed: int, as_of: dt.date) -> list[Payment]:
    """The month's payments (ending the day before ``as_of``), then the unmatched ones."""
    start = dt.datetime.combine(as_of - dt.timedelta(days=WINDOW_DAYS), dt.time())
    seconds = (WINDOW_DAYS - 1) * 86400
    month = _month_before(as_of)
    payments: list[Payment] = []
    seen: set[str] = set()
    for member in people:
        if member.id_number in seen:
            continue
        seen.add(member.id_number)
        rng = random.Random(f"{seed}:{member.id_number}:{as_of}:dues")
        if rng.random() >= PAY_SHARE:
            continue
        at = start + dt.timedelta(seconds=rng.randrange(seconds))
        amount, channel = f"{rng.choice((2, 5, 10, 20, 50, 100))}.00", rng.choice(CHANNELS)
        months = [_month_before(month), month] if rng.random() < TWO_MONTHS_SHARE else [month]
        payments += [Payment(member.id_number, member.name, paid, at, amount, channel) for paid in months]
    rng = random.Random(f"{seed}:{as_of}:dues-unmatched")
    for serial in range(round(len(payments) * UNMATCHED_SHARE)):
        # Born in Nanchang (360102): no Yichun member's number starts so.
        first17 = f"360102{dt.date(1975, 1, 1) + dt.timedelta(days=rng.randrange(9000)):%Y%m%d}{serial % 1000:03d}"
        at = start + dt.timedelta(seconds=rng.randrange(seconds))
        payments.append(Payment(first17 + check_character(first17), "代缴", month, at, "10.00", "微信"))
    return payments


def evidence_days(payments: list[Payment]) -> dict[str, list[dt.date]]:
    """The days of contact the payments prove, per ID number."""
    days: dict[str, list[dt.date]] = {}
    for payment in payments:
        days.setdefault(payment.id_number, []).append(payment.at.date())
    return days


def write_exports(drop_root: Path, payments: list[Payment], as_of: dt.date) -> dict[str, dict]:
    """The month's two exports (xlsx, then GB18030 CSV) under ``<drop_root>/dues/``; their ground truth. The second
    holds one payment more whose time the platform lost (a row to reject)."""
    from roster_recon.demo.generate import write_window_exports

    dated = [(p.at.date(), _cells(p)) for p in sorted(payments, key=lambda p: (p.at, p.paid_for))]
    window = (as_of - dt.timedelta(days=WINDOW_DAYS), EXPORTS)
    return write_window_exports(
        drop_root / FOLDER, dated, HEADERS, window, {"paid_at": "待确认"}, "csv_gbk", "党费缴纳记录"
    )


def _cells(payment: Payment) -> dict:
    return {
        "name": payment.name,
        "id_number": payment.id_number,
        "paid_for": f"{payment.paid_for:%Y年%-m月}",
        "paid_at": payment.at.strftime("%Y/%m/%d %H:%M"),
        "amount": payment.amount,
        "channel": payment.channel,
    }
