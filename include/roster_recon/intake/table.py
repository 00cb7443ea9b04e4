"""A roster as read: text cells under canonical column names, found below the header row, checked column by column.

Shared by the readers (``read`` for CSV, ``excel`` for workbooks): the header row is the first of the top rows whose
cells name at least two canonical columns (title rows above it are skipped); row numbers are kept as the clerk sees
them (1 = the first line of the file); each column is looked at once by Arrow (control characters, blank cells, the
longest cell).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from roster_recon import reference

HEADER_SEARCH_ROWS = 30
EXCEL_CELL_LIMIT = 32_767


class RosterFileError(Exception):
    """A whole file cannot be used as a roster. ``code`` is stable; the messages are for the county clerk."""

    def __init__(self, code: str, message_zh: str, message_en: str):
        super().__init__(f"{code}: {message_en}")
        self.code, self.message_zh, self.message_en = code, message_zh, message_en


@dataclass
class RosterTable:
    """A roster as read: text cells under canonical column names, and where each row stands in the file."""

    frame: pd.DataFrame
    row_numbers: list[int]
    header_row_number: int
    sheet: str | None = None
    ignored_headers: list[str] = field(default_factory=list)
    row_sheets: list[str] | None = None  # per row, when the rows come from several sheets
    skipped_sheets: list[tuple[str, str]] = field(default_factory=list)  # (sheet, "hidden" | "no roster header")
    empty_sheets: list[str] = field(default_factory=list)  # roster sheets with a header and no rows (empty branches)
    column_positions: dict[str, int] = field(default_factory=dict)  # canonical name -> 0-based column
    control_characters: dict[str, list[int]] = field(default_factory=dict)  # column -> rows whose cells lost some


def check_cell_lengths(name: str, text: pa.Array, first_data_row: int) -> None:
    """Excel holds at most 32,767 characters in a cell; a longer one is damage or a pasted document, not a roster."""
    lengths = pc.utf8_length(text)  # code points, as len() counts them
    longest = pc.max(lengths).as_py()
    if longest is not None and longest > EXCEL_CELL_LIMIT:
        row = first_data_row + pc.index(lengths, longest).as_py()
        raise RosterFileError(
            "cell_too_long",
            f"第 {row} 行的单元格有 {longest} 个字符，超过 {EXCEL_CELL_LIMIT}；请检查后重新报送",
            f"the {name} cell of row {row} holds {longest} characters, over {EXCEL_CELL_LIMIT}; check that row and"
            " send it again",
        )


def _match_header(cells: list[object], layout: reference.Layout) -> tuple[dict[int, str], list[str]]:
    """Column position -> canonical name for one candidate header row, and the headers left unmatched."""
    aliases = layout.aliases
    matched: dict[int, str] = {}
    unmatched: list[str] = []
    for position, cell in enumerate(cells):
        if cell is None or str(cell).strip() == "":
            continue
        canonical = aliases.get(reference.normalise_header(str(cell)))
        if canonical is None or canonical in matched.values():
            unmatched.append(str(cell).strip())
        else:
            matched[position] = canonical
    return matched, unmatched


def find_header(
    rows: list[list[object]], layout: reference.Layout | None = None
) -> tuple[int, dict[int, str], list[str]]:
    """The header row among the first rows: its index, column position -> canonical name, and unmatched headers.

    ``layout`` is the kind of roster looked for (a county ledger unless told otherwise)."""
    layout = layout or reference.roster_layout()
    for index, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        matched, unmatched = _match_header(cells, layout)
        if len(matched) < 2:
            continue
        missing = [name for name in layout.required if name not in matched.values()]
        if missing:
            zh = "、".join(layout.header(name) for name in missing)
            raise RosterFileError(
                "missing_required_column",
                f"第{index + 1}行是表头，但缺少必填列：{zh}",
                f"the header row (row {index + 1}) has no {' / '.join(missing)} column",
            )
        return index, matched, unmatched
    raise RosterFileError(
        "no_header_row",
        f"前{HEADER_SEARCH_ROWS}行中找不到表头（需要“姓名”“身份证号码”等列名），这不是流动党员台账",
        f"no header row (姓名, 身份证号码 …) in the first {HEADER_SEARCH_ROWS} rows: not a roster",
    )


def rows_to_table(
    rows: list[list[object]],
    first_row_number: int,
    sheet: str | None,
    convert=None,
    layout: reference.Layout | None = None,
) -> RosterTable:
    """The roster below the header row of ``rows``; ``convert`` turns a raw cell into text (or ``None``)."""
    head = rows[:HEADER_SEARCH_ROWS]
    if convert is not None:
        head = [[convert(value) for value in cells] for cells in head]
    header_index, columns, unmatched = find_header(head, layout)
    body = rows[header_index + 1 :]
    by_position = list(itertools.zip_longest(*body)) if body else []  # the body's columns, transposed in C
    values = {}
    for position, name in columns.items():
        raw = list(by_position[position]) if position < len(by_position) else [None] * len(body)
        values[name] = _text_column(raw, convert) if convert is not None else raw
    table = columns_to_table(
        values, first_row_number + header_index + 1, first_row_number + header_index, sheet, unmatched
    )
    table.column_positions = {name: position for position, name in columns.items()}
    return table


def _text_column(raw: list, convert) -> list:
    """A column of raw cells as text: a column of text cells only (nearly all) needs no call per cell."""
    if set(map(type, raw)) <= {str, type(None)}:
        return [value or None for value in raw]
    return [convert(value) for value in raw]


# Python's white space (``str.isspace``), as a character class for Arrow's regular expressions; a cell of these
# alone is blank. ``tests/test_read.py`` holds the class equal to ``str.isspace`` over every code point.
WHITE_SPACE = r"\x{9}-\x{D}\x{1C}-\x{20}\x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}"


# Control characters a cell may not keep (U+0000-U+001F but tab and line breaks, and U+007F): PostgreSQL refuses a
# NUL in text, and none of them is anything a clerk meant to type.
CONTROL_CHARACTERS = r"[\x{0}-\x{8}\x{B}\x{C}\x{E}-\x{1F}\x{7F}]"


# The dtype pandas gives a column of text and missing values ("str": Arrow storage, NaN for missing).
TEXT_DTYPE = pd.StringDtype("pyarrow", na_value=np.nan)


def for_frame(column: list | pa.Array) -> object:
    """A column as ``pandas.DataFrame`` takes it: an Arrow string array is wrapped without a copy into the dtype
    pandas would infer from its values as a list; a column of nothing but ``None``, or of no rows, holds Python
    objects (pandas would make it a column of floats)."""
    if not isinstance(column, pa.Array):
        return column
    if column.null_count < len(column):
        return pd.array(column, dtype=TEXT_DTYPE)
    return pd.array(column.to_pylist(), dtype=object)


def columns_to_table(
    values: dict[str, list | pa.Array], first_data_row: int, header_row: int, sheet: str | None, unmatched: list[str]
) -> RosterTable:
    """Canonical columns of text cells into a table, leaving out rows blank in every one of them.

    Each column is looked at once by Arrow: control characters (removed, and where noted), which cells hold more
    than white space, and the longest cell. The frame's columns stay Arrow text (pandas' ``str``: missing cells are
    NaN, ``cells`` reads them as ``None``), so no cell becomes a Python string here.
    """
    height = len(next(iter(values.values()))) if values else 0
    filled = np.zeros(height, dtype=bool)
    controlled: dict[str, np.ndarray] = {}
    texts: dict[str, pa.Array] = {}
    for name, column in values.items():
        text = column if isinstance(column, pa.Array) else pa.array(column, type=pa.string())
        control = pc.fill_null(pc.match_substring_regex(text, CONTROL_CHARACTERS), False)
        if pc.any(control).as_py():
            controlled[name] = control.to_numpy(zero_copy_only=False)
            text = pc.replace_substring_regex(text, CONTROL_CHARACTERS, "")
            text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)  # a cell of them alone is blank
        check_cell_lengths(name, text, first_data_row)
        blank = pc.match_substring_regex(text, f"^[{WHITE_SPACE}]*$")
        filled |= ~pc.fill_null(blank, True).to_numpy(zero_copy_only=False)
        texts[name] = text
    kept = np.flatnonzero(filled)
    if len(kept) < height:
        texts = {name: text.take(pa.array(kept, type=pa.int64())) for name, text in texts.items()}
    frame = pd.DataFrame({name: for_frame(text) for name, text in texts.items()}, columns=list(texts))
    table = RosterTable(frame, (kept + first_data_row).tolist(), header_row, sheet, unmatched)
    table.control_characters = {
        name: [table.row_numbers[i] for i in np.flatnonzero(rows[kept])]
        for name, rows in controlled.items()
        if rows[kept].any()
    }
    return table


def cells(frame: pd.DataFrame, name: str) -> list:
    """A raw frame's column as Python values, ``None`` for a missing cell (``str`` columns hold NaN)."""
    return [value if isinstance(value, str) else None for value in frame[name].tolist()]
