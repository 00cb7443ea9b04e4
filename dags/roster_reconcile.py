"""
### roster_reconcile — Yichun mobile-member rosters into the warehouse

County offices drop branch rosters (Excel/CSV, Chinese headers) into `<roster_drop_root>/<county code>/`.
Runs at 02:00 Asia/Shanghai, and within a minute of a county putting a `_READY` marker beside its files.
Each run, as of its logical date in Asia/Shanghai (a run without one: the time it was due to run):

1. **prepare** — migrate the warehouse, claim it for this run (a second run stops with a message), list counties;
2. **ingest** (one mapped task per county, and per GBA committee folder under `gba/`, with files ready) — discover
   stable files, read, normalise, validate with Great Expectations (the county suite or the GBA suite), stage
   accepted rows; every file gets an audit row (`staged`, `duplicate`, `rejected`);
3. **merge** — one transaction: GBA and county branch snapshots into type-2 history, both sides reconciled
   (one category per member), flags recomputed;
4. **finish** (per county or committee with files this run or an out-of-date follow-up list) — files to
   `_archive/<date>/` or `_rejected/`, feedback and follow-up workbooks;
5. **report** — runs whatever failed upstream: Data Docs, the HTML run report and the summary in the task log,
   naming any county whose task failed and any county silent for `roster_stale_days` (the data team is told once
   per spell of silence); then it fails the run if anything did. The **Rosters** page in the Airflow UI shows it.

Tasks share nothing but the warehouse and the county share, so mapped tasks may run at once on any worker.

Variables: `roster_drop_root`, `roster_pii_secret`, `roster_lost_contact_months` (6), `roster_settle_seconds` (60),
`roster_max_reject_share` (0.5), `roster_max_file_mb` (50), `roster_stale_days` (35), `roster_alert_email`,
`roster_demo_mode`. Connection: `roster_warehouse`
(required; only demo mode uses an embedded PostgreSQL under the data dir).
"""

from __future__ import annotations

import os

import pendulum
from airflow.sdk import (
    Asset,
    AssetOrTimeSchedule,
    AssetWatcher,
    CronTriggerTimetable,
    Variable,
    dag,
    get_current_context,
    task,
)

SHANGHAI = pendulum.timezone("Asia/Shanghai")


def _schedule():
    """02:00 in Shanghai every day, or as soon as a county puts a ``_READY`` marker beside its files.

    The marker's watcher needs the drop root when the DAG is parsed, and parsing reads no Variable (Airflow's best
    practice: no metadata-database query per parse): it comes from the environment, ``AIRFLOW_VAR_ROSTER_DROP_ROOT``,
    as deployed. Without it the DAG runs on the clock alone.
    """
    daily = CronTriggerTimetable("0 2 * * *", timezone=SHANGHAI)
    drop_root = os.environ.get("AIRFLOW_VAR_ROSTER_DROP_ROOT")
    if not drop_root:
        return daily
    from roster_recon.airflow_facing.ready import ReadyMarkerTrigger

    ready = Asset(
        name="roster_drop_ready",
        uri=f"file://{os.path.abspath(drop_root)}/_READY",
        watchers=[AssetWatcher(name="county_ready_marker", trigger=ReadyMarkerTrigger(drop_root=drop_root))],
    )
    return AssetOrTimeSchedule(timetable=daily, assets=[ready])


def _settings():
    """The run's settings from Variables, the connection and the logical date (read at run time, never at parse)."""
    from airflow.exceptions import AirflowNotFoundException
    from airflow.sdk import Connection

    from roster_recon.settings import build_settings

    context = get_current_context()
    try:
        warehouse_url = Connection.get("roster_warehouse").get_uri()
    except AirflowNotFoundException:
        warehouse_url = None
    # Asset-triggered runs and API runs may have no logical date: the run is then as of when it was due to run.
    as_of_instant = context.get("logical_date") or context["dag_run"].run_after
    return build_settings(
        run_id=context["run_id"],
        as_of=pendulum.instance(as_of_instant).in_timezone(SHANGHAI).date(),
        drop_root=Variable.get("roster_drop_root", default=None),
        pii_secret=Variable.get("roster_pii_secret", default=None),
        demo_mode=str(Variable.get("roster_demo_mode", default="false")).lower() == "true",
        warehouse_url=warehouse_url,
        lost_contact_months=Variable.get("roster_lost_contact_months", default=None),
        settle_seconds=Variable.get("roster_settle_seconds", default=None),
        max_reject_share=Variable.get("roster_max_reject_share", default=None),
        max_file_mb=Variable.get("roster_max_file_mb", default=None),
        stale_days=Variable.get("roster_stale_days", default=None),
    )


def _notify_stale(settings, counties: list[dict]) -> None:
    """Tell the data team about counties newly silent: the task log, and e-mail when SMTP is configured."""
    from airflow.exceptions import AirflowNotFoundException
    from airflow.sdk import Connection

    from roster_recon.airflow_facing.notify import StaleCountyNotifier
    from roster_recon.tasks import record_stale_notices

    to = [a.strip() for a in str(Variable.get("roster_alert_email", default="") or "").split(",") if a.strip()]
    try:
        smtp = Connection.get("smtp_default").conn_id if to else None
    except AirflowNotFoundException:
        smtp = None
    StaleCountyNotifier(counties, settings.stale_days, to=to, smtp_conn_id=smtp).notify(get_current_context())
    record_stale_notices(settings, counties)


def _fail_without_retry(error: Exception):
    """An error that retrying cannot mend: fail the task at once, with the error's message."""
    from airflow.sdk.exceptions import AirflowFailException

    return AirflowFailException(str(error))


@dag(
    dag_id="roster_reconcile",
    schedule=_schedule(),
    start_date=pendulum.datetime(2026, 1, 1, tz=SHANGHAI),
    catchup=False,
    max_active_runs=1,
    # A run that hangs (a share that stops answering) must not hold the one active run for ever: tomorrow's waits.
    dagrun_timeout=pendulum.duration(hours=20),
    doc_md=__doc__,
    tags=["rosters", "yichun", "warehouse"],
    default_args={
        "owner": "data-team",
        "retries": 2,
        "retry_delay": pendulum.duration(minutes=2),
        "execution_timeout": pendulum.duration(hours=2),  # each task states its own; this is the ceiling
    },
)
def roster_reconcile():
    @task(execution_timeout=pendulum.duration(minutes=20))
    def prepare() -> list[str]:
        """The counties and GBA committees with files to read (a committee's code is its city's, 44…; 440000)."""
        from roster_recon.errors import RunCannotProceed
        from roster_recon.tasks import prepare_run

        try:
            return prepare_run(_settings())
        except RunCannotProceed as error:  # another run holds the warehouse, a run out of order, another key …
            raise _fail_without_retry(error) from error

    @task(map_index_template="{{ source_code }}", execution_timeout=pendulum.duration(hours=1))
    def ingest(source_code: str) -> dict:
        from roster_recon.errors import RunCannotProceed
        from roster_recon.tasks import ingest_folder

        try:
            return {"source_code": source_code, **ingest_folder(_settings(), source_code)}
        except RunCannotProceed as error:
            raise _fail_without_retry(error) from error

    # all_done: one county's failed ingest must not hold back the others' rosters; its files stay in the drop folder.
    @task(pool="roster_merge", trigger_rule="all_done", execution_timeout=pendulum.duration(hours=1))
    def merge() -> list[str]:
        """Merge and recompute flags; returns the counties that need ``finish`` (its counts go to XCom ``counts``)."""
        from roster_recon.errors import RunCannotProceed
        from roster_recon.tasks import folders_to_finish, merge_run

        settings = _settings()
        try:
            counts = merge_run(settings)
        except RunCannotProceed as error:  # a new run reads the files again
            raise _fail_without_retry(error) from error
        get_current_context()["ti"].xcom_push(key="counts", value=counts)
        return folders_to_finish(settings)

    @task(map_index_template="{{ source_code }}", execution_timeout=pendulum.duration(minutes=30))
    def finish(source_code: str) -> dict[str, int]:
        from roster_recon.tasks import finish_folder

        return finish_folder(_settings(), source_code)

    # all_done: the report is written whatever failed upstream; the data team needs it most on a bad day.
    @task(trigger_rule="all_done", execution_timeout=pendulum.duration(minutes=30))
    def report() -> dict:
        from roster_recon.errors import RunCannotProceed
        from roster_recon.tasks import report_run

        settings = _settings()
        try:
            written = report_run(settings)
        except RunCannotProceed as error:
            raise _fail_without_retry(error) from error
        if written["newly_stale"]:  # once per spell of silence; the report names them on every run
            _notify_stale(settings, written["newly_stale"])
        if written["failures"]:  # the other counties were merged and reported; the run still shows red
            raise _fail_without_retry(RuntimeError("; ".join(written["failures"])))
        return written

    ingested = ingest.expand(source_code=prepare())
    merged = merge()
    ingested >> merged
    finish.expand(source_code=merged) >> report()


roster_reconcile()
