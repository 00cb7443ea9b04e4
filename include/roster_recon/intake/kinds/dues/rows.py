"""Dues payments: the online dues platform's monthly exports, normalised and checked (contract: "Dues payments").

Each row is one payment: who (the ID number, keyed at staging), the month paid for and when it was paid. A payment is
evidence of contact on the day it was paid. The name, the amount and the channel are read for the checks only: the
warehouse keeps the key, the month, the day and the file.

Hard rules (``suite.py``): an ID number present and well formed, a payment time that can be read. Warnings: the month
paid for missing or unreadable, the payment after the as-of date (kept: a rerun of a later date counts it), an amount
that is not a positive number.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

import numpy as np
import pandas as pd
import pyarrow as pa

from roster_recon.intake.columns import (
    ID_NUMBER_NORMAL_FORM,
    by_distinct,
    clean_column,
    for_frame,
    raw_column,
    unless_normal,
)
from roster_recon.intake.kinds.self_report.rows import EVIDENCE_YEARS, after_day, report_times
from roster_recon.intake.normalise import EXCEL_EPOCH, clean_text, normalise_id_number
from roster_recon.intake.problems import ProblemList, accepted_rows

# The normalised export's columns that staging reads (``staging.dues_payment`` adds run, file and the key).
DUES_ROW_COLUMNS = ("source_row", "paid_for", "paid_at")

_MONTH = re.compile(
    r"^(?P<y>\d{4})\s*(?:[-/.年]\s*(?P<m>\d{1,2})\s*月?|(?P<m6>\d{2}))(?:[-/.]?\d{1,2}日?)?"
    r"(?:[T\s]+\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?$"  # a time after the day, as a platform may write the month's date
)
# A yuan amount a member can have paid as dues in one payment (a year's dues of a high income are some thousands).
MOST_DUES_YUAN = Decimal(100_000)


def parse_paid_for(value: object) -> dt.date | None:
    """The month a payment is for, as its first day: ``2027-04``, ``2027年4月``, ``202704``, ``2027/4``, a date in
    the month, or an Excel date; ``None`` when unreadable or not a real month."""
    if isinstance(value, dt.datetime | dt.date):
        return dt.date(value.year, value.month, 1)
    text = clean_text(value)
    if text is None:
        return None
    text = text.strip()
    match = _MONTH.match(text)
    if match:
        month = int(match["m"] or match["m6"])
        year = int(match["y"])
        return dt.date(year, month, 1) if 1 <= month <= 12 and year in EVIDENCE_YEARS else None
    if re.fullmatch(r"\d{5}(\.0+)?", text):  # an Excel date serial in the month
        day = EXCEL_EPOCH + dt.timedelta(days=int(float(text)))
        return dt.date(day.year, day.month, 1) if day.year in EVIDENCE_YEARS else None
    return None


def positive_amount(value: object) -> bool:
    """The amount is a positive number of yuan up to ``MOST_DUES_YUAN`` (``50``, ``50.00``, ``￥50``, ``50元``,
    ``1,000``); not ``Infinity``, ``NaN`` or ``1e308``."""
    text = clean_text(value)
    if text is None:
        return False
    text = re.sub(r"[￥¥,，元\s]", "", text)
    if not re.fullmatch(r"\+?(\d+(\.\d*)?|\.\d+)", text, flags=re.ASCII) or len(text) > 20:
        return False
    try:
        return 0 < Decimal(text) <= MOST_DUES_YUAN
    except InvalidOperation:
        return False


def normalise_dues(raw: pd.DataFrame, _default_branch: str | None) -> pd.DataFrame:
    """Normalised columns for a raw export of text cells (canonical names of ``reference.DUES_COLUMNS``).

    ``branch`` is always empty (a payment list is no branch's roster, whatever branch it names); ``name`` is not
    kept, feedback included: the row number and the masked ID number identify a row for the export's owner.
    """

    def column(name: str) -> list | pa.Array:
        return raw_column(raw, name)

    out: dict[str, list] = {}
    out["name"] = [None] * len(raw)
    out["id_number"] = unless_normal(column("id_number"), ID_NUMBER_NORMAL_FORM, normalise_id_number)
    out["branch"] = [None] * len(raw)
    out["paid_at_raw"] = clean_column(column("paid_at"))
    out["paid_at"] = report_times(out["paid_at_raw"])
    out["paid_for_raw"] = clean_column(column("paid_for"))
    out["paid_for"] = by_distinct(out["paid_for_raw"], parse_paid_for)
    out["amount_raw"] = clean_column(column("amount"))
    out["amount_ok"] = by_distinct(out["amount_raw"], positive_amount)
    return pd.DataFrame({name: for_frame(values) for name, values in out.items()}, index=raw.index)


MESSAGES = {
    "paid_for_unreadable": (
        "缴费月份",
        "缴费月份为空或无法识别（请写成“2027-04”或“2027年4月”）",
        "the month paid for is missing or unreadable (write 2027-04 or 2027年4月)",
    ),
    "payment_after_as_of": ("缴费时间", "缴费时间晚于统计日期", "the payment time is after the as-of date"),
    "amount_not_positive": (
        "金额",
        "金额不是正数或超过10万元",
        "the amount is not a positive number of yuan up to 100,000",
    ),
}


def dues_soft_problems(payments: pd.DataFrame, rejected_rows: set[int], as_of: dt.date) -> pd.DataFrame:
    """Warnings for an export's accepted rows: month unreadable, payment after the as-of date, amount not positive."""
    accepted = accepted_rows(payments, rejected_rows)
    later = after_day(payments["paid_at"], as_of)
    found = ProblemList()
    checks = (
        ("paid_for_unreadable", payments["paid_for"].isna(), "paid_for_raw"),
        ("payment_after_as_of", later, "paid_at_raw"),
        ("amount_not_positive", ~payments["amount_ok"].astype(bool), "amount_raw"),
    )
    for code, mask, value_column in checks:
        found.warn(payments, np.asarray(mask, dtype=bool) & accepted, code, MESSAGES[code], value_column)
    return found.frame()
