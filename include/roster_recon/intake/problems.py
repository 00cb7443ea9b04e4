"""Problems found in a roster, row by row, in words a county clerk can act on (Chinese, English alongside)."""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from roster_recon import reference
from roster_recon.intake.normalise import id_number_problem, mask_id_number, mask_long_numbers

ERROR, WARNING = "error", "warning"

# rule code -> (column, Chinese, English) for the rules whose wording does not depend on the value.
MESSAGES = {
    "name_missing": ("姓名", "姓名为空", "name is missing"),
    "id_missing": ("身份证号码", "身份证号码为空", "ID number is missing"),
    "report_time_missing": (
        "上报时间",
        "上报时间为空、无法识别或年份不在2000–2100年之间",
        "report time missing, unreadable or not between the years 2000 and 2100",
    ),
    "payment_time_missing": (
        "缴费时间",
        "缴费时间为空、无法识别或年份不在2000–2100年之间",
        "payment time missing, unreadable or not between the years 2000 and 2100",
    ),
    "branch_too_long": (
        "所在党支部",
        "支部名称超过100个字，像是把说明粘贴进了这一格：请只填写支部名称（说明请写在备注中）",
        "branch name longer than 100 characters (a note pasted into the cell?): write only the branch's name"
        " (put notes in 备注)",
    ),
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


PROBLEM_COLUMNS = (
    "sheet",  # the workbook sheet the row is on, when the rows come from several sheets
    "source_row",
    "member_name",
    "column_name",
    "value_masked",
    "code",
    "severity",
    "message_zh",
    "message_en",
)


class ProblemList:
    """Problems gathered column by column and made into one frame at the end (cheap for many thousands)."""

    def __init__(self):
        self.columns: dict[str, list] = {name: [] for name in PROBLEM_COLUMNS}

    def add(
        self, *, rows: list, names: list, column, values, codes, severity: str, zh, en, sheets: list | None = None
    ) -> None:
        """A problem for each of ``rows`` (the clerk's row numbers; ``None`` for the whole file) and ``names``; every
        other argument is a list as long as ``rows`` or one value for all of them."""
        count = len(rows)
        given = {
            "sheet": sheets,
            "source_row": rows,
            "member_name": names,
            "column_name": column,
            "value_masked": values,
            "code": codes,
            "severity": severity,
            "message_zh": zh,
            "message_en": en,
        }
        for name, value in given.items():
            self.columns[name].extend(value if isinstance(value, list) else [value] * count)

    def warn(self, frame: pd.DataFrame, where, code: str, message: tuple[str, str, str], value_column=None, shown=None):
        """A warning ``code`` (``message``: column, Chinese, English) for each row of ``frame`` where the mask
        ``where`` holds, with the row's ``value_column`` as ``shown`` (default: its text) and its sheet."""
        hits = np.flatnonzero(np.asarray(where, dtype=bool))
        if not len(hits):
            return
        column, zh, en = message
        shown = shown or text_or_none
        values = [shown(value) for value in frame[value_column].iloc[hits].tolist()] if value_column else None
        self.add(
            rows=frame["source_row"].iloc[hits].tolist(),
            names=frame["name"].iloc[hits].tolist(),
            column=column,
            values=values,
            codes=code,
            severity=WARNING,
            zh=zh,
            en=en,
            sheets=sheets_at(frame, hits),
        )

    def frame(self) -> pd.DataFrame:
        """The problems, with every text a clerk typed masked of ID numbers and mobiles (a value shown, a name, a sheet
        name, in its column and in the messages that quote it): the frame goes to the warehouse and to the feedback
        workbook."""
        columns = dict(self.columns)
        columns["source_row"] = pd.array(columns["source_row"], dtype="Int32")
        for typed in ("member_name", "value_masked", "sheet", "message_zh", "message_en"):  # a sheet's name in both
            columns[typed] = [mask_long_numbers(text_or_none(text)) for text in columns[typed]]
        return pd.DataFrame(columns)


def sheets_at(frame: pd.DataFrame, positions) -> list | None:
    """The sheets of the rows at ``positions`` (a workbook of several roster sheets), else None."""
    if "source_sheet" not in frame.columns:
        return None
    return frame["source_sheet"].iloc[positions].tolist()


def accepted_rows(frame: pd.DataFrame, rejected_rows: set[int]) -> np.ndarray:
    """A mask of the rows of ``frame`` no hard rule rejected (``rejected_rows``: index labels)."""
    accepted = np.ones(len(frame), dtype=bool)
    if rejected_rows:
        accepted[frame.index.get_indexer(list(rejected_rows))] = False
    return accepted


def no_problems() -> pd.DataFrame:
    return ProblemList().frame()


def file_problem(code: str, message_zh: str, message_en: str) -> pd.DataFrame:
    """One problem about the whole file (no row, name, column or value)."""
    found = ProblemList()
    found.add(
        rows=[None], names=[None], column=None, values=None, codes=code, severity=ERROR, zh=message_zh, en=message_en
    )
    return found.frame()


SHEET_REASONS = {
    "hidden": (
        "工作表“{sheet}”是隐藏的，未读取；如属台账请取消隐藏后重新报送",
        "sheet '{sheet}' is hidden and was not read; unhide it and send again if it is a roster",
    ),
    "no roster header": (
        "工作表“{sheet}”中没有台账表头（姓名、身份证号码等），未读取",
        "sheet '{sheet}' has no roster header (姓名, 身份证号码, …) and was not read",
    ),
}


def sheet_warnings(skipped_sheets: list[tuple[str, str]]) -> pd.DataFrame:
    """A warning per workbook sheet left out (hidden, or no roster header), naming the sheet."""
    found = ProblemList()
    for sheet, reason in skipped_sheets:
        zh, en = SHEET_REASONS[reason]
        found.add(
            rows=[None],
            names=[None],
            column=None,
            values=None,
            codes="sheet_not_read",
            severity=WARNING,
            zh=zh.format(sheet=sheet),
            en=en.format(sheet=sheet),
            sheets=[sheet],
        )
    return found.frame()


def control_character_warnings(control_characters: dict[str, list[int]], layout: reference.Layout) -> pd.DataFrame:
    """A warning per cell whose invisible control characters the reader removed, naming its row and its column as
    the kind's files head it."""
    found = ProblemList()
    for column, rows in control_characters.items():
        found.add(
            rows=list(rows),
            names=[None] * len(rows),
            column=layout.header(column),
            values=None,
            codes="control_characters_removed",
            severity=WARNING,
            zh="单元格中有不可见的控制字符，已删除；请检查该单元格的内容",
            en="the cell held invisible control characters, which were removed; check what the cell says",
        )
    return found.frame()


def hard_problems(roster: pd.DataFrame, rejected: dict[str, list[int]]) -> pd.DataFrame:
    """A problem per (row, hard rule) that GX reported; ``roster`` is the normalised frame with ``source_row``."""
    found = ProblemList()
    for rule, labels in rejected.items():
        if not labels:
            continue
        positions = roster.index.get_indexer(list(labels))
        rows = roster.iloc[positions]
        ids = [value if isinstance(value, str) else None for value in rows["id_number"].tolist()]
        if rule == "id_invalid":
            fallback = ("id_invalid", "身份证号码有误", "ID number is wrong")
            codes, zh, en = (list(part) for part in zip(*(id_number_problem(i) or fallback for i in ids), strict=True))
            column = "身份证号码"
        else:
            column, zh, en = MESSAGES[rule]
            codes = rule
        masked = [mask_id_number(value) for value in ids]
        found.add(
            rows=rows["source_row"].tolist(),
            names=rows["name"].tolist(),
            column=column,
            values=masked,
            codes=codes,
            severity=ERROR,
            zh=zh,
            en=en,
            sheets=sheets_at(roster, positions),
        )
    return found.frame()


def soft_problems(roster: pd.DataFrame, rejected_rows: set[int]) -> pd.DataFrame:
    """Warnings for accepted rows: the four clears, unreadable dates, unknown cities and place codes.

    Each check is a mask over the whole roster (rows rejected by a hard rule masked out), so that neither the
    accepted rows nor whole columns are copied; only the rows with a warning are read back as Python values.
    """
    accepted = accepted_rows(roster, rejected_rows)
    checks = [
        ("outflow_date_missing", roster["outflow_date"].isna(), "outflow_date_raw", None),
        ("destination_missing", roster["destination"].isna(), None, None),
        ("phone_missing_or_invalid", ~roster["phone_valid"].astype(bool), "phone", masked_phone_text),
        ("industry_missing", roster["industry"].isna(), None, None),
        (
            "destination_unknown_city",
            roster["destination"].notna() & roster["destination_city_code"].isna(),
            "destination",
            None,
        ),
        ("id_place_code_unknown", ~_known_place_codes(roster["id_number"]), "id_number", mask_id_number),
        (
            "last_contact_unreadable",
            roster["last_contact_raw"].notna() & roster["last_contact_date"].isna(),
            "last_contact_raw",
            None,
        ),
    ]
    found = ProblemList()
    for code, mask, value_column, shown in checks:
        found.warn(roster, np.asarray(mask, dtype=bool) & accepted, code, MESSAGES[code], value_column, shown)
    return found.frame()


def _known_place_codes(id_numbers: pd.Series) -> np.ndarray:
    """Whether each ID number starts with a known place code (by Arrow: pandas' ``isin`` on text columns looks
    at every value in Python); a missing ID number has none."""
    try:
        ids = pa.array(id_numbers, type=pa.string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # not a column of text
        places = reference.known_place_codes()
        return np.array([isinstance(value, str) and value[:6] in places for value in id_numbers], dtype=bool)
    known = pc.is_in(pc.utf8_slice_codeunits(ids, 0, 6), value_set=_place_code_array())
    return pc.fill_null(known, False).to_numpy(zero_copy_only=False)


@cache
def _place_code_array() -> pa.Array:
    """``reference.known_place_codes`` as an Arrow value set, built once per process rather than once per file."""
    return pa.array(sorted(reference.known_place_codes()), type=pa.string())


def masked_phone_text(value: object) -> str | None:
    """A phone as written, masked when it holds seven digits or more (first 3 and last 4 digits kept): a number that
    fails the check may still be someone's, and the warehouse keeps full phones in ``core`` only."""
    text = text_or_none(value)
    digits = "".join(character for character in text or "" if character.isdigit())
    if len(digits) < 7:
        return text
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def text_or_none(value: object) -> str | None:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return None
    return str(value)
