"""Archive: a handled file leaves the drop folder for ``_archive/<as-of date>/`` or ``_rejected/``, never deleted.

A name already taken in the target folder is never overwritten: the file gets `` (2)``, `` (3)`` … as Windows does.
The audit row records where a file goes *before* it is moved (``pipeline._finish_files``), so a worker that dies
between the two leaves a destination that the retry completes.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

from roster_recon.share import ARCHIVE_DIR, REJECTED_DIR, fitted_name


def free_name(folder: Path, name: str) -> Path:
    """``folder/name``, or ``folder/stem (n).ext`` with the first n that is not taken."""
    candidate = folder / name
    stem, suffix = os.path.splitext(name)
    counter = 2
    while candidate.exists():
        candidate = folder / fitted_name(stem, f" ({counter}){suffix}")
        counter += 1
    return candidate


def destination(county_dir: Path, name: str, status: str, as_of: dt.date) -> Path:
    """Where a file the warehouse has finished with goes: a free name in ``_rejected/`` or ``_archive/<as-of>/``."""
    folder = county_dir / REJECTED_DIR if status == "rejected" else county_dir / ARCHIVE_DIR / as_of.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    return free_name(folder, name)


def move(source: Path, target: Path) -> None:
    """Move within the county share (a rename: the file is at one path or the other, never both or neither)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(source, target)
