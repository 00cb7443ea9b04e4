"""Demo data: the members' own reports through the 红帆 system's QR code (码上报), as its exports arrive.

Each month about 60 % of the members (on a ledger or only on a GBA roster) report once or twice, at a time in the 30
days before the month's as-of date. Two exports cover the month and overlap by three days, so a report in the overlap
arrives twice (and must count once). A few members (``DRIFT_SHARE``) report a city other than their ledger's: they
moved and the ledger was not updated. About 1 % of reports carry an ID number that matches no member (people from
elsewhere who scanned the code); one report in the second export has no ID number at all (a row to reject).

``evidence`` gives, per ID number, what the pipeline must count: the day of each report and its city.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

from roster_recon.demo.people import ELSEWHERE, GBA, Member
from roster_recon.intake.normalise import check_character

REPORT_SHARE = 0.6
SECOND_REPORT_SHARE = 0.4
DRIFT_SHARE = 0.03
UNMATCHED_SHARE = 0.01
WINDOW_DAYS = 30
EXPORTS = ((0, 17), (14, 30))  # days of the window each export covers: they overlap by three days
FOLDER = "self-reports"
HEADERS = {
    "reported_at": "上报时间",
    "name": "姓名",
    "id_number": "身份证号码",
    "city": "现居城市",
    "address": "详细地址",
    "phone": "联系电话",
    "employer": "工作单位",
}


@dataclass(frozen=True)
class Report:
    id_number: str | None
    name: str
    at: dt.datetime  # Asia/Shanghai, naive
    city_code: str
    city_text: str
    phone: str | None
    employer: str | None


def true_city(member: Member, seed: int) -> str:
    """Where the member really is: their ledger's city, unless they drifted elsewhere (stable per member)."""
    rng = random.Random(f"{seed}:{member.id_number}:drift")
    if rng.random() >= DRIFT_SHARE:
        return member.city_code
    return rng.choice(sorted(code for code in (*GBA, *ELSEWHERE) if code != member.city_code))


def _place_text(city_code: str, rng: random.Random) -> str:
    options = GBA[city_code][0] if city_code in GBA else ELSEWHERE[city_code]
    return rng.choice(options)


def reports_for(people: list[Member], seed: int, as_of: dt.date) -> list[Report]:
    """The month's reports (ending the day before ``as_of``), a member's in time order, then the unmatched ones."""
    start = dt.datetime.combine(as_of - dt.timedelta(days=WINDOW_DAYS), dt.time())
    seconds = (WINDOW_DAYS - 1) * 86400
    reports: list[Report] = []
    seen: set[str] = set()
    for member in people:
        if member.id_number in seen:
            continue
        seen.add(member.id_number)
        rng = random.Random(f"{seed}:{member.id_number}:{as_of}:report")
        if rng.random() >= REPORT_SHARE:
            continue
        count = 2 if rng.random() < SECOND_REPORT_SHARE else 1
        city = true_city(member, seed)
        for at in sorted(start + dt.timedelta(seconds=rng.randrange(seconds)) for _ in range(count)):
            place = _place_text(city, rng)
            reports.append(Report(member.id_number, member.name, at, city, place, member.phone, member.industry))
    rng = random.Random(f"{seed}:{as_of}:unmatched")
    for serial in range(round(len(reports) * UNMATCHED_SHARE)):
        # Born in Guangzhou (440106): no Yichun member's number starts so.
        first17 = f"440106{dt.date(1980, 1, 1) + dt.timedelta(days=rng.randrange(8000)):%Y%m%d}{serial % 1000:03d}"
        city = rng.choice(sorted(GBA))
        at = start + dt.timedelta(seconds=rng.randrange(seconds))
        reports.append(Report(first17 + check_character(first17), "访客", at, city, _place_text(city, rng), None, None))
    return reports


def write_exports(drop_root: Path, reports: list[Report], as_of: dt.date) -> dict[str, dict]:
    """The month's two exports (xlsx, then UTF-8 CSV) under ``<drop_root>/self-reports/``; their ground truth. The
    second holds one scan more whose ID never came through (a row to reject)."""
    from roster_recon.demo.generate import write_window_exports

    dated = [(r.at.date(), _cells(r)) for r in sorted(reports, key=lambda r: r.at)]
    window = (as_of - dt.timedelta(days=WINDOW_DAYS), EXPORTS)
    return write_window_exports(
        drop_root / FOLDER, dated, HEADERS, window, {"id_number": None}, "csv_utf8_bom", "码上报导出"
    )


def _cells(report: Report) -> dict:
    return {
        "reported_at": report.at.strftime("%Y-%m-%d %H:%M:%S"),
        "name": report.name,
        "id_number": report.id_number,
        "city": report.city_text,
        "address": report.city_text,
        "phone": report.phone,
        "employer": report.employer,
    }
