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

import contextlib
import csv
import datetime as dt
import gc
import io
import itertools
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

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
    row_sheets: list[str] | None = None  # per row, when the rows come from several sheets
    skipped_sheets: list[tuple[str, str]] = field(default_factory=list)  # (sheet, "hidden" | "no roster header")
    empty_sheets: list[str] = field(default_factory=list)  # roster sheets with a header and no rows (empty branches)
    column_positions: dict[str, int] = field(default_factory=dict)  # canonical name -> 0-based column
    control_characters: dict[str, list[int]] = field(default_factory=dict)  # column -> rows whose cells lost some


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
        with _no_cycle_collection():
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


def _check_cell_lengths(name: str, text: pa.Array, first_data_row: int) -> None:
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


@contextlib.contextmanager
def _no_cycle_collection():
    """Python's cycle collector paused while a file is read.

    A reader allocates a list per sheet row (a million for a big county) and makes no reference cycles; each
    allocation burst would otherwise start collections that walk every object the worker holds (Airflow's
    included), a fifth of an xlsx's reading time. The collector resumes afterwards as it was.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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
    by_position = list(itertools.zip_longest(*body)) if body else []  # the body's columns, transposed in C
    values = {}
    for position, name in columns.items():
        raw = list(by_position[position]) if position < len(by_position) else [None] * len(body)
        values[name] = _text_column(raw, convert) if convert is not None else raw
    table = _frame(values, first_row_number + header_index + 1, first_row_number + header_index, sheet, unmatched)
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


def _frame(
    values: dict[str, list], first_data_row: int, header_row: int, sheet: str | None, unmatched: list[str]
) -> RosterTable:
    """Canonical columns of text cells into a table, leaving out rows blank in every one of them.

    Each column is looked at once by Arrow: control characters (removed, and where noted), which cells hold more
    than white space, and the longest cell.
    """
    height = len(next(iter(values.values()))) if values else 0
    filled = np.zeros(height, dtype=bool)
    controlled: dict[str, np.ndarray] = {}
    for name, column in values.items():
        text = pa.array(column, type=pa.string())
        control = pc.fill_null(pc.match_substring_regex(text, CONTROL_CHARACTERS), False)
        if pc.any(control).as_py():
            controlled[name] = control.to_numpy(zero_copy_only=False)
            text = pc.replace_substring_regex(text, CONTROL_CHARACTERS, "")
            values[name] = [value or None for value in text.to_pylist()]
        _check_cell_lengths(name, text, first_data_row)
        blank = pc.match_substring_regex(text, f"^[{WHITE_SPACE}]*$")
        filled |= ~pc.fill_null(blank, True).to_numpy(zero_copy_only=False)
    kept = np.flatnonzero(filled)
    if len(kept) < height:
        values = {name: [column[i] for i in kept] for name, column in values.items()}
    frame = pd.DataFrame(values, columns=list(values), dtype=object)
    table = RosterTable(frame, (kept + first_data_row).tolist(), header_row, sheet, unmatched)
    table.control_characters = {
        name: [table.row_numbers[i] for i in np.flatnonzero(rows[kept])]
        for name, rows in controlled.items()
        if rows[kept].any()
    }
    return table


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


# Bounds that keep one workbook from exhausting a worker: calamine holds a sheet's whole used range in memory (a
# space typed in XFD1048576 makes that 17 billion cells and aborts the process), and an xlsx is a zip that can
# inflate far beyond its size on disk.
MAX_SHEET_CELLS = 30_000_000
MAX_INFLATED_MB = 1024
EXCEL_CELL_LIMIT = 32_767
_CELL_REF = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"')
_DIMENSION = re.compile(rb'<dimension ref="(?:[A-Z]{1,3}[0-9]{1,7}:)?([A-Z]{1,3})([0-9]{1,7})"')


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def check_xlsx_bounds(path: Path) -> None:
    """Refuse an xlsx whose XML inflates past ``MAX_INFLATED_MB`` or whose sheet's used range is too large.

    Reads the zip's directory and streams each worksheet's XML (its ``<dimension>``, else every cell reference), in
    bounded memory, before calamine allocates anything.
    """
    import zipfile

    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        return  # not a zip (an old .xls, or damage): calamine says what it is
    with archive:
        inflated = sum(info.file_size for info in archive.infolist())
        if inflated > MAX_INFLATED_MB * 1024 * 1024:
            raise RosterFileError(
                "workbook_inflates",
                f"工作簿解压后有 {inflated / 1048576:.0f} MB，超过 {MAX_INFLATED_MB} MB；请只保留台账表后另存再报送",
                f"the workbook inflates to {inflated / 1048576:.0f} MB, over {MAX_INFLATED_MB} MB; keep only the"
                " roster sheet, save it again and send it",
            )
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                rows, columns = _used_range(archive, name)
                if rows * columns > MAX_SHEET_CELLS:
                    raise RosterFileError(
                        "used_range_too_large",
                        f"有一个工作表的使用区域达 {rows} 行 × {columns} 列，远超台账范围（常因远处单元格里有空格）；"
                        "请删除台账以外的空白行和列（按 Ctrl+End 可找到最后一个单元格）后重新报送",
                        f"a sheet's used range is {rows} rows × {columns} columns, far beyond a roster (often a space"
                        " typed in a far-away cell); delete the empty rows and columns after the roster (Ctrl+End"
                        " finds the last cell) and send it again",
                    )


def _used_range(archive, name: str) -> tuple[int, int]:
    with archive.open(name) as stream:
        head = stream.read(4096)
        dimension = _DIMENSION.search(head)
        if dimension:
            return int(dimension[2]), _column_number(dimension[1])
        rows = columns = 0
        tail = b""
        while True:
            chunk = head or stream.read(1 << 20)
            head = b""
            if not chunk:
                return rows, columns
            block = tail + chunk
            for match in _CELL_REF.finditer(block):
                rows, columns = max(rows, int(match[2])), max(columns, _column_number(match[1]))
            tail = block[-32:]


def _read_excel(path: Path) -> RosterTable:
    from python_calamine import CalamineError, CalamineWorkbook, PasswordError

    check_xlsx_bounds(path)
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
        tables: list[RosterTable] = []
        skipped: list[tuple[str, str]] = []
        for index, meta in enumerate(workbook.sheets_metadata):
            if str(meta.visible).lower().endswith("hidden"):
                skipped.append((meta.name, "hidden"))
                continue
            sheet = workbook.get_sheet_by_index(index)
            rows = sheet.to_python(skip_empty_area=False)
            try:
                table = _table(rows, first_row_number=1, sheet=meta.name, convert=_excel_text)
            except RosterFileError as error:
                first_error = first_error or error
                skipped.append((meta.name, "no roster header"))
                continue
            _fill_merged_branch_cells(table, sheet.merged_cell_ranges or [])
            tables.append(table)
        if not tables:
            raise first_error or RosterFileError("empty_file", "工作簿中没有内容", "the workbook has no content")
        table = tables[0] if len(tables) == 1 else _stack_sheets(tables)
        table.skipped_sheets = skipped
        return table


def _fill_merged_branch_cells(table: RosterTable, merged: list) -> None:
    """A branch cell merged down over several rows names the branch of every row it covers, not only the first."""
    if "branch" not in table.frame.columns or not merged:
        return
    row_of = {row_number: position for position, row_number in enumerate(table.row_numbers)}
    branch = table.frame["branch"].tolist()
    for (first_row, first_col), (last_row, _) in merged:
        top = row_of.get(first_row + 1)  # calamine counts from 0, the clerk from 1
        if top is None or first_col != table.column_positions.get("branch"):
            continue
        for row_number in range(first_row + 2, last_row + 2):
            below = row_of.get(row_number)
            if below is not None and not branch[below]:
                branch[below] = branch[top]
    table.frame["branch"] = branch


def _stack_sheets(tables: list[RosterTable]) -> RosterTable:
    """Several roster sheets in one workbook: one table, the branch of a row with none being its sheet's name."""
    frames = []
    for table in tables:
        frame = table.frame.copy()
        if "branch" not in frame.columns:
            frame["branch"] = table.sheet
        else:
            frame["branch"] = [cell if cell else table.sheet for cell in frame["branch"]]
        frames.append(frame)
    stacked = pd.concat(frames, ignore_index=True).astype(object)
    stacked = stacked.where(stacked.notna(), None)
    return RosterTable(
        stacked,
        [number for table in tables for number in table.row_numbers],
        tables[0].header_row_number,
        ", ".join(table.sheet for table in tables),
        sorted({header for table in tables for header in table.ignored_headers}),
        row_sheets=[table.sheet for table in tables for _ in table.row_numbers],
        empty_sheets=[table.sheet for table in tables if table.frame.empty and "branch" not in table.frame.columns],
        control_characters={
            name: [row for table in tables for row in table.control_characters.get(name, [])]
            for name in {name for table in tables for name in table.control_characters}
        },
    )


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
    # Rows are numbered as Excel numbers them: by record, so a quoted line break inside a title or a cell does not
    # shift the rows below it. ``line_num`` tells where each record ended among the physical lines.
    lines = _PHYSICAL_LINE.findall(text)
    reader = csv.reader(io.StringIO(text))
    head, ends = [], []
    for row in reader:
        head.append([value or None for value in row])
        ends.append(reader.line_num)
        if len(head) == HEADER_SEARCH_ROWS:
            break
    header_index, columns, unmatched = _find_header(head)
    fast = _read_csv_pyarrow(lines[ends[header_index] :], len(head[header_index]), columns)
    if fast is None:  # a ragged row: the forgiving reader, row by row
        rows = [[value or None for value in row] for row in csv.reader(io.StringIO(text))]
        return _table(rows, first_row_number=1, sheet=None)
    return _frame(fast, header_index + 2, header_index + 1, None, unmatched)


# A physical line with its ending, split as the csv module splits them (not str.splitlines, which also breaks at
# form feeds, U+2028 and other characters a cell may hold).
_PHYSICAL_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def _read_csv_pyarrow(body_lines: list[str], width: int, columns: dict[int, str]) -> dict[str, list] | None:
    """The canonical columns below the header through pyarrow, or ``None`` when a row is ragged."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = [f"c{position}" for position in range(width)]
    body = "".join(body_lines).encode("utf-8")
    try:
        table = pacsv.read_csv(
            io.BytesIO(body),
            read_options=pacsv.ReadOptions(column_names=names, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(ignore_empty_lines=False, newlines_in_values=True),
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
