"""A GBA committee roster's staged rows: ``staging.gba_row``, ``staging.gba_candidate`` (probable matches of a broken
ID, as keys) and ``staging.branch_presence``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from roster_recon.intake.normalise import MAX_BRANCH, valid_id_numbers
from roster_recon.intake.stage import masked_id_numbers, member_keys, presence_table
from roster_recon.outcome import StagedRows


def keyed_gba_roster(outcome, committee_code: str, secret: bytes) -> list[StagedRows]:
    """A GBA roster's rows for ``staging.gba_row``: its accepted rows, and the rows whose only fault is a
    broken ID number (kept, keyed by the broken number's HMAC, for probable matching; never merged as a member),
    with their candidates' keys into ``staging.gba_candidate``. Members a row that broke a hard rule names (by its valid
    ID's key, or by its name when the ID is broken, as for a county) and empty branches go to
    ``staging.branch_presence`` under the committee's code: a placed member keeps the placement last accepted."""
    from roster_recon.intake import probable

    kept = outcome.kept
    valid = valid_id_numbers(kept["id_number"]) if len(kept) else np.zeros(0, dtype=bool)
    ids = kept["id_number"]
    broken = kept[
        ~valid
        & kept["name"].notna()
        & ids.map(lambda value: isinstance(value, str) and len(value) == 18)
        & kept["branch"].map(lambda branch: isinstance(branch, str) and len(branch) <= MAX_BRANCH)  # a btree key
    ]
    broken = broken.drop_duplicates(["branch", "id_number"])
    rows = pd.concat(
        [outcome.accepted.assign(id_valid=True), broken[list(outcome.accepted.columns)].assign(id_valid=False)]
    )
    id_numbers = rows.pop("id_number").tolist()
    masked = masked_id_numbers(id_numbers)
    rows.insert(0, "id_masked", masked.to_pylist() if isinstance(masked, pa.Array) else masked)
    rows.insert(0, "member_key", member_keys(id_numbers, secret))
    rows.insert(0, "committee_code", committee_code)
    return [
        StagedRows("staging.gba_row", rows.reset_index(drop=True)),
        StagedRows("staging.gba_candidate", probable.candidate_table(broken, lambda ids: member_keys(ids, secret))),
        StagedRows("staging.branch_presence", presence_table(kept, outcome.empty_branches, committee_code, secret)),
    ]
