"""Stale counties: a county that has sent nothing for ``roster_stale_days`` days (35 by default).

Silence is counted in run dates (as-of, Shanghai): from the as-of date of the run that received the county's newest
file, whatever became of the file (a rejected roster still shows the county is sending), or, for a county that never
sent one, from the as-of date of the warehouse's first run. Every report names the stale counties; the data team is
told once per spell (``audit.stale_notice``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

import sqlalchemy as sa

from roster_recon import warehouse


@dataclass(frozen=True)
class StaleCounty:
    county_code: str
    county_name: str
    silent_since: dt.date
    days_silent: int
    never_sent: bool

    def as_dict(self) -> dict:
        """JSON-safe (for XCom); ``from_dict`` turns it back."""
        return {**asdict(self), "silent_since": self.silent_since.isoformat()}

    @classmethod
    def from_dict(cls, values: dict) -> StaleCounty:
        return cls(**{**values, "silent_since": dt.date.fromisoformat(values["silent_since"])})

    @property
    def since(self) -> str:
        return "never sent a roster" if self.never_sent else f"last file received {self.silent_since}"

    def describe(self) -> str:
        return f"{self.county_code} {self.county_name}: nothing for {self.days_silent} days ({self.since})"


def stale_counties(connection, as_of: dt.date, stale_days: int) -> list[StaleCounty]:
    """Counties silent for ``stale_days`` days or more as of ``as_of``, the longest silent first."""
    stale = []
    for row in connection.execute(sa.text(warehouse.sql("stale_counties"))).mappings():
        if row["silent_since"] is None:  # no run has started yet
            continue
        days = (as_of - row["silent_since"]).days
        if days >= stale_days:
            stale.append(
                StaleCounty(
                    row["county_code"], row["county_name"], row["silent_since"], days, row["last_as_of"] is None
                )
            )
    return sorted(stale, key=lambda county: (-county.days_silent, county.county_code))


def not_yet_noticed(connection, stale: list[StaleCounty]) -> list[StaleCounty]:
    """The stale counties whose spell of silence nobody has been told about."""
    noticed = {
        (row.county_code, row.silent_since)
        for row in connection.execute(sa.text("SELECT county_code, silent_since FROM audit.stale_notice"))
    }
    return [county for county in stale if (county.county_code, county.silent_since) not in noticed]


def record_notices(connection, run_id: str, as_of: dt.date, counties: list[StaleCounty]) -> None:
    """Remember that the data team was told about these spells (after the notifier has told them)."""
    if counties:
        connection.execute(
            sa.text(warehouse.sql("stale_record_notices")),
            [
                {"county_code": c.county_code, "silent_since": c.silent_since, "as_of": as_of, "run_id": run_id}
                for c in counties
            ],
        )
