"""Flags: the contract's flags recomputed for every current roster entry against the as-of date.

The rules are ``sql/wanted_flags.sql``, over three inputs (``sql/flag_inputs_current.sql``: the current entries,
both sides' open categories, each member's latest evidence of contact); ``sql/recompute_flags.sql`` applies them.
The replay of a past date (``warehouse.replay``) runs the same rules over the inputs as of that date. Lost contact is
"more than N calendar months" as the contract defines it: ``latest evidence + N months < as_of``, where adding
months keeps the day or falls back to the month's last day (PostgreSQL's ``date + interval 'N months'``;
``months_after`` here). So Aug 31 + 6 months is Feb 28 (29 in a leap
year): exactly N months is not lost, one day more is.

A run that loaded no file computes only what the date moved (``sql/flag_scoped_since.sql``, ``sql/flag_scope.sql``):
the members whose latest contact or outflow date crossed a line of the rules since the last merged run's date, whose
evidence came due, or whose category changed; the others' flags are what that run left. After rules that changed
(``RULES``, recorded per run) or another number of months, every entry is computed again.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib

from roster_recon import timing, warehouse

# What the flags are computed by (with the warehouse's schema revision): a run's flags under other rules are not reused.
RULES = hashlib.sha256(
    "".join(warehouse.sql(name) for name in ("flag_inputs_current", "wanted_flags", "recompute_flags")).encode()
).hexdigest()


def months_after(day: dt.date, months: int) -> dt.date:
    """``day`` plus calendar months, clamped to the end of a shorter month (as PostgreSQL adds intervals)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def is_lost_contact(last_contact: dt.date | None, as_of: dt.date, months: int) -> bool:
    """The reference rule the SQL implements: more than ``months`` calendar months since the last contact."""
    return last_contact is not None and months_after(last_contact, months) < as_of


def recompute_flags(
    connection, as_of: dt.date, lost_contact_months: int, run_id: str, every_entry: bool = False
) -> dict[str, int]:
    """Raise, close and keep flags on a psycopg2 connection inside the merge transaction; returns what this run
    raised and closed, how many are open, and how many members were computed (``flags_scope``: -1 for every entry,
    as ``every_entry`` asks, and as a run that loaded files or follows other rules does)."""
    params = {"as_of": as_of, "lost_contact_months": lost_contact_months, "run_id": run_id}
    with connection.cursor() as cursor:
        # The rules and the schema they read: a migration (a data fix among them) makes the next run compute all.
        cursor.execute("SELECT version_num FROM audit.alembic_version")
        params["rules"] = hashlib.sha256(f"{RULES} {cursor.fetchone()[0]}".encode()).hexdigest()
        with timing.step("flags", "scope"):
            # Outside a merge (no evidence_touched: the evidence that came due is not known) every entry is computed.
            scopable = not every_entry and _exists(cursor, "evidence_touched")
            since = _scoped_since(cursor, params) if scopable else None
            params.update(scoped=since is not None, since=since)
            scope = _scope(cursor, params)
        with timing.step("flags", "wanted"):
            cursor.execute(warehouse.sql("flag_inputs_current"), params)
            cursor.execute(warehouse.sql("wanted_flags"), params)
        with timing.step("flags", "apply"):
            cursor.execute(warehouse.sql("recompute_flags"), params)
        # What these flags were computed with, as the next run's flag_scoped_since.sql compares it.
        cursor.execute(
            "UPDATE audit.run SET flag_rules = %(rules)s, lost_contact_months = %(lost_contact_months)s"
            " WHERE run_id = %(run_id)s",
            params,
        )
        cursor.execute(warehouse.sql("flag_recompute_flags"), params)
        raised, closed, open_flags = cursor.fetchone()
    return {"flags_raised": raised, "flags_closed": closed, "flags_open": open_flags, "flags_scope": scope}


def _scoped_since(cursor, params: dict) -> dt.date | None:
    cursor.execute(warehouse.sql("flag_scoped_since"), params)
    row = cursor.fetchone()
    return row[0] if row else None


def _scope(cursor, params: dict) -> int:
    """The members to compute (temp table ``flag_scope``, empty when every entry is); how many, or -1 for all."""
    cursor.execute("DROP TABLE IF EXISTS pg_temp.flag_scope")
    if not params["scoped"]:
        cursor.execute(
            "CREATE TEMP TABLE flag_scope ON COMMIT DROP AS SELECT member_key FROM core.member_contact LIMIT 0"
        )
        return -1
    cursor.execute(warehouse.sql("flag_scope"), params)
    cursor.execute("INSERT INTO flag_scope SELECT member_key FROM evidence_touched")
    cursor.execute("ANALYZE flag_scope; SELECT count(DISTINCT member_key) FROM flag_scope")
    return cursor.fetchone()[0]


def _exists(cursor, temp_table: str) -> bool:
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", (f"pg_temp.{temp_table}",))
    return cursor.fetchone()[0]
