"""Members' own reports: a 码上报 export of the 红帆 system, normalised and checked (contract: "Contact evidence").

An export is read by the same readers as a roster, with its own headers (``reference.self_report_layout``). Each row
is one report: when, who (the ID number, keyed at staging like a roster's), and where the member says they are. A
report is evidence of contact on its day; its city may tell a branch that its ledger's destination is out of date.

Its hard rules (``kinds/self_report/suite.py``): an ID number present and well formed, a report time
that can be read. Soft: the city names no city we know, the phone is not valid, the time is after the as-of date
(kept: a rerun of a later date counts it). The phone, address and employer are read for the checks only, the name
not at all: the warehouse keeps the key, the time and the city's own name (never the text as typed).
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from roster_recon import reference
from roster_recon.intake.columns import (
    ID_NUMBER_NORMAL_FORM,
    by_distinct,
    clean_column,
    for_frame,
    phone_columns,
    raw_column,
    text_array,
    unless_normal,
)
from roster_recon.intake.normalise import EXCEL_EPOCH, clean_text, normalise_id_number, resolve_destination
from roster_recon.intake.problems import ProblemList, accepted_rows, masked_phone_text

SHANGHAI = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")  # no daylight saving since 1991

# The normalised export's columns that staging reads (``staging.self_report`` adds run, file and the key).
SELF_REPORT_ROW_COLUMNS = ("source_row", "reported_at", "city", "city_code", "committee_code")

_TIME = re.compile(
    r"^(?P<y>\d{4})[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})日?"
    r"(?:[T\s]*(?P<half>上午|下午|中午|晚上|凌晨|早上|AM|PM)?\s*"
    r"(?P<H>\d{1,2})[:：时点](?P<M>\d{1,2})分?(?:[:：]?(?P<S>\d{1,2}(?:\.\d+)?)秒?)?"
    r"\s*(?P<half_after>AM|PM)?\s*(?P<offset>Z|[+-]\d{2}:?\d{2})?)?$",
    re.IGNORECASE,
)
# A report or payment this system can have recorded: the years outside are a typing slip (9999, 0201), never evidence.
EVIDENCE_YEARS = range(2000, 2101)
_AFTERNOON = {"下午", "晚上", "PM"}
_MORNING = {"上午", "凌晨", "早上", "AM"}


def parse_report_time(value: object) -> dt.datetime | None:
    """A report's time in Asia/Shanghai: ``2026-11-03 14:22:05``, ``2026/11/3 14:22``, ``2026年11月3日 14时22分``,
    with 上午/下午 or AM/PM (``2027/4/12 下午2:22``), with an offset (``2027-04-10T09:15:00+08:00``, ``…Z``),
    ``24:00`` (the next day's midnight), a date alone (its midnight), or an Excel serial number with a fraction of a
    day; ``None`` when unreadable or outside ``EVIDENCE_YEARS``."""
    moment = _report_time(value)
    return moment if moment is not None and moment.year in EVIDENCE_YEARS else None


def _report_time(value: object) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        try:
            return value.replace(tzinfo=SHANGHAI) if value.tzinfo is None else value.astimezone(SHANGHAI)
        except OverflowError:  # year 1 or 9999 moved across an offset
            return None
    text = clean_text(value)
    if text is None:
        return None
    match = _TIME.match(text.strip())
    if match:
        return _moment(match)
    serial = re.fullmatch(r"(\d{5})(\.\d+)?", text)
    if serial:
        moment = dt.datetime.combine(EXCEL_EPOCH, dt.time()) + dt.timedelta(days=float(text))
        return moment.replace(microsecond=0, tzinfo=SHANGHAI)
    return None


# The forms nearly every export writes (``2026-11-03 14:22:05``, ``2026/11/3 14:22``), read for the whole column at
# once; any other cell, and any of these whose fields name no moment this system can have recorded (31 February,
# 24:00, 1999), goes through ``parse_report_time``, which stays the reference that tests hold the column equal to.
_COMMON_TIME = (
    r"^(?P<y>[0-9]{4})[-/](?P<m>[0-9]{1,2})[-/](?P<d>[0-9]{1,2})[ T](?P<H>[0-9]{1,2}):(?P<M>[0-9]{1,2})"
    r"(?::(?P<S>[0-9]{1,2}))?$"
)


def report_times(column: list | pa.Array) -> list | pd.api.extensions.ExtensionArray:
    """``parse_report_time`` over a column of cleaned text: times in Asia/Shanghai (``NaT`` where unreadable), or a
    list of ``None`` when no cell is readable.

    A report's time differs on nearly every row, so ``by_distinct`` alone would still build a ``datetime`` per row
    and pandas would convert them back; cells in a common form are read as numbers by Arrow and NumPy instead.
    """
    text = text_array(column)
    if text is None:
        return by_distinct(column, parse_report_time)
    moments = np.full(len(text), np.datetime64("NaT"), dtype="datetime64[us]")
    common = np.flatnonzero(pc.fill_null(pc.match_substring_regex(text, _COMMON_TIME), False).to_numpy(False))
    read, at = _common_moments(text.take(pa.array(common, type=pa.int64())))
    moments[common[read]] = at
    rest = np.flatnonzero(text.is_valid().to_numpy(False))
    rest = np.setdiff1d(rest, common[read], assume_unique=True)
    slow = by_distinct(text.take(pa.array(rest, type=pa.int64())), parse_report_time)
    moments[rest] = [np.datetime64(moment.replace(tzinfo=None), "us") if moment else None for moment in slow]
    if np.isnat(moments).all():
        return [None] * len(text)
    return pd.DatetimeIndex(moments).tz_localize(SHANGHAI).array


def _common_moments(text: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Which cells of ``text`` (each a match of ``_COMMON_TIME``) name a moment of ``EVIDENCE_YEARS``, and those
    moments as Shanghai wall-clock times."""
    fields = pc.extract_regex(text, _COMMON_TIME)

    def number(name: str) -> np.ndarray:
        digits = pc.if_else(pc.equal(fields.field(name), ""), "0", fields.field(name))
        return pc.cast(digits, pa.int64()).to_numpy(False)

    year, month, day, hour, minute, second = (number(name) for name in ("y", "m", "d", "H", "M", "S"))
    first = ((year - 1970) * 12 + np.clip(month, 1, 12) - 1).astype("datetime64[M]").astype("datetime64[D]")
    month_days = ((first.astype("datetime64[M]") + 1).astype("datetime64[D]") - first).astype(np.int64)
    read = (
        (year >= EVIDENCE_YEARS.start)
        & (year < EVIDENCE_YEARS.stop)
        & (month >= 1)
        & (month <= 12)
        & (day >= 1)
        & (day <= month_days)
        & (hour <= 23)
        & (minute <= 59)
        & (second <= 59)
    )
    seconds = ((hour * 60 + minute) * 60 + second)[read]
    at = (first[read] + (day[read] - 1)).astype("datetime64[us]") + seconds.astype("timedelta64[s]")
    return read, at


def after_day(moments: pd.Series, day: dt.date) -> np.ndarray:
    """Which moments fall on a later day than ``day`` in Asia/Shanghai (a missing moment does not)."""
    if day >= dt.date.max:  # no day comes after the calendar's last
        return np.zeros(len(moments), dtype=bool)
    if isinstance(moments.dtype, pd.DatetimeTZDtype):
        return (moments >= pd.Timestamp(day + dt.timedelta(days=1), tz=SHANGHAI)).to_numpy(dtype=bool)
    return np.array([pd.notna(moment) and moment.date() > day for moment in moments.tolist()], dtype=bool)


def shanghai_days(moments: pd.Series) -> pd.api.extensions.ExtensionArray | list:
    """The day in Asia/Shanghai of each moment (of a column ``report_times`` made)."""
    if isinstance(moments.dtype, pd.DatetimeTZDtype):
        wall = moments.dt.tz_convert(SHANGHAI).dt.tz_localize(None).to_numpy().astype("datetime64[D]")
        return pd.arrays.ArrowExtensionArray(pa.array(wall, type=pa.date32(), from_pandas=True))
    return [moment.astimezone(SHANGHAI).date() for moment in moments.tolist()]


def _moment(match: re.Match) -> dt.datetime | None:
    """The time a match of ``_TIME`` names, or ``None`` for one that is no time (31 February, 25:00, the next day of
    9999-12-31, an offset that leaves the calendar)."""
    try:
        return _moment_or_raise(match)
    except (ValueError, OverflowError):
        return None


def _moment_or_raise(match: re.Match) -> dt.datetime:
    hour, minute, seconds = int(match["H"] or 0), int(match["M"] or 0), float(match["S"] or 0)
    half = (match["half"] or match["half_after"] or "").upper()
    if half in _AFTERNOON and hour < 12:
        hour += 12
    elif half in _MORNING and hour == 12:
        hour = 0
    elif half == "中午" and hour < 11:
        hour += 12
    next_day = hour == 24 and minute == 0 and seconds == 0  # 24:00 is the end of the day: the next midnight
    moment = dt.datetime(
        int(match["y"]), int(match["m"]), int(match["d"]), 0 if next_day else hour, minute, int(seconds)
    )
    if next_day:
        moment += dt.timedelta(days=1)
    if match["offset"]:
        offset = match["offset"].upper().replace(":", "")
        if offset == "Z":
            zone = dt.UTC
        else:
            sign = -1 if offset[0] == "-" else 1
            zone = dt.timezone(sign * dt.timedelta(hours=int(offset[1:3]), minutes=int(offset[3:5])))
        return moment.replace(tzinfo=zone).astimezone(SHANGHAI)
    return moment.replace(tzinfo=SHANGHAI)


def normalise_self_reports(raw: pd.DataFrame, _default_branch: str | None) -> pd.DataFrame:
    """Normalised columns for a raw export of text cells (canonical names of ``reference.SELF_REPORT_COLUMNS``).

    ``branch`` is always empty (an export is no branch's roster); ``city_code`` and ``committee_code`` are the
    city the report names and the GBA committee serving it.
    """

    def column(name: str) -> list | pa.Array:
        return raw_column(raw, name)

    out: dict[str, list] = {}
    # A report's name is not kept anywhere, feedback included (people who are no member report too): the row number
    # and the masked ID number identify a row for the export's owner.
    out["name"] = [None] * len(raw)
    out["id_number"] = unless_normal(column("id_number"), ID_NUMBER_NORMAL_FORM, normalise_id_number)
    out["branch"] = [None] * len(raw)
    out["reported_at_raw"] = clean_column(column("reported_at"))
    out["reported_at"] = report_times(out["reported_at_raw"])
    out["city_raw"] = clean_column(column("city"))
    address = clean_column(column("address"))
    city = by_distinct(out["city_raw"], resolve_destination)
    # A report with no city named may still name it in its address (广东省佛山市顺德区…).
    missing = [i for i, found in enumerate(city) if found is None]
    if missing:
        from_address = by_distinct([_item(address, i) for i in missing], resolve_destination)
        for i, found in zip(missing, from_address, strict=True):
            city[i] = found
    # The city's own name, never the text as typed (a member may type a street address there).
    out["city"] = [c.name if c else None for c in city]
    out["city_code"] = [c.code if c else None for c in city]
    out["committee_code"] = [reference.committee_code(c.gba_committee) if c else None for c in city]
    out["phone"], out["phone_valid"], out["phone_national"] = phone_columns(column("phone"))
    out["employer"] = clean_column(column("employer"))
    frame = pd.DataFrame({name: for_frame(values) for name, values in out.items()}, index=raw.index)
    frame["phone_if_valid_or_absent"] = np.where(frame["phone"].isna() | frame["phone_valid"], "ok", None)
    return frame


def _item(values, index: int):
    value = values[index]
    return value.as_py() if hasattr(value, "as_py") else value


MESSAGES = {
    "city_unknown": (
        "现居城市",
        "现居城市无法识别为地级市，请写明（如“广东省佛山市”）",
        "no city found in the city or the address; write province and city (e.g. 广东省佛山市)",
    ),
    "phone_invalid": ("联系电话", "联系电话不是有效号码", "the phone is not a valid number"),
    "report_after_as_of": ("上报时间", "上报时间晚于统计日期", "the report time is after the as-of date"),
}


def self_report_soft_problems(reports: pd.DataFrame, rejected_rows: set[int], as_of: dt.date) -> pd.DataFrame:
    """Warnings for an export's accepted rows: city unknown, phone invalid, report after the as-of date."""
    accepted = accepted_rows(reports, rejected_rows)
    later = after_day(reports["reported_at"], as_of)
    found = ProblemList()
    checks = (
        ("city_unknown", reports["city_code"].isna(), None, None),
        ("phone_invalid", reports["phone"].notna() & ~reports["phone_valid"].astype(bool), "phone", masked_phone_text),
        ("report_after_as_of", later, "reported_at_raw", None),
    )
    for code, mask, value_column, shown in checks:
        found.warn(reports, np.asarray(mask, dtype=bool) & accepted, code, MESSAGES[code], value_column, shown)
    return found.frame()
