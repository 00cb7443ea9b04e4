"""A county ledger's staged rows: ``staging.roster_row`` (the accepted rows, keyed, in ``STAGING_COLUMNS`` order for
COPY) and ``staging.branch_presence`` (who is still on the branches without new facts)."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from roster_recon.intake.stage import masked_id_numbers, member_keys, presence_table
from roster_recon.outcome import StagedRows, arrow_type

STAGING_COLUMNS = (  # staging.roster_row's, but the run and file the ledger adds
    "county_code",
    "branch",
    "source_row",
    "member_key",
    "id_masked",
    "name",
    "gender",
    "outflow_date",
    "destination",
    "destination_city",
    "destination_city_code",
    "in_gba",
    "gba_committee",
    "phone",
    "phone_valid",
    "phone_national",
    "industry",
    "last_contact_date",
    "contact_status",
    "status_lost",
)
# Staging columns computed here rather than taken from the normalised roster.
DERIVED_COLUMNS = ("county_code", "member_key", "id_masked")
# The normalised roster's columns that staging reads.
ROSTER_COLUMNS = ("id_number", *(column for column in STAGING_COLUMNS if column not in DERIVED_COLUMNS))


def keyed_roster(outcome, county_code: str, secret: bytes) -> list[StagedRows]:
    """A county file's accepted rows for ``staging.roster_row``, and for ``staging.branch_presence`` who is still on
    its branches without new facts: members whose row broke a hard rule (they keep their last accepted facts), and
    the empty branches themselves."""
    presence = presence_table(outcome.kept, outcome.empty_branches, county_code, secret)
    return [
        StagedRows("staging.roster_row", staging_table(outcome.accepted, county_code, secret)),
        StagedRows("staging.branch_presence", presence),
    ]


def staging_table(accepted: pd.DataFrame, county_code: str, secret: bytes) -> pa.Table:
    """The staging rows for a file's accepted rows (normalised columns plus ``source_row``); no raw ID number.

    Built straight as an Arrow table in ``STAGING_COLUMNS`` order (no pandas frame in between), ready for COPY.
    """
    ids = accepted["id_number"].tolist()
    count = len(ids)
    if not count:  # an empty roster: nothing to COPY (its branch's emptiness is a staging.branch_presence row)
        return pa.schema([(column, arrow_type(column)) for column in STAGING_COLUMNS]).empty_table()
    derived = {
        "county_code": [county_code] * count,
        "member_key": member_keys(ids, secret),
        "id_masked": masked_id_numbers(ids),
    }
    arrays = [
        pa.array(derived[column], type=arrow_type(column))
        if column in derived
        else pa.array(accepted[column], type=arrow_type(column), from_pandas=True)
        for column in STAGING_COLUMNS
    ]
    return pa.Table.from_arrays(arrays, names=list(STAGING_COLUMNS))
