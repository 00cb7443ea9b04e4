"""The demo's ground truth: what the pipeline must conclude from the generated month, worked out from the generated
people (what each member is, not what the files say), with the pipeline's member key and lost-contact rule.

``generate.py`` writes it to ``ground_truth_month<N>.json``: per roster entry, the member key (HMAC with the demo
secret, never the ID) and the flags the warehouse must hold.
"""

from __future__ import annotations

import datetime as dt

from roster_recon.demo import self_reports
from roster_recon.demo.people import Member
from roster_recon.intake.stage import member_key
from roster_recon.warehouse.flag import is_lost_contact, months_after

LEDGER_REJECTED = {"bad_check_char", "excel_damaged_id", "missing_name"}  # defects whose ledger row is rejected
HOME_SIDE_FLAGS = {"not_placed": "not_placed_in_gba", "city_differs": "destination_outdated"}


def ground_truth(
    entries,
    as_of: dt.date,
    secret: bytes,
    evidence: Evidence,
    home_flags: dict[tuple, str] | None = None,
    destination_since=lambda _key, _member: None,
) -> list[dict]:
    """The flags of every ledger entry the warehouse must hold; ``home_flags`` adds the two-sided flag of the entry a
    member is reconciled by ((ID, county, branch) -> flag); ``destination_since((ID, county, branch), member)`` is
    the day the entry's ledger began to state its destination city (a newer self-report naming another city makes
    it out of date)."""
    home_flags = home_flags or {}
    truth = []
    counts: dict[str, int] = {}
    valid = {}
    for (county, branch), members in entries.items():
        for member, _, _ in members:
            if LEDGER_REJECTED & member.defects:
                continue
            valid.setdefault(member.id_number, []).append((county, branch, member))
            counts[member.id_number] = counts.get(member.id_number, 0) + 1
    for id_number, places in valid.items():
        for county, branch, member in places:
            flags = set(_expected_flags(member, as_of, evidence.latest(id_number, as_of)))
            if counts[id_number] > 1:
                flags.add("duplicate_enrollment")
            if (id_number, county, branch) in home_flags:
                flags.add(home_flags[(id_number, county, branch)])
            report = evidence.latest_report(id_number, as_of)
            since = destination_since((id_number, county, branch), member)
            city = ledger_city(member)
            if report and city and report.city_code != city and since and report.at.date() > since:
                flags.add("destination_outdated")
            truth.append(
                {
                    "member_key": member_key(id_number, secret).hex(),
                    "county_code": county,
                    "branch": branch,
                    "flags": sorted(flags),
                }
            )
    return truth


def _expected_flags(member: Member, as_of: dt.date, latest: dt.date | None, months: int = 6) -> list[str]:
    """The flags of one ledger entry; ``latest`` is the member's latest evidence of contact from any source."""
    flags = []
    if member.outflow_date is None or member.outflow_date > as_of:
        flags.append("missing_outflow_time")
    if not member.destination:
        flags.append("missing_destination")
    if member.phone is None or "invalid_phone" in member.defects:
        flags.append("missing_contact")
    if not member.industry:
        flags.append("missing_industry")
    if member.status != "正常" or is_lost_contact(latest, as_of, months):
        flags.append("lost_contact")
    if latest is None and member.outflow_date is not None and months_after(member.outflow_date, months) < as_of:
        flags.append("no_contact_record")
    return flags


class Evidence:
    """What the pipeline must count as contact, per ID number: days from every source, and the self-reports."""

    def __init__(self):
        self.days: dict[str, list[dt.date]] = {}
        self.reports: dict[str, list[self_reports.Report]] = {}

    def add_ledger(self, entries: dict) -> None:
        """The last-contact dates of the ledger rows the pipeline accepts."""
        for members in entries.values():
            for member, _, _ in members:
                if not LEDGER_REJECTED & member.defects and member.last_contact is not None:
                    self.days.setdefault(member.id_number, []).append(member.last_contact)

    def add_days(self, days: dict[str, list[dt.date]]) -> None:
        for id_number, found in days.items():
            self.days.setdefault(id_number, []).extend(found)

    def add_reports(self, reports: list[self_reports.Report]) -> None:
        for report in reports:
            if report.id_number:
                self.days.setdefault(report.id_number, []).append(report.at.date())
                self.reports.setdefault(report.id_number, []).append(report)

    def latest(self, id_number: str, as_of: dt.date) -> dt.date | None:
        return max((day for day in self.days.get(id_number, []) if day <= as_of), default=None)

    def latest_report(self, id_number: str, as_of: dt.date) -> self_reports.Report | None:
        known = (report for report in self.reports.get(id_number, []) if report.at.date() <= as_of)
        return max(known, key=lambda report: report.at, default=None)


def ledger_city(member: Member) -> str | None:
    """The city the ledger row's destination names (none when the destination is missing)."""
    return member.city_code if member.destination else None
