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

log = logging.getLogger(__name__)


def look(connection, county_code: str, paths: list[Path]) -> dict[Path, float]:
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
            sa.text(
                "INSERT INTO audit.file_sighting (county_code, file_name, size_bytes, mtime_ns)"
                " VALUES (:county, :name, :size, :mtime)"
                " ON CONFLICT (county_code, file_name) DO UPDATE SET size_bytes = excluded.size_bytes,"
                "  mtime_ns = excluded.mtime_ns,"
                "  first_seen_at = CASE WHEN (audit.file_sighting.size_bytes, audit.file_sighting.mtime_ns)"
                "    = (excluded.size_bytes, excluded.mtime_ns) THEN audit.file_sighting.first_seen_at ELSE now() END"
                " RETURNING extract(epoch FROM now() - first_seen_at)"
            ),
            {"county": county_code, "name": path.name, "size": size, "mtime": mtime_ns},
        ).scalar_one()
    connection.execute(
        sa.text("DELETE FROM audit.file_sighting WHERE county_code = :county AND NOT file_name = ANY (:names)"),
        {"county": county_code, "names": [path.name for path in paths]},
    )
    return {path: float(age) for path, age in ages.items()}


def settled(
    engine: sa.Engine,
    county_code: str,
    paths: list[Path],
    settle_seconds: float,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[list[Path], list[Path]]:
    """Split ``paths`` into files ready to read and files still changing, waiting out the settle window if needed.

    The wait is at most ``settle_seconds`` (the first look is normally the ``prepare`` task's, seconds earlier).
    """
    with engine.begin() as connection:
        ages = look(connection, county_code, paths)
    waiting = [settle_seconds - age for age in ages.values() if age < settle_seconds]
    if waiting:
        pause = min(max(waiting), settle_seconds)
        log.info("county %s: waiting %.0f s for a second look at %d file(s)", county_code, pause, len(waiting))
        sleep(pause + 0.5)  # the second look must not fall a hair short of the window
        with engine.begin() as connection:
            ages = look(connection, county_code, paths)
    ready = [path for path in paths if ages.get(path, -1.0) >= settle_seconds]
    return ready, [path for path in paths if path not in ready]


def forget(connection, county_code: str, file_name: str) -> None:
    """The file has left the drop folder (archived or rejected): a new file of that name starts afresh."""
    connection.execute(
        sa.text("DELETE FROM audit.file_sighting WHERE county_code = :county AND file_name = :name"),
        {"county": county_code, "name": file_name},
    )
