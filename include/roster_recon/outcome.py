"""What intake hands the warehouse: a file's outcome, the rows it stages (already keyed), and what the ledger tells
intake back (each branch's current source, the attempts that never came back).

Intake produces these values; ``warehouse.ledger`` records them. Neither imports the other's modules for them: this
is the ground floor both stand on, with the drop share's vocabulary (``roster_recon.share``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from pathlib import Path
from typing import Protocol

import pandas as pd
import pyarrow as pa

from roster_recon.share import shown_path

# The Arrow type of each staged column whose type is not text: the table's column type, for binary COPY.
STAGING_TYPES = {
    "member_key": pa.binary(),
    "candidate_key": pa.binary(),
    "reported_at": pa.timestamp("us", tz="UTC"),
    "file_id": pa.int64(),
    "source_row": pa.int32(),
    "outflow_date": pa.date32(),
    "last_contact_date": pa.date32(),
    "in_gba": pa.bool_(),
    "phone_valid": pa.bool_(),
    "status_lost": pa.bool_(),
    "id_valid": pa.bool_(),
    "placed_on": pa.date32(),
    "last_activity": pa.date32(),
    "dues_paid_to": pa.date32(),
    "paid_for": pa.date32(),
    "paid_on": pa.date32(),
}


def arrow_type(column: str) -> pa.DataType:
    """The Arrow type a staged column is copied as (text unless ``STAGING_TYPES`` says otherwise)."""
    return STAGING_TYPES.get(column, pa.string())


@dataclasses.dataclass(frozen=True)
class StagedRows:
    """Rows for one staging table, keyed already (member keys, masked IDs: never a raw ID number), without the run
    and file they belong to, which the ledger adds when it records the file."""

    table: str  # schema-qualified: staging.roster_row, staging.branch_presence, ...
    rows: pd.DataFrame | pa.Table  # columns named as the table's


@dataclasses.dataclass
class FileOutcome:
    """What one file came to: ``staged`` (rows to merge), ``duplicate`` or ``rejected``, and why."""

    path: Path
    name: str  # as people read it (a name that is not UTF-8 decoded as GB18030)
    sha256: str
    size_bytes: int
    modified_at: dt.datetime
    status: str
    rows_read: int = 0
    rows_rejected: int = 0
    error: str | None = None
    duplicate_of: int | None = None
    problems: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)  # audit.file_problem's columns
    validation: list = dataclasses.field(default_factory=list)
    accepted: pd.DataFrame | None = None  # rows to stage (the kind's ``staged_columns``)
    kept: pd.DataFrame | None = None  # rows that broke a hard rule: their members stay with the facts last accepted
    empty_branches: list[str] = dataclasses.field(default_factory=list)
    staged: list[StagedRows] = dataclasses.field(default_factory=list)  # what a staged file puts in staging


class ReadingAttempts(Protocol):
    """The warehouse's count of attempts that began reading a content of the folder and never came back from it (the
    task process killed while the file was parsed: the memory limit, a lost worker)."""

    def start(self, sha256: str) -> int:
        """Count, committed at once, one more attempt reading this content; returns the attempts since the last end."""

    def end(self, sha256: str) -> None:
        """The reading came back (with rows or with a rejection): the count starts again."""


@dataclasses.dataclass
class CurrentSnapshots:
    """Which content gave each of the folder's branches its current snapshot (``core.branch_source``); the files
    earlier runs received but could not archive (by path, content and time: the very file is still there, and
    reading it again would put its branches back); for a folder of events (self-reports), every content loaded."""

    by_branch: dict[str, tuple[str, int]]  # branch -> (sha256, file_id)
    loaded: dict[str, int] = dataclasses.field(default_factory=dict)  # sha256 -> file_id (events only)
    # (path, sha256, modified) -> (file_id, the archive path recorded for it, if any)
    left_behind: dict[tuple[str, str, dt.datetime], tuple[int, str | None]] = dataclasses.field(default_factory=dict)

    def duplicate_of(self, sha256: str, branches: set[str]) -> int | None:
        """The file this content would merely repeat: the current snapshot of every branch it covers (for events,
        the file that loaded the same content), else None."""
        if sha256 in self.loaded:
            return self.loaded[sha256]
        sources = {self.by_branch.get(branch) for branch in branches}
        if not branches or len(sources) != 1:
            return None
        (source,) = sources
        return source[1] if source is not None and source[0] == sha256 else None

    def received_before(self, path: Path, sha256: str, modified_at: dt.datetime) -> int | None:
        """The earlier record of this very file, when an earlier run received it and it never left the folder: no
        archive destination, or one that holds nothing (the move failed). A copy taken back out of the archive (the
        archive still holds it) is a county sending that roster again, and is read."""
        earlier = self.left_behind.get((shown_path(path), sha256, modified_at))
        if earlier is None:
            return None
        file_id, archived_to = earlier
        return file_id if archived_to is None or not os.path.lexists(archived_to) else None
