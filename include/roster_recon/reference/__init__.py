"""Reference data: counties, header aliases, GBA cities, lost-contact words and China's divisions.

Everything the pipeline knows about the world outside a roster file is data, loaded and checked here:

- ``counties.csv``: the ten county-level units of Yichun (GB/T 2260 code, name).
- ``header_aliases.csv``: the contract's table of accepted column headers.
- ``gba_header_aliases.csv``, ``self_report_header_aliases.csv``, ``dues_header_aliases.csv``: the same for GBA
  rosters, 码上报 exports and the dues platform's exports.
- ``gba_cities.csv``: the Greater Bay Area cities and the committee ("1+7+N") that serves each.
- ``contact_status_lost.csv``: contact-status words that mean the member is out of touch.
- ``destination_aliases.csv``: names for Hong Kong and Macao that the division list does not spell.
- ``labels.csv``: what people read for a code: the flags, the sources of contact evidence, a file's outcome.
- China's administrative divisions (GB/T 2260 codes with the years each was in force) come from
  ``python-stdnum``'s ``cn/loc.dat``, a maintained copy of the national code list, rather than a hand-typed list.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

CANONICAL_COLUMNS = (
    "name",
    "gender",
    "id_number",
    "branch",
    "outflow_date",
    "destination",
    "phone",
    "industry",
    "last_contact_date",
    "contact_status",
    "notes",
)
REQUIRED_COLUMNS = ("name", "id_number")
# A GBA committee's branch roster (contract: "The other side"); ``branch`` is the GBA branch.
GBA_COLUMNS = (
    "name",
    "gender",
    "id_number",
    "branch",
    "home_county",
    "home_branch",
    "address",
    "phone",
    "employer",
    "placed_on",
    "last_activity",
    "dues_paid_to",
)
# A 码上报 export of the 红帆 system (contract: "Contact evidence"): one row per report a member made.
SELF_REPORT_COLUMNS = ("reported_at", "name", "id_number", "city", "address", "phone", "employer")
DUES_COLUMNS = ("name", "id_number", "paid_for", "paid_at", "amount", "channel", "branch")
MUNICIPAL_COMMITTEE_CODE = "440000"


class ReferenceDataError(ValueError):
    """A reference file is malformed; the message names the file and the line."""


@dataclass(frozen=True)
class County:
    code: str
    name: str


@dataclass(frozen=True)
class City:
    """A prefecture-level division (or a municipality, Hong Kong or Macao) with its GBA standing."""

    code: str
    name: str
    in_gba: bool
    gba_committee: str | None


def _rows(file_name: str) -> list[dict[str, str]]:
    text = resources.files(__package__).joinpath(file_name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def _check_code(code: str, file_name: str, line: int) -> str:
    if not re.fullmatch(r"\d{6}", code or ""):
        raise ReferenceDataError(f"{file_name} line {line}: {code!r} is not a 6-digit GB/T 2260 code")
    return code


def normalise_header(text: str) -> str:
    """Header matching key: NFKC (full- to half-width), no white space, no trailing note like （必填）, lower case."""
    folded = unicodedata.normalize("NFKC", str(text))
    folded = re.sub(r"\s+", "", folded)
    folded = re.sub(r"[*＊]+", "", folded)
    folded = re.sub(r"\([^()]*\)$", "", folded)
    return folded.lower()


@cache
def counties() -> dict[str, County]:
    """The county-level units of Yichun by code."""
    found: dict[str, County] = {}
    for line, row in enumerate(_rows("counties.csv"), start=2):
        code = _check_code(row["county_code"], "counties.csv", line)
        if code in found:
            raise ReferenceDataError(f"counties.csv line {line}: county {code} is listed twice")
        found[code] = County(code, row["county_name"].strip())
    return found


@dataclass(frozen=True)
class Layout:
    """A kind of roster's columns: header text (normalised) -> canonical column, and the columns it must have."""

    aliases: dict[str, str]
    required: tuple[str, ...] = REQUIRED_COLUMNS
    headers: dict[str, str] = field(default_factory=dict)  # canonical column -> its header in the kind's files

    def header(self, column: str) -> str:
        """The Chinese header a clerk sees for ``column`` (the first alias its file lists), or ``column`` itself."""
        return self.headers.get(column, column)


@cache
def header_aliases(
    file_name: str = "header_aliases.csv", columns: tuple[str, ...] = CANONICAL_COLUMNS
) -> dict[str, str]:
    """Normalised header text -> canonical column; canonical English names are accepted as themselves."""
    aliases = {normalise_header(name): name for name in columns}
    for line, row in enumerate(_rows(file_name), start=2):
        canonical, alias = row["canonical"], normalise_header(row["alias"])
        if canonical not in columns:
            raise ReferenceDataError(f"{file_name} line {line}: unknown column {canonical!r}")
        if aliases.get(alias, canonical) != canonical:
            raise ReferenceDataError(f"{file_name} line {line}: {alias!r} already means {aliases[alias]!r}")
        aliases[alias] = canonical
    return aliases


@cache
def headers(file_name: str = "header_aliases.csv") -> dict[str, str]:
    """Canonical column -> the header text an aliases file lists first for it (as the kind's files write it)."""
    found: dict[str, str] = {}
    for row in _rows(file_name):
        found.setdefault(row["canonical"], row["alias"].strip())
    return found


def _layout(file_name: str, columns: tuple[str, ...], required: tuple[str, ...] = REQUIRED_COLUMNS) -> Layout:
    return Layout(header_aliases(file_name, columns), required, headers(file_name))


@cache
def roster_layout() -> Layout:
    """A county branch's ledger (contract: "Columns")."""
    return _layout("header_aliases.csv", CANONICAL_COLUMNS)


@cache
def gba_layout() -> Layout:
    """A GBA committee branch's roster (contract: "The other side")."""
    return _layout("gba_header_aliases.csv", GBA_COLUMNS)


@cache
def self_report_layout() -> Layout:
    """A 码上报 export (contract: "Contact evidence"): a report needs the member's ID number and its time."""
    return _layout("self_report_header_aliases.csv", SELF_REPORT_COLUMNS, ("id_number", "reported_at"))


@cache
def dues_layout() -> Layout:
    """An export of the online dues platform (contract: "Dues payments"): a payment needs an ID number and a time."""
    return _layout("dues_header_aliases.csv", DUES_COLUMNS, ("id_number", "paid_at"))


@dataclass(frozen=True)
class Label:
    zh: str
    en: str


@cache
def labels(vocabulary: str) -> dict[str, Label]:
    """The labels of one vocabulary of ``labels.csv`` (``flag``, ``source``, ``file_status``), in the file's order."""
    found = {row["code"]: Label(row["zh"], row["en"]) for row in _rows("labels.csv") if row["vocabulary"] == vocabulary}
    if not found:
        raise ReferenceDataError(f"labels.csv has no labels for {vocabulary!r}")
    return found


@cache
def lost_contact_statuses() -> frozenset[str]:
    """Contact-status words (``status_key``) that mean the member is out of touch."""
    return frozenset(status_key(row["status"]) for row in _rows("contact_status_lost.csv"))


def status_key(text: str) -> str:
    """A contact status as written, for matching: NFKC, no white space, lower case. A note is kept, unlike a header's
    (``失联（已找回）``, found again, is not ``失联``)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text))).lower()


@cache
def gba_cities() -> dict[str, tuple[str, str]]:
    """GBA city code -> (name, committee)."""
    found = {}
    for line, row in enumerate(_rows("gba_cities.csv"), start=2):
        code = _check_code(row["city_code"], "gba_cities.csv", line)
        found[code] = (row["city_name"], row["gba_committee"])
    return found


def gba_committees() -> tuple[str, list[str]]:
    """1+7+N: the municipal GBA committee (the one over several cities) and the city committees, in file order."""
    committees = [committee for _, committee in gba_cities().values()]
    municipal = max(set(committees), key=committees.count)
    return municipal, list(dict.fromkeys(c for c in committees if c != municipal))


@cache
def committees() -> dict[str, str]:
    """1+7+N by code: the municipal committee (``440000``) first, then the seven city committees (their city's code)."""
    municipal, _ = gba_committees()
    found = {MUNICIPAL_COMMITTEE_CODE: municipal}
    for code, (_, committee) in gba_cities().items():
        if committee != municipal:
            found[code] = committee
    return found


def committee_code(committee_name: str | None) -> str | None:
    """The code of a committee named as ``gba_cities.csv`` names it (``None`` for ``None``)."""
    if committee_name is None:
        return None
    return next(code for code, name in committees().items() if name == committee_name)


@cache
def county_names() -> dict[str, str]:
    """A home county as GBA rosters write it -> county code: the code, the full name (``万载县``), the short name
    (``万载``), with or without ``宜春市`` before it."""
    found: dict[str, str] = {}
    for code, county in counties().items():
        short = county.name[:-1] if len(county.name) > 2 else county.name
        for name in (code, county.name, short, f"宜春市{county.name}", f"宜春{county.name}", f"宜春{short}"):
            found[name] = code
    return found


@dataclass(frozen=True)
class _Division:
    code: str
    name: str
    current: bool


_YEARS = re.compile(r"^\[(\d{4})?-(\d{4})?\]")


@cache
def _divisions() -> tuple[_Division, ...]:
    """Every division code in python-stdnum's GB/T 2260 list, with whether it is still in force."""
    text = resources.files("stdnum").joinpath("cn/loc.dat").read_text(encoding="utf-8")
    found: list[_Division] = []
    province = ""
    for raw in text.splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        match = re.match(r"^(\s*)(\d+) \w+=\"(.*)\"$", raw)
        if not match:
            continue
        indent, digits, name = match.groups()
        if not indent:
            province = digits
            code, label = digits + "0000", name
        else:
            code, label = province + digits, name
        years = _YEARS.match(label)
        current = years is None or years.group(2) is None
        name = _YEARS.sub("", label)
        found.append(_Division(code, name, current))
    return tuple(found)


@cache
def known_place_codes() -> frozenset[str]:
    """Every GB/T 2260 code ever in force (historical ones included): the test for an ID's place code."""
    return frozenset(division.code for division in _divisions())


_MUNICIPALITIES = ("11", "12", "31", "50")
_SUFFIXES = ("特别行政区", "自治州", "地区", "盟", "市")


def _short_name(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


@cache
def cities() -> dict[str, City]:
    """Current prefecture-level cities (municipalities, Hong Kong and Macao included) by code."""
    gba = gba_cities()
    found: dict[str, City] = {}
    for division in _divisions():
        if not division.current:
            continue
        province, rest = division.code[:2], division.code[2:]
        is_city = rest != "0000" and rest.endswith("00") and province not in _MUNICIPALITIES
        is_whole_province = rest == "0000" and province in (*_MUNICIPALITIES, "81", "82")
        if not (is_city or is_whole_province) or division.name in ("市辖区", "县", "省直辖县级行政单位"):
            continue
        name = gba[division.code][0] if division.code in gba else division.name
        committee = gba[division.code][1] if division.code in gba else None
        found[division.code] = City(division.code, name, division.code in gba, committee)
    for code in gba:
        if code not in found:
            raise ReferenceDataError(f"gba_cities.csv: {code} is not a current city in the GB/T 2260 list")
    return found


@cache
def city_names() -> dict[str, str]:
    """Place name as written -> city code: full and short city names, unambiguous county-level names, aliases.

    County-level names (``昆山市``, ``义乌市``) resolve to their city because members often write only those.
    """
    by_name: dict[str, str] = {}
    for city in cities().values():
        by_name.setdefault(city.name, city.code)
        by_name.setdefault(_short_name(city.name), city.code)
    county_level: dict[str, set[str]] = {}
    for division in _divisions():
        rest = division.code[2:]
        if not division.current or rest.endswith("00") or division.name in ("市辖区", "县"):
            continue
        province = division.code[:2]
        city_code = province + "0000" if province in _MUNICIPALITIES else division.code[:4] + "00"
        if city_code in cities() and len(division.name) >= 3:
            county_level.setdefault(division.name, set()).add(city_code)
    for name, codes in county_level.items():
        if len(codes) == 1 and name not in by_name:
            by_name[name] = next(iter(codes))
    for line, row in enumerate(_rows("destination_aliases.csv"), start=2):
        code = _check_code(row["city_code"], "destination_aliases.csv", line)
        if code not in cities():
            raise ReferenceDataError(f"destination_aliases.csv line {line}: {code} is not a current city")
        by_name[row["alias"]] = code
    return by_name
