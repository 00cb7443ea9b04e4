"""Discovery: which county and GBA committee folders exist under the drop root, and which of their files to read.

A county folder's name starts with the county's 6-digit GB/T 2260 code (``360922`` or ``360922-万载县``); a GBA
committee's folder sits under ``gba/`` and starts with the committee's code (``gba/440300-深圳``; ``440000`` for the
municipal committee). A folder that names neither is reported, never guessed at. Every folder follows the same rules
from here on, told apart by ``SourceFolder.kind``, the kind of input resolved here once. Roster files sit directly in
the county folder. Hidden files, Office lock files (``~$…``) and partial downloads (``.tmp``, ``.part``,
``.crdownload``) are ignored with a reason; whether a file is still being written is ``settle.py``'s question.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from roster_recon import reference
from roster_recon.intake.kinds import COUNTY, GBA, KINDS, RosterKind
from roster_recon.share import (
    FOLDER_REASON,
    GBA_DIR,
    LINK_REASON,
    MARKER_REASON,
    PARTIAL_SUFFIXES,
    PIPELINE_DIRS,
    READY_MARKER,
    ROSTER_SUFFIXES,
    SPECIAL_REASON,
    IgnoredEntry,
    shown,
)

# Kinds of events, each in one fixed folder of the drop root (the 码上报 exports, the dues payments).
EVENT_KINDS = tuple(kind for kind in KINDS if kind.folder)
EVENT_FOLDERS = tuple(kind.folder for kind in EVENT_KINDS)


class NotARegularFile(OSError):
    """An entry that is a link, a pipe, a socket or a device where a roster file was expected."""


def open_regular(path: Path):
    """``path`` opened for reading in binary, only if it is a regular file itself: a link is not followed and a
    pipe does not block (the check is made on the opened file, so a swap after listing changes nothing)."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise NotARegularFile(f"{shown(path.name)} is not a regular file")
        os.set_blocking(descriptor, True)
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


@dataclass(frozen=True)
class SourceFolder:
    """A source's drop folder: a county's, a GBA committee's, or a folder of events (``self-reports``, ``dues``).
    ``code`` is the county's or the committee's code, or the events' folder name (the warehouse files it under
    ``county_code``); ``kind`` is the kind of input its files are, resolved here, once, from where the folder is
    (every later stage takes it from here)."""

    code: str
    path: Path
    kind: RosterKind


def find_entry(folder: Path, name_shown: str) -> Path | None:
    """The entry of ``folder`` whose name reads ``name_shown`` (the way back from a recorded name to the bytes)."""
    candidate = folder / name_shown
    if candidate.exists() or candidate.is_symlink():
        return candidate
    try:
        return next((entry for entry in folder.iterdir() if shown(entry.name) == name_shown), None)
    except OSError:
        return None


def source_folders(drop_root: Path) -> tuple[list[SourceFolder], list[IgnoredEntry]]:
    """Every county folder, then the folders of events (self-reports, dues; when there are), then every GBA
    committee folder, and the entries that name none of them.

    A drop root that is missing, cannot be listed, or holds no folder of any source fails the run
    (``DropRootUnavailable``): a share that is not mounted looks like an empty folder, and must never make a green
    run that read nothing.
    """
    counties, ignored = county_folders(drop_root)
    if (
        not counties
        and not ignored
        and not (drop_root / GBA_DIR).is_dir()
        and not any((drop_root / kind.folder).is_dir() for kind in EVENT_KINDS)
    ):
        raise DropRootUnavailable(
            f"drop root {drop_root} (Variable roster_drop_root) holds no county, committee, self-reports or dues"
            " folder: is the county share mounted?"
        )
    for kind in EVENT_KINDS:
        events = drop_root / kind.folder
        if events.is_dir() and not events.is_symlink():
            counties = [*counties, SourceFolder(kind.folder, events, kind)]
    gba = drop_root / GBA_DIR
    try:
        if not gba.is_dir() or gba.is_symlink():
            return counties, ignored
        committees, committee_ignored = _coded_folders(gba, reference.committees(), "a GBA committee", "gba/", GBA)
    except OSError as error:  # the committees' folder is away: the committees wait, the counties go on
        reason = f"GBA committees held back: their folder cannot be read ({error.strerror or error})"
        return counties, [*ignored, IgnoredEntry(None, GBA_DIR, reason, holds_back_county=True)]
    return [*counties, *committees], ignored + committee_ignored


class DropRootUnavailable(OSError):
    """The drop root is missing, unreadable or holds no source folder: an unmounted share, never an empty night."""


def county_folders(drop_root: Path) -> tuple[list[SourceFolder], list[IgnoredEntry]]:
    """County folders under the drop root (sorted by code), and folders that name no Yichun county."""
    unavailable = f"drop root {drop_root} (Variable roster_drop_root)"
    if not drop_root.is_dir():
        raise DropRootUnavailable(f"{unavailable} does not exist or is not a folder: is the county share mounted?")
    try:
        return _coded_folders(drop_root, reference.counties(), "a Yichun county", "", COUNTY)
    except OSError as error:
        raise DropRootUnavailable(f"{unavailable} cannot be read ({error.strerror or error})") from error


def _coded_folders(
    root: Path, known, what: str, prefix: str, kind: RosterKind
) -> tuple[list[SourceFolder], list[IgnoredEntry]]:
    """Folders of ``root`` whose name starts with a code in ``known``; a code claimed twice holds back its folders."""
    folders: list[SourceFolder] = []
    ignored: list[IgnoredEntry] = []
    for entry in sorted(root.iterdir()):
        name = shown(entry.name)
        special = not prefix and name in (GBA_DIR, *EVENT_FOLDERS)  # every committee's folder, or every event's
        if name.startswith(".") or (special and _real_folder(entry)):
            continue  # listed by ``source_folders``
        name = prefix + name
        match = re.match(r"^(\d{6})(?!\d)", name.removeprefix(prefix))
        if name == READY_MARKER:
            ignored.append(IgnoredEntry(None, name, MARKER_REASON))
        elif entry.is_symlink():  # a link would make another folder's files this county's
            ignored.append(IgnoredEntry(None, name, LINK_REASON, holds_back_county=special))  # a whole side unread
        elif not entry.is_dir():
            ignored.append(IgnoredEntry(None, name, "not in a county folder"))
        elif match is None or match.group(1) not in known:
            ignored.append(IgnoredEntry(None, name, f"folder name does not start with the code of {what}"))
        else:
            folders.append(SourceFolder(match.group(1), entry, kind))
    codes = [folder.code for folder in folders]
    claimed_twice = {code for code in codes if codes.count(code) > 1}
    for folder in folders:
        if folder.code in claimed_twice:
            claimants = " and ".join(shown(f.path.name) for f in folders if f.code == folder.code)
            ignored.append(
                IgnoredEntry(
                    folder.code,
                    shown(folder.path.name),
                    f"county {folder.code} held back: folders {claimants} both claim it; their files stay"
                    " where they are until one folder is removed or merged into the other",
                    holds_back_county=True,
                )
            )
    return [folder for folder in folders if folder.code not in claimed_twice], ignored


def _real_folder(entry: Path) -> bool:
    """A folder that is not a link (a linked ``dues`` or ``gba`` is reported as a link, not skipped in silence)."""
    return entry.is_dir() and not entry.is_symlink()


def folder_of(drop_root: Path, source_code: str) -> SourceFolder:
    """The county's (or GBA committee's) drop folder as ``source_folders`` finds it, or ``FileNotFoundError``."""
    folders, _ = source_folders(drop_root)
    for folder in folders:
        if folder.code == source_code:
            return folder
    raise FileNotFoundError(f"no drop folder for county {source_code} under {drop_root}")


def ignore_reason(path: Path) -> str | None:
    """Why an entry of a county folder is not read this run, or ``None`` when it is a roster ready to read."""
    name = shown(path.name)
    if name == READY_MARKER:
        return MARKER_REASON
    if name.startswith("~$"):
        return "Office lock file"
    if name.startswith("."):
        return "hidden file"
    mode = path.lstat().st_mode  # the entry itself: a link is judged as a link, never by what it points to
    if stat.S_ISLNK(mode):
        return LINK_REASON
    if stat.S_ISDIR(mode):
        return FOLDER_REASON
    if not stat.S_ISREG(mode):
        return SPECIAL_REASON
    if path.suffix.lower() in PARTIAL_SUFFIXES:
        return "partial download"
    if path.suffix.lower() not in ROSTER_SUFFIXES:
        return f"not a roster file type ({shown(path.suffix) or 'no extension'}); send .xlsx, .xls or .csv"
    return None


def roster_files(folder: SourceFolder) -> tuple[list[Path], list[IgnoredEntry]]:
    """Roster files directly in a county folder (oldest first), and the entries left alone with the reason.

    The pipeline's own folders (``_archive`` …) are passed over; any other folder is listed as ignored, so the clerk
    learns its files were not read. Whether a file is stable is ``settle.settled``'s to judge, not this listing's.
    """
    ready: list[tuple[tuple, Path]] = []
    ignored: list[IgnoredEntry] = []
    try:
        entries = list(folder.path.iterdir())
    except OSError as error:
        reason = f"county {folder.code} held back: its folder cannot be read ({error.strerror or error})"
        return [], [IgnoredEntry(folder.code, shown(folder.path.name), reason, holds_back_county=True)]
    for path in entries:
        name = shown(path.name)
        if name in PIPELINE_DIRS:
            continue
        try:
            reason = ignore_reason(path)
            order = (path.lstat().st_mtime, name) if reason is None else None
        except OSError as error:
            reason = f"cannot be read ({error.strerror or type(error).__name__}); check its permissions"
        if reason is None:
            ready.append((order, path))
        else:
            ignored.append(IgnoredEntry(folder.code, name, reason))
    ready.sort(key=lambda item: item[0])
    return [path for _, path in ready], ignored


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open_regular(path) as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
