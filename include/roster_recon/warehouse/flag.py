"""Flags: the contract's flags recomputed for every current roster entry against the as-of date.

The rules are ``sql/wanted_flags.sql``, over three inputs (``sql/flag_inputs_current.sql``: the current entries,
both sides' open categories, each member's latest evidence of contact); ``sql/recompute_flags.sql`` applies them.
The replay of a past date (``warehouse.replay``) runs the same rules over the inputs as of that date. Lost contact is
"more than N calendar months" as the contract defines it: ``latest evidence + N months < as_of``, where adding
months keeps the day or falls back to the month's last day (PostgreSQL's ``date + interval 'N months'``;
``months_after`` here). So Aug 31 + 6 months is Feb 28 (29 in a leap
year): exactly N months is not lost, one day more is.
"""

from __future__ import annotations

import calendar
import datetime as dt

from roster_recon import timing, warehouse


def months_after(day: dt.date, months: int) -> dt.date:
    """``day`` plus calendar months, clamped to the end of a shorter month (as PostgreSQL adds intervals)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def is_lost_contact(last_contact: dt.date | None, as_of: dt.date, months: int) -> bool:
    """The reference rule the SQL implements: more than ``months`` calendar months since the last contact."""
    return last_contact is not None and months_after(last_contact, months) < as_of


def recompute_flags(connection, as_of: dt.date, lost_contact_months: int, run_id: str) -> dict[str, int]:
    """Raise, close and keep flags on a psycopg2 connection inside the merge transaction; returns what this run
    raised and closed, and how many are open."""
    params = {"as_of": as_of, "lost_contact_months": lost_contact_months, "run_id": run_id}
    with connection.cursor() as cursor:
        with timing.step("flags", "wanted"):
            cursor.execute(warehouse.sql("flag_inputs_current"), params)
            cursor.execute(warehouse.sql("wanted_flags"), params)
        with timing.step("flags", "apply"):
            cursor.execute(warehouse.sql("recompute_flags"), params)
        cursor.execute(
            warehouse.sql("flag_recompute_flags"),
            params,
        )
        raised, closed, open_flags = cursor.fetchone()
    return {"flags_raised": raised, "flags_closed": closed, "flags_open": open_flags}
