"""Settle: a file is read only when two looks ``settle_seconds`` apart found its size and mtime unchanged.

A clerk's office software, or the share's sync, may still be writing a file when a run starts. The first look
(``prepare``) records each file's size and mtime in ``audit.file_sighting`` with the warehouse's time; the second
(``ingest``, on whichever host) looks again once ``settle_seconds`` have passed since the first, waiting for the rest
if it must. A file that changed in between is seen anew and waits for the next run. No file's mtime is ever compared
with a clock: the file server's and the workers' clocks need not agree.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

from roster_recon import sql_files
from roster_recon.intake import discover
from roster_recon.share import IgnoredEntry, shown

log = logging.getLogger(__name__)
sql = sql_files.loader(__file__)


def record_sightings(connection, source_code: str, paths: list[Path]) -> dict[Path, float]:
    """Record one look at ``paths``; returns, per file, seconds since it was first seen as it is now (0: changed).

    Sightings of files no longer in the folder are forgotten.
    """
    seen = {}
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            continue  # gone or unreadable since it was listed: not ready, reported by the caller
        seen[path] = (stat.st_size, stat.st_mtime_ns)
    ages = {}
    for path, (size, mtime_ns) in seen.items():
        ages[path] = connection.execute(
            sa.text(sql("settle_look")),
            {"county": source_code, "name": shown(path.name), "size": size, "mtime": mtime_ns},
        ).scalar_one()
    connection.execute(
        sa.text("DELETE FROM audit.file_sighting WHERE county_code = :county AND NOT file_name = ANY (:names)"),
        {"county": source_code, "names": [shown(path.name) for path in paths]},
    )
    return {path: float(age) for path, age in ages.items()}


def settled(
    engine: sa.Engine,
    source_code: str,
    paths: list[Path],
    settle_seconds: float,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[list[Path], list[Path]]:
    """Split ``paths`` into files ready to read and files still changing, waiting out the settle window if needed.

    The wait is at most ``settle_seconds`` (the first look is normally the ``prepare`` task's, seconds earlier).
    """
    with engine.begin() as connection:
        ages = record_sightings(connection, source_code, paths)
    waiting = [settle_seconds - age for age in ages.values() if age < settle_seconds]
    if waiting:
        pause = min(max(waiting), settle_seconds)
        log.info("county %s: waiting %.0f s for a second look at %d file(s)", source_code, pause, len(waiting))
        sleep(pause + 0.5)  # the second look must not fall a hair short of the window
        with engine.begin() as connection:
            ages = record_sightings(connection, source_code, paths)
    ready = [path for path in paths if ages.get(path, -1.0) >= settle_seconds]
    return ready, [path for path in paths if path not in ready]


def forget(connection, source_code: str, file_name: str) -> None:
    """The file has left the drop folder (archived or rejected): a new file of that name starts afresh."""
    connection.execute(
        sa.text("DELETE FROM audit.file_sighting WHERE county_code = :county AND file_name = :name"),
        {"county": source_code, "name": file_name},
    )


def first_look(engine: sa.Engine, drop_root: Path) -> tuple[list[str], list[IgnoredEntry]]:
    """The first look at every county folder: the counties with a roster file to read, and the entries left alone
    (in the other counties' folders; an ingesting county records its own). A folder that cannot be looked at holds
    back its county only."""
    folders, ignored = discover.source_folders(drop_root)
    to_ingest = []
    for folder in folders:
        files, left_alone = discover.roster_files(folder)
        try:
            with engine.begin() as connection:
                record_sightings(connection, folder.code, files)
        except OSError as error:
            reason = f"county {folder.code} held back: its files cannot be looked at ({error.strerror or error})"
            left_alone = [IgnoredEntry(folder.code, shown(folder.path.name), reason, holds_back_county=True)]
            files = []
        if files:
            to_ingest.append(folder.code)
        else:
            ignored.extend(left_alone)
    for entry in ignored:
        log.warning("%s: %s ignored: %s", entry.county_code or "drop root", entry.name, entry.reason)
    return to_ingest, ignored


def ready_files(
    engine: sa.Engine, folder: discover.SourceFolder, settle_seconds: float
) -> tuple[list[Path], list[IgnoredEntry]]:
    """The second look at a county's folder: files ready to read (oldest first), and the entries left alone."""
    files, ignored = discover.roster_files(folder)
    files, changing = settled(engine, folder.code, files, settle_seconds)
    ignored += [
        IgnoredEntry(
            folder.code,
            shown(path.name),
            f"still being written (changed between two looks {settle_seconds:g} s apart); read next run",
        )
        for path in changing
    ]
    for entry in ignored:
        log.info("county %s: %s ignored: %s", folder.code, entry.name, entry.reason)
    return files, ignored
