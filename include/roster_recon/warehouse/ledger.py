"""The file ledger: every file a county drops, from the first look to the archive (``audit.file`` and its rows).

A file is ``staged`` (its accepted rows wait in staging for the merge), ``duplicate`` or ``rejected`` when ingest
records its outcome; the merge's own statement (``sql/merge_snapshot.sql``, in the same transaction as the history it
writes) makes a staged file ``loaded`` or ``superseded``; finish records where its feedback went and where it was
archived. The problems found per row (``audit.file_problem``), the GX verdicts per rule
(``audit.validation_result``) and documents (``audit.validation_document``), and the entries a run deliberately left
alone (``audit.ignored_entry``) belong to the ledger too. This module holds their SQL and every other change of
state; the stages hand it values (``outcome.FileOutcome``, its rows already keyed) and never write these tables
themselves. It records what it is given: it knows neither the kind of input nor the key's secret.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from pathlib import Path

import psycopg2.extensions
import sqlalchemy as sa

from roster_recon import warehouse
from roster_recon.outcome import CurrentSnapshots, FileOutcome
from roster_recon.share import FOLDER_REASON, MARKER_REASON, IgnoredEntry, shown_path
from roster_recon.warehouse.copy import copy_rows

log = logging.getLogger(__name__)


def record(connection: sa.Connection, run_id: str, county_code: str, outcome: FileOutcome | IgnoredEntry) -> int | None:
    """Record one file's outcome, and COPY the rows it stages, in the caller's transaction; returns its file_id.

    A file that could not even be read is an ignored entry instead (it stays in the drop folder).
    """
    if isinstance(outcome, IgnoredEntry):
        record_ignored(connection, run_id, [outcome])
        return None
    file_id = connection.execute(
        sa.text(warehouse.sql("insert_file")),
        {
            "run_id": run_id,
            "county_code": county_code,
            "file_name": outcome.name,
            "source_path": shown_path(outcome.path),
            "sha256": outcome.sha256,
            "size_bytes": outcome.size_bytes,
            "modified_at": outcome.modified_at,
            "status": outcome.status,
            "rows_read": outcome.rows_read,
            "rows_rejected": outcome.rows_rejected,
            "error": outcome.error,
            "duplicate_of": outcome.duplicate_of,
            "rows_staged": sum(len(staged.rows) for staged in outcome.staged) if outcome.status == "staged" else None,
        },
    ).scalar_one()
    if outcome.validation:
        connection.execute(
            sa.text(warehouse.sql("insert_validation_results")),
            [{"run_id": run_id, "file_id": file_id, **vars(result)} for result in outcome.validation],
        )
    raw = connection.connection.driver_connection
    copy_rows(raw, outcome.problems, "audit.file_problem", file_id=file_id)
    for staged in outcome.staged if outcome.status == "staged" else ():
        copy_rows(raw, staged.rows, staged.table, run_id=run_id, file_id=file_id)
    return file_id


@dataclasses.dataclass
class ReadingAttempts:
    """``audit.file_reading``: the attempts that began reading each content of a folder and did not come back from
    it (``outcome.ReadingAttempts``)."""

    engine: sa.Engine
    run_id: str
    county_code: str

    def start(self, sha256: str) -> int:
        with self.engine.begin() as connection:
            return connection.execute(
                sa.text(warehouse.sql("ledger_start_reading")),
                {"run_id": self.run_id, "county_code": self.county_code, "sha256": sha256},
            ).scalar_one()

    def end(self, sha256: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                sa.text("DELETE FROM audit.file_reading WHERE county_code = :c AND sha256 = :s"),
                {"c": self.county_code, "s": sha256},
            )


def not_read_again(county_code: str) -> IgnoredEntry:
    """Why a folder is held back when the merge could not read it again after the warehouse lost its staged rows."""
    return IgnoredEntry(
        county_code,
        county_code,
        "held back: the warehouse lost this folder's staged rows (a restart) and reading it again in the merge failed"
        " (see the merge task's log); its files stay for the next run / 数据库重启后重新读取失败，文件留待下次处理",
        holds_back_county=True,
    )


def record_ignored(connection: sa.Connection, run_id: str, ignored: list[IgnoredEntry]) -> None:
    if ignored:
        connection.execute(
            sa.text(warehouse.sql("ledger_record_ignored")),
            [{"run_id": run_id, **dataclasses.asdict(entry)} for entry in ignored],
        )


def clear_ignored(connection: sa.Connection, run_id: str, ingesting: list[str]) -> None:
    """Forget the run's ignored entries but those of counties that ingest (a rerun of ``prepare``)."""
    connection.execute(sa.text(warehouse.sql("clear_ignored_entries")), {"run_id": run_id, "to_ingest": ingesting})


def held_back(connection: sa.Connection, run_id: str) -> list[str]:
    """Why each county the run held back was held back (two folders claiming it, a folder it could not read)."""
    return list(
        connection.execute(
            sa.text(warehouse.sql("ledger_held_back")),
            {"r": run_id},
        ).scalars()
    )


def ignored_in_county(connection: sa.Connection, run_id: str, county_code: str) -> list[dict]:
    """The entries of the county's folder this run left alone (a ``_READY`` marker, which is no mistake, aside)."""
    rows = connection.execute(
        sa.text(warehouse.sql("ledger_ignored_in_county")),
        {"r": run_id, "c": county_code, "marker": MARKER_REASON},
    )
    return [dict(row) for row in rows.mappings()]


def abandon_other_runs(connection: sa.Connection, run_id: str) -> None:
    """Staged files of runs that never merged (they died) are abandoned; their files are read again."""
    connection.execute(sa.text(warehouse.sql("abandon_other_runs")), {"run_id": run_id})
    for table in staging_tables(connection):
        connection.execute(sa.text(warehouse.sql("abandon_staged_rows").format(table=table)), {"run_id": run_id})


def staging_tables(connection: sa.Connection) -> list[str]:
    """The staging tables (quoted), as the catalog lists them: whatever kinds of input there are, the retries, the
    abandonment and the merge's check walk all of them (``sql/staging_tables.sql``)."""
    with connection.connection.driver_connection.cursor() as cursor:
        return quoted_staging_tables(cursor)


def quoted_staging_tables(cursor) -> list[str]:
    """``staging_tables`` on a psycopg2 cursor."""
    cursor.execute(warehouse.sql("staging_tables"))
    return [psycopg2.extensions.quote_ident(name, cursor) for (name,) in cursor.fetchall()]


def forget_county_attempt(connection: sa.Connection, run_id: str, county_code: str) -> None:
    """Undo an earlier, unfinished attempt of the county's ingest in this run (a retry starts clean).

    Rows are staged only beside their file's ``audit.file`` row, in one transaction (``record``), so a first attempt,
    which has no file recorded, touches no staging table: a delete through a semi-join, planned on the staging
    tables' stale statistics while other counties filled them, ran for over a minute per county at a million rows.
    """
    params = {"run_id": run_id, "county_code": county_code}
    files = (
        connection.execute(
            sa.text("SELECT file_id FROM audit.file WHERE run_id = :run_id AND county_code = :county_code"), params
        )
        .scalars()
        .all()
    )
    for table in staging_tables(connection) if files else ():
        connection.execute(sa.text(warehouse.sql("forget_staged_rows").format(table=table)), {**params, "files": files})
    connection.execute(sa.text(warehouse.sql("forget_county_attempt")), params)


def current_snapshots(connection: sa.Connection, county_code: str, snapshots: bool) -> CurrentSnapshots:
    """What a file of the folder would merely repeat: its branches' current sources and the files earlier runs
    received but could not archive, or for a folder of events (``snapshots`` false: self-reports) every content it
    ever loaded."""
    if not snapshots:
        rows = connection.execute(sa.text(warehouse.sql("loaded_contents")), {"county_code": county_code})
        return CurrentSnapshots({}, {row.sha256: row.file_id for row in rows})
    rows = connection.execute(sa.text(warehouse.sql("current_snapshots")), {"county_code": county_code})
    left = connection.execute(sa.text(warehouse.sql("ledger_left_behind")), {"county_code": county_code})
    return CurrentSnapshots(
        {row.branch: (row.sha256, row.file_id) for row in rows},
        left_behind={(row.source_path, row.sha256, row.modified_at): (row.file_id, row.archived_to) for row in left},
    )


def county_counts(connection: sa.Connection, run_id: str, county_code: str) -> dict[str, int]:
    row = connection.execute(
        sa.text(warehouse.sql("county_counts")), {"run_id": run_id, "county_code": county_code}
    ).mappings()
    return {key: int(value) for key, value in row.one().items()}


def counties_to_visit(connection: sa.Connection, run_id: str) -> set[str]:
    """The counties with files of the run, or a folder inside their folder (the county's feedback must say)."""
    rows = connection.execute(
        sa.text(warehouse.sql("ledger_counties_to_visit")), {"r": run_id, "folder": FOLDER_REASON}
    )
    return set(rows.scalars())


def record_validation_documents(connection, run_id: str, county_code: str, documents: list[dict]) -> None:
    """Keep the county's GX results (no row values) for the run's Data Docs, which the report task renders."""
    if documents:
        connection.execute(
            sa.text(warehouse.sql("upsert_validation_document")),
            [
                {
                    "run_id": run_id,
                    "county_code": county_code,
                    **{key: document[key] for key in ("asset_name", "run_name", "run_time")},
                    "result": json.dumps(document["result"]),
                }
                for document in documents
            ],
        )


def validation_documents(connection, run_id: str) -> list[dict]:
    """The run's stored GX results (no row values), as ``delivery.data_docs.build_data_docs`` renders them."""
    rows = connection.execute(
        sa.text(warehouse.sql("ledger_validation_documents")),
        {"r": run_id},
    )
    return [dict(row) for row in rows.mappings()]


# --- finish -----------------------------------------------------------------------------------------------------


def files_to_finish(connection, run_id: str, county_code: str) -> list[dict]:
    """This run's files of the county, and earlier files whose feedback is still owed."""
    rows = connection.execute(sa.text(warehouse.sql("files_to_finish")), {"run_id": run_id, "county_code": county_code})
    return [dict(row) for row in rows.mappings()]


def problems_of(connection, file_id: int) -> list[dict]:
    rows = connection.execute(sa.text(warehouse.sql("file_problems")), {"file_id": file_id})
    return [dict(row) for row in rows.mappings()]


def feedback_of_another_file(engine: sa.Engine, file_id: int, path: Path) -> bool:
    """Whether the feedback workbook at ``path`` belongs to a file other than ``file_id`` (an earlier run's)."""
    with engine.connect() as connection:
        return connection.execute(
            sa.text("SELECT EXISTS (SELECT 1 FROM audit.file WHERE feedback_path = :path AND file_id <> :id)"),
            {"path": shown_path(path), "id": file_id},
        ).scalar_one()


def record_feedback(connection, file_id: int, path: Path) -> None:
    connection.execute(
        sa.text("UPDATE audit.file SET feedback_path = :path WHERE file_id = :id"),
        {"path": shown_path(path), "id": file_id},
    )


def record_archive_destination(connection, file_id: int, target: Path) -> None:
    """Where the file is about to be moved: committed before the move, so a retry finishes it."""
    connection.execute(
        sa.text("UPDATE audit.file SET archived_to = :path WHERE file_id = :id"),
        {"path": shown_path(target), "id": file_id},
    )


def record_left_in_drop_folder(connection, file_id: int) -> None:
    """The file changed after it was read: it stays in the drop folder (read again next run), and says so."""
    connection.execute(
        sa.text("UPDATE audit.file SET archived_to = NULL, error = concat_ws(' / ', error, :note) WHERE file_id = :id"),
        {
            "id": file_id,
            "note": "changed after it was read: left in the drop folder, read again next run"
            " / 读取后文件又被修改，未归档，下次运行重新读取",
        },
    )
