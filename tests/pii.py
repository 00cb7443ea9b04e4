"""A leak detector for the tests: raw Chinese ID numbers (right check character) and full mainland mobiles.

Used on everything the pipeline writes outside the county folders: reports, Data Docs, validation results, task
logs. Reads every file as text, the members of xlsx/zip files too. Written independently of the package's own ID
code, so a bug there cannot hide a leak here.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"
# Bounded by anything but ASCII letters and digits: an ID or a mobile inside a hex string (a trace id such as
# ``…83b17525365561f31c…`` in a task log) is a chance match, not a leak; Chinese text around a number still counts.
ID = re.compile(r"(?<![0-9A-Za-z])[1-9][0-9]{16}[0-9Xx](?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<![0-9A-Za-z])1[3-9][0-9]{9}(?![0-9A-Za-z])")


def raw_ids(text: str) -> list[str]:
    return [
        m
        for m in ID.findall(text)
        if CHECK[sum(int(a) * w for a, w in zip(m[:17], WEIGHTS, strict=True)) % 11] == m[-1].upper()
    ]


def _texts(path: Path):
    data = path.read_bytes()
    if data[:2] == b"PK":
        try:
            with zipfile.ZipFile(path) as archive:
                for name in archive.namelist():
                    yield archive.read(name).decode("utf-8", "ignore")
            return
        except zipfile.BadZipFile:
            pass
    yield data.decode("utf-8", "ignore")


def leaks(*roots: Path, phones: bool = False, skip: tuple[Path, ...] = ()) -> dict[str, int]:
    """File -> number of raw IDs (and full mobiles, with ``phones``) found under ``roots``, minus ``skip``."""
    found = {}
    for root in roots:
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            if any(path.is_relative_to(folder) for folder in skip):
                continue
            count = 0
            for text in _texts(path):
                count += len(raw_ids(text)) + (len(MOBILE.findall(text)) if phones else 0)
            if count:
                found[str(path)] = count
    return found
