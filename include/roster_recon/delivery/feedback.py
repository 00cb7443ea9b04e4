"""Workbooks for county offices: feedback on each file they sent, and the list of members to follow up.

Written with rustpy-xlsxwriter (Python bindings of rust_xlsxwriter, the Rust port of XlsxWriter by XlsxWriter's
author), several times faster than XlsxWriter cell by cell for a large list (docs/benchmarks.md). Every cell is an
inline text cell with Excel's quote prefix, so no spreadsheet runs a value that starts with ``= + - @`` (``+86…``
phones are the everyday case) as a formula, not even after a clerk edits the cell (OWASP "CSV injection").
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import rustpy_xlsxwriter as xlsx
import sqlalchemy as sa

from roster_recon import reference, share, sql_files, warehouse
from roster_recon.intake import discover
from roster_recon.share import FEEDBACK_DIR, FOLLOW_UP_DIR, fitted_name

sql = sql_files.loader(__file__)


# What a clerk reads for a code (reference/labels.csv).
FLAG_NAMES_ZH = {code: label.zh for code, label in reference.labels("flag").items()}
SOURCE_NAMES_ZH = {code: label.zh for code, label in reference.labels("source").items()}
STATUS_ZH = {code: label.zh for code, label in reference.labels("file_status").items()}


@dataclass
class Sheet:
    """One worksheet: its name, header texts, column widths and rows (any values; written as text)."""

    name: str
    headers: list[str]
    widths: list[int]
    rows: list[list[object]]

    @cached_property
    def text_columns(self) -> list[list[str | None]]:
        """The rows as columns of text (``None`` stays an empty cell), each column converted at once."""
        columns = list(zip(*self.rows, strict=True)) if self.rows else [() for _ in self.headers]
        return [_as_text(values) for values in columns]

    def frame(self) -> pd.DataFrame:
        """The text columns, headed by ``headers``."""
        return pd.DataFrame(
            {
                header: pd.array(values, dtype=object)
                for header, values in zip(self.headers, self.text_columns, strict=True)
            },
            columns=self.headers,
        )


def _as_text(values: tuple) -> list[str | None]:
    """``str`` of every value but ``None``: a column of text is taken as it is, a column of dates by Arrow."""
    kinds = set(map(type, values))
    if kinds <= {str, type(None)}:
        return list(values)
    if kinds <= {dt.date, type(None)}:  # date.__str__ is its ISO form, as Arrow writes it
        return pa.array(values, type=pa.date32()).cast(pa.string()).to_pylist()
    return [None if value is None else str(value) for value in values]


def write_workbook(path: Path, sheets: list[Sheet]) -> Path:
    """Write ``sheets`` to ``path`` (through a temporary name, so a reader never sees half a workbook).

    The workbook is written under a private name of plain characters in the target folder's own place on disk and
    renamed by Python: a county folder whose name is not UTF-8 is a path the Rust writer could not take.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    header = xlsx.Format().set_bold().set_background_color("#DDEBF7").set_border("thin").set_text_wrap()
    text = xlsx.Format().set_quote_prefix()
    partial = path.with_name(f".workbook-{os.getpid()}-{threading.get_ident()}.partial")
    writable = partial if _is_text(str(partial)) else Path(tempfile.mkdtemp(prefix="roster-workbook-")) / "w.xlsx"
    xlsx.write_worksheets(
        [(sheet.name, sheet.frame()) for sheet in sheets],
        str(writable),
        freeze_panes={"general": {"row": 1, "col": 0}},
        column_widths={sheet.name: sheet.widths for sheet in sheets},
        column_formats={sheet.name: [text] * len(sheet.headers) for sheet in sheets},
        header_format={sheet.name: header for sheet in sheets},
    )
    if writable != partial:  # written elsewhere: copied into the folder under the private name first
        shutil.move(writable, partial)
        writable.parent.rmdir()
    partial.replace(path)
    return path


def _is_text(path: str) -> bool:
    """Whether ``path`` is text every library takes (no undecodable byte held as a lone surrogate)."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _never(_path: Path) -> bool:
    return False


def write_file_feedback(
    county_dir: Path, file: dict, problems: list[dict], as_of: dt.date, taken: Callable[[Path], bool] = _never
) -> Path:
    """``_feedback/<file>（<type>）_反馈_<as-of>.xlsx``: the file's outcome, then one line per problem.

    The file type is part of the name: ``甲支部.xlsx`` and ``甲支部.csv`` of one run get a workbook each. A name that
    holds another file's feedback (``taken``: a ``_READY`` run and the night's run of one date, each with its
    ``甲支部.csv``) gets `` (2)``, `` (3)`` …; this file's own workbook, written by an earlier try, is written again.
    """
    name = Path(file["file_name"])
    kind = name.suffix.lstrip(".").lower() or "无扩展名"
    tail = f"（{kind}）_反馈_{as_of.isoformat()}"
    path = county_dir / FEEDBACK_DIR / fitted_name(name.stem, f"{tail}.xlsx")
    for number in itertools.count(2):
        if not taken(path):
            break
        path = county_dir / FEEDBACK_DIR / fitted_name(name.stem, f"{tail} ({number}).xlsx")
    errors = sum(1 for problem in problems if problem["severity"] == "error")
    summary = [
        ["文件 File", file["file_name"]],
        ["处理日期 As of", as_of.isoformat()],
        ["结果 Outcome", f"{STATUS_ZH.get(file['status'], file['status'])} ({file['status']})"],
        *([["原因 Reason", file["error"]]] if file.get("error") else []),
        ["错误行数 Rows not loaded", len({p["source_row"] for p in problems if p["severity"] == "error"})],
        ["问题条数 Problems", f"{errors} 错误 errors, {len(problems) - errors} 提醒 warnings"],
        [
            "说明 Note",
            "“错误”行未导入，请改正后重新报送整个台账；“提醒”行已导入，请补全信息。"
            " Rows with errors were not loaded: fix them and send the whole roster again;"
            " rows with warnings were loaded: please complete them.",
        ],
    ]
    by_sheet = any(problem.get("sheet") for problem in problems)  # a workbook of several roster sheets
    detail = [
        [
            *([problem.get("sheet")] if by_sheet else []),
            problem["source_row"],
            problem["member_name"],
            problem["column_name"],
            problem["value_masked"],
            "错误 error" if problem["severity"] == "error" else "提醒 warning",
            problem["message_zh"],
            problem["message_en"],
        ]
        for problem in problems
    ]
    return write_workbook(
        path,
        [
            Sheet("结果 Result", ["项目 Item", "内容 Value"], [24, 90], summary),
            Sheet(
                "问题清单 Problems",
                [
                    *(["工作表 Sheet"] if by_sheet else []),
                    "行号 Row",
                    "姓名 Name",
                    "列 Column",
                    "填写的值 Value",
                    "级别 Severity",
                    "问题",
                    "Problem",
                ],
                [*([16] if by_sheet else []), 9, 12, 14, 24, 12, 48, 60],
                detail,
            ),
        ],
    )


NOT_READ_WORKBOOK = "未读取的文件.xlsx"


def write_ignored_feedback(county_dir: Path, entries: list[dict], as_of: dt.date) -> Path | None:
    """``_feedback/未读取的文件.xlsx``: what the latest run found in the county folder and did not read, and why
    (a folder, a lock file, a file still being written …), so the clerk learns its files were not read. One
    workbook, kept current: rewritten while entries are left unread, removed once none is."""
    path = county_dir / FEEDBACK_DIR / NOT_READ_WORKBOOK
    if not entries:
        path.unlink(missing_ok=True)
        return None
    rows = [["处理日期 As of", as_of.isoformat()], *([entry["name"], entry["reason"]] for entry in entries)]
    return write_workbook(path, [Sheet("未读取 Not read", ["名称 Name", "原因 Reason"], [40, 110], rows)])


def flag_state(connection, county_code: str) -> dict:
    """The county's newest flag id and number of open flags: what a follow-up list records to tell flag changes."""
    return dict(
        connection.execute(
            sa.text(sql("feedback_flag_state")),
            {"county_code": county_code},
        )
        .mappings()
        .one()
    )


def current_follow_up(connection, county_code: str, flags: dict | None = None) -> dict | None:
    """The county's latest follow-up list if nothing on it can have changed since it was written, else ``None``
    (a GBA committee's too: it has no flags of its own, and its leads move only when a roster is loaded).

    Its rows come from the county's current roster entries and open flags, and its sheet 大湾区核对 from both sides'
    categories. Roster entries change only when a file of the county is loaded by a merge, and a member moves into or
    out of the sheet only when a roster of either side (of any county: a member on no ledger is filed under the home
    county the GBA row names until a ledger lists them) is loaded; flags change only by being raised (a new, higher
    flag id) or closed (fewer open flags, unless one is raised too). So the list is current when no merge since it was
    written loaded any roster, and the county's newest flag id and open-flag count (``flags``, read here when not
    given) are what they were. (A day with new rosters reads the rows again; the content digest spares the write.)
    """
    last = (
        connection.execute(
            sa.text(sql("feedback_latest_list")),
            {"county_code": county_code},
        )
        .mappings()
        .first()
    )
    if last is None or not Path(last["path"]).is_file():
        return None
    loaded_since = connection.execute(
        sa.text(sql("both_sides_loaded_since")), {"written_at": last["written_at"]}
    ).scalar_one()
    flags = flags or flag_state(connection, county_code)
    unchanged = flags["last_flag_id"] == last["last_flag_id"] and flags["open_flags"] == last["open_flags"]
    return dict(last) if unchanged and not loaded_since else None


FOLLOW_UP_HEADERS = [
    "支部",
    "姓名",
    "身份证号码（脱敏）",
    "联系电话",
    "问题",
    "提出日期",
    "流出时间",
    "流入地",
    "从事行业",
    "最近联系时间（各来源）",
    "联系来源",
    "联系状态",
]
FOLLOW_UP_WIDTHS = [26, 10, 22, 18, 36, 12, 12, 30, 16, 14, 14, 10]


def follow_up_rows(connection, county_code: str) -> list[list[object]]:
    """The follow-up list's rows, in ``FOLLOW_UP_HEADERS`` order (dates as ISO text, flags in Chinese)."""
    rows = connection.exec_driver_sql(warehouse.sql("follow_up_members"), {"county_code": county_code}).all()
    return [[*row[:4], _flag_names(tuple(row[4])), *row[5:10], SOURCE_NAMES_ZH.get(row[10]), *row[11:]] for row in rows]


@lru_cache(maxsize=64)  # a few flag combinations, hundreds of thousands of rows
def _flag_names(flags: tuple[str, ...]) -> str:
    return "、".join(FLAG_NAMES_ZH[flag] for flag in flags)


def content_digest(rows: list[list[object]]) -> str:
    """SHA-256 of a list's rows as written (unit and record separators between values and rows)."""
    digest = hashlib.sha256()
    for row in rows:
        digest.update("\x1f".join("" if value is None else str(value) for value in row).encode())
        digest.update(b"\x1e")
    return digest.hexdigest()


def sheet_digest(sheet: Sheet) -> str:
    """``content_digest`` of a sheet's rows, from its text columns by Arrow (``tests/test_feedback.py`` holds the two
    equal): each row's values joined by the unit separator and ended by the record separator, hashed at once."""
    if not sheet.rows:
        return hashlib.sha256().hexdigest()
    columns = [pc.fill_null(pa.array(values, type=pa.string()), "") for values in sheet.text_columns]
    rows = pc.binary_join_element_wise(*columns, "\x1f")
    ended = pc.binary_join_element_wise(rows, pa.scalar("\x1e"), "").cast(pa.large_string())
    offsets = ended.buffers()[1]
    start, end = (int(x) for x in np.frombuffer(offsets, dtype=np.int64)[[ended.offset, ended.offset + len(ended)]])
    return hashlib.sha256(memoryview(ended.buffers()[2])[start:end]).hexdigest()


def _both_sides():
    from roster_recon.delivery import both_sides  # it writes its workbooks with this module's Sheet

    return both_sides


def write_follow_up(engine: sa.Engine, county_dir: Path, county_code: str, as_of: dt.date, run_id: str) -> dict:
    """``_follow_up/随访名单_<county>_<as-of>.xlsx``: members with open flags, the longest out of touch first, and
    the sheet ``大湾区核对`` (``both_sides.county_sheet``).

    Nothing is read when nothing on the list can have changed (``current_follow_up``); when something may have,
    the rows are read and the workbook is written only if their content differs from the latest list's (a SHA-256 of
    the rows), so a flag raised and closed again, or a county file that changed nobody flagged, rewrites nothing.
    Returns the list's path, its member count and whether this call wrote it.
    """
    with engine.connect() as connection:
        flags = flag_state(connection, county_code)
        current = current_follow_up(connection, county_code, flags)
        if current is not None:
            return {"path": current["path"], "members": current["members"], "written": False}
        rows = follow_up_rows(connection, county_code)
        both_sides_sheet = _both_sides().county_sheet(connection, county_code)
    sheet = Sheet("需跟进党员 Follow-up", FOLLOW_UP_HEADERS, FOLLOW_UP_WIDTHS, rows)
    digest = sheet_digest(sheet)
    if both_sides_sheet.rows:  # a county with no two-sided problem keeps the digest its lists always had
        digest = hashlib.sha256(f"{digest}{sheet_digest(both_sides_sheet)}".encode()).hexdigest()
    listed = FollowUpList(county_code, f"随访名单_{county_code}_{as_of.isoformat()}.xlsx", len(rows), digest, flags)
    return keep_list(engine, county_dir, listed, [sheet, both_sides_sheet], as_of, run_id)


@dataclass
class FollowUpList:
    """A follow-up list about to be kept: whose (a county's or a GBA committee's code), the workbook's name, how many
    members, the SHA-256 of its rows, and the flag state it was read at (``flag_state``)."""

    code: str
    file_name: str
    members: int
    digest: str
    flags: dict


def keep_list(engine: sa.Engine, folder: Path, listed: FollowUpList, sheets: list[Sheet], as_of: dt.date, run_id: str):
    """Write the list's workbook under ``folder/_follow_up/`` unless the latest list of its code has the same rows and
    is still there, and record it in ``audit.follow_up_list`` either way (its flag state is newer, so the cheap
    ``current_follow_up`` holds again). Returns the list's path, its member count and whether this call wrote it."""
    with engine.connect() as connection:
        last = connection.execute(sa.text(sql("feedback_latest_list_digest")), {"county_code": listed.code}).first()
    unchanged = (
        last is not None
        and last.content_sha256 == listed.digest
        and discover.find_entry(folder / FOLLOW_UP_DIR, Path(last.path).name) is not None
    )
    path = Path(last.path) if unchanged else folder / FOLLOW_UP_DIR / listed.file_name
    if not unchanged:
        write_workbook(path, sheets)
    with engine.begin() as connection:
        connection.execute(
            sa.text(sql("feedback_record_list")),
            {
                "county_code": listed.code,
                "as_of": as_of,
                "run_id": run_id,
                "path": share.shown_path(path),
                "members": listed.members,
                "digest": listed.digest,
                **listed.flags,
            },
        )
    return {"path": share.shown_path(path), "members": listed.members, "written": not unchanged}
