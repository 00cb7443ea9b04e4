"""The run claim (``audit.run_claim``) and the per-county ledger of a run (``audit.county_run``).

Only one run at a time may stage rows and merge them. Airflow's ``max_active_runs=1`` holds that for scheduled runs,
but not for a manual ``airflow dags test`` started beside them, nor for a second Airflow pointed at the same
warehouse. ``prepare`` therefore claims the warehouse for its run; every later task checks that its run still holds
the claim; ``report`` releases it. A run that finds the claim held by another, recently active run stops with a
message naming it. A claim untouched for ``STALE_AFTER`` (its run died without reaching ``report``) is taken over,
and the run that lost it can no longer merge.

``begin`` records the run (``audit.run``) under its claim, refusing a run dated before the latest merged one;
``failures`` says, from the warehouse alone, what went wrong in a run.

``audit.county_run`` records which counties a run sent to ``ingest`` and ``finish`` and which of them finished, so
``report`` names the county whose task failed from the warehouse alone: tasks may run on different hosts.
"""

from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa

from roster_recon import warehouse
from roster_recon.errors import RunCannotProceed
from roster_recon.warehouse.merge import check_run_order

log = logging.getLogger(__name__)

CLAIM_LOCK_KEY = 73_690_003
STALE_AFTER = dt.timedelta(hours=6)


class RunClaimedError(RunCannotProceed):
    """Another run holds the warehouse, or this run lost its claim; retrying will not help."""


def claim(connection, run_id: str, stale_after: dt.timedelta = STALE_AFTER) -> None:
    """Claim the warehouse for ``run_id`` (idempotent for the same run), or raise ``RunClaimedError``."""
    connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": CLAIM_LOCK_KEY})
    holder = connection.execute(sa.text(warehouse.sql("runs_claim_holder"))).first()
    if holder is not None and holder.run_id != run_id:
        if holder.idle < stale_after:
            raise RunClaimedError(
                f"run {holder.run_id} (as of {holder.as_of}) is still in progress: it was last active at"
                f" {holder.touched_at:%Y-%m-%d %H:%M:%S %Z} and holds the rows it staged until its report task"
                " ends. Nothing was done by this run. Start it again once that run has finished; a run that died"
                f" is taken over automatically after {stale_after}."
            )
        log.warning(
            "taking over the claim of run %s, inactive since %s (it died before its report task)",
            holder.run_id,
            holder.touched_at,
        )
    connection.execute(
        sa.text(warehouse.sql("runs_take_claim")),
        {"run_id": run_id},
    )


def hold(connection, run_id: str) -> None:
    """Check that ``run_id`` still holds the claim and mark it active; raise ``RunClaimedError`` if not."""
    touched = connection.execute(
        sa.text("UPDATE audit.run_claim SET touched_at = now() WHERE run_id = :run_id RETURNING run_id"),
        {"run_id": run_id},
    ).first()
    if touched is None:
        holder = connection.execute(sa.text("SELECT run_id FROM audit.run_claim")).scalar()
        raise RunClaimedError(
            f"run {run_id} does not hold the warehouse"
            + (f" (run {holder} does)" if holder else " (its prepare task did not finish)")
            + ": nothing was staged or merged by this task. Start a new run."
        )


def release(connection, run_id: str) -> bool:
    """Give up the claim if ``run_id`` holds it; returns whether it did."""
    released = connection.execute(
        sa.text("DELETE FROM audit.run_claim WHERE run_id = :run_id RETURNING run_id"), {"run_id": run_id}
    ).first()
    return released is not None


TASKS = ("ingest", "finish")  # the per-county tasks whose completion a run records


def record_counties(connection, run_id: str, counties: list[str], task: str) -> None:
    """Mark ``counties`` as sent to ``task`` (``ingest`` or ``finish``) by this run."""
    if task not in TASKS:
        raise ValueError(task)
    if counties:
        connection.execute(
            sa.text(warehouse.sql("runs_record_counties")),
            [
                {"run_id": run_id, "county_code": code, "ingest": task == "ingest", "finish": task == "finish"}
                for code in counties
            ],
        )


def mark_done(connection, run_id: str, county_code: str, task: str) -> None:
    """Record that the county's ``task`` (``ingest`` or ``finish``) completed."""
    _mark(connection, "runs_mark_done", run_id, county_code, task)


def mark_not_done(connection, run_id: str, county_code: str, task: str) -> None:
    """Record that the county's ``task`` did not complete after all (its folder was held back later in the run)."""
    _mark(connection, "runs_mark_not_done", run_id, county_code, task)


def _mark(connection, statement: str, run_id: str, county_code: str, task: str) -> None:
    if task not in TASKS:
        raise ValueError(task)
    connection.execute(sa.text(warehouse.sql(statement)), {"run_id": run_id, "county_code": county_code, "task": task})


def unfinished(connection, run_id: str) -> dict[str, list[str]]:
    """Counties whose ``ingest`` or ``finish`` this run required and that never completed."""
    rows = connection.execute(
        sa.text(warehouse.sql("runs_unfinished")),
        {"run_id": run_id},
    ).all()
    return {
        "ingest": [row.county_code for row in rows if row.ingest_failed],
        "finish": [row.county_code for row in rows if row.finish_failed],
    }


class RunNotPreparedError(RunCannotProceed):
    """The run has no record in the warehouse: its ``prepare`` task failed before recording it."""


def begin(connection, run_id: str, as_of: dt.date, lost_contact_months: int) -> None:
    """Claim the warehouse for the run and record it; a run dated before the latest merged one is refused."""
    claim(connection, run_id)
    check_run_order(connection, as_of)
    connection.execute(
        sa.text(warehouse.sql("runs_begin")),
        {"run_id": run_id, "as_of": as_of, "months": lost_contact_months},
    )


def mark_listed(connection, run_id: str) -> None:
    """Record that the run's ``prepare`` finished listing the drop folders."""
    connection.execute(sa.text(warehouse.sql("runs_mark_listed")), {"run_id": run_id})


def mark_finish_chosen(connection, run_id: str) -> None:
    """Record that the run's ``merge`` finished choosing the folders to finish."""
    connection.execute(sa.text(warehouse.sql("runs_mark_finish_chosen")), {"run_id": run_id})


def check_listed(connection, run_id: str) -> None:
    """Refuse to merge a run whose ``prepare`` never finished listing the drop folders: it would merge nothing and
    call the night done."""
    listed = connection.execute(sa.text("SELECT listed_at FROM audit.run WHERE run_id = :r"), {"r": run_id}).scalar()
    if listed is None:
        raise RunNotPreparedError(
            f"run {run_id}: prepare never finished listing the drop folders (is the share mounted and readable?);"
            " nothing was read, so nothing is merged"
        )


def failures(connection, run_id: str, held_back: list[str]) -> list[str]:
    """What went wrong in the run, one line each for the data team (empty when every task completed).

    ``held_back`` are the ledger's reasons for counties the run held back (``ledger.held_back``).
    """
    run = connection.execute(
        sa.text("SELECT status, listed_at, finish_chosen_at FROM audit.run WHERE run_id = :r"), {"r": run_id}
    ).first()
    status = run.status if run else None
    if status is None:
        raise RunNotPreparedError(
            f"run {run_id} was never recorded in the warehouse: its prepare task failed (see that task's log);"
            " no file was read, moved or merged."
        )
    missing = unfinished(connection, run_id)
    found = list(held_back)
    if run.listed_at is None:
        found.append(
            "prepare failed before it finished listing the drop folders (the share missing, unreadable or without a"
            " county folder?): no file was read, nothing was merged (see the prepare task's log)"
        )
    if missing["ingest"]:
        found.append(
            f"ingest failed for county {', '.join(missing['ingest'])}: its files were not merged and stay in the"
            " drop folder, to be read again by the next run (see the county's ingest task log, or the merge task's"
            " log when the merge had to read the folder again)"
        )
    if status != "merged":
        found.append("merge failed: nothing of this run was merged; every file stays in its drop folder")
    elif run.finish_chosen_at is None:
        found.append(
            "merge failed after merging, before choosing the folders to finish: the merged files stay in their drop"
            " folders without feedback; the next run archives them and writes it"
        )
    if missing["finish"]:
        found.append(
            f"finish failed for county {', '.join(missing['finish'])}: its files were merged but not moved out of"
            " the drop folder, and its feedback may be missing; the next run archives them and writes the feedback"
        )
    return found
