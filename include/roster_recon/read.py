"""Readers: a county's roster file (``.xlsx``, ``.xls``, ``.csv``) into a frame of text cells with canonical columns.

- Excel through ``python-calamine`` (Rust's calamine): one fast reader for xlsx and the old binary xls alike.
  Numbers Excel stored as numbers come back as floats; an ID number of 15 digits or more stored that way has already
  lost digits, so it is written out in scientific notation for the ID rule to call it Excel damage.
- CSV through ``pyarrow.csv`` with every column typed as text (the Python ``csv`` module when a row is ragged).
  The encoding is UTF-8 (with or without BOM) or GB18030, the superset of GBK that also holds rare name characters;
  ``charset-normalizer`` decides only when neither decodes cleanly.
- The header row is the first of the top rows whose cells name at least two canonical columns; title rows above
  it are skipped. Row numbers are kept as the clerk sees them (1 = the first line of the file).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from roster_recon import reference

log = logging.getLogger(__name__)

HEADER_SEARCH_ROWS = 30
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
ROSTER_SUFFIXES = (*EXCEL_SUFFIXES, ".csv")


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


DEFAULT_MAX_FILE_MB = 50


def read_roster(path: Path, max_file_mb: float = DEFAULT_MAX_FILE_MB) -> RosterTable:
    """Read one roster file; raises ``RosterFileError`` with words a clerk can act on when it is not usable.

    Whatever else goes wrong while reading (a damaged file the reader chokes on, a file the share will not let us
    read, memory) also becomes a ``RosterFileError``: one bad file never stops the county's other files.
    """
    try:
        size = path.stat().st_size
    except OSError as error:
        raise _unreadable(error) from error
    if size == 0:
        raise RosterFileError("empty_file", "文件是空的", "the file is empty")
    if size > max_file_mb * 1024 * 1024:
        raise RosterFileError(
            "file_too_large",
            f"文件有 {size / 1048576:.0f} MB，超过 {max_file_mb:g} MB 上限；"
            "请只保留台账表（删去图片和其他工作表）后重新报送",
            f"the file is {size / 1048576:.0f} MB, over the {max_file_mb:g} MB limit; keep only the roster sheet"
            " (remove pictures and other sheets) and send it again",
        )
    try:
        return _read_by_type(path)
    except RosterFileError:
        raise
    except MemoryError as error:
        raise RosterFileError(
            "too_large_to_read",
            "文件内容太大，无法读取；请只保留台账表后重新报送",
            "the file's content is too large to read; keep only the roster sheet and send it again",
        ) from error
    except OSError as error:
        raise _unreadable(error) from error
    except Exception as error:  # any reader failure is this file's problem, never the run's
        raise RosterFileError(
            "unreadable",
            f"文件无法读取（{type(error).__name__}）；请用 Excel 或 WPS 打开后另存为 .xlsx 再报送",
            f"the file could not be read ({type(error).__name__}: {safe_message(error)}); open it in Excel or WPS,"
            " save it as .xlsx and send it again",
        ) from error


def _unreadable(error: OSError) -> RosterFileError:
    return RosterFileError(
        "cannot_open",
        f"无法打开文件（{error.strerror or type(error).__name__}）；请检查文件权限后重新报送",
        f"the file cannot be opened ({error.strerror or type(error).__name__});"
        " check its permissions and send it again",
    )


def safe_message(error: BaseException, limit: int = 160) -> str:
    """An exception's message for logs and feedback, cut short, with any run of ID-like digits masked."""
    text = re.sub(r"[0-9Xx]{15,}", lambda m: m.group(0)[:6] + "…", str(error))
    return text[:limit]


def _read_by_type(path: Path) -> RosterTable:
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return _read_excel(path)
    if suffix == ".csv":
        return _read_csv(path)
    raise RosterFileError(
        "unsupported_type",
        f"不支持的文件类型 {suffix}，请另存为 .xlsx 或 .csv",
        f"file type {suffix} is not supported; save it as .xlsx or .csv",
    )


# --- Header row -------------------------------------------------------------------------------------------------


def _match_header(cells: list[object]) -> tuple[dict[int, str], list[str]]:
    """Column position -> canonical name for one candidate header row, and the headers left unmatched."""
    aliases = reference.header_aliases()
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


def _find_header(rows: list[list[object]]) -> tuple[int, dict[int, str], list[str]]:
    for index, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        matched, unmatched = _match_header(cells)
        if len(matched) < 2:
            continue
        missing = [name for name in reference.REQUIRED_COLUMNS if name not in matched.values()]
        if missing:
            zh = "、".join({"name": "姓名", "id_number": "身份证号码"}[name] for name in missing)
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


def _table(rows: list[list[object]], first_row_number: int, sheet: str | None, convert=None) -> RosterTable:
    """The roster below the header row of ``rows``; ``convert`` turns a raw cell into text (or ``None``)."""
    head = rows[:HEADER_SEARCH_ROWS]
    if convert is not None:
        head = [[convert(value) for value in cells] for cells in head]
    header_index, columns, unmatched = _find_header(head)
    body = rows[header_index + 1 :]
    values = {}
    for position, name in columns.items():
        raw = [cells[position] if position < len(cells) else None for cells in body]
        values[name] = [convert(value) for value in raw] if convert is not None else raw
    return _frame(values, first_row_number + header_index + 1, first_row_number + header_index, sheet, unmatched)


def _frame(
    values: dict[str, list], first_data_row: int, header_row: int, sheet: str | None, unmatched: list[str]
) -> RosterTable:
    """Canonical columns of text cells into a table, leaving out rows blank in every one of them."""
    height = len(next(iter(values.values()))) if values else 0
    filled = np.zeros(height, dtype=bool)
    for column in values.values():
        filled |= np.fromiter((bool(v) and not v.isspace() for v in column), dtype=bool, count=height)
    kept = np.flatnonzero(filled)
    if len(kept) < height:
        values = {name: [column[i] for i in kept] for name, column in values.items()}
    frame = pd.DataFrame(values, columns=list(values), dtype=object)
    return RosterTable(frame, (kept + first_data_row).tolist(), header_row, sheet, unmatched)


# --- Excel ------------------------------------------------------------------------------------------------------


def _excel_text(value: object) -> object:
    """A calamine cell as text; numbers too long for a double keep the scientific form that marks the damage."""
    if type(value) is str:  # most cells: the fast path
        return value or None
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _read_excel(path: Path) -> RosterTable:
    from python_calamine import CalamineError, CalamineWorkbook, PasswordError

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except PasswordError as error:
        raise RosterFileError(
            "encrypted_workbook",
            "工作簿设置了密码，请取消密码后重新报送",
            "the workbook is password-protected; remove the password and send it again",
        ) from error
    except (CalamineError, OSError, ValueError) as error:
        raise RosterFileError(
            "corrupt_workbook",
            "无法作为Excel工作簿打开（文件损坏或并非Excel格式），请用Excel另存为 .xlsx 后重新报送",
            "cannot be opened as an Excel workbook (damaged or not really Excel); save it as .xlsx and resend",
        ) from error
    with workbook:
        first_error: RosterFileError | None = None
        for index, meta in enumerate(workbook.sheets_metadata):
            if str(meta.visible).lower().endswith("hidden"):
                continue
            rows = workbook.get_sheet_by_index(index).to_python(skip_empty_area=False)
            try:
                return _table(rows, first_row_number=1, sheet=meta.name, convert=_excel_text)
            except RosterFileError as error:
                first_error = first_error or error
        raise first_error or RosterFileError("empty_file", "工作簿中没有内容", "the workbook has no content")


# --- CSV --------------------------------------------------------------------------------------------------------


def decode_text(data: bytes) -> tuple[str, str]:
    """Text and encoding name: UTF-8 (BOM or not), else GB18030, else what charset-normalizer finds."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise RosterFileError(
            "unknown_encoding",
            "无法识别文件编码，请用Excel另存为 .xlsx 或 UTF-8 编码的CSV",
            "cannot tell the text encoding; save as .xlsx or as UTF-8 CSV",
        )
    return str(best), best.encoding


def _read_csv(path: Path) -> RosterTable:
    try:
        text, encoding = decode_text(path.read_bytes())
    except UnicodeDecodeError as error:
        raise RosterFileError(
            "unknown_encoding",
            "文件中有无法识别的字符，请用Excel另存为 .xlsx 或 UTF-8 编码的CSV",
            "the file has bytes that are not text; save as .xlsx or as UTF-8 CSV",
        ) from error
    log.debug("%s decoded as %s", path.name, encoding)
    lines = text.splitlines()
    head = [[value or None for value in row] for row in csv.reader(io.StringIO("\n".join(lines[:HEADER_SEARCH_ROWS])))]
    header_index, columns, unmatched = _find_header(head)
    fast = _read_csv_pyarrow(lines[header_index + 1 :], len(head[header_index]), columns)
    if fast is None:  # a ragged row: the forgiving reader, row by row
        rows = [[value or None for value in row] for row in csv.reader(io.StringIO(text))]
        return _table(rows, first_row_number=1, sheet=None)
    return _frame(fast, header_index + 2, header_index + 1, None, unmatched)


def _read_csv_pyarrow(body_lines: list[str], width: int, columns: dict[int, str]) -> dict[str, list] | None:
    """The canonical columns below the header through pyarrow, or ``None`` when a row is ragged."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = [f"c{position}" for position in range(width)]
    body = "\n".join(body_lines).encode("utf-8")
    try:
        table = pacsv.read_csv(
            io.BytesIO(body),
            read_options=pacsv.ReadOptions(column_names=names, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=True,
                null_values=[""],
                include_columns=[names[position] for position in columns],
            ),
        )
    except pa.ArrowInvalid:
        return None
    return {name: table.column(names[position]).to_pylist() for position, name in columns.items()}
