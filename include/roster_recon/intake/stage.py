"""Keying for staging, shared by every kind (each kind's ``stage.py`` builds its ``outcome.StagedRows`` with it):
member keys, masked ID numbers, and who a rejected row still keeps on its branch (``staging.branch_presence``).

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

from roster_recon.intake.normalise import LONG_NUMBER, MAX_BRANCH, mask_id_number, mask_long_numbers, valid_id_numbers
from roster_recon.outcome import StagedRows


def member_key(id_number: str, secret: bytes) -> bytes:
    """The warehouse's key for a member: HMAC-SHA256 of the normalised ID number, its 32 bytes (``.hex()`` is the
    form people and the ``reporting`` views read)."""
    return hmac.new(secret, id_number.encode("ascii"), hashlib.sha256).digest()


def member_keys(id_numbers: list[str], secret: bytes) -> list[bytes]:
    """``member_key`` for many ID numbers: the keyed state is set up once and copied."""
    keyed = hmac.new(secret, digestmod=hashlib.sha256)
    keys = []
    for id_number in id_numbers:
        mac = keyed.copy()
        mac.update(id_number.encode("ascii"))
        keys.append(mac.digest())
    return keys


# Staged columns that hold a phone by design (the warehouse keeps it in ``core``; ``reporting`` masks it).
PHONE_COLUMNS = frozenset({"phone", "phone_national"})


def without_long_numbers(staged: StagedRows) -> StagedRows:
    """``staged`` with every text column but a phone's masked of ID numbers and mobiles (``mask_long_numbers``): a
    clerk who pastes an ID into the name, the destination or the industry stages no raw ID. One vectorised search
    per column; only a column where it finds one is masked, in Python."""
    rows = staged.rows
    if isinstance(rows, pa.Table):
        for position, field in enumerate(rows.schema):
            masked = None if field.name in PHONE_COLUMNS else _masked_texts(rows.column(position))
            if masked is not None:
                rows = rows.set_column(position, field, pa.array(masked, type=field.type))
    else:
        for name in rows.columns:
            masked = None if name in PHONE_COLUMNS else _masked_texts(rows[name])
            if masked is not None:
                rows = rows.assign(**{name: masked})  # a copy: the outcome's own frame is left as it was
    return staged if rows is staged.rows else StagedRows(staged.table, rows)


def _masked_texts(values) -> list | None:
    """The texts of ``values`` (an Arrow column, or a pandas column of any type) masked, or ``None`` when none holds a
    long number or the column is not text (bytes, numbers, dates)."""
    try:
        texts = values if isinstance(values, pa.ChunkedArray) else pa.array(values, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):  # mixed values: no text a clerk typed
        return None
    if pa.types.is_dictionary(texts.type):
        texts = texts.cast(texts.type.value_type)
    if not (pa.types.is_string(texts.type) or pa.types.is_large_string(texts.type)):
        return None
    if not pc.any(pc.match_substring_regex(texts, LONG_NUMBER)).as_py():
        return None
    return [mask_long_numbers(text) for text in texts.to_pylist()]


def masked_id_numbers(id_numbers: list[str]) -> pa.Array | list:
    """``mask_id_number`` for a column of accepted (18-character) ID numbers, by Arrow string slicing."""
    ids = pa.array(id_numbers, type=pa.string())
    if len(ids) == 0 or pc.min_max(pc.utf8_length(ids)).as_py() != {"min": 18, "max": 18}:
        return [mask_id_number(value) for value in id_numbers]
    head, tail = pc.utf8_slice_codeunits(ids, 0, 6), pc.utf8_slice_codeunits(ids, 14, 18)
    return pc.binary_join_element_wise(head, "********", tail, "")


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
