"""Staging rows: a staged file's accepted rows keyed for the warehouse, as ``outcome.StagedRows`` per table.

This is where the raw ID number is dropped for good: a row leaves intake with its member key (the 32 bytes of an
HMAC-SHA256 of the normalised ID with the secret ``roster_pii_secret``) and its masked ID, never the ID itself nor its
birth date. The ledger adds the run and the file and COPYs the rows (``warehouse.copy``) in the transaction that
records the file as staged: it needs neither the secret nor the kind of input.
"""

from __future__ import annotations

import hashlib
import hmac

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from roster_recon.intake.normalise import MAX_BRANCH, mask_id_number, valid_id_numbers
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


def member_key(id_number: str, secret: bytes) -> bytes:
    """The warehouse's key for a member: HMAC-SHA256 of the normalised ID number, its 32 bytes (``.hex()`` is the
    form people and the ``reporting`` views read)."""
    return hmac.new(secret, id_number.encode("ascii"), hashlib.sha256).digest()


def member_keys(id_numbers: list[str], secret: bytes) -> list[bytes]:
    """``member_key`` for many ID numbers: the keyed state is set up once and copied (a third faster)."""
    keyed = hmac.new(secret, digestmod=hashlib.sha256)
    keys = []
    for id_number in id_numbers:
        mac = keyed.copy()
        mac.update(id_number.encode("ascii"))
        keys.append(mac.digest())
    return keys


def masked_id_numbers(id_numbers: list[str]) -> pa.Array | list:
    """``mask_id_number`` for a column of accepted (18-character) ID numbers, by Arrow string slicing."""
    ids = pa.array(id_numbers, type=pa.string())
    if len(ids) == 0 or pc.min_max(pc.utf8_length(ids)).as_py() != {"min": 18, "max": 18}:
        return [mask_id_number(value) for value in id_numbers]
    head, tail = pc.utf8_slice_codeunits(ids, 0, 6), pc.utf8_slice_codeunits(ids, 14, 18)
    return pc.binary_join_element_wise(head, "********", tail, "")


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


def presence_table(rejected: pd.DataFrame, empty_branches: list[str], county_code: str, secret: bytes) -> pd.DataFrame:
    """``staging.branch_presence`` rows: a marker per empty branch, and per row rejected by a hard rule the member
    it names, by its valid ID number's key, or else by its name (the merge keeps a current member of the branch with
    exactly that name). No raw ID number: a key or nothing."""
    valid = valid_id_numbers(rejected["id_number"]) if len(rejected) else np.zeros(0, dtype=bool)
    ids = rejected["id_number"].tolist()
    keys = [member_key(id_number, secret) if ok else None for id_number, ok in zip(ids, valid, strict=True)]
    names = [None if key else name for key, name in zip(keys, rejected["name"].tolist(), strict=True)]
    kept = [i for i, (key, name) in enumerate(zip(keys, names, strict=True)) if key or name]
    branches = rejected["branch"].tolist()
    frame = pd.DataFrame(
        {
            "branch": [branches[i] for i in kept] + list(empty_branches),
            "member_key": [keys[i] for i in kept] + [None] * len(empty_branches),
            "name": [names[i] for i in kept] + [None] * len(empty_branches),
        }
    )
    # A rejected row's branch too long to be a name (a note pasted in) names no branch: it keeps no one anywhere.
    frame = frame[frame["branch"].map(lambda branch: isinstance(branch, str) and len(branch) <= MAX_BRANCH)]
    frame.insert(0, "county_code", county_code)
    return frame


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


def keyed_self_reports(outcome, _code: str, secret: bytes) -> list[StagedRows]:
    """A 码上报 export's accepted reports for ``staging.self_report``: key, time and city; the name, phone and
    address stay behind. A report seen in two overlapping exports is counted once by the merge."""
    rows = outcome.accepted
    reports = pd.DataFrame(
        {
            "source_row": rows["source_row"].to_numpy(),
            "member_key": member_keys(rows["id_number"].tolist(), secret),
            "reported_at": rows["reported_at"].to_numpy(),
            **{column: rows[column].to_numpy() for column in ("city", "city_code", "committee_code")},
        }
    )
    return [StagedRows("staging.self_report", reports)]
