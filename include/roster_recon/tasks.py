"""The run, task by task: one function per DAG task, each safe to retry and to run beside the others.

prepare_run        -> migrate, check the key, claim the warehouse, record the run, first look at the county folders
ingest_folder      -> per source folder (a county's, a committee's, the self-reports'): second look (settle), then
                      one outcome per file, each recorded by the ledger
merge_run          -> reads again a folder whose staged rows a warehouse restart emptied; then one transaction:
                      evidence of contact from every source, GBA and county snapshots,
                      history, both sides' categories, flags; staged files become ``loaded``
folders_to_finish  -> the folders with files of this run or an out-of-date follow-up list
finish_folder      -> per folder: feedback, files to ``_archive``/``_rejected``, the follow-up workbook
report_run         -> whatever failed upstream: Data Docs, the run report, the summary naming every failure;
                      releases the claim on every path

Tasks share nothing but the warehouse and the county share: what one task tells another (which counties were sent
where and finished, GX results, the claim) is in the warehouse. Each function opens the warehouse, checks the claim,
calls the stage, records what it returned through the table's owner, and closes.
"""

from __future__ import annotations

import logging
from functools import partial

from roster_recon import timing, warehouse
from roster_recon.delivery import both_sides, feedback, finish
from roster_recon.errors import RunCannotProceed
from roster_recon.intake import discover, judge, settle
from roster_recon.intake.kinds import COUNTY, DUES, GBA, SELF_REPORT
from roster_recon.settings import RunSettings
from roster_recon.warehouse import contact, flag, keys, ledger, merge, reconcile, runs, stale

log = logging.getLogger(__name__)


def prepare_run(settings: RunSettings) -> list[str]:
    """Bring the schema up to date, record the run under its claim; return the counties with files to read.

    Only counties with a roster file ready get an ingest task (a task instance costs Airflow about a second);
    the other counties' entries left alone (lock files, folders, files still being written) are recorded here.
    """
    engine = warehouse.engine_for(settings)
    warehouse.migrate(engine)
    with engine.begin() as connection:
        keys.check_key(connection, settings.pii_secret)
        runs.begin(connection, settings.run_id, settings.as_of, settings.lost_contact_months)
        warehouse.sync_reference(connection)
        ledger.abandon_other_runs(connection, settings.run_id)
    to_ingest, ignored = settle.first_look(engine, settings.drop_root)
    with engine.begin() as connection:
        runs.record_counties(connection, settings.run_id, to_ingest, "ingest")
        ledger.clear_ignored(connection, settings.run_id, to_ingest)
        ledger.record_ignored(connection, settings.run_id, ignored)
        runs.mark_listed(connection, settings.run_id)
    log.info("counties with rosters to read: %s", ", ".join(to_ingest) or "none")
    engine.dispose()
    return to_ingest


def ingest_folder(settings: RunSettings, source_code: str, validator=None) -> dict[str, int]:
    """Read, validate and stage every ready file of one county or GBA committee (its code tells which); returns
    counts for XCom (no personal data)."""
    from roster_recon.intake.validate import validator_for

    engine = warehouse.engine_for(settings)
    with engine.begin() as connection:
        if merge.run_is_merged(connection, settings.run_id):  # a retry after the merge: nothing left to do
            return ledger.county_counts(connection, settings.run_id, source_code)
        keys.check_key(connection, settings.pii_secret)
        runs.hold(connection, settings.run_id)
        ledger.forget_county_attempt(connection, settings.run_id, source_code)  # before anything else can fail
    folder = discover.folder_of(settings.drop_root, source_code)
    with engine.begin() as connection:
        snapshots = ledger.current_snapshots(connection, source_code, folder.kind.snapshots)
    files, left_alone = settle.ready_files(engine, folder, settings.settle_seconds)
    validation = validator_for(folder.kind.name, validator).for_folder(settings.run_id, source_code)
    own_county = source_code if folder.kind.own_ledgers_only else None  # a committee's leads search every ledger
    known = partial(reconcile.known_members, engine, county_code=own_county)
    attempts = ledger.ReadingAttempts(engine, settings.run_id, source_code)
    outcomes = judge.folder_outcomes(
        files, source_code, snapshots, validation, settings, known, kind=folder.kind, attempts=attempts
    )
    for outcome in outcomes:
        with engine.begin() as connection:
            ledger.record(connection, settings.run_id, source_code, outcome)
        del outcome  # not held while the next file is read
    with engine.begin() as connection:
        ledger.record_ignored(connection, settings.run_id, left_alone)
        ledger.record_validation_documents(connection, settings.run_id, source_code, validation.documents)
        runs.mark_done(connection, settings.run_id, source_code, "ingest")
        counts = ledger.county_counts(connection, settings.run_id, source_code)
    engine.dispose()
    timing.flush(settings.run_id)
    return counts


def merge_run(settings: RunSettings, validator=None) -> dict[str, int]:
    """Merge everything this run staged, and recompute flags, in one transaction (``validator``: as for ingest,
    used only when staged rows were lost)."""
    engine = warehouse.engine_for(settings)
    with engine.begin() as connection:
        keys.check_key(connection, settings.pii_secret)
        runs.hold(connection, settings.run_id)
        runs.check_listed(connection, settings.run_id)
    read_again_what_staging_lost(settings, engine, validator)
    with warehouse.raw_connection(engine) as connection:
        merge.begin_merge(connection, settings.run_id, settings.as_of)
        with timing.stage("evidence") as timed:
            counts = contact.record_evidence(connection, settings.run_id, settings.as_of)
            timed.rows = counts["evidence_recorded"]
        with timing.stage("merge_gba") as timed:
            counts.update(reconcile.merge_gba(connection, settings.run_id, settings.as_of))
            timed.rows = counts["gba_snapshot_rows"]
        with timing.stage("merge") as timed:
            counts.update(merge.merge_snapshot(connection, settings.run_id, settings.as_of))
            timed.rows = counts["snapshot_rows"]
        with timing.stage("unmatched"):
            contact.count_unmatched(connection, settings.run_id)
        with timing.stage("reconcile"):
            counts.update(reconcile.recompute_categories(connection, settings.run_id, settings.as_of))
        with timing.stage("flags") as timed:
            counts.update(
                flag.recompute_flags(connection, settings.as_of, settings.lost_contact_months, settings.run_id)
            )
            timed.rows = counts["current_entries_after"]
        merge.mark_merged(connection, settings.run_id, counts)
    engine.dispose()
    timing.flush(settings.run_id)
    return counts


def read_again_what_staging_lost(settings: RunSettings, engine, validator=None) -> None:
    """Staging is unlogged: a warehouse that restarted after ingest comes back with it empty. The folders whose
    staged rows are gone are read again here, in the merge's own process, so the run still merges tonight."""
    with warehouse.raw_connection(engine) as connection:
        lost = merge.folders_with_lost_rows(connection, settings.run_id)
    for source_code in lost:
        log.warning("the staged rows of %s are gone (the warehouse restarted?): reading its folder again", source_code)
        try:
            ingest_folder(settings, source_code, validator)
        except RunCannotProceed:
            raise
        except Exception:  # that folder is held back, as a failed ingest is: the others merge tonight
            log.exception("%s could not be read again: its files stay in the drop folder for the next run", source_code)
            with engine.begin() as connection:
                ledger.forget_county_attempt(connection, settings.run_id, source_code)
                runs.mark_not_done(connection, settings.run_id, source_code, "ingest")
                ledger.record_ignored(connection, settings.run_id, [ledger.not_read_again(source_code)])


# Who gets a follow-up list: a county its flagged members, a committee its leads; the folders of events none.
FOLLOW_UP_WRITERS = {
    COUNTY: feedback.write_follow_up,
    GBA: both_sides.write_committee_follow_up,
    SELF_REPORT: None,
    DUES: None,
}


def folders_to_finish(settings: RunSettings) -> list[str]:
    """The folders that need ``finish``: files of this run, or a follow-up list that is out of date."""
    engine = warehouse.engine_for(settings)
    folders, _ = discover.source_folders(settings.drop_root)
    with engine.begin() as connection:
        with_files = ledger.counties_to_visit(connection, settings.run_id)
        current_list = partial(feedback.current_follow_up, connection)
        codes = [
            folder.code
            for folder in folders
            if folder.code in with_files or (FOLLOW_UP_WRITERS[folder.kind] and current_list(folder.code) is None)
        ]
        runs.record_counties(connection, settings.run_id, codes, "finish")
        runs.mark_finish_chosen(connection, settings.run_id)
    engine.dispose()
    return codes


def finish_folder(settings: RunSettings, source_code: str) -> dict[str, int]:
    """Feedback and archive for the county's (or committee's, or the self-reports') files, and its follow-up
    workbook (the self-reports folder has none)."""
    engine = warehouse.engine_for(settings)
    folder = discover.folder_of(settings.drop_root, source_code)
    counts = finish.finish_files(engine, folder, settings.run_id, settings.as_of)
    write_list = FOLLOW_UP_WRITERS[folder.kind]
    if write_list is not None:
        with timing.stage("finish", source_code):
            follow_up = write_list(engine, folder.path, source_code, settings.as_of, settings.run_id)
        counts.update(follow_up_members=follow_up["members"], follow_up_written=int(follow_up["written"]))
        log.info("%s: follow-up list of %d members at %s", source_code, follow_up["members"], follow_up["path"])
    with engine.begin() as connection:
        runs.mark_done(connection, settings.run_id, source_code, "finish")
    engine.dispose()
    timing.flush(settings.run_id)
    return counts


def report_run(settings: RunSettings) -> dict:
    """Write the run report and log the summary, whatever failed upstream; the claim is released on every path.

    Returns the report's path, the Data Docs index, the run's failures (the DAG then fails the run) and the
    counties newly silent (the DAG tells the data team).
    """
    from roster_recon.delivery import report

    engine = warehouse.engine_for(settings)
    try:
        written = report.report_run(engine, settings)
        with engine.begin() as connection:
            written["newly_stale"] = [c.as_dict() for c in stale.not_yet_noticed(connection, written.pop("stale"))]
    finally:
        with engine.begin() as connection:
            runs.release(connection, settings.run_id)
        engine.dispose()
        timing.flush(settings.run_id)
    return written


def record_stale_notices(settings: RunSettings, counties: list[dict]) -> None:
    """After the data team was told: these spells of silence are not announced again."""
    engine = warehouse.engine_for(settings)
    with engine.begin() as connection:
        stale.record_notices(
            connection, settings.run_id, settings.as_of, [stale.StaleCounty.from_dict(c) for c in counties]
        )
    engine.dispose()
