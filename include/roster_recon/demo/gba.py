"""The demo's other side: the GBA committees' branch rosters, written from the same people, with a ground truth.

Every member who lives in the Greater Bay Area is placed (or not) by the 1+7+N organisation as it happens in real
life (``FATES``): most by the committee of their city, about 8 % not at all, 4 % by another city's committee, 0.5 %
on two branches, 0.5 % with an ID number mistyped on the GBA roster (one digit, or two neighbours swapped). About
2 % of the GBA rosters' members are on no county ledger (``EXTRA_SHARE``), and one committee (``SILENT_IN_MONTH_ONE``,
珠海) has sent nothing in month one. Month two fixes half of the problems and breaks a few placements.

A member's fate is drawn from a generator seeded by the member's ID number, so month one and month two agree. The
ground truth is worked out here from what the generator knows (the ledgers as the warehouse holds them, the rows
written), by the contract's rules, not by the pipeline's code: one category per member key.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from roster_recon import reference
from roster_recon.demo.people import COUNTIES, GBA, Generator, Member
from roster_recon.intake.normalise import check_character
from roster_recon.intake.probable import candidates
from roster_recon.intake.stage import member_key

FATES = (("none", 0.08), ("other", 0.04), ("twice", 0.005), ("typo", 0.005))
EXTRA_SHARE = 0.02
SILENT_IN_MONTH_ONE = "440400"
BRANCHES = {"440000": 6, "440100": 22, "440300": 32, "440600": 11, "441900": 26, "442000": 8, "440400": 5, "441300": 7}
HEADERS = {
    "name": "姓名",
    "gender": "性别",
    "id_number": "身份证号码",
    "gba_branch": "所在支部",
    "home_county": "原籍县（市、区）",
    "home_branch": "原党组织",
    "phone": "联系电话",
    "employer": "工作单位",
    "placed_on": "编入时间",
    "last_activity": "最近参加组织生活时间",
    "dues_paid_to": "党费缴至",
}


@dataclass
class Row:
    """One row of a GBA branch roster."""

    member: Member
    committee: str
    branch: str
    id_text: str
    valid: bool


def committee_of(city_code: str) -> str:
    """The committee that serves a GBA city: its city committee, else the municipal committee."""
    name = reference.gba_cities()[city_code][1]
    return reference.committee_code(name)


def branch_names(committee: str) -> list[str]:
    city = reference.committees()[committee].removeprefix("宜春市驻").removesuffix("流动党员党委")
    return [f"宜春市驻{city}流动党员第{number}支部" for number in range(1, BRANCHES[committee] + 1)]


def fate(member: Member, seed: int, month: int) -> str:
    """How the GBA organisation has placed the member this month (stable per member, month one then two)."""
    draw = random.Random(f"{seed}:{member.id_number}:gba").random()
    first, edge = "expected", 0.0
    for name, share in FATES:
        edge += share
        if draw < edge:
            first = name
            break
    if month == 1:
        return first
    change = random.Random(f"{seed}:{member.id_number}:gba2").random()
    if first != "expected":
        return "expected" if change < 0.5 else first
    return "none" if change < 0.02 else "other" if change < 0.03 else "expected"


def rows_for(members: list[Member], seed: int, month: int) -> list[Row]:
    """The GBA roster rows of the month's members (in a GBA city), the silent committee's left out."""
    rows: list[Row] = []
    for member in members:
        if member.city_code not in GBA:
            continue
        picked = fate(member, seed, month)
        if picked == "none":
            continue
        rng = random.Random(f"{seed}:{member.id_number}:{month}:where")
        committee = committee_of(member.city_code)
        if picked == "other":
            committee = rng.choice([code for code in BRANCHES if code != committee])
        branches = branch_names(committee)
        branch = branches[random.Random(f"{seed}:{member.id_number}:branch:{committee}").randrange(len(branches))]
        if picked == "typo":
            rows.append(Row(member, committee, branch, mistyped(member.id_number, rng), False))
            continue
        rows.append(Row(member, committee, branch, member.id_number, True))
        if picked == "twice":
            other = rng.choice([code for code in BRANCHES if code != committee]) if rng.random() < 0.5 else committee
            second = rng.choice([name for name in branch_names(other) if (other, name) != (committee, branch)])
            rows.append(Row(member, other, second, member.id_number, True))
    if month == 1:
        rows = [row for row in rows if row.committee != SILENT_IN_MONTH_ONE]
    return _usable(rows)


def _usable(rows: list[Row]) -> list[Row]:
    """The rows with a mistyped ID corrected where they would be half of their branch's roster: a file more than
    half of whose rows break a hard rule is rejected whole, and the demo's ledgers are meant to arrive."""
    per_branch = Counter((row.committee, row.branch) for row in rows)
    broken = Counter((row.committee, row.branch) for row in rows if not row.valid)
    return [
        row
        if row.valid or 2 * broken[(row.committee, row.branch)] < per_branch[(row.committee, row.branch)]
        else Row(row.member, row.committee, row.branch, row.member.id_number, True)
        for row in rows
    ]


def mistyped(id_number: str, rng: random.Random) -> str:
    """The number with one digit typed over another, or two neighbours swapped, so that its check fails."""
    while True:
        position = rng.randrange(6, 17)
        if rng.random() < 0.5 and position < 16 and id_number[position] != id_number[position + 1]:
            typed = id_number[:position] + id_number[position + 1] + id_number[position] + id_number[position + 2 :]
        else:
            digit = rng.choice([d for d in "0123456789" if d != id_number[position]])
            typed = id_number[:position] + digit + id_number[position + 1 :]
        if check_character(typed[:17]) != typed[17]:
            return typed


def extras(seed: int, scale: float, as_of: dt.date, used_ids: set[str]) -> list[Member]:
    """People on a GBA roster and on no county ledger (their home branch never recorded them as mobile)."""
    gen = Generator(seed + 7, as_of, scale)
    gen.used_ids = used_ids
    cities = [code for code, (_, n) in GBA.items() for _ in range(n)]
    found = []
    for _ in range(round(EXTRA_SHARE * sum(n for _, n in GBA.values()) * scale)):
        county = gen.random.choice(list(COUNTIES))
        city = gen.random.choice(cities)
        found.append(
            Member(
                gen.id_number(county), gen.name(), "男", county, "", city, None, gen.phone(city), None, None, None, ""
            )
        )
    return found


def extra_rows(people: list[Member], seed: int, month: int) -> list[Row]:
    """The rows placing the people on no ledger, each by the committee of their city."""
    rows = []
    for person in people:
        committee = committee_of(person.city_code)
        if month == 1 and committee == SILENT_IN_MONTH_ONE:
            continue
        branches = branch_names(committee)
        branch = branches[random.Random(f"{seed}:{person.id_number}:branch:{committee}").randrange(len(branches))]
        rows.append(Row(person, committee, branch, person.id_number, True))
    return rows


# --- writing ----------------------------------------------------------------------------------------------------


def write_month(
    drop_root: Path | None, rows: list[Row], seed: int, as_of: dt.date, evidence: dict | None = None
) -> dict[str, dict]:
    """Each committee's branch rosters under ``<drop_root>/gba/<code>-<city>/``; returns the files' ground truth
    (``<code>/<file name>``: rows, and rows to reject: those with a mistyped ID).

    深圳 sends one workbook with a sheet per branch (named after it); the others one file per branch (xlsx, or GBK
    CSV). A branch that had members and has none now sends an empty roster (its header only), as the contract asks.
    ``evidence`` (ID number -> days) gains each accepted row's last activity and the last day of its dues month;
    with no ``drop_root`` nothing is written (a past month's evidence, made again from the same seed).
    """
    from roster_recon.demo.generate import write_roster

    writing = drop_root is not None
    rng = random.Random(f"{seed}:{as_of}:gba-files")
    by_branch: dict[tuple[str, str], list[Row]] = {}
    for row in rows:
        by_branch.setdefault((row.committee, row.branch), []).append(row)
    sent = {row.committee for row in rows}
    files: dict[str, dict] = {}
    for committee in BRANCHES:
        if committee not in sent and committee == SILENT_IN_MONTH_ONE:
            continue
        city = reference.committees()[committee].removeprefix("宜春市驻").removesuffix("流动党员党委")
        folder = (drop_root or Path()) / "gba" / f"{committee}-{city}"
        if writing:
            folder.mkdir(parents=True, exist_ok=True)
        branches = {
            name: [_cells(row, rng, as_of, evidence) for row in by_branch.get((committee, name), [])]
            for name in branch_names(committee)
        }
        if committee == "440300":
            path = folder / f"深圳各支部名册_{as_of:%Y%m}.xlsx"
            if writing:
                _write_sheets(path, branches)
            files[f"{committee}/{path.name}"] = _file_truth(committee, by_branch.get, branches)
            continue
        for name, cells in branches.items():
            kind = "xlsx" if rng.random() < 0.7 else "csv_gbk"
            path = folder / f"{name}_{as_of:%Y%m}.{'xlsx' if kind == 'xlsx' else 'csv'}"
            # An empty branch's roster names its branch by the file name alone (a branch column would hide it).
            headers = HEADERS if cells else {k: v for k, v in HEADERS.items() if k != "gba_branch"}
            if writing:
                write_roster(path, cells, headers, kind, None)
            files[f"{committee}/{path.name}"] = _file_truth(committee, by_branch.get, {name: cells})
    return files


def _file_truth(committee: str, rows_of, branches: dict[str, list]) -> dict:
    written = [row for name in branches for row in rows_of((committee, name), [])]
    truth = {"county_code": committee, "rows": len(written), "rejected_rows": sum(not row.valid for row in written)}
    # An empty roster sent again is the same bytes, a duplicate: no rows to count either way.
    return {**truth, "whole_file": True} if not written else truth


def _cells(row: Row, rng: random.Random, as_of: dt.date, evidence: dict | None) -> dict:
    member = row.member
    county = COUNTIES[member.county][0]
    home = rng.choice([county, county[:-1], member.county]) if rng.random() < 0.97 else None
    month = as_of.replace(day=1) - dt.timedelta(days=rng.randrange(0, 60))
    placed_on = as_of - dt.timedelta(days=rng.randrange(30, 1500))
    last_activity = as_of - dt.timedelta(days=rng.randrange(1, 120))
    if evidence is not None and row.valid:
        month_end = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        evidence.setdefault(row.id_text, []).extend([last_activity, month_end])
    return {
        "name": member.name,
        "gender": member.gender,
        "id_number": row.id_text,
        "gba_branch": row.branch,
        "home_county": home,
        "home_branch": member.branch or None,
        "phone": member.phone if rng.random() < 0.9 else None,
        "employer": member.industry,
        "placed_on": placed_on.isoformat(),
        "last_activity": last_activity.isoformat(),
        "dues_paid_to": f"{month.year}年{month.month}月",
    }


def _write_sheets(path: Path, branches: dict[str, list[dict]]) -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path))
    for name, cells in branches.items():
        sheet = workbook.add_worksheet(name)  # the sheet's name is the branch's: no branch column
        columns = [column for column in HEADERS if column != "gba_branch"]
        sheet.write_row(0, 0, [HEADERS[column] for column in columns])
        for offset, row in enumerate(cells, start=1):
            sheet.write_row(offset, 0, ["" if row[c] is None else str(row[c]) for c in columns])
    workbook.close()


# --- the ground truth -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerEntry:
    """The ledger entry a member is reconciled by, and what it expects."""

    name: str
    expected: str | None  # the committee the destination expects, None outside the GBA or with no destination
    county: str
    branch: str


def ledger_state(entries: dict, rejected_defects: set[str]) -> dict[str, LedgerEntry]:
    """ID -> the entry of every member on a ledger as the warehouse holds it: one entry per member, a GBA entry first,
    then by county and branch (the contract leaves the choice open; this is the pipeline's, documented)."""
    picked: dict[str, tuple] = {}
    for (county, branch), listed in entries.items():
        for member, _, _ in listed:
            if rejected_defects & member.defects:
                continue
            expected = committee_of(member.city_code) if member.city_code in GBA and member.destination else None
            rank = (expected is None, county, branch)
            if member.id_number not in picked or rank < picked[member.id_number][0]:
                picked[member.id_number] = (rank, LedgerEntry(member.name, expected, county, branch))
    return {number: entry for number, (_, entry) in picked.items()}


def categories(ledger: dict[str, LedgerEntry], rows: list[Row], heard: set[str]) -> dict[str, str]:
    """Each member's category, by ID number. ``ledger``: the entries as the warehouse holds the ledgers; ``rows``:
    the GBA rows as the warehouse holds them; ``heard``: committees that ever sent."""
    placed: dict[str, list[Row]] = {}
    for row in rows:
        if row.valid:
            placed.setdefault(row.member.id_number, []).append(row)
    probable: dict[str, str] = {}
    for row in sorted((r for r in rows if not r.valid), key=lambda r: (r.committee, r.branch)):
        found = {
            number
            for number, _ in candidates(row.id_text)
            if number in ledger and ledger[number].name == row.member.name
        }
        if len(found) == 1:
            probable.setdefault(found.pop(), row.committee)
    found: dict[str, str] = {}
    for number in {n for n, entry in ledger.items() if entry.expected} | placed.keys() | probable.keys():
        on_ledger = number in ledger
        expected = ledger[number].expected if on_ledger else None
        rows_of = placed.get(number, [])
        if len(rows_of) >= 2:
            found[number] = "placed_twice"
        elif rows_of and not on_ledger:
            found[number] = "not_on_ledger"
        elif rows_of:
            found[number] = "matched" if expected == rows_of[0].committee else "city_differs"
        elif number in probable:
            found[number] = "probable_match"
        else:
            found[number] = "not_placed" if expected in heard else "awaiting_roster"
    return found


def truth(found: dict[str, str], secret: bytes) -> dict:
    """The ground truth file's ``gba`` part: category per member key, and the counts."""
    return {
        "categories": {member_key(number, secret).hex(): category for number, category in sorted(found.items())},
        "counts": dict(sorted(Counter(found.values()).items())),
    }
