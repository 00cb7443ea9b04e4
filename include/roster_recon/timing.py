"""Stage timings for the benchmark: wall seconds, rows and the process's peak RSS, per pipeline stage.

Recording is cheap and always on; the figures are written (one JSON line per stage) only when ``ROSTER_TIMINGS``
names a file, as ``make bench`` does. Nothing personal is recorded: stage names, counts and seconds.
"""

from __future__ import annotations

import json
import os
import resource
import time
from contextlib import contextmanager
from pathlib import Path

_records: list[dict] = []


class StageCounter:
    rows = 0


@contextmanager
def stage(name: str, county_code: str | None = None):
    """Time a block; set ``.rows`` on the yielded counter to report throughput."""
    counter = StageCounter()
    started = time.perf_counter()
    try:
        yield counter
    finally:
        _records.append(
            {
                "stage": name,
                "county_code": county_code,
                "seconds": time.perf_counter() - started,
                "rows": counter.rows,
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )


def flush(run_id: str) -> None:
    """Append the recorded stages to ``$ROSTER_TIMINGS`` (if set) and forget them."""
    target = os.environ.get("ROSTER_TIMINGS")
    if target and _records:
        with Path(target).open("a", encoding="utf-8") as handle:
            for record in _records:
                handle.write(json.dumps({"run_id": run_id, **record}) + "\n")
    _records.clear()
