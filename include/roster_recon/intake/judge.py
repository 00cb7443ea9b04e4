"""Judging a source folder's files, one outcome each: held, hashed, read, normalised, validated by GX, checked.

Nothing here writes to the warehouse: each ``outcome.FileOutcome`` (a staged file's rows keyed already by its kind)
goes to ``warehouse.ledger``, which records it and COPYs its rows in one transaction. What a file is judged on is one
content: the file is copied once into a private holding folder while its sha256 is computed, and the copy is what is
parsed; the archive step checks the same sha256 again.

Files are validated in batches (one GX checkpoint for several files, the verdict split back per file); a batch closes
once it holds ``BATCH_ROWS`` rows, so a county of many large files never holds more than a batch at once.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import errno
import hashlib
import logging
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from roster_recon import share, timing
from roster_recon.intake import discover, probable, stage
from roster_recon.intake.isolated import read_isolated
from roster_recon.intake.kinds import RosterKind
from roster_recon.intake.normalise import branch_from_file_name, clean_text
from roster_recon.intake.problems import (
    control_character_warnings,
    file_problem,
    hard_problems,
    no_problems,
    sheet_warnings,
)
from roster_recon.intake.read import RosterFileError, RosterTable, safe_message, size_problem
from roster_recon.outcome import CurrentSnapshots, FileOutcome, ReadingAttempts
from roster_recon.settings import RunSettings
from roster_recon.share import IgnoredEntry, shown

log = logging.getLogger(__name__)

BATCH_ROWS = 250_000


ENDED_ATTEMPTS = 2  # a content that ended this many attempts (the process reading it died) is rejected on the next
ENDED_ATTEMPTS_ZH = (
    "读取本文件时处理程序已两次异常终止，本文件已退回；请用 Excel 或 WPS 打开后另存为新的 .xlsx 文件再报送，"
    "如仍失败请联系市委组织部数据组"
)
ENDED_ATTEMPTS_EN = (
    "reading this file stopped the pipeline twice, so it is returned unread; open it in Excel or WPS, save it as a new"
    " .xlsx file and send that (if that fails too, tell the data team)"
)


def _ended_attempts() -> pd.DataFrame:
    return file_problem("reading_ended_attempts", ENDED_ATTEMPTS_ZH, ENDED_ATTEMPTS_EN)


LEFT_BEHIND_REASON = (
    "received in an earlier run, which could not archive it (open in another program?): archived now and not read"
    " again, so that it cannot put its branches back to an older roster"
    " / 本文件已在此前的批次收到，当时未能归档（可能正被其他程序打开）：现予归档，不再导入，以免支部台账退回旧版本"
)


@dataclasses.dataclass
class _Readable:
    held: _Held
    roster: pd.DataFrame
    table: RosterTable
    empty_branches: list[str]


@dataclasses.dataclass
class _Held:
    path: Path
    copy: Path | None  # None: too large to copy, rejected unread
    sha256: str
    size_bytes: int
    modified_at: dt.datetime

    def outcome(self, status: str, **fields) -> FileOutcome:
        fields.setdefault("problems", no_problems())
        return FileOutcome(
            self.path, shown(self.path.name), self.sha256, self.size_bytes, self.modified_at, status, **fields
        )


def folder_outcomes(
    files: list[Path],
    source_code: str,
    snapshots: CurrentSnapshots,
    validate: Callable[[pd.DataFrame, list[str]], object],
    settings: RunSettings,
    known: Callable[[list[bytes]], dict[bytes, set[str]]] | None = None,
    *,
    kind: RosterKind,
    attempts: ReadingAttempts | None = None,
) -> Iterator[FileOutcome | IgnoredEntry]:
    """One outcome per file, in order. ``validate(batch, file_names)`` is the GX validator's call for a batch;
    ``known(keys)`` names the current members among member keys (a broken ID one slip from one of them gets the
    positions to check in its feedback: ``probable.suggest``); ``kind`` is the kind of input the folder sends
    (``SourceFolder.kind``); ``attempts`` records, durably, each attempt to read a content (a content whose reading
    ended ``ENDED_ATTEMPTS`` attempts is rejected unread).

    A file the share will not let us read is left where it is, as an ignored entry with the reason.
    """
    keys_of = partial(stage.member_keys, secret=settings.pii_secret)
    for outcome in _outcomes(files, source_code, snapshots, validate, settings, kind, attempts):
        if known is not None and isinstance(outcome, FileOutcome):
            probable.suggest(outcome, known, keys_of)
        if isinstance(outcome, FileOutcome) and outcome.status == "staged":
            keyed = kind.keyed(outcome, source_code, settings.pii_secret)
            outcome.staged = [stage.without_long_numbers(rows) for rows in keyed]
            _check_keyed(outcome, kind)
        yield outcome
        del outcome  # recorded by now: not held while the next file is read (a 500,000-row export is ~0.5 GB)


class KeyedRowsLost(RuntimeError):
    """A kind's ``keyed`` handed over fewer rows than the file's accepted rows: a bug, never a clerk's mistake."""


def _check_keyed(outcome: FileOutcome, kind: RosterKind) -> None:
    """Every accepted row is in the kind's staging table: the ledger copies what it is given and the merge's check
    counts what was copied, so rows a kind forgot would be merged short and archived without a word."""
    handed = sum(len(staged.rows) for staged in outcome.staged if staged.table == kind.table)
    if handed < len(outcome.accepted):
        raise KeyedRowsLost(
            f"{kind.name}: {outcome.name} has {len(outcome.accepted)} accepted rows but {handed} were keyed for"
            f" {kind.table}; nothing of the folder is recorded (the task fails and its retry starts clean)"
        )


def _outcomes(
    files, source_code, snapshots, validate, settings, kind, attempts
) -> Iterator[FileOutcome | IgnoredEntry]:
    judge = _Judge(kind, settings.max_reject_share, settings.as_of)
    max_file_mb = settings.max_file_mb
    with holding_folder(settings.data_dir, source_code) as holding:
        batch: list[_Readable] = []
        for index, path in enumerate(files):
            held = _hold(path, Path(holding) / f"{index}{path.suffix.lower()}", source_code, max_file_mb)
            if held is None:
                continue  # gone since it was listed: the next run sees whether it comes back
            if isinstance(held, IgnoredEntry):
                yield held
                continue
            earlier = snapshots.received_before(held.path, held.sha256, held.modified_at)
            if earlier is not None:  # this very file, received before: known without reading it
                yield held.outcome("duplicate", duplicate_of=earlier, error=LEFT_BEHIND_REASON)
                continue
            if attempts is not None and attempts.start(held.sha256) > ENDED_ATTEMPTS:
                name = shown(path.name)
                log.warning("county %s: %s ended %d attempts -> rejected unread", source_code, name, ENDED_ATTEMPTS)
                attempts.end(held.sha256)
                error = f"{ENDED_ATTEMPTS_EN} / {ENDED_ATTEMPTS_ZH}"
                yield held.outcome("rejected", error=error, problems=_ended_attempts())
                continue
            try:
                readable = _read(held, source_code, max_file_mb, kind)
            finally:  # only a death of the process (SIGKILL, the OOM killer) leaves the attempt counted
                if attempts is not None:
                    attempts.end(held.sha256)
            if isinstance(readable, FileOutcome):
                yield readable
                continue
            duplicate_of = snapshots.duplicate_of(held.sha256, _branches(readable))
            if duplicate_of is not None:
                yield held.outcome(
                    "duplicate", rows_read=len(readable.roster), duplicate_of=duplicate_of, error=kind.duplicate_reason
                )
                continue
            batch.append(readable)
            del readable  # the batch holds it; once checked, nothing does while the next file is read
            if sum(len(r.roster) for r in batch) >= BATCH_ROWS:
                yield from _checked(batch, source_code, validate, judge)
                batch = []
        if batch:
            yield from _checked(batch, source_code, validate, judge)


@contextmanager
def holding_folder(data_dir: Path, source_code: str):
    """The folder where a county's files are held while read (raw ID numbers inside): private to the worker's user,
    emptied when an attempt starts (a killed attempt leaves its copies behind) and when it ends."""
    holding = Path(data_dir) / "holding" / source_code
    holding.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    holding.parent.chmod(0o700)
    shutil.rmtree(holding, ignore_errors=True)
    holding.mkdir(mode=0o700)
    try:
        yield holding
    finally:
        shutil.rmtree(holding, ignore_errors=True)


def _hold(path: Path, copy: Path, source_code: str, max_file_mb: float) -> _Held | IgnoredEntry | None:
    """Copy the file into the holding folder while hashing it: the sha256 is that of the bytes parsed.

    A file over ``max_file_mb`` is hashed where it is and not copied (it is rejected unread; the worker's disk is no
    place for a 20 GB file).
    """
    digest = hashlib.sha256()
    try:
        with discover.open_regular(path) as source:
            stat = os.fstat(source.fileno())
            too_large = size_problem(stat.st_size, max_file_mb) is not None
            with contextlib.nullcontext() if too_large else copy.open("wb") as target:
                for block in iter(lambda: source.read(1 << 20), b""):
                    digest.update(block)
                    if target is not None:
                        target.write(block)
    except FileNotFoundError:
        return None
    except discover.NotARegularFile:  # swapped for a link or a pipe since it was listed
        return IgnoredEntry(source_code, shown(path.name), share.SPECIAL_REASON)
    except OSError as error:
        if error.errno == errno.ELOOP:  # O_NOFOLLOW met a link put there since the folder was listed
            return IgnoredEntry(source_code, shown(path.name), share.LINK_REASON)
        reason = f"cannot be read ({error.strerror or type(error).__name__}); check its permissions"
        return IgnoredEntry(source_code, shown(path.name), reason)
    modified = dt.datetime.fromtimestamp(stat.st_mtime, tz=dt.UTC)
    size = stat.st_size if too_large else copy.stat().st_size
    return _Held(path, None if too_large else copy, digest.hexdigest(), size, modified)


def _read(held: _Held, source_code: str, max_file_mb: float, kind: RosterKind) -> _Readable | FileOutcome:
    """The file's normalised rows, or its rejection naming what the clerk must do."""
    try:
        if held.copy is None:
            raise size_problem(held.size_bytes, max_file_mb)
        with timing.stage("read", source_code) as timed:
            table = read_isolated(held.copy, max_file_mb, kind.layout())
            timed.rows = len(table.frame)
        with timing.stage("normalise", source_code) as timed:
            roster = _normalised(table, held.path, kind)
            timed.rows = len(roster)
    except RosterFileError as error:
        log.info("county %s: %s -> rejected (%s)", source_code, shown(held.path.name), error.code)
        return held.outcome(
            "rejected",
            error=f"{error.message_en} / {error.message_zh}",
            problems=file_problem(error.code, error.message_zh, error.message_en),
        )
    finally:
        if held.copy is not None:
            held.copy.unlink(missing_ok=True)
    return _Readable(held, roster, table, _empty_branches(table, roster, held.path))


def _normalised(table: RosterTable, path: Path, kind: RosterKind) -> pd.DataFrame:
    try:
        roster = kind.normalise(table.frame, branch_from_file_name(shown(path.stem)))
    except (ValueError, TypeError, OverflowError, MemoryError) as error:
        raise RosterFileError(
            "unusable_values",
            "文件中的数据无法识别；请用 Excel 或 WPS 打开检查后另存为 .xlsx 再报送",
            f"the file's cells could not be understood ({type(error).__name__}: {safe_message(error)});"
            " check it in Excel or WPS, save it as .xlsx and send it again",
        ) from error
    roster["source_row"] = table.row_numbers
    if table.row_sheets is not None:  # several roster sheets: a problem names the sheet as well as the row
        roster["source_sheet"] = table.row_sheets
    return roster


@dataclasses.dataclass(frozen=True)
class _Judge:
    kind: RosterKind
    max_reject_share: float
    as_of: dt.date


def _empty_branches(table: RosterTable, roster: pd.DataFrame, path: Path) -> list[str]:
    """The branches the file is an empty roster of, named as row branches are (a workbook's empty roster sheets, or
    an empty file's name). With a branch column and no rows, the branch is not known."""
    if table.row_sheets is not None:  # several roster sheets
        names = table.empty_sheets
    elif roster.empty and "branch" not in table.frame.columns:
        names = [branch_from_file_name(shown(path.stem))]
    else:
        names = []
    return sorted({branch for branch in map(clean_text, names) if branch})


def _branches(readable: _Readable) -> set[str]:
    return set(readable.roster["branch"].dropna().tolist()) | set(readable.empty_branches)


def _checked(batch: list[_Readable], source_code: str, validate, judge: _Judge) -> Iterator[FileOutcome]:
    """Validate the batch as one frame (rows told apart by ``file_key``), then judge each file on its own."""
    with timing.stage("validate", source_code) as timed:
        frame = pd.concat([r.roster for r in batch], keys=range(len(batch)), names=["file_key", None])
        frame = frame.reset_index(level="file_key").reset_index(drop=True)
        file_names = [shown(r.held.path.name) for r in batch]
        frame["file_name"] = np.array(file_names, dtype=object)[frame["file_key"].to_numpy()]
        verdict = validate(frame, file_names)
        timed.rows = len(frame)
    with timing.stage("stage", source_code) as timed:
        per_file = verdict.split(frame["file_key"].to_numpy(), range(len(batch)))
        del frame
        start = 0
        for file_key, readable in enumerate(batch):
            # The file's rows under their labels in the batch, the labels its verdict names: no copy of the batch.
            rows = readable.roster.set_axis(pd.RangeIndex(start, start + len(readable.roster)))
            start += len(rows)
            outcome = _judged(readable, rows, per_file[file_key], judge)
            log.info("county %s: %s -> %s", source_code, outcome.name, outcome.status)
            yield outcome
        timed.rows = start


def _judged(readable: _Readable, roster: pd.DataFrame, verdict, judge: _Judge) -> FileOutcome:
    """Staged with its accepted rows, or rejected whole past the reject share (or empty with no branch)."""
    max_reject_share = judge.max_reject_share
    rejected_rows = verdict.rejected_rows
    problems = pd.concat(
        [
            sheet_warnings(readable.table.skipped_sheets),
            control_character_warnings(readable.table.control_characters, judge.kind.layout()),
            hard_problems(roster, verdict.rejected),
            judge.kind.soft_problems(roster, rejected_rows, judge.as_of),
        ]
    )
    fields = {"rows_read": len(roster), "problems": problems, "validation": verdict.results}
    share = len(rejected_rows) / len(roster) if len(roster) else 0.0
    if len(roster) == 0 and not readable.empty_branches:
        return readable.held.outcome(
            "rejected",
            rows_rejected=0,
            error="no data rows below the header, and no branch named by the file or sheet name"
            " / 表头下没有数据行，且无法从文件名或工作表名确定支部",
            **fields,
        )
    if share > max_reject_share:
        return readable.held.outcome(
            "rejected",
            rows_rejected=len(roster),
            error=f"{len(rejected_rows)} of {len(roster)} rows break hard rules (more than {max_reject_share:.0%}):"
            f" not a usable roster / 超过{max_reject_share:.0%}的行存在错误，整个文件未导入",
            **fields,
        )
    labels = list(rejected_rows)
    return readable.held.outcome(
        "staged",
        rows_rejected=len(labels),
        accepted=roster[list(judge.kind.staged_columns)].drop(index=labels),  # only the columns staged
        kept=roster.loc[labels],
        empty_branches=readable.empty_branches,
        **fields,
    )
