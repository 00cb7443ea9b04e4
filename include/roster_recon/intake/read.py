"""Readers: a county's roster file (``.xlsx``, ``.xls``, ``.csv``) into a frame of text cells with canonical columns.

- Excel through ``python-calamine`` (``excel.py``): one fast reader for xlsx and the old binary xls alike.
- CSV through ``pyarrow.csv`` with every column typed as text (the Python ``csv`` module when a row is ragged).
  The encoding is UTF-8 (with or without BOM) or GB18030, the superset of GBK that also holds rare name characters;
  ``charset-normalizer`` decides only when neither decodes cleanly.
- The header row, row numbers and the checks of every column are ``table.py``'s.
"""

from __future__ import annotations

import contextlib
import csv
import gc
import io
import logging
import re
from pathlib import Path

import pyarrow as pa

from roster_recon import reference
from roster_recon.intake import excel
from roster_recon.intake.table import (
    HEADER_SEARCH_ROWS,
    WHITE_SPACE,
    RosterFileError,
    RosterTable,
    columns_to_table,
    find_header,
    rows_to_table,
)
from roster_recon.share import EXCEL_SUFFIXES

log = logging.getLogger(__name__)

__all__ = ["WHITE_SPACE", "RosterFileError", "RosterTable", "read_roster", "safe_message"]
DEFAULT_MAX_FILE_MB = 50


def read_roster(
    path: Path, max_file_mb: float = DEFAULT_MAX_FILE_MB, layout: reference.Layout | None = None
) -> RosterTable:
    """Read one roster file; raises ``RosterFileError`` with words a clerk can act on when it is not usable.

    ``layout`` is the kind of roster (its headers): a county ledger unless told otherwise.

    Whatever else goes wrong while reading (a damaged file the reader chokes on, a file the share will not let us
    read, memory) also becomes a ``RosterFileError``: one bad file never stops the county's other files.
    """
    try:
        size = path.stat().st_size
    except OSError as error:
        raise _unreadable(error) from error
    if size == 0:
        raise RosterFileError("empty_file", "文件是空的", "the file is empty")
    if (too_large := size_problem(size, max_file_mb)) is not None:
        raise too_large
    try:
        with _no_cycle_collection():
            return _read_by_type(path, layout or reference.roster_layout())
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


def size_problem(size: int, max_file_mb: float) -> RosterFileError | None:
    """The rejection of a file larger than ``roster_max_file_mb``, or ``None`` (such a file is never read)."""
    if size <= max_file_mb * 1024 * 1024:
        return None
    return RosterFileError(
        "file_too_large",
        f"文件有 {size / 1048576:.0f} MB，超过 {max_file_mb:g} MB 上限；"
        "请只保留台账表（删去图片和其他工作表）后重新报送",
        f"the file is {size / 1048576:.0f} MB, over the {max_file_mb:g} MB limit; keep only the roster sheet"
        " (remove pictures and other sheets) and send it again",
    )


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


def _read_by_type(path: Path, layout: reference.Layout) -> RosterTable:
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return excel.read_excel(path, layout)
    if suffix == ".csv":
        return _read_csv(path, layout)
    raise RosterFileError(
        "unsupported_type",
        f"不支持的文件类型 {suffix}，请另存为 .xlsx 或 .csv",
        f"file type {suffix} is not supported; save it as .xlsx or .csv",
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


def _read_csv(path: Path, layout: reference.Layout) -> RosterTable:
    data = path.read_bytes()
    try:
        text, encoding = decode_text(data)
    except UnicodeDecodeError as error:
        raise RosterFileError(
            "unknown_encoding",
            "文件中有无法识别的字符，请用Excel另存为 .xlsx 或 UTF-8 编码的CSV",
            "the file has bytes that are not text; save as .xlsx or as UTF-8 CSV",
        ) from error
    log.debug("%s decoded as %s", path.name, encoding)
    header, header_index, columns, unmatched, body = csv_header_and_body(data, text, encoding, layout)
    del text  # let go before the cells become Python strings (a 500,000-row export's peak memory)
    fast = _read_csv_pyarrow(body, len(header), columns)
    del body
    if fast is None:  # a ragged row: the forgiving reader, row by row
        text, _ = decode_text(data)
        rows = [[value or None for value in row] for row in csv.reader(io.StringIO(text))]
        return rows_to_table(rows, first_row_number=1, sheet=None, layout=layout)
    return columns_to_table(fast, header_index + 2, header_index + 1, None, unmatched)


def csv_header_and_body(
    data: bytes, text: str, encoding: str, layout: reference.Layout
) -> tuple[list, int, dict[int, str], list[str], bytes]:
    """A CSV's header row, its index, column position -> canonical name, the unmatched headers, and the body below
    it as UTF-8 bytes (sliced from ``data`` itself when it is UTF-8).

    Rows are numbered as Excel numbers them: by record, so a quoted line break inside a title or a cell does not
    shift the rows below it. ``line_num`` tells where each record ended among the physical lines.
    """
    reader = csv.reader(io.StringIO(text))
    head, ends = [], []
    for row in reader:
        head.append([value or None for value in row])
        ends.append(reader.line_num)
        if len(head) == HEADER_SEARCH_ROWS:
            break
    header_index, columns, unmatched = find_header(head, layout)
    start = _after_lines(text, ends[header_index])
    if encoding.startswith("utf-8"):
        body = data[len(text[:start].encode("utf-8")) + (3 if encoding == "utf-8-sig" else 0) :]
    else:
        body = text[start:].encode("utf-8")
    return head[header_index], header_index, columns, unmatched, body


# A physical line with its ending, split as the csv module splits them (not str.splitlines, which also breaks at
# form feeds, U+2028 and other characters a cell may hold).
_PHYSICAL_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def _after_lines(text: str, lines: int) -> int:
    """The offset in ``text`` just after its first ``lines`` physical lines."""
    end = 0
    for number, line in enumerate(_PHYSICAL_LINE.finditer(text), start=1):
        end = line.end()
        if number == lines:
            break
    return end


def _read_csv_pyarrow(body: bytes, width: int, columns: dict[int, str]) -> dict[str, pa.Array] | None:
    """The canonical columns of ``body`` (UTF-8, the rows below the header) through pyarrow, or ``None`` when a
    row is ragged."""
    import pyarrow.csv as pacsv

    names = [f"c{position}" for position in range(width)]
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
    return {name: table.column(names[position]).combine_chunks() for position, name in columns.items()}
