"""Probable matches for a broken ID number: one substitution or one adjacent swap away from a member's.

A clerk who types one digit wrong (or two neighbours the wrong way round) leaves an ID number whose check character
fails. Of the numbers one such slip away, only about one in eleven passes the check; when exactly one of those is the
key of a current member with the same name, the row is a probable match. It is shown (the feedback names the
character positions to check, never the number) and never merged. The candidates are keyed here, where the raw
number is in memory: for a GBA row they are staged as keys and matched by the warehouse every run; for a county row
the ingest asks the warehouse once (``suggest``).
"""

from __future__ import annotations

import pandas as pd

from roster_recon.intake.normalise import ID_CHECK_CHARS, ID_WEIGHTS, check_character, is_valid_id_number
from roster_recon.intake.problems import WARNING, ProblemList


def candidates(broken: str) -> list[tuple[str, str]]:
    """Checksum-valid ID numbers one substitution or one adjacent swap away from ``broken`` (18 characters), each
    with the character positions (1-based) it changes: ``[(id_number, "18"), (id_number, "7,8"), …]``.

    The check character is a weighted sum modulo 11, so a slip moves the sum by the changed digits' weights: each of
    the ~190 numbers is judged from ``broken``'s own sum, and only the ~1 in 11 that passes is built and checked in
    full (``is_valid_id_number``: a real birth date)."""
    if len(broken) != 18 or not broken[:17].isdigit():
        return []
    digits = [int(character) for character in broken[:17]]
    total = sum(digit * weight for digit, weight in zip(digits, ID_WEIGHTS, strict=True))
    check = broken[17]
    found: dict[str, str] = {}
    for position, (digit, weight) in enumerate(zip(digits, ID_WEIGHTS, strict=True)):
        rest = total - digit * weight
        for other in range(10):  # by character: a digit of another script (٣) is a slip from its ASCII twin
            if str(other) != broken[position] and ID_CHECK_CHARS[(rest + other * weight) % 11] == check:
                _keep(found, f"{broken[:position]}{other}{broken[position + 1 :]}", str(position + 1))
    if ID_CHECK_CHARS[total % 11] != check:  # the check character itself mistyped
        _keep(found, broken[:17] + ID_CHECK_CHARS[total % 11], "18")
    for position in range(16):  # two neighbours among the digits swapped
        here, there = digits[position], digits[position + 1]
        moved = (there - here) * (ID_WEIGHTS[position] - ID_WEIGHTS[position + 1])
        if broken[position] != broken[position + 1] and ID_CHECK_CHARS[(total + moved) % 11] == check:
            swapped = broken[:position] + broken[position + 1] + broken[position] + broken[position + 2 :]
            _keep(found, swapped, f"{position + 1},{position + 2}")
    if broken[16] != broken[17]:  # the last digit and the check character swapped
        swapped = broken[:16] + broken[17] + broken[16]
        if swapped[:17].isdigit() and check_character(swapped[:17]) == swapped[17]:
            _keep(found, swapped, "17,18")
    return sorted(found.items())


def _keep(found: dict[str, str], number: str, positions: str) -> None:
    if is_valid_id_number(number):
        found.setdefault(number, positions)


def candidate_table(broken_rows: pd.DataFrame, keys_of) -> pd.DataFrame:
    """``staging.gba_candidate`` rows for rows whose ID is broken: the broken row's key, each candidate's key and
    positions. ``keys_of(id_numbers)`` is the member-key function; no ID number is returned."""
    own, theirs, positions = [], [], []
    ids = broken_rows["id_number"].tolist()
    own_keys = keys_of(ids)
    for id_number, key in zip(ids, own_keys, strict=True):
        found = candidates(id_number)
        if found:
            numbers, where = zip(*found, strict=True)
            own.extend([key] * len(found))
            theirs.extend(keys_of(list(numbers)))
            positions.extend(where)
    return pd.DataFrame({"member_key": own, "candidate_key": theirs, "positions": positions})


def suggest(outcome, known, keys_of) -> None:
    """Add to a file's problems a warning per row whose broken ID is one slip from exactly one member already known
    under the same name: ``known(keys)`` gives the names of current members by key (one question for the file),
    ``keys_of(numbers)`` keys ID numbers. Changes ``outcome.problems`` in place; nothing is merged."""
    rows = outcome.kept
    if rows is None or rows.empty:
        return
    asked = []  # ((sheet, source row, name), candidate key, positions)
    sheets = rows["source_sheet"] if "source_sheet" in rows.columns else pd.Series(None, index=rows.index)
    for sheet, source_row, name, number in zip(
        sheets.tolist(), rows["source_row"].tolist(), rows["name"].tolist(), rows["id_number"].tolist(), strict=True
    ):
        options = candidates(number) if isinstance(number, str) and name else []
        if options:
            numbers, positions = zip(*options, strict=True)
            where = (sheet, source_row, name)
            asked += [(where, key, at) for key, at in zip(keys_of(list(numbers)), positions, strict=True)]
    names = known([key for _, key, _ in asked])
    hits: dict[tuple, list[str]] = {}
    for where, key, positions in asked:
        if where[2] in names.get(key, ()):
            hits.setdefault(where, []).append(positions)
    found = ProblemList()
    for (sheet, source_row, name), positions in hits.items():
        if len(positions) == 1:
            found.add(
                rows=[source_row],
                names=[name],
                column="身份证号码",
                values=None,
                codes="id_probable_match",
                severity=WARNING,
                zh=f"身份证号码可能录错：请核对第 {positions[0]} 位（改正后与已登记的同名党员一致）",
                en=f"the ID number is probably mistyped: check character position(s) {positions[0]}"
                " (corrected there, it is that of a member already registered under the same name)",
                sheets=[sheet],
            )
    if found.columns["source_row"]:
        outcome.problems = pd.concat([outcome.problems, found.frame()], ignore_index=True)
