"""Normalisers: each turns one cell as a clerk typed it into the value the warehouse keeps.

Every function here is pure and total: for any input it returns a value or ``None``; none raises. The row rules
(what rejects a row, what raises a flag) are applied elsewhere, from what these return.

``columns.normalise_roster`` applies them to a whole roster, column by column.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import phonenumbers

from roster_recon import reference

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
EXCEL_EPOCH = dt.date(1899, 12, 30)


MAX_BRANCH = 100  # characters of a branch name; a longer cell is a note pasted in (contract: "Row rules")


def clean_text(value: object) -> str | None:
    """Text of a cell with full-width characters unified and outer white space removed; ``None`` when blank."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip()
    return text or None


# --- ID numbers -------------------------------------------------------------------------------------------------


class IdProblem:
    """Why an ID number breaks a hard rule: a code, and words for the county clerk (Chinese, English)."""

    MISSING = ("id_missing", "身份证号码为空", "ID number is missing")
    EXCEL_DAMAGE = (
        "id_excel_damage",
        "身份证号码被Excel改成了科学计数法或数字，请把该列设为文本后重新填写",
        "ID number was turned into a number by Excel (e.g. 3.60926E+17); format the column as text and retype it",
    )
    FORMAT = (
        "id_format",
        "身份证号码应为18位（最后一位可为X）",
        "ID number must be 18 characters (the last may be X)",
    )
    BIRTH_DATE = (
        "id_birth_date",
        "身份证号码中的出生日期不存在",
        "the birth date inside the ID number does not exist",
    )
    CHECK_CHAR = ("id_check_char", "身份证号码校验位错误", "ID number check character is wrong")


_ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]")  # ASCII digits only: Python's \d also takes other scripts' digits
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?e\+?\d+$", re.IGNORECASE)


def check_character(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character of the first 17 digits (GB 11643)."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def normalise_id_number(value: object) -> str | None:
    """Spaces and dashes removed, full-width digits made half-width, ``x`` made ``X``, 15 digits upgraded to 18.

    Anything else is returned as cleaned text, so that ``id_number_problem`` can say what is wrong with it.
    """
    text = clean_text(value)
    if text is None:
        return None
    text = re.sub(r"[\s\-‐－]", "", text).upper()
    if re.fullmatch(r"\d{15}", text):
        first17 = text[:6] + "19" + text[6:]
        text = first17 + check_character(first17)
    return text or None


def id_number_problem(normalised: str | None) -> tuple[str, str, str] | None:
    """The hard-rule problem of a normalised ID number, or ``None`` when it is well formed."""
    if normalised is None:
        return IdProblem.MISSING
    if _SCIENTIFIC.match(normalised) or re.fullmatch(r"\d{18}\.0+", normalised):
        return IdProblem.EXCEL_DAMAGE
    if not _ID_SHAPE.fullmatch(normalised):
        return IdProblem.FORMAT
    try:
        dt.date(int(normalised[6:10]), int(normalised[10:12]), int(normalised[12:14]))
    except ValueError:
        return IdProblem.BIRTH_DATE
    if int(normalised[6:10]) < 1900:
        return IdProblem.BIRTH_DATE
    if check_character(normalised[:17]) != normalised[17]:
        return IdProblem.CHECK_CHAR
    return None


def is_valid_id_number(normalised: str | None) -> bool:
    return id_number_problem(normalised) is None


def valid_id_numbers(values: pd.Series) -> np.ndarray:
    """``is_valid_id_number`` for a whole column at once, as booleans (``tests/test_normalise.py`` holds them equal).

    The shape is one regular expression over the column; birth date and MOD 11-2 check character are array
    arithmetic over the 18 ASCII digits of the well-shaped values.
    """
    text = pd.Series(values, dtype="string[pyarrow]")
    valid = text.str.fullmatch(_ID_SHAPE.pattern).fillna(False).to_numpy(dtype=bool)
    if not valid.any():
        return valid
    shaped = text[valid].tolist()
    chars = np.frombuffer("".join(shaped).encode("ascii"), dtype=np.uint8).reshape(len(shaped), 18)
    digits = chars[:, :17].astype(np.int64) - ord("0")
    check = np.frombuffer(ID_CHECK_CHARS.encode("ascii"), dtype=np.uint8)[digits @ np.array(ID_WEIGHTS) % 11]
    year = digits[:, 6:10] @ np.array([1000, 100, 10, 1])
    month = digits[:, 10:12] @ np.array([10, 1])
    day = digits[:, 12:14] @ np.array([10, 1])
    first_of_month = ((year - 1970) * 12 + np.clip(month, 1, 12) - 1).astype("datetime64[M]")
    month_days = ((first_of_month + 1).astype("datetime64[D]") - first_of_month.astype("datetime64[D]")).astype(int)
    real_date = (year >= 1900) & (month >= 1) & (month <= 12) & (day >= 1) & (day <= month_days)
    valid[valid] = real_date & (check == chars[:, 17])
    return valid


def mask_id_number(normalised: str | None) -> str | None:
    """First 6 and last 4 characters kept (``360922********1236``); shorter values are masked whole."""
    if not isinstance(normalised, str) or not normalised:  # None, or NaN from a frame's missing cell
        return None
    if len(normalised) < 12:
        return "*" * len(normalised)
    return normalised[:6] + "*" * (len(normalised) - 10) + normalised[-4:]


def birth_date(normalised: str) -> dt.date:
    return dt.date(int(normalised[6:10]), int(normalised[10:12]), int(normalised[12:14]))


# --- Dates ------------------------------------------------------------------------------------------------------

_DATE_PATTERNS = (
    re.compile(r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"),
    re.compile(r"^(?P<y>\d{4})年(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})[日号]?)?$"),
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"),
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})$"),
    re.compile(r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})$"),
)


@lru_cache(maxsize=65536)
def parse_date(value: object) -> dt.date | None:
    """A date in any form the contract lists; a month alone means its first day; ``None`` when unparseable.

    A bare year means its 1 January. Excel serial numbers (five digits: ``45031`` or ``45031.0``) count from
    1899-12-30, as Excel's 1900 date system does.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = clean_text(value)
    if text is None:
        return None
    text = re.sub(r"\s+", "", text) if "年" in text else text
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            day = match.groupdict().get("d")
            try:
                return dt.date(int(match["y"]), int(match["m"]), int(day) if day else 1)
            except ValueError:
                continue  # no such day or month (2023-02-30; 2023.0 is the year of a numeric cell, below)
    # A bare year (typed as 2023, or 2023年) is 1 January of that year; a four-digit number is never a serial date.
    year = re.fullmatch(r"(\d{4})(?:\.0+|年)?", text)
    if year:
        return dt.date(int(year[1]), 1, 1) if 1900 <= int(year[1]) <= 2100 else None
    serial = re.fullmatch(r"(\d{5})(?:\.0+)?", text)
    if serial and int(serial[1]) <= 2958465:
        return EXCEL_EPOCH + dt.timedelta(days=int(serial[1]))
    return None


# --- Phones -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Phone:
    """A phone as kept: E.164 when valid, else the digits as written; ``national`` drives the mask."""

    number: str
    valid: bool
    national: str


# libphonenumber's own pattern for mainland mobiles: a number it matches is valid without a full parse.
CN_MOBILE = re.compile(phonenumbers.PhoneMetadata.metadata_for_region("CN").mobile.national_number_pattern)
_CN_MOBILE_WRITTEN = re.compile(r"^(?:\+?86)?(1\d{10})$")


@lru_cache(maxsize=262144)
def normalise_phone(value: object) -> Phone | None:
    """Mainland mobiles and landlines, Hong Kong (+852) and Macao (+853), via libphonenumber (``phonenumbers``).

    The everyday case, a mainland mobile, is checked against libphonenumber's mobile pattern directly (fifty times
    faster than a full parse, same verdict); anything else goes through ``phonenumbers.parse``.
    """
    text = clean_text(value)
    if text is None:
        return None
    compact = re.sub(r"[\s\-()（）.]", "", text)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    mobile = _CN_MOBILE_WRITTEN.match(compact)
    if mobile and CN_MOBILE.fullmatch(mobile.group(1)):
        return Phone("+86" + mobile.group(1), True, mobile.group(1))
    digits = re.sub(r"\D", "", compact)
    if not digits:
        return Phone(text, False, "")
    try:
        parsed = phonenumbers.parse(compact, "CN")
    except phonenumbers.NumberParseException:
        return Phone(digits, False, digits)
    if phonenumbers.is_valid_number(parsed) and parsed.country_code in (86, 852, 853):
        e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
        return Phone(e164, True, str(parsed.national_number))
    return Phone(digits, False, digits)


def mask_phone(national: str | None) -> str | None:
    """First 3 and last 4 digits of the national number kept (``138****8000``)."""
    if not national:
        return None
    if len(national) <= 7:
        return "*" * len(national)
    return national[:3] + "*" * (len(national) - 7) + national[-4:]


# Eleven digits or more in free text, single spaces or dashes between them allowed (``138 1234 5678``,
# ``360926-19900101-1234``): a mobile or an ID number typed into the wrong cell (a date, a serial or a landline without
# its area code is shorter). RE2 and Python read it alike; full-width digits count.
_NUMBER_GAP = "[ \\-‐－]"
LONG_NUMBER = f"[0-9０-９](?:{_NUMBER_GAP}?[0-9０-９]){{10,}}[Xx]?"
_LONG_NUMBER = re.compile(LONG_NUMBER)
_NUMBER_GAPS = re.compile(_NUMBER_GAP)


def mask_long_numbers(text: str | None) -> str | None:
    """Free text with each ``LONG_NUMBER`` masked as a phone is (its gaps closed, first 3 and last 4 kept): a clerk
    still finds the cell, and no ID number or mobile can be read back from it."""
    if not text:
        return text
    return _LONG_NUMBER.sub(lambda found: mask_phone(_NUMBER_GAPS.sub("", found[0])), text)


# --- Destination, status, gender, branch ------------------------------------------------------------------------

_PROVINCE_PREFIX = re.compile(r"^(?:[^省]{2,3}省|[^区]{2,8}自治区)")


@lru_cache(maxsize=65536)
def resolve_destination(value: object) -> reference.City | None:
    """The prefecture-level city named in free text (``广东省深圳市南山区科技园`` -> 深圳市), leftmost and longest."""
    text = clean_text(value)
    if text is None:
        return None
    text = re.sub(r"\s+", "", text)
    names, cities = reference.city_names(), reference.cities()
    stripped = _PROVINCE_PREFIX.sub("", text)
    for candidate in (stripped, text) if stripped != text else (text,):
        longest = max(len(name) for name in names)
        for start in range(len(candidate)):
            for length in range(min(longest, len(candidate) - start), 1, -1):
                code = names.get(candidate[start : start + length])
                if code:
                    return cities[code]
    return None


def is_lost_status(value: object) -> bool:
    """Whether a contact status means lost (``失联``, ``失去联系``, ``联系不上``, ``lost``), read as written."""
    text = clean_text(value)
    return text is not None and reference.status_key(text) in reference.lost_contact_statuses()


def normalise_gender(value: object) -> str | None:
    text = clean_text(value)
    if text is None:
        return None
    folded = text.lower()
    if folded in ("男", "m", "male", "男性"):
        return "男"
    if folded in ("女", "f", "female", "女性"):
        return "女"
    return text


_TRAILING_DATE = re.compile(
    r"[\s_\-－—.]*(?:[（(【\[]\s*)?"
    r"(?:\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?(?:份)?|\d{4}[-_.]?\d{1,2}(?:[-_.]?\d{1,2})?)"
    r"(?:\s*[）)】\]])?\s*$"
)


def branch_from_file_name(stem: str) -> str:
    """Branch name from a file name without extension, minus a trailing date (``_2026-11``, ``（2026年11月）``)."""
    text = unicodedata.normalize("NFKC", stem).strip()
    previous = None
    while previous != text:
        previous = text
        text = _TRAILING_DATE.sub("", text).strip()
    return text or stem
