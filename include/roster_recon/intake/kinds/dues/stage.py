"""A dues export's staged rows: ``staging.dues_payment``, one per accepted payment (key, month, day)."""

from __future__ import annotations

import pandas as pd

from roster_recon.intake.kinds.self_report.rows import shanghai_days
from roster_recon.intake.stage import member_keys
from roster_recon.outcome import StagedRows


def keyed_dues(outcome, _code: str, secret: bytes) -> list[StagedRows]:
    """The accepted payments for ``staging.dues_payment``: the key, the month paid for and the day it was paid (in
    Asia/Shanghai); the name, amount and channel stay behind. A payment in two overlapping exports counts once."""
    rows = outcome.accepted
    payments = pd.DataFrame(
        {
            "source_row": rows["source_row"].to_numpy(),
            "member_key": member_keys(rows["id_number"].tolist(), secret),
            "paid_for": rows["paid_for"].to_numpy(),
            "paid_on": shanghai_days(rows["paid_at"]),
        }
    )
    return [StagedRows("staging.dues_payment", payments)]
