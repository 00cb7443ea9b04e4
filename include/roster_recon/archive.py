"""Archive: a handled file leaves the drop folder for ``_archive/<as-of date>/`` or ``_rejected/``, never deleted.

A name already taken in the target folder is never overwritten: the file gets `` (2)``, `` (3)`` … as Windows does.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

from roster_recon.discover import ARCHIVE_DIR, REJECTED_DIR


def free_name(folder: Path, name: str) -> Path:
    """``folder/name``, or ``folder/stem (n).ext`` with the first n that is not taken."""
    candidate = folder / name
    stem, suffix = os.path.splitext(name)
    counter = 2
    while candidate.exists():
        candidate = folder / f"{stem} ({counter}){suffix}"
        counter += 1
    return candidate


def move_out_of_drop(county_dir: Path, source: Path, status: str, as_of: dt.date) -> Path | None:
    """Move a file that the warehouse has finished with; ``None`` when it is no longer in the drop folder."""
    if not source.exists():
        return None
    folder = county_dir / REJECTED_DIR if status == "rejected" else county_dir / ARCHIVE_DIR / as_of.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    target = free_name(folder, source.name)
    shutil.move(source, target)
    return target
