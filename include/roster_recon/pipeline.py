"""The run, stage by stage: one function per DAG task, each safe to retry and to run beside the others.

prepare_run  -> migrate, claim the warehouse for the run, record it, first look at the county folders
ingest_county -> per county: second look (settle), read, normalise, validate (GX), stage; an audit row per file
merge_run    -> one transaction: snapshot merge, history, flags; files become ``loaded``
counties_to_finish -> the counties with files of this run or an out-of-date follow-up list
finish_county -> per county: move files to ``_archive``/``_rejected``, write feedback and follow-up workbooks
report_run   -> whatever failed upstream: Data Docs, the run report (HTML), the summary naming every failure;
                releases the claim

Tasks share nothing but the warehouse and the county share: what one task must tell another (which counties were
sent where and finished, GX results, the claim) is in the warehouse. Files move only after the warehouse has
committed what was loaded from them; if a run dies in between, the next run finds the file again, sees its sha256
already loaded, records it as ``duplicate`` and archives it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa

from roster_recon import reference, timing, warehouse
from roster_recon.delivery import archive, feedback
from roster_recon.intake import discover, settle, stage
from roster_recon.intake.normalise import branch_from_file_name, normalise_roster
from roster_recon.intake.problems import file_problem, hard_problems, sheet_warnings, soft_problems
from roster_recon.intake.read import RosterFileError, read_roster, safe_message
from roster_recon.settings import RunSettings
from roster_recon.warehouse import flag, merge, runs, stale

log = logging.getLogger(__name__)


def engine_for(settings: RunSettings) -> sa.Engine:
    return warehouse.create_engine(settings.warehouse_url, settings.data_dir)


# --- prepare ----------------------------------------------------------------------------------------------------


def prepare_run(settings: RunSettings) -> list[str]:
    """Bring the schema up to date, load reference data, record the run; return the county codes to ingest.

    Only counties with a roster file ready to read get an ingest task: a task instance costs about a second of
    Airflow's time whatever it does, and most days most counties send nothing. Entries left alone in the other
    counties' folders (lock files, files still being written) are recorded here; an ingesting county records its own.
    """
    engine = engine_for(settings)
    warehouse.migrate(engine)
    folders, ignored = discover.county_folders(settings.drop_root)
    to_ingest = []
    for folder in folders:
        files, left_alone = discover.roster_files(folder)
        with engine.begin() as connection:
            settle.look(connection, folder.county_code, files)  # the first look; ingest takes the second
        if files:
            to_ingest.append(folder.county_code)
        else:
            ignored.extend(left_alone)
    with engine.begin() as connection:
        runs.claim(connection, settings.run_id)
        merge.check_run_order(connection, settings.as_of)
        connection.execute(
            sa.text(
                "INSERT INTO core.county (county_code, county_name) VALUES (:code, :name)"
                " ON CONFLICT (county_code) DO UPDATE SET county_name = excluded.county_name"
                " WHERE core.county.county_name IS DISTINCT FROM excluded.county_name"
            ),
            [{"code": c.code, "name": c.name} for c in reference.counties().values()],
        )
        connection.execute(
            sa.text(
                "INSERT INTO audit.run (run_id, as_of, lost_contact_months) VALUES (:run_id, :as_of, :months)"
                " ON CONFLICT (run_id) DO NOTHING"
            ),
            {"run_id": settings.run_id, "as_of": settings.as_of, "months": settings.lost_contact_months},
        )
        # Rows staged by earlier runs that never merged are left over from a run that failed or died: this run holds
        # the claim, so no other run is using them. Their files are still in the drop folders and are read again.
        connection.execute(
            sa.text(
                "UPDATE audit.file SET status = 'abandoned' WHERE status = 'staged' AND run_id <> :run_id;"
                " DELETE FROM staging.roster_row WHERE run_id <> :run_id;"
                " DELETE FROM staging.branch_presence WHERE run_id <> :run_id"
            ),
            {"run_id": settings.run_id},
        )
        runs.record_counties(connection, settings.run_id, to_ingest, "ingest_required")
        connection.execute(
            sa.text(
                "DELETE FROM audit.ignored_entry WHERE run_id = :run_id"
                " AND (county_code IS NULL OR NOT county_code = ANY (:to_ingest))"
            ),
            {"run_id": settings.run_id, "to_ingest": to_ingest},
        )
        _record_ignored(connection, settings.run_id, ignored)
    for entry in ignored:
        log.warning("%s: %s ignored: %s", entry.county_code or "drop root", entry.name, entry.reason)
    log.info("counties with rosters to read: %s", ", ".join(to_ingest) or "none")
    engine.dispose()
    return to_ingest


def _record_ignored(connection, run_id: str, ignored: list[discover.IgnoredEntry]) -> None:
    if ignored:
        connection.execute(
            sa.text(
                "INSERT INTO audit.ignored_entry (run_id, county_code, name, reason, holds_back_county)"
                " VALUES (:run_id, :county_code, :name, :reason, :holds_back_county)"
            ),
            [{"run_id": run_id, **dataclasses.asdict(entry)} for entry in ignored],
        )


# --- ingest -----------------------------------------------------------------------------------------------------


def county_folder(settings: RunSettings, county_code: str) -> discover.CountyFolder:
    folders, _ = discover.county_folders(settings.drop_root)
    for folder in folders:
        if folder.county_code == county_code:
            return folder
    raise FileNotFoundError(f"no drop folder for county {county_code} under {settings.drop_root}")


def ingest_county(settings: RunSettings, county_code: str, validator=None) -> dict[str, int]:
    """Read, validate and stage every ready file of one county; returns counts for XCom (no personal data).

    The county's readable files are validated by Great Expectations as one batch (rows told apart by file), which
    costs one checkpoint per county instead of one per file; the verdict is then split back per file.
    """
    from roster_recon.intake.validate import RosterValidator

    engine = engine_for(settings)
    folder = county_folder(settings, county_code)
    with engine.begin() as connection:
        if merge.run_is_merged(connection, settings.run_id):
            log.info("run %s is already merged; county %s has nothing left to ingest", settings.run_id, county_code)
            return _county_counts(connection, settings.run_id, county_code)
        runs.hold(connection, settings.run_id)
        _forget_county_attempt(connection, settings.run_id, county_code)
    files, ignored = discover.roster_files(folder)
    files, changing = settle.settled(engine, county_code, files, settings.settle_seconds)
    ignored += [
        discover.IgnoredEntry(
            county_code,
            path.name,
            f"still being written (changed between two looks {settings.settle_seconds:g} s apart); read next run",
        )
        for path in changing
    ]
    with timing.stage("discover", county_code):
        hashes, unreadable = _hashes(files, county_code)
    ignored += unreadable
    with engine.begin() as connection:
        _record_ignored(connection, settings.run_id, ignored)
    for entry in ignored:
        log.info("county %s: %s ignored: %s", county_code, entry.name, entry.reason)

    readable: list[tuple[Path, str, pd.DataFrame, FileNotes]] = []
    for path in hashes:
        with engine.begin() as connection:
            roster = _read_file(connection, settings, county_code, path, hashes[path])
        if roster is not None:
            readable.append(roster)
    if readable:
        with timing.stage("validate", county_code) as timed:
            validator = validator or RosterValidator()
            first_document = len(validator.documents)
            batch = pd.concat([r for _, _, r, _ in readable], keys=range(len(readable)), names=["file_key", None])
            batch = batch.reset_index(level="file_key").reset_index(drop=True)
            file_names = [path.name for path, *_ in readable]
            batch["file_name"] = np.array(file_names, dtype=object)[batch["file_key"].to_numpy()]
            run_name = f"{settings.run_id} {county_code} ({len(readable)} files)"
            outcome = validator.validate(batch, f"county_{county_code}", run_name, file_names)
            timed.rows = len(batch)
        with timing.stage("stage", county_code) as timed:
            per_file = outcome.split(batch["file_key"].to_numpy(), range(len(readable)))
            start = 0
            for file_key, (path, sha256, roster, notes) in enumerate(readable):
                # The file's rows under their labels in the batch (which holds the files one after another), the
                # labels its outcome names: no copy of the batch's columns.
                rows = roster.set_axis(pd.RangeIndex(start, start + len(roster)))
                start += len(roster)
                with engine.begin() as connection:
                    status = _stage_file(
                        connection, settings, county_code, path, sha256, rows, per_file[file_key], notes
                    )
                log.info("county %s: %s -> %s", county_code, path.name, status)
            timed.rows = len(batch)
    with engine.begin() as connection:
        if readable:
            _record_validation_documents(connection, settings.run_id, county_code, validator.documents[first_document:])
        runs.mark_done(connection, settings.run_id, county_code, "ingested_at")
        counts = _county_counts(connection, settings.run_id, county_code)
    engine.dispose()
    timing.flush(settings.run_id)
    return counts


def _hashes(files: list[Path], county_code: str) -> tuple[dict[Path, str], list[discover.IgnoredEntry]]:
    """sha256 of each file, in order; a file the share will not let us read is left where it is, and said so."""
    hashes, unreadable = {}, []
    for path in files:
        try:
            hashes[path] = discover.sha256_of(path)
        except OSError as error:
            reason = f"cannot be read ({error.strerror or type(error).__name__}); check its permissions"
            unreadable.append(discover.IgnoredEntry(county_code, path.name, reason))
    return hashes, unreadable


@dataclasses.dataclass
class FileNotes:
    """What a file says beside its rows: warnings for the feedback (sheets left out), and the branches it is an
    empty roster of (each such branch is emptied by the merge)."""

    warnings: pd.DataFrame
    empty_branches: list[str]


def _record_validation_documents(connection, run_id: str, county_code: str, documents: list[dict]) -> None:
    """Keep the county's GX results (no row values) for the run's Data Docs, which the report task renders."""
    connection.execute(
        sa.text(
            "INSERT INTO audit.validation_document (run_id, county_code, asset_name, run_name, run_time, result)"
            " VALUES (:run_id, :county_code, :asset_name, :run_name, :run_time, CAST(:result AS jsonb))"
            " ON CONFLICT (run_id, county_code, asset_name) DO UPDATE SET run_name = excluded.run_name,"
            " run_time = excluded.run_time, result = excluded.result"
        ),
        [
            {
                "run_id": run_id,
                "county_code": county_code,
                "asset_name": document["asset_name"],
                "run_name": document["run_name"],
                "run_time": document["run_time"],
                "result": json.dumps(document["result"]),
            }
            for document in documents
        ],
    )


def _forget_county_attempt(connection, run_id: str, county_code: str) -> None:
    """Undo an earlier, unfinished attempt of this task (a retry starts clean)."""
    params = {"run_id": run_id, "county_code": county_code}
    connection.execute(
        sa.text(
            "DELETE FROM staging.roster_row WHERE run_id = :run_id AND county_code = :county_code;"
            " DELETE FROM staging.branch_presence WHERE run_id = :run_id AND county_code = :county_code;"
            " DELETE FROM audit.file WHERE run_id = :run_id AND county_code = :county_code;"
            " DELETE FROM audit.ignored_entry WHERE run_id = :run_id AND county_code = :county_code;"
            " DELETE FROM audit.validation_document WHERE run_id = :run_id AND county_code = :county_code"
        ),
        params,
    )


def _county_counts(connection, run_id: str, county_code: str) -> dict[str, int]:
    row = (
        connection.execute(
            sa.text(
                "SELECT count(*) AS files,"
                " count(*) FILTER (WHERE status IN ('staged', 'loaded')) AS accepted,"
                " count(*) FILTER (WHERE status = 'duplicate') AS duplicate,"
                " count(*) FILTER (WHERE status = 'rejected') AS rejected,"
                " coalesce(sum(rows_read), 0) AS rows_read, coalesce(sum(rows_rejected), 0) AS rows_rejected"
                " FROM audit.file WHERE run_id = :run_id AND county_code = :county_code"
            ),
            {"run_id": run_id, "county_code": county_code},
        )
        .mappings()
        .one()
    )
    return {key: int(value) for key, value in row.items()}


def _insert_file(connection, settings: RunSettings, county_code: str, path: Path, sha256: str, **fields) -> int:
    stat = path.stat()
    values = {
        "run_id": settings.run_id,
        "county_code": county_code,
        "file_name": path.name,
        "source_path": str(path),
        "sha256": sha256,
        "size_bytes": stat.st_size,
        "modified_at": dt.datetime.fromtimestamp(stat.st_mtime, tz=dt.UTC),
        "status": "staged",
        "rows_read": 0,
        "rows_rejected": 0,
        "error": None,
        "duplicate_of": None,
    }
    values.update(fields)
    return connection.execute(
        sa.text(
            "INSERT INTO audit.file (run_id, county_code, file_name, source_path, sha256, size_bytes, modified_at,"
            " status, rows_read, rows_rejected, error, duplicate_of)"
            " VALUES (:run_id, :county_code, :file_name, :source_path, :sha256, :size_bytes, :modified_at,"
            " :status, :rows_read, :rows_rejected, :error, :duplicate_of) RETURNING file_id"
        ),
        values,
    ).scalar_one()


def _record_problems(connection, file_id: int, problems: pd.DataFrame) -> None:
    if problems.empty:
        return
    frame = problems.copy()
    frame.insert(0, "file_id", file_id)
    raw = connection.connection.driver_connection
    stage.copy_rows(raw, frame, table="audit.file_problem")


def _read_file(connection, settings: RunSettings, county_code: str, path: Path, sha256: str):
    """A duplicate or unreadable file is recorded at once; a readable one returns (path, sha256, roster, notes)."""
    earlier = connection.execute(
        sa.text(
            "SELECT f.file_id, f.file_name, r.as_of FROM audit.file f JOIN audit.run r USING (run_id)"
            " WHERE f.sha256 = :sha256 AND f.status = 'loaded'"
        ),
        {"sha256": sha256},
    ).first()
    if earlier is not None:
        _insert_file(
            connection,
            settings,
            county_code,
            path,
            sha256,
            status="duplicate",
            duplicate_of=earlier.file_id,
            error=f"same content as {earlier.file_name}, already loaded as of {earlier.as_of}",
        )
        log.info("county %s: %s -> duplicate", county_code, path.name)
        return None
    try:
        roster, notes = _read_and_normalise(path, county_code, settings.max_file_mb)
    except RosterFileError as error:
        file_id = _insert_file(
            connection,
            settings,
            county_code,
            path,
            sha256,
            status="rejected",
            error=f"{error.message_en} / {error.message_zh}",
        )
        _record_problems(connection, file_id, file_problem(error.code, error.message_zh, error.message_en))
        log.info("county %s: %s -> rejected (%s)", county_code, path.name, error.code)
        return None
    return path, sha256, roster, notes


def _read_and_normalise(path: Path, county_code: str, max_file_mb: float) -> tuple[pd.DataFrame, FileNotes]:
    """One file's rows, normalised, and its notes; any failure is a ``RosterFileError`` about this file."""
    with timing.stage("read", county_code) as timed:
        table = read_roster(path, max_file_mb)
        timed.rows = len(table.frame)
    with timing.stage("normalise", county_code) as timed:
        try:
            roster = normalise_roster(table.frame, default_branch=branch_from_file_name(path.stem))
        except (ValueError, TypeError, OverflowError, MemoryError) as error:
            raise RosterFileError(
                "unusable_values",
                "文件中的数据无法识别；请用 Excel 或 WPS 打开检查后另存为 .xlsx 再报送",
                f"the file's cells could not be understood ({type(error).__name__}: {safe_message(error)});"
                " check it in Excel or WPS, save it as .xlsx and send it again",
            ) from error
        roster["source_row"] = table.row_numbers
        roster["phone_if_valid"] = roster["phone"].where(roster["phone_valid"], None)
        timed.rows = len(roster)
    # An empty roster whose branch is known is the snapshot of an empty branch: its file name's branch, or the
    # names of a workbook's empty roster sheets. With a branch column and no rows, the branch is not known.
    if table.row_sheets is not None:  # several roster sheets
        empty_branches = table.empty_sheets
    elif roster.empty and "branch" not in table.frame.columns:
        empty_branches = [branch_from_file_name(path.stem)]
    else:
        empty_branches = []
    return roster, FileNotes(sheet_warnings(table.skipped_sheets), [branch for branch in empty_branches if branch])


def _stage_file(
    connection,
    settings: RunSettings,
    county_code: str,
    path: Path,
    sha256: str,
    roster: pd.DataFrame,
    outcome,
    notes: FileNotes,
) -> str:
    """Record one file's validation, problems and accepted rows; reject it whole past the reject share."""
    file_id = _insert_file(connection, settings, county_code, path, sha256, rows_read=len(roster))
    rejected_rows = outcome.rejected_rows
    empty_branches = notes.empty_branches
    problems = pd.concat(
        [notes.warnings, hard_problems(roster, outcome.rejected), soft_problems(roster, rejected_rows)]
    )
    _record_validation(connection, settings.run_id, file_id, outcome)
    share = len(rejected_rows) / len(roster) if len(roster) else 0.0
    if (len(roster) == 0 and not empty_branches) or share > settings.max_reject_share:
        reason = (
            "no data rows below the header, and no branch named by the file or sheet name"
            " / 表头下没有数据行，且无法从文件名或工作表名确定支部"
            if len(roster) == 0
            else f"{len(rejected_rows)} of {len(roster)} rows break hard rules (more than "
            f"{settings.max_reject_share:.0%}): not a usable roster"
            f" / 超过{settings.max_reject_share:.0%}的行存在错误，整个文件未导入"
        )
        connection.execute(
            sa.text(
                "UPDATE audit.file SET status = 'rejected', rows_rejected = :n, error = :error WHERE file_id = :id"
            ),
            {"n": len(roster), "error": reason, "id": file_id},
        )
        _record_problems(connection, file_id, problems)
        return "rejected"
    accepted = roster[list(stage.ROSTER_COLUMNS)].drop(index=list(rejected_rows))  # only the columns staged
    rows = stage.staging_table(accepted, settings.run_id, file_id, county_code, settings.pii_secret)
    raw = connection.connection.driver_connection
    stage.copy_rows(raw, rows)
    # Who is still on the branches this file is a snapshot of, without new facts: members whose row broke a hard
    # rule (they keep their last accepted facts), and the empty branches themselves.
    presence = stage.presence_table(
        roster.loc[list(rejected_rows)], empty_branches, settings.run_id, file_id, county_code, settings.pii_secret
    )
    stage.copy_rows(raw, presence, table="staging.branch_presence")
    connection.execute(
        sa.text("UPDATE audit.file SET rows_rejected = :n WHERE file_id = :id"),
        {"n": len(rejected_rows), "id": file_id},
    )
    _record_problems(connection, file_id, problems)
    return "staged"


def _record_validation(connection, run_id: str, file_id: int, outcome) -> None:
    connection.execute(
        sa.text(
            "INSERT INTO audit.validation_result (run_id, file_id, expectation, column_name, severity, success,"
            " element_count, unexpected_count, unexpected_percent) VALUES (:run_id, :file_id, :rule, :column,"
            " :severity, :success, :element_count, :unexpected_count, :unexpected_percent)"
        ),
        [{"run_id": run_id, "file_id": file_id, **result.__dict__} for result in outcome.results],
    )


# --- merge, finish, report --------------------------------------------------------------------------------------


def merge_run(settings: RunSettings) -> dict[str, int]:
    """Merge everything this run staged, and recompute flags, in one transaction."""
    engine = engine_for(settings)
    with engine.begin() as connection:
        runs.hold(connection, settings.run_id)
    with warehouse.raw_connection(engine) as connection:
        with timing.stage("merge") as timed:
            counts = merge.merge_snapshot(connection, settings.run_id, settings.as_of)
            timed.rows = counts["snapshot_rows"]
        with timing.stage("flags") as timed:
            counts.update(flag.recompute_flags(connection, settings.as_of, settings.lost_contact_months))
            timed.rows = counts["current_entries_after"]
        with timing.stage("merge"):
            merge.mark_merged(connection, settings.run_id)
    engine.dispose()
    timing.flush(settings.run_id)
    return counts


def counties_to_finish(settings: RunSettings) -> list[str]:
    """Counties whose folder needs ``finish`` after the merge: files of this run to move or give feedback on, or a
    follow-up list that is out of date (a flag of the county was raised or closed since it was written)."""
    engine = engine_for(settings)
    folders, _ = discover.county_folders(settings.drop_root)
    with engine.connect() as connection:
        with_files = set(
            connection.execute(
                sa.text("SELECT DISTINCT county_code FROM audit.file WHERE run_id = :run_id"),
                {"run_id": settings.run_id},
            ).scalars()
        )
        codes = [
            folder.county_code
            for folder in folders
            if folder.county_code in with_files or feedback.follow_up_is_current(connection, folder.county_code) is None
        ]
    with engine.begin() as connection:
        runs.record_counties(connection, settings.run_id, codes, "finish_required")
    engine.dispose()
    return codes


def finish_county(settings: RunSettings, county_code: str) -> dict[str, int]:
    """Move this run's files out of the drop folder and write the county's feedback and follow-up workbooks."""
    engine = engine_for(settings)
    folder = county_folder(settings, county_code)
    with timing.stage("finish", county_code) as timed:
        counts = _finish_files(engine, settings, county_code, folder)
        follow_up = feedback.write_follow_up(engine, folder.path, county_code, settings.as_of, settings.run_id)
        timed.rows = counts["feedback_rows"] + (follow_up["members"] if follow_up["written"] else 0)
    counts["follow_up_members"] = follow_up["members"]
    counts["follow_up_written"] = int(follow_up["written"])
    with engine.begin() as connection:
        runs.mark_done(connection, settings.run_id, county_code, "finished_at")
    if follow_up["written"]:
        log.info("county %s: follow-up list of %d members: %s", county_code, follow_up["members"], follow_up["path"])
    else:
        log.info("county %s: follow-up list unchanged, still %s", county_code, follow_up["path"])
    engine.dispose()
    timing.flush(settings.run_id)
    return counts


def _finish_files(engine: sa.Engine, settings: RunSettings, county_code: str, folder) -> dict[str, int]:
    moved = feedback_files = feedback_rows = 0
    with engine.connect() as connection:
        files = (
            connection.execute(
                sa.text(
                    "SELECT file_id, file_name, source_path, sha256, status, archived_to, error FROM audit.file"
                    " WHERE run_id = :run_id AND county_code = :county_code"
                    " AND status IN ('loaded', 'duplicate', 'rejected') ORDER BY file_id"
                ),
                {"run_id": settings.run_id, "county_code": county_code},
            )
            .mappings()
            .all()
        )
    for file in files:
        problems = feedback.file_problems(engine, file["file_id"])
        if problems or file["status"] == "rejected":
            path = feedback.write_file_feedback(folder.path, file, problems, settings.as_of)
            feedback_files += 1
            feedback_rows += len(problems)
            with engine.begin() as connection:
                connection.execute(
                    sa.text("UPDATE audit.file SET feedback_path = :path WHERE file_id = :id"),
                    {"path": str(path), "id": file["file_id"]},
                )
        if _archive_file(engine, folder, file, settings.as_of):
            moved += 1
    return {"files_moved": moved, "feedback_files": feedback_files, "feedback_rows": feedback_rows}


class RunNotPreparedError(RuntimeError):
    """The run has no record in the warehouse: its ``prepare`` task failed before recording it."""


def run_failures(connection, run_id: str) -> list[str]:
    """What went wrong in the run, one line each for the data team (empty when every task completed)."""
    status = connection.execute(sa.text("SELECT status FROM audit.run WHERE run_id = :r"), {"r": run_id}).scalar()
    if status is None:
        raise RunNotPreparedError(
            f"run {run_id} was never recorded in the warehouse: its prepare task failed (see that task's log);"
            " no file was read, moved or merged."
        )
    unfinished = runs.unfinished(connection, run_id)
    failures = list(
        connection.execute(
            sa.text(
                "SELECT min(reason) FROM audit.ignored_entry WHERE run_id = :r AND holds_back_county"
                " GROUP BY county_code ORDER BY county_code"
            ),
            {"r": run_id},
        ).scalars()
    )
    if unfinished["ingest"]:
        failures.append(
            f"ingest failed for county {', '.join(unfinished['ingest'])}: its files were not merged and stay in the"
            " drop folder, to be read again by the next run (see the county's ingest task log)"
        )
    if status != "merged":
        failures.append("merge failed: nothing of this run was merged; every file stays in its drop folder")
    if unfinished["finish"]:
        failures.append(
            f"finish failed for county {', '.join(unfinished['finish'])}: its files were merged but not moved out of"
            " the drop folder, and its feedback may be missing; the next run archives them as already loaded"
        )
    return failures


def _archive_file(engine: sa.Engine, folder, file, as_of: dt.date) -> bool:
    """Move one handled file out of the drop folder; returns whether it moved now.

    The content is checked first: a file the clerk saved again after it was read is not the file the warehouse
    holds, so it stays and is read again by the next run. The destination is committed to the audit row before the
    move, so a crash between the two is finished by the retry instead of leaving the file unaccounted for.
    """
    source = Path(file["source_path"])
    if not source.exists():
        return False  # moved earlier (by this task's previous try) or taken away by the county
    if discover.sha256_of(source) != file["sha256"]:
        log.warning(
            "county %s: %s changed after it was read; left in the drop folder, read again next run",
            folder.county_code,
            source.name,
        )
        with engine.begin() as connection:
            connection.execute(
                sa.text(
                    "UPDATE audit.file SET archived_to = NULL, error = concat_ws(' / ', error, :note)"
                    " WHERE file_id = :id"
                ),
                {
                    "id": file["file_id"],
                    "note": "changed after it was read: left in the drop folder, read again next run"
                    " / 读取后文件又被修改，未归档，下次运行重新读取",
                },
            )
        return False
    target = Path(file["archived_to"]) if file["archived_to"] else None
    if target is None or target.exists():
        target = archive.destination(folder.path, source.name, file["status"], as_of)
        with engine.begin() as connection:
            connection.execute(
                sa.text("UPDATE audit.file SET archived_to = :path WHERE file_id = :id"),
                {"path": str(target), "id": file["file_id"]},
            )
    archive.move(source, target)
    with engine.begin() as connection:
        settle.forget(connection, folder.county_code, source.name)
    return True


def report_run(settings: RunSettings) -> dict:
    """Write the run report and log the summary, whatever failed upstream; release the run's claim.

    Returns the report's path, the Data Docs index and the run's failures (the DAG fails the run when there are any).
    """
    from roster_recon.delivery import report

    engine = engine_for(settings)
    with engine.connect() as connection:
        failures = run_failures(connection, settings.run_id)
        documents = validation_documents(connection, settings.run_id)
    data_docs = None
    if documents:
        from roster_recon.intake.validate import build_data_docs

        with timing.stage("validate"):  # the Data Docs site, rendered once per run from every county's results
            data_docs = build_data_docs(documents, settings.data_dir / "data_docs" / settings.as_of.isoformat())
    with timing.stage("reports"):
        path, summary, figures = report.write_report(
            engine, settings.run_id, settings.data_dir / "reports", data_docs, failures, settings.stale_days
        )
    with engine.begin() as connection:
        newly_stale = stale.not_yet_noticed(connection, figures.stale)
        runs.release(connection, settings.run_id)
    engine.dispose()
    timing.flush(settings.run_id)
    log.info("run summary\n%s\nreport: %s\nData Docs: %s", summary, path, data_docs or "none (nothing validated)")
    return {
        "report": str(path),
        "data_docs": str(data_docs) if data_docs else None,
        "failures": failures,
        "newly_stale": [county.as_dict() for county in newly_stale],
    }


def validation_documents(connection, run_id: str) -> list[dict]:
    """The run's stored GX results (no row values), as ``validate.build_data_docs`` renders them."""
    rows = connection.execute(
        sa.text(
            "SELECT asset_name, run_name, run_time, result FROM audit.validation_document"
            " WHERE run_id = :r ORDER BY county_code, asset_name"
        ),
        {"r": run_id},
    )
    return [dict(row) for row in rows.mappings()]


def record_stale_notices(settings: RunSettings, counties: list[dict]) -> None:
    """After the data team was told: these spells of silence are not announced again."""
    engine = engine_for(settings)
    with engine.begin() as connection:
        stale.record_notices(
            connection, settings.run_id, settings.as_of, [stale.StaleCounty.from_dict(c) for c in counties]
        )
    engine.dispose()
