"""Excel workbooks (``.xlsx``, ``.xlsm``, old binary ``.xls``) through ``python-calamine`` (Rust's calamine).

Numbers Excel stored as numbers come back as floats; an ID number of 15 digits or more stored that way has already
lost digits, so it is written out in scientific notation for the ID rule to call it Excel damage. Every visible sheet
with a roster header is read (a workbook with a sheet per branch is common). Before calamine allocates anything, an
xlsx is checked for what would exhaust a worker: how far its XML really inflates and how large a sheet's used range
really is (neither the zip's declared sizes nor the sheet's ``<dimension>`` is believed).
"""

from __future__ import annotations

import datetime as dt
import re
import struct
import zipfile
import zlib
from pathlib import Path

import pandas as pd

from roster_recon import reference
from roster_recon.intake.normalise import clean_text  # a branch cell it leaves empty names no branch
from roster_recon.intake.table import RosterFileError, RosterTable, cells, rows_to_table


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
# inflate far beyond its size on disk. A damaged or hostile file may declare small sizes in its zip directory and a
# small ``<dimension>``: the check inflates the members itself, counting what comes out, and reads every row number
# and every column reference past Z.
MAX_SHEET_CELLS = 30_000_000
MAX_INFLATED_MB = 1024
# A row's number and a cell's position (an ``r`` attribute: a row's digits, a cell's column letters then its row's
# digits), read as calamine reads them: quoted with ' or ", spaces around = (up to 8: a match must fit in the 64 bytes
# kept across blocks), letters of either case, leading zeros, any namespace prefix, wherever the attribute stands in
# its tag. Every kind of white space is made a space first, so that each pattern starts with a literal the regular
# expression engine jumps between; an attribute whose name only ends in r (``Member="1234567"`` in a formula) is no
# position. What slips past (a far cell spelt with a page of spaces) meets the reading child's memory ceiling
# (``isolated.py``): calamine's allocation fails there and the file is rejected as one the reader crashed on.
_WHITE_SPACE = bytes.maketrans(b"\t\n\r\x0b\x0c", b"     ")
_ROW_NUMBER = re.compile(rb""" r {0,8}= {0,8}["'] {0,8}[A-Za-z]{0,12}([0-9]{1,12})""")
_WIDE_CELL = re.compile(rb""" r {0,8}= {0,8}["'] {0,8}([A-Za-z]{2,12})""")
_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature, then the name's and the extra field's lengths
_CHUNK = 1 << 20


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def check_xlsx_bounds(path: Path) -> None:
    """Refuse an xlsx whose XML inflates past ``MAX_INFLATED_MB`` or whose sheet's used range is too large.

    Inflates every member in bounded memory (a megabyte out at a time), whatever the zip's directory declares, and
    tracks each worksheet's highest row and column as it goes, before calamine allocates anything.
    """
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        return  # not a zip (an old .xls, or damage): calamine says what it is
    limit = MAX_INFLATED_MB * 1024 * 1024
    inflated = 0
    with archive, path.open("rb") as raw:
        for info in archive.infolist():
            if not info.filename.endswith((".xml", ".rels")):
                continue  # pictures and other parts calamine never inflates
            sheet = info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
            extent = _Extent()
            for block in _inflate(raw, info):
                inflated += len(block)
                if inflated > limit:
                    raise _inflates(inflated)
                if sheet:
                    extent.scan(block)
            if sheet and extent.rows * extent.columns > MAX_SHEET_CELLS:
                raise _too_large(extent.rows, extent.columns)


class _Extent:
    """A worksheet's highest row number and column, from its XML seen block by block."""

    def __init__(self):
        self.rows, self.columns, self._tail = 0, 26, b""
        self._row_tags = 0  # rows need no number: a sheet of unnumbered rows is as long as its row tags

    def scan(self, block: bytes) -> None:
        text = (self._tail + block).translate(_WHITE_SPACE)
        rows = _ROW_NUMBER.findall(text)
        if rows:
            self.rows = max(self.rows, max(map(int, rows)))
        edge = self._tail[-3:] + block  # a tag across the blocks' edge is counted once, in the block it ends in
        self._row_tags += edge.count(b"<row") + edge.count(b":row")
        self.rows = max(self.rows, self._row_tags)
        for letters in set(_WIDE_CELL.findall(text)):
            self.columns = max(self.columns, _column_number(letters.upper()))
        self._tail = text[-64:]


def _inflate(raw, info):
    """The member's bytes as they really inflate, from its local header on (not the directory's declared size)."""
    raw.seek(info.header_offset)
    signature, name_length, extra_length = _LOCAL_HEADER.unpack(raw.read(_LOCAL_HEADER.size))
    if signature != b"PK\x03\x04":
        raise RosterFileError(
            "corrupt_workbook",
            "无法作为Excel工作簿打开（文件损坏），请用Excel另存为 .xlsx 后重新报送",
            "cannot be opened as an Excel workbook (damaged); save it as .xlsx and send it again",
        )
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise RosterFileError(
            "corrupt_workbook",
            "工作簿的压缩方式不是Excel所用的，请用Excel另存为 .xlsx 后重新报送",
            "the workbook is compressed in a way Excel does not write; save it as .xlsx in Excel and send it again",
        )
    raw.seek(name_length + extra_length, 1)
    left = info.compress_size
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    while left > 0:
        compressed = raw.read(min(_CHUNK, left))
        if not compressed:
            return
        left -= len(compressed)
        if inflater is None:  # stored
            yield compressed
            continue
        block = inflater.decompress(compressed, _CHUNK)
        while block:
            yield block
            block = inflater.decompress(inflater.unconsumed_tail, _CHUNK) if inflater.unconsumed_tail else b""


def _inflates(inflated: int) -> RosterFileError:
    return RosterFileError(
        "workbook_inflates",
        f"工作簿解压后超过 {MAX_INFLATED_MB} MB（已达 {inflated / 1048576:.0f} MB）；请只保留台账表后另存再报送",
        f"the workbook inflates past {MAX_INFLATED_MB} MB ({inflated / 1048576:.0f} MB so far); keep only the roster"
        " sheet, save it again and send it",
    )


def _too_large(rows: int, columns: int) -> RosterFileError:
    return RosterFileError(
        "used_range_too_large",
        f"有一个工作表的使用区域达 {rows} 行 × {columns} 列，远超台账范围（常因远处单元格里有空格）；"
        "请删除台账以外的空白行和列（按 Ctrl+End 可找到最后一个单元格）后重新报送",
        f"a sheet's used range is {rows} rows × {columns} columns, far beyond a roster (often a space typed in a"
        " far-away cell); delete the empty rows and columns after the roster (Ctrl+End finds the last cell) and send"
        " it again",
    )


def read_excel(path: Path, layout: reference.Layout | None = None) -> RosterTable:
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
                table = rows_to_table(rows, first_row_number=1, sheet=meta.name, convert=_excel_text, layout=layout)
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
    branch = cells(table.frame, "branch")
    for (first_row, first_col), (last_row, _) in merged:
        top = row_of.get(first_row + 1)  # calamine counts from 0, the clerk from 1
        if top is None or first_col != table.column_positions.get("branch"):
            continue
        for row_number in range(first_row + 2, last_row + 2):
            below = row_of.get(row_number)
            if below is not None and clean_text(branch[below]) is None:
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
            frame["branch"] = [table.sheet if clean_text(cell) is None else cell for cell in cells(frame, "branch")]
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
