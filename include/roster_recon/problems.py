"""Problems found in a roster, row by row, in words a county clerk can act on (Chinese, English alongside)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from roster_recon import reference
from roster_recon.normalise import id_number_problem, mask_id_number

ERROR, WARNING = "error", "warning"

# rule code -> (column, Chinese, English) for the rules whose wording does not depend on the value.
MESSAGES = {
    "name_missing": ("姓名", "姓名为空", "name is missing"),
    "id_missing": ("身份证号码", "身份证号码为空", "ID number is missing"),
    "id_repeated_in_branch": (
        "身份证号码",
        "同一支部中身份证号码重复（保留第一行，本行未导入）",
        "ID number repeated in the same branch (the first row is kept, this one is not loaded)",
    ),
    "outflow_date_missing": ("流出时间", "流出时间为空或无法识别", "outflow date missing or unreadable"),
    "destination_missing": ("流入地", "流入地（去向地址）为空", "destination missing"),
    "phone_missing_or_invalid": (
        "联系电话",
        "联系电话为空或不是有效号码",
        "phone missing or not a valid number",
    ),
    "industry_missing": ("从事行业", "从事行业为空", "industry missing"),
    "destination_unknown_city": (
        "流入地",
        "流入地中找不到地级市名称，请写明省、市（如“广东省深圳市”）",
        "no city found in the destination; write province and city (e.g. 广东省深圳市)",
    ),
    "id_place_code_unknown": (
        "身份证号码",
        "身份证号码前6位不是已知的行政区划代码，请核对",
        "the first 6 digits of the ID number are not a known place code; please check",
    ),
    "last_contact_unreadable": ("最后联系时间", "最后联系时间无法识别", "last contact date unreadable"),
}


@dataclass(frozen=True)
class Problem:
    source_row: int | None
    member_name: str | None
    column_name: str | None
    value_masked: str | None
    code: str
    severity: str
    message_zh: str
    message_en: str


def hard_problems(roster: pd.DataFrame, rejected: dict[str, list[int]]) -> list[Problem]:
    """A problem per (row, hard rule) that GX reported; ``roster`` is the normalised frame with ``source_row``."""
    found = []
    for rule, labels in rejected.items():
        for label in labels:
            row = roster.loc[label]
            id_number = row["id_number"] if isinstance(row["id_number"], str) else None
            if rule == "id_invalid":
                code, zh, en = id_number_problem(id_number) or (
                    "id_invalid",
                    "身份证号码有误",
                    "ID number is wrong",
                )
                column = "身份证号码"
            else:
                column, zh, en = MESSAGES[rule]
                code = rule
            found.append(
                Problem(
                    int(row["source_row"]),
                    _text(row["name"]),
                    column,
                    mask_id_number(id_number),
                    code,
                    ERROR,
                    zh,
                    en,
                )
            )
    return found


def soft_problems(roster: pd.DataFrame, rejected_rows: set[int]) -> list[Problem]:
    """Warnings for accepted rows: the four clears, unreadable dates, unknown cities and place codes."""
    accepted = roster.drop(index=list(rejected_rows))
    places = reference.known_place_codes()
    ids = accepted["id_number"].tolist()
    checks = [
        ("outflow_date_missing", accepted["outflow_date"].isna(), "outflow_date_raw"),
        ("destination_missing", accepted["destination"].isna(), None),
        ("phone_missing_or_invalid", ~accepted["phone_valid"].astype(bool), "phone"),
        ("industry_missing", accepted["industry"].isna(), None),
        (
            "destination_unknown_city",
            accepted["destination"].notna() & accepted["destination_city_code"].isna(),
            "destination",
        ),
        ("id_place_code_unknown", pd.Series([str(v)[:6] not in places for v in ids], index=accepted.index), None),
        (
            "last_contact_unreadable",
            accepted["last_contact_raw"].notna() & accepted["last_contact_date"].isna(),
            "last_contact_raw",
        ),
    ]
    found = []
    for code, mask, value_column in checks:
        column, zh, en = MESSAGES[code]
        hits = accepted.loc[mask.to_numpy(dtype=bool)]
        if hits.empty:
            continue
        if code == "id_place_code_unknown":
            values = [mask_id_number(v) for v in hits["id_number"].tolist()]
        elif value_column:
            values = [_text(v) for v in hits[value_column].tolist()]
        else:
            values = [None] * len(hits)
        for source_row, name, value in zip(hits["source_row"].tolist(), hits["name"].tolist(), values, strict=True):
            found.append(Problem(int(source_row), _text(name), column, value, code, WARNING, zh, en))
    return found


def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return None
    return str(value)
