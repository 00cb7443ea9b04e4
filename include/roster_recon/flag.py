"""Flags: the contract's six flags recomputed for every current member against the as-of date.

The SQL is ``sql/recompute_flags.sql``: lost contact uses calendar-month arithmetic (PostgreSQL's
``date - interval 'N months'``), so exactly N months is not lost and one day more is.
"""

from __future__ import annotations

import datetime as dt

from roster_recon import warehouse


def recompute_flags(connection, as_of: dt.date, lost_contact_months: int) -> dict[str, int]:
    """Raise, close and keep flags on a psycopg2 connection inside the merge transaction; returns counts."""
    with connection.cursor() as cursor:
        cursor.execute(warehouse.sql("recompute_flags"), {"as_of": as_of, "lost_contact_months": lost_contact_months})
        cursor.execute(
            "SELECT count(*) FILTER (WHERE raised_on = %(as_of)s AND closed_on IS NULL),"
            " count(*) FILTER (WHERE closed_on = %(as_of)s), count(*) FILTER (WHERE closed_on IS NULL)"
            " FROM core.member_flag",
            {"as_of": as_of},
        )
        raised, closed, open_flags = cursor.fetchone()
    return {"flags_raised": raised, "flags_closed": closed, "flags_open": open_flags}
