"""The other side: a GBA committee branch's roster, normalised, checked and staged (contract: "The other side").

A GBA roster is read by the same readers as a county ledger, with its own headers (``reference.gba_layout``):
``branch`` is the GBA branch, ``home_county`` and ``home_branch`` where the member came from. Its hard rules are the
county's (name, ID number), checked by its own expectation suite (``kinds/gba/suite.py``); its soft
warnings are its own (home county unknown, phone invalid, dates after the as-of date).

A row whose ID number is broken is rejected like a county row, but it may still be a **probable match**: the
checksum-valid numbers one substitution or one adjacent swap away (``probable.candidates``) are keyed where the raw
number is in memory, and staged as keys (``staging.gba_candidate``); the reconciliation decides from the warehouse,
every run, whether exactly one of them is a current member with the same name. No raw or candidate ID number leaves
this module: only keys and character positions.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa

from roster_recon import reference
from roster_recon.intake.columns import (
    ID_NUMBER_NORMAL_FORM,
    NAME_NORMAL_FORM,
    by_distinct,
    clean_column,
    clean_name,
    for_frame,
    phone_columns,
    raw_column,
    unless_normal,
)
from roster_recon.intake.normalise import normalise_gender, normalise_id_number, parse_date
from roster_recon.intake.problems import ProblemList, accepted_rows, masked_phone_text

# The normalised GBA roster's columns that staging reads (``staging.gba_row`` adds run, file, committee and keys).
GBA_ROW_COLUMNS = (
    "branch",
    "source_row",
    "name",
    "gender",
    "home_county",
    "home_county_code",
    "home_branch",
    "phone",
    "phone_valid",
    "phone_national",
    "employer",
    "placed_on",
    "last_activity",
    "dues_paid_to",
)


def normalise_gba_roster(raw: pd.DataFrame, default_branch: str | None) -> pd.DataFrame:
    """Normalised columns for a raw GBA roster of text cells (canonical names of ``reference.GBA_COLUMNS``).

    ``dues_paid_to`` is the month paid to, as its first day; ``home_county_code`` the Yichun county the row names.
    """

    def column(name: str) -> list | pa.Array:
        return raw_column(raw, name)

    counties = reference.county_names()
    out: dict[str, list] = {}
    out["name"] = unless_normal(column("name"), NAME_NORMAL_FORM, clean_name)
    out["gender"] = by_distinct(column("gender"), normalise_gender)
    out["id_number"] = unless_normal(column("id_number"), ID_NUMBER_NORMAL_FORM, normalise_id_number)
    branch = clean_column(column("branch"))
    branch = branch.to_pylist() if isinstance(branch, pa.Array) else branch
    out["branch"] = [value or default_branch for value in branch]
    out["home_county"] = clean_column(column("home_county"))
    out["home_county_code"] = by_distinct(out["home_county"], lambda text: counties.get(text.replace(" ", "")))
    out["home_branch"] = clean_column(column("home_branch"))
    out["phone"], out["phone_valid"], out["phone_national"] = phone_columns(column("phone"))
    out["employer"] = clean_column(column("employer"))
    for name in ("placed_on", "last_activity", "dues_paid_to"):
        out[f"{name}_raw"] = clean_column(column(name))
        out[name] = by_distinct(out[f"{name}_raw"], parse_date)
    out["dues_paid_to"] = [day.replace(day=1) if day else None for day in out["dues_paid_to"]]
    frame = pd.DataFrame({name: for_frame(values) for name, values in out.items()}, index=raw.index)
    frame["phone_if_valid_or_absent"] = np.where(frame["phone"].isna() | frame["phone_valid"], "ok", None)
    return frame


MESSAGES = {
    "home_county_unknown": (
        "原籍县（市、区）",
        "原籍县（市、区）不是宜春市的县（市、区），请写明（如“万载县”）",
        "the home county is not one of Yichun's counties; write it out (e.g. 万载县)",
    ),
    "phone_invalid": ("联系电话", "联系电话不是有效号码", "the phone is not a valid number"),
    "date_unreadable": ("{column}", "{column}无法识别", "{column_en} unreadable"),
    "date_after_as_of": ("{column}", "{column}晚于统计日期", "{column_en} is after the as-of date"),
}
DATE_HEADERS = {
    "placed_on": ("编入时间", "placed on"),
    "last_activity": ("最近参加组织生活时间", "last activity"),
    "dues_paid_to": ("党费缴至", "dues paid to"),
}


def gba_soft_problems(roster: pd.DataFrame, rejected_rows: set[int], as_of: dt.date) -> pd.DataFrame:
    """Warnings for a GBA roster's accepted rows: home county unknown, phone invalid, dates unreadable or later
    than the as-of date (a month paid to counts from its first day)."""
    accepted = accepted_rows(roster, rejected_rows)
    found = ProblemList()

    def add(mask, code: str, value_column: str, message: tuple[str, str, str]) -> None:
        shown = masked_phone_text if value_column == "phone" else None
        found.warn(roster, np.asarray(mask, dtype=bool) & accepted, code, message, value_column, shown)

    add(roster["home_county_code"].isna(), "home_county_unknown", "home_county", MESSAGES["home_county_unknown"])
    add(
        roster["phone"].notna() & ~roster["phone_valid"].astype(bool),
        "phone_invalid",
        "phone",
        MESSAGES["phone_invalid"],
    )
    for name, (header, header_en) in DATE_HEADERS.items():
        dates = roster[name]
        later = np.array([isinstance(day, dt.date) and day > as_of for day in dates.tolist()], dtype=bool)
        for code, mask in (
            ("date_unreadable", roster[f"{name}_raw"].notna() & dates.isna()),
            ("date_after_as_of", later),
        ):
            message = tuple(part.format(column=header, column_en=header_en) for part in MESSAGES[code])
            add(mask, code, f"{name}_raw", message)
    return found.frame()
