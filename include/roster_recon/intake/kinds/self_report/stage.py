"""A 码上报 export's staged rows: ``staging.self_report``, one per accepted report."""

from __future__ import annotations

import pandas as pd

from roster_recon.intake.stage import member_keys
from roster_recon.outcome import StagedRows


def keyed_self_reports(outcome, _code: str, secret: bytes) -> list[StagedRows]:
    """A 码上报 export's accepted reports for ``staging.self_report``: key, time and city; the name, phone and
    address stay behind. A report seen in two overlapping exports is counted once by the merge."""
    rows = outcome.accepted
    reports = pd.DataFrame(
        {
            "source_row": rows["source_row"].to_numpy(),
            "member_key": member_keys(rows["id_number"].tolist(), secret),
            "reported_at": rows["reported_at"].array,  # times with their zone, no object per row
            **{column: rows[column].to_numpy() for column in ("city", "city_code", "committee_code")},
        }
    )
    return [StagedRows("staging.self_report", reports)]
