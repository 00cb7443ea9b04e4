"""Finish a county after the merge: feedback for each file (and on what was not read), files out of the drop
folder, the follow-up list.

Files move only after the warehouse committed what was loaded from them. A file's destination is recorded before it
moves, and the content that arrives there is checked against the sha256 that was read: a clerk who saved the file
again meanwhile gets it back in the drop folder (read again next run), never an unread version archived. Feedback
owed by an earlier run whose finish died is written now.
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial
from pathlib import Path

import sqlalchemy as sa

from roster_recon import share, timing
from roster_recon.delivery import archive, feedback
from roster_recon.intake import discover, settle
from roster_recon.warehouse import ledger

log = logging.getLogger(__name__)


def finish_files(engine: sa.Engine, folder: discover.SourceFolder, run_id: str, as_of: dt.date) -> dict[str, int]:
    """Feedback and archive for the county's files; returns how many moved and how much feedback was written."""
    counts = {"files_moved": 0, "feedback_files": 0, "feedback_rows": 0}
    with engine.connect() as connection:
        files = ledger.files_to_finish(connection, run_id, folder.code)
        ignored = ledger.ignored_in_county(connection, run_id, folder.code)
    with timing.stage("finish", folder.code) as timed:
        if feedback.write_ignored_feedback(folder.path, ignored, as_of):
            counts["feedback_files"] += 1
        for file in files:
            if file["feedback_owed"]:
                with engine.connect() as connection:
                    problems = ledger.problems_of(connection, file["file_id"])
                taken = partial(ledger.feedback_of_another_file, engine, file["file_id"])
                path = feedback.write_file_feedback(folder.path, file, problems, as_of, taken)
                with engine.begin() as connection:
                    ledger.record_feedback(connection, file["file_id"], path)
                counts["feedback_files"] += 1
                counts["feedback_rows"] += len(problems)
            if file["this_run"] and _archive(engine, folder, file, as_of):
                counts["files_moved"] += 1
        timed.rows = counts["feedback_rows"]
    return counts


def _archive(engine: sa.Engine, folder: discover.SourceFolder, file: dict, as_of: dt.date) -> bool:
    """Move one file of the run out of the drop folder; returns whether it moved now.

    What lands in the archive is checked against the sha256 that was read, also when an earlier try of this task
    moved it and died: a version saved after the read goes back to the drop folder, to be read next run.
    """
    target = _on_disk(folder, file["archived_to"])
    if target is not None and target.exists():
        # An earlier try moved it; a file of that name in the drop folder now is a new one, left alone.
        _kept_if_read(engine, folder, file, target)
        return False
    source = discover.find_entry(folder.path, file["file_name"])
    if source is None:
        return False  # taken away by the county
    if target is None:
        target = archive.destination(folder.path, source.name, file["status"], as_of)
        with engine.begin() as connection:
            ledger.record_archive_destination(connection, file["file_id"], target)
    archive.move(source, target)
    return _kept_if_read(engine, folder, file, target)


def _kept_if_read(engine: sa.Engine, folder: discover.SourceFolder, file: dict, target: Path) -> bool:
    """Whether the archived file is the content that was read; if not, it goes back to the drop folder (a file
    swapped for a link or a pipe since it was read is not that content either, and is never opened)."""
    try:
        same = discover.sha256_of(target) == file["sha256"]
    except OSError:  # a link or a pipe in its place (O_NOFOLLOW, fstat), or unreadable now
        same = False
    if not same:  # saved again after it was read: not what the warehouse holds
        archive.move(target, archive.free_name(folder.path, target.name))
        name = share.shown(target.name)
        log.warning("county %s: %s changed after it was read; left in the drop folder", folder.code, name)
        with engine.begin() as connection:
            ledger.record_left_in_drop_folder(connection, file["file_id"])
        return False
    with engine.begin() as connection:
        settle.forget(connection, folder.code, file["file_name"])
    return True


def _on_disk(folder: discover.SourceFolder, recorded: str | None) -> Path | None:
    """The path a recorded destination (as people read it) has on disk, under the county folder."""
    if not recorded:
        return None
    try:
        relative = Path(recorded).relative_to(share.shown_path(folder.path))
    except ValueError:  # the county folder was renamed since: the recorded path as it stands
        return Path(recorded)
    parent = folder.path.joinpath(*relative.parts[:-1])
    return discover.find_entry(parent, relative.name) or parent / relative.name
