"""Both sides of every member: the GBA committees' rosters merged, and every member's category recomputed.

``merge_gba`` applies the run's GBA branch snapshots to ``core.gba_placement`` (``sql/merge_gba_snapshot.sql``),
before the county snapshot; ``recompute_categories`` puts each member on either side in one category
(``sql/reconcile_categories.sql``) from what the warehouse holds, after the county snapshot and before the flags,
which read it (``not_placed_in_gba``, ``destination_outdated``). ``known_members`` answers the ingest's question for
a broken ID on a county ledger: which of its candidates is a member already known, and by what name.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from roster_recon import reference, warehouse


def merge_gba(connection, run_id: str, as_of: dt.date) -> dict[str, int]:
    """Apply the run's staged GBA rosters on a psycopg2 connection inside the merge transaction."""
    with connection.cursor() as cursor:
        cursor.execute(warehouse.sql("merge_gba_snapshot"), {"run_id": run_id, "as_of": as_of})
        cursor.execute("SELECT (SELECT count(*) FROM gba_snapshot), (SELECT count(*) FROM gba_branch_file)")
        rows, branches = cursor.fetchone()
    return {"gba_snapshot_rows": rows, "gba_branches_refreshed": branches}


def recompute_categories(connection, run_id: str, as_of: dt.date) -> dict[str, int]:
    """Every member's category as of ``as_of``; returns the open categories' counts (``category_<name>``).

    A run that loaded no roster and finds no evidence newly on or before its date (``sql/reconcile_needed.sql``)
    cannot change any category: it skips the recomputation (the idle day's work is what the date moved).
    """
    with connection.cursor() as cursor:
        params = {"run_id": run_id, "as_of": as_of, "municipal": reference.MUNICIPAL_COMMITTEE_CODE}
        cursor.execute(warehouse.sql("reconcile_needed"), params)
        if cursor.fetchone()[0]:
            cursor.execute(warehouse.sql("reconcile_categories"), params)
        cursor.execute(
            "SELECT category, count(*) FROM core.gba_reconciliation WHERE closed_on IS NULL GROUP BY category"
        )
        return {f"category_{category}": count for category, count in cursor.fetchall()}


def known_members(engine: sa.Engine, keys: list[bytes], county_code: str | None = None) -> dict[bytes, set[str]]:
    """Of ``keys``, those of members currently on a ledger (of ``county_code`` only, when given), with the names
    they are listed under. A county's suggestions stay within its own members: positions to check for another
    county's member would, with the clerk's own number, disclose that member's ID."""
    if not keys:
        return {}
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(warehouse.sql("reconcile_known_members")), {"k": keys, "county": county_code}
        ).all()
    found: dict[bytes, set[str]] = {}
    for key, name in rows:
        found.setdefault(bytes(key), set()).add(name)
    return found
