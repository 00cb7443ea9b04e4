"""Merge: a run's staged rows become the branches' current rosters, with type-2 history, in one transaction.

The SQL is ``sql/merge_snapshot.sql``. A PostgreSQL advisory lock keeps merges one at a time even for someone
running the package outside Airflow, and a run older than the latest merged one is refused rather than allowed to
rewrite history.
"""

from __future__ import annotations

import datetime as dt
import logging

from roster_recon import warehouse
from roster_recon.errors import RunCannotProceed
from roster_recon.warehouse import ledger

log = logging.getLogger(__name__)


class RunOutOfOrderError(RunCannotProceed):
    """The run's as-of date is earlier than one already merged."""


def check_run_order(connection, as_of: dt.date) -> None:
    """Refuse a run dated before the latest merged run (SQLAlchemy connection)."""
    latest = connection.exec_driver_sql("SELECT max(as_of) FROM audit.run WHERE status = 'merged'").scalar()
    _refuse_if_earlier(latest, as_of)


def _refuse_if_earlier(latest: dt.date | None, as_of: dt.date) -> None:
    if latest is not None and as_of < latest:
        raise RunOutOfOrderError(
            f"this run is as of {as_of}, but the warehouse already holds a run as of {latest}; "
            "history is not rewritten backwards. Run a date on or after the latest one."
        )


def run_is_merged(connection, run_id: str) -> bool:
    status = connection.exec_driver_sql("SELECT status FROM audit.run WHERE run_id = %(run_id)s", {"run_id": run_id})
    return status.scalar() == "merged"


def begin_merge(connection, run_id: str, as_of: dt.date) -> None:
    """Take the merge lock and check the run may merge (prepared, in order, its staged rows all there), on a
    psycopg2 connection whose transaction the caller commits."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", (warehouse.MERGE_LOCK_KEY,))
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SELECT max(as_of) FROM audit.run WHERE status = 'merged'")
        _refuse_if_earlier(cursor.fetchone()[0], as_of)
        cursor.execute("SELECT count(*) FROM audit.run WHERE run_id = %s", (run_id,))
        if cursor.fetchone()[0] != 1:
            raise RuntimeError(f"run {run_id} was never prepared; run the whole DAG")
        check_staged_rows(cursor, run_id)


def merge_snapshot(connection, run_id: str, as_of: dt.date) -> dict[str, int]:
    """Apply the run's county snapshot on a psycopg2 connection whose transaction the caller commits, after
    ``begin_merge`` (and the GBA snapshot, ``reconcile.merge_gba``) in that transaction."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM core.roster_version WHERE valid_to IS NULL")
        before = cursor.fetchone()[0]
        cursor.execute("SELECT EXISTS (SELECT 1 FROM audit.file WHERE run_id = %s AND status = 'staged')", (run_id,))
        if not cursor.fetchone()[0]:  # a day without new rosters: no snapshot to apply (the flags still move on)
            log.info("merge as of %s: no file staged, no branch refreshed", as_of)
            return {
                "snapshot_rows": 0,
                "branches_refreshed": 0,
                "current_entries_before": before,
                "current_entries_after": before,
                "versions_opened_today": 0,
            }
        cursor.execute(warehouse.sql("merge_snapshot"), {"run_id": run_id, "as_of": as_of})
        cursor.execute("SELECT (SELECT count(*) FROM branch_snapshot), (SELECT count(*) FROM branch_file)")
        snapshot_rows, branches = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM core.roster_version WHERE valid_from = %s AND valid_to IS NULL", (as_of,))
        opened = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM core.roster_version WHERE valid_to IS NULL")
        after = cursor.fetchone()[0]
    counts = {
        "snapshot_rows": snapshot_rows,
        "branches_refreshed": branches,
        "current_entries_before": before,
        "current_entries_after": after,
        "versions_opened_today": opened,
    }
    log.info("merge as of %s: %s", as_of, counts)
    return counts


class StagedRowsMissingError(RunCannotProceed):
    """Rows staged for the run are gone even after the merge read their folders again; the run must start over."""


def lost_staged_rows(cursor, run_id: str) -> list[tuple[str, str]]:
    """(folder code, file name) of every file the run staged whose rows are no longer all in staging: staging is
    unlogged, and a restart of the server after ingest empties it."""
    count = warehouse.sql("staged_count").strip()
    per_table = [count.format(table=table) for table in ledger.quoted_staging_tables(cursor)]
    check = warehouse.sql("check_staged_rows").format(staged_counts=" UNION ALL ".join(per_table))
    cursor.execute(check, {"run_id": run_id})
    return [(code, name) for code, name in cursor.fetchall()]


def folders_with_lost_rows(connection, run_id: str) -> list[str]:
    """The folders whose ingest must run again before the merge (psycopg2 connection)."""
    with connection.cursor() as cursor:
        return sorted({code for code, _ in lost_staged_rows(cursor, run_id)})


def check_staged_rows(cursor, run_id: str) -> None:
    """Every file staged by the run still has all its staged rows, or the merge is refused."""
    missing = [name for _, name in lost_staged_rows(cursor, run_id)]
    if missing:
        raise StagedRowsMissingError(
            f"the staged rows of {len(missing)} file(s) of run {run_id} are missing ({', '.join(missing[:5])}"
            f"{' …' if len(missing) > 5 else ''}) although the merge read their folders again; the warehouse may"
            " have restarted twice. Nothing was merged. Start a new run: the files are still in the drop folders."
        )


def mark_merged(connection, run_id: str, counts: dict[str, int]) -> None:
    """The run is merged, with the flags it raised and closed (the runs page shows them per run)."""
    with connection.cursor() as cursor:
        cursor.execute(
            warehouse.sql("merge_mark_merged"),
            (counts["flags_raised"], counts["flags_closed"], run_id),
        )
