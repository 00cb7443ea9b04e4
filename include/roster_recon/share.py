"""The drop share's vocabulary: how its folders and files are named, and how an entry's name is shown to people.

Every layer speaks it: discovery lists the share by it, the ledger records what it saw in its words, delivery writes
feedback and archives into its folders. It imports nothing of the pipeline.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
ROSTER_SUFFIXES = (*EXCEL_SUFFIXES, ".csv")
READY_MARKER = "_READY"  # a clerk's "my files are there": starts a run, never read
ARCHIVE_DIR, REJECTED_DIR, FEEDBACK_DIR, FOLLOW_UP_DIR = "_archive", "_rejected", "_feedback", "_follow_up"
PIPELINE_DIRS = (ARCHIVE_DIR, REJECTED_DIR, FEEDBACK_DIR, FOLLOW_UP_DIR)
FOLDER_REASON = (
    "a folder: files inside folders are not read; put the roster files directly in the county folder"
    " / 这是一个文件夹，其中的文件不会被读取；请把台账文件直接放在县（市、区）文件夹中"
)
PARTIAL_SUFFIXES = (".tmp", ".part", ".crdownload", ".partial", ".download")
MARKER_REASON = "marker asking for a run (_READY), not a roster / 通知处理的标记文件，不是台账"
LINK_REASON = (
    "a link (shortcut), not a file: links are never followed; put the roster file itself here"
    " / 这是一个链接（快捷方式），不会被读取；请放入台账文件本身"
)
SPECIAL_REASON = (
    "not a regular file (a pipe, socket or device): never opened / 不是普通文件（管道、套接字或设备），不会被读取"
)


GBA_DIR = "gba"  # the GBA committees' folders: <drop_root>/gba/<committee code>…/
SELF_REPORTS_DIR = "self-reports"  # the 红帆 system's 码上报 exports; also their code in the warehouse
DUES_DIR = "dues"  # the online dues platform's payment exports; also their code in the warehouse


@dataclass(frozen=True)
class IgnoredEntry:
    """A file or folder the run saw and deliberately left alone, with the reason."""

    county_code: str | None
    name: str
    reason: str
    holds_back_county: bool = False


def shown(name: str) -> str:
    """A file or folder name as people read it: a name that is not UTF-8 (a zip unpacked with GBK names, an FTP
    upload) is decoded as GB18030, bytes that decode as neither shown as ``\\xNN``. The file keeps its bytes on disk.

    Python hands such a name over with the bad bytes escaped as lone surrogates, which no database, log or
    workbook can hold; everything the pipeline records or writes uses this form instead.
    """
    raw = os.fsencode(name)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("gb18030", errors="backslashreplace")


def shown_path(path: Path) -> str:
    """A whole path as people read it, folder by folder (each may be encoded its own way)."""
    return str(Path(*(shown(part) for part in path.parts))) if path.parts else str(path)


NAME_MAX = 255  # bytes in one file name, on the file systems a share is served from (ext4, NTFS through Samba)


def fitted_name(stem: str, tail: str) -> str:
    """``stem + tail``, the stem cut (whole characters, marked ``…``) so that the name fits in ``NAME_MAX`` bytes: a
    clerk's 90-character file name must not make its archive copy or its feedback workbook impossible to write."""
    if len(os.fsencode(stem + tail)) <= NAME_MAX:
        return stem + tail
    while stem and len(os.fsencode(f"{stem}…{tail}")) > NAME_MAX:
        stem = stem[:-1]
    return f"{stem}…{tail}"
