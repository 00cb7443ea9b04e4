"""A whole roster normalised column by column: each of ``normalise``'s one-value functions applied to a column.

Values repeat a lot in a roster (dates, industries, destinations), so each column is normalised once per distinct
value and mapped back; ID numbers, names and phones differ on every row, and Arrow sets aside the values already in
normal form (and mainland mobiles) so that only the others go through the one-value functions, which stay the
reference the tests compare against.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from roster_recon.intake.normalise import (
    CN_MOBILE,
    clean_text,
    is_lost_status,
    normalise_gender,
    normalise_id_number,
    normalise_phone,
    parse_date,
    resolve_destination,
)
from roster_recon.intake.table import for_frame


def text_array(values: list | pa.Array) -> pa.Array | None:
    """The column as an Arrow string array, or ``None`` when a value is not text (the one-value path then)."""
    if isinstance(values, pa.Array):
        return values if values.type == pa.string() else None
    try:
        return pa.array(values, type=pa.string())
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeEncodeError):
        return None


def by_distinct(values: list | pa.Array, function) -> list:
    """``function`` applied to every non-null value, computed once per distinct value; nulls stay ``None``.

    The distinct values are found by Arrow's dictionary encoding when every value is text (the readers' output),
    else by ``pandas.factorize``; ``function`` runs once for each, and the results are spread back by array
    indexing (the null code, -1, picks the last slot).
    """
    text = text_array(values)
    if text is not None:
        encoded = text.dictionary_encode()
        codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)
        distinct = encoded.dictionary.to_pylist()
    else:
        codes, distinct = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
        distinct = distinct.tolist()  # plain Python values (iterating pandas' index costs a call per value)
    results = np.fromiter((function(value) for value in distinct), dtype=object, count=len(distinct))
    return np.append(results, None)[codes].tolist()


def unless_normal(values: list | pa.Array, normal_form: str, function) -> list | pa.Array:
    """``function`` over a column whose values are mostly unique and mostly already in normal form; an Arrow
    string array when the column is text (the readers' output), else a list.

    ``normal_form`` is a regular expression (RE2, matched by Arrow over the whole column) of values that
    ``function`` returns unchanged; only the others are computed, once per distinct value. An ID number or a name
    is different on every row, so ``by_distinct`` alone would still call ``function`` a million times.
    ``tests/test_normalise.py`` holds the result equal to ``function`` value by value.
    """
    text = text_array(values)
    if text is None:
        return by_distinct(values, function)
    unchanged = pc.fill_null(pc.match_substring_regex(text, normal_form), True)
    todo = np.flatnonzero(~unchanged.to_numpy(zero_copy_only=False))
    if not len(todo):
        return text
    fixed = pa.array(by_distinct(text.take(pa.array(todo)).to_pylist(), function), type=pa.string())
    return pc.replace_with_mask(text, pc.invert(unchanged), fixed)


# Values the normalisers return as they are: an 18-character ID number in ASCII, a name of CJK unified
# ideographs (NFKC leaves U+4E00..U+9FFF and the middle dot of minority names unchanged), and text of printable
# ASCII and those ideographs that neither starts nor ends with a space.
ID_NUMBER_NORMAL_FORM = r"^[0-9]{17}[0-9X]$"
NAME_NORMAL_FORM = r"^[\x{4E00}-\x{9FFF}\x{00B7}]+$"
_CLEAN_CHAR = r"\x21-\x7E\x{4E00}-\x{9FFF}"
CLEAN_TEXT_NORMAL_FORM = rf"^[{_CLEAN_CHAR}](?:[ {_CLEAN_CHAR}]*[{_CLEAN_CHAR}])?$"


def clean_column(values: list | pa.Array) -> list | pa.Array:
    """``clean_text`` over a whole column."""
    return unless_normal(values, CLEAN_TEXT_NORMAL_FORM, clean_text)


def raw_column(raw: pd.DataFrame, name: str) -> list | pa.Array:
    """A raw roster's column for the normalisers: Arrow text as the readers left it (no Python string per cell),
    a list for a column of other values, ``None`` throughout when the file has no such column."""
    if name not in raw.columns:
        return [None] * len(raw)
    column = raw[name]
    if isinstance(column.dtype, pd.StringDtype) and column.dtype.storage == "pyarrow":
        text = pa.array(column.array)
        if isinstance(text, pa.ChunkedArray):  # a frame put together from several (pandas.concat)
            text = text.combine_chunks()
        return text.cast(pa.string())
    return column.tolist()


def clean_name(value: object) -> str | None:
    return re.sub(r"\s+", "", clean_text(value) or "") or None


def normalise_roster(raw: pd.DataFrame, default_branch: str | None) -> pd.DataFrame:
    """Normalised columns for a raw roster of text cells (canonical column names, missing columns allowed).

    Returns one row per input row (same index) with: name, gender, id_number, branch, outflow_date,
    outflow_date_raw, destination, destination_city_code, destination_city, in_gba, gba_committee, phone,
    phone_valid, phone_national, phone_if_valid, industry, last_contact_date, last_contact_raw, contact_status,
    status_lost, notes.
    """

    def column(name: str) -> list | pa.Array:
        return raw_column(raw, name)

    out: dict[str, list] = {}
    out["name"] = unless_normal(column("name"), NAME_NORMAL_FORM, clean_name)
    out["gender"] = by_distinct(column("gender"), normalise_gender)
    out["id_number"] = unless_normal(column("id_number"), ID_NUMBER_NORMAL_FORM, normalise_id_number)
    branch = clean_column(column("branch"))
    if isinstance(branch, pa.Array):
        out["branch"] = pc.fill_null(branch, default_branch) if default_branch else branch
    else:
        out["branch"] = [value or default_branch for value in branch]
    out["outflow_date_raw"] = clean_column(column("outflow_date"))
    out["outflow_date"] = by_distinct(out["outflow_date_raw"], parse_date)
    out["destination"] = clean_column(column("destination"))
    city = by_distinct(out["destination"], resolve_destination)
    out["destination_city_code"] = [c.code if c else None for c in city]
    out["destination_city"] = [c.name if c else None for c in city]
    out["in_gba"] = [c.in_gba if c else None for c in city]
    out["gba_committee"] = [c.gba_committee if c else None for c in city]
    out["phone"], out["phone_valid"], out["phone_national"] = phone_columns(column("phone"))
    out["industry"] = clean_column(column("industry"))
    out["last_contact_raw"] = clean_column(column("last_contact_date"))
    out["last_contact_date"] = by_distinct(out["last_contact_raw"], parse_date)
    out["contact_status"] = clean_column(column("contact_status"))
    out["status_lost"] = [bool(lost) for lost in by_distinct(out["contact_status"], is_lost_status)]
    out["notes"] = clean_column(column("notes"))
    frame = pd.DataFrame({name: for_frame(values) for name, values in out.items()}, index=raw.index)
    frame["phone_if_valid"] = frame["phone"].where(frame["phone_valid"], None)  # the four clears' "phone" rule
    return frame


def phone_columns(values: list) -> tuple[pa.Array | list, np.ndarray | list, pa.Array | list]:
    """``normalise_phone`` over a whole column, as its three columns: number, valid, national (Arrow text and NumPy
    booleans when the column is text, as ``for_frame`` takes them; else lists).

    Mainland mobiles, nearly every row, are recognised by Arrow over the whole column (NFKC, separators dropped,
    libphonenumber's mobile pattern) and never become ``Phone`` objects; everything else goes through
    ``normalise_phone``. ``tests/test_normalise.py`` holds the result equal to ``normalise_phone`` value by value.
    """
    written = text_array(values)
    if written is None:
        phones = [normalise_phone(value) for value in values]
        return (
            [p.number if p else None for p in phones],
            [bool(p and p.valid) for p in phones],
            [p.national if p else None for p in phones],
        )
    text = pc.utf8_trim_whitespace(pc.utf8_normalize(written, "NFKC"))
    compact = pc.replace_substring_regex(pc.replace_substring_regex(text, r"[\s\-()（）.]", ""), r"^00", "+")
    mobile_number = pc.struct_field(pc.extract_regex(compact, r"^(?:\+?86)?(?P<n>1\d{10})$"), "n")
    is_mobile = pc.fill_null(pc.match_substring_regex(mobile_number, f"^(?:{CN_MOBILE.pattern})$"), False)
    national = pc.if_else(is_mobile, mobile_number, pa.scalar(None, pa.string()))
    number = pc.binary_join_element_wise("+86", national, "")
    valid = is_mobile.to_numpy(zero_copy_only=False).copy()
    others = np.flatnonzero(~valid & pc.is_valid(written).to_numpy(zero_copy_only=False))
    if len(others):
        phones = by_distinct(written.take(pa.array(others, type=pa.int64())), normalise_phone)
        at = np.zeros(len(valid), dtype=bool)
        at[others] = True
        number = pc.replace_with_mask(number, at, pa.array([p.number if p else None for p in phones], pa.string()))
        national = pc.replace_with_mask(
            national, at, pa.array([p.national if p else None for p in phones], pa.string())
        )
        valid[others] = [bool(p and p.valid) for p in phones]
    return number, valid, national
