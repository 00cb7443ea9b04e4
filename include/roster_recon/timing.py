"""Stage timings for the benchmark: wall seconds, rows and peak RSS, per pipeline stage.

Recording is cheap and always on; the figures are written (one JSON line per stage) only when ``ROSTER_TIMINGS``
names a file, as ``make bench`` does. Nothing personal is recorded: stage names, counts and seconds.

Peak RSS is the stage's own: on Linux the process's high-water mark (``VmHWM``) is reset when a stage starts
(``/proc/self/clear_refs``) and read when it ends, so a stage is not charged for an earlier one's peak (under
``airflow dags test`` every task runs in one process). Elsewhere it falls back to the process's lifetime peak.
"""

from __future__ import annotations

import json
import os
import resource
import time
from contextlib import contextmanager
from pathlib import Path

import psycopg2.extensions

_records: list[dict] = []
_current_stage: str | None = None  # the innermost stage running (statements are timed under it)


class StageCounter:
    rows = 0


def _reset_peak_rss() -> None:
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
    except OSError:
        pass


def _peak_rss_mb() -> float:
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def stage(name: str, county_code: str | None = None):
    """Time a block; set ``.rows`` on the yielded counter to report throughput."""
    global _current_stage
    counter = StageCounter()
    _reset_peak_rss()
    outer, _current_stage = _current_stage, name
    started = time.perf_counter()
    try:
        yield counter
    finally:
        _current_stage = outer
        _record(name, county_code, time.perf_counter() - started, counter.rows, _peak_rss_mb())


class TimedCursor(psycopg2.extensions.cursor):
    """A psycopg2 cursor that times each statement read from a ``.sql`` file (``sql_files``) inside a stage,
    recorded as the step ``<stage>/sql:<file>`` (what ``make bench`` compares between the first load and a delta)."""

    def execute(self, query, vars=None):
        name = getattr(query, "name", None)
        if name is None or _current_stage is None:
            return super().execute(query, vars)
        started = time.perf_counter()
        try:
            return super().execute(query, vars)
        finally:
            _record(f"{_current_stage}/sql:{name}", None, time.perf_counter() - started, 0, 0.0)


@contextmanager
def step(stage_name: str, name: str):
    """Time one step of a stage (``evidence/record``): seconds only, the stage's peak RSS left running."""
    started = time.perf_counter()
    try:
        yield
    finally:
        _record(f"{stage_name}/{name}", None, time.perf_counter() - started, 0, 0.0)


def _record(stage_name: str, county_code: str | None, seconds: float, rows: int, peak_rss_mb: float) -> None:
    _records.append(
        {"stage": stage_name, "county_code": county_code, "seconds": seconds, "rows": rows, "peak_rss_mb": peak_rss_mb}
    )


def flush(run_id: str) -> None:
    """Append the recorded stages to ``$ROSTER_TIMINGS`` (if set) and forget them."""
    target = os.environ.get("ROSTER_TIMINGS")
    if target and _records:
        with Path(target).open("a", encoding="utf-8") as handle:
            for record in _records:
                handle.write(json.dumps({"run_id": run_id, **record}) + "\n")
    _records.clear()
