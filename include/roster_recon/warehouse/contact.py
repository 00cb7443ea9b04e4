"""Contact evidence: every source's evidence of contact kept for ever, and each member's latest (``core.contact_event``,
``core.member_contact``).

``record_evidence`` runs first in the merge transaction, while the run's staged rows of every kind are there
(``sql/contact_record_evidence.sql``, on a day with new files): ledger last-contact dates, GBA rosters' last activity
and dues month, and the members' own 码上报 reports, each piece once, with the file it came from and the as-of date
of the run that loaded it. It loads the run's self-report exports, then refreshes the latest evidence of the members
whose latest may have moved (new evidence, or evidence whose day has come since the last run), so the work follows
what changed: from what moved and each member's latest before (``sql/contact_latest_moved.sql``), never from all the
evidence a member ever had.

What "latest" means is written out in full once (``sql/contact_latest.sql``), read by the replay of a past date
(``warehouse.replay``); the replay of every run in the tests holds the run's answer equal to it.
"""

from __future__ import annotations

import datetime as dt

from roster_recon import timing, warehouse
from roster_recon.share import DUES_DIR, SELF_REPORTS_DIR


def record_evidence(connection, run_id: str, as_of: dt.date) -> dict[str, int]:
    """Record the run's evidence and refresh the latest, on a psycopg2 connection inside the merge transaction."""
    params = {"run_id": run_id, "as_of": as_of, "self_reports": SELF_REPORTS_DIR, "dues": DUES_DIR}
    with connection.cursor() as cursor:
        with timing.step("evidence", "record"):
            cursor.execute(warehouse.sql("contact_due_evidence"), params)
            cursor.execute(
                "SELECT EXISTS (SELECT 1 FROM audit.file WHERE run_id = %(run_id)s AND status = 'staged')", params
            )
            if cursor.fetchone()[0]:  # a day with no new file records nothing and reads no staging table
                cursor.execute(warehouse.sql("contact_record_evidence"), params)
            cursor.execute(
                "CREATE TEMP TABLE evidence_touched ON COMMIT DROP AS SELECT DISTINCT member_key FROM evidence_moved"
            )
            cursor.execute("SELECT count(*) FROM evidence_touched")
            touched = cursor.fetchone()[0]
            cursor.execute("ANALYZE evidence_touched; ANALYZE evidence_moved")
        with timing.step("evidence", "latest"):
            cursor.execute(warehouse.sql("contact_latest_moved"), params)
        with timing.step("evidence", "refresh"):
            cursor.execute(warehouse.sql("contact_refresh"), params)
        cursor.execute(warehouse.sql("contact_recorded"), params)
        recorded = cursor.fetchone()[0]
    return {"evidence_recorded": recorded, "evidence_members_refreshed": touched}


def count_unmatched(connection, run_id: str) -> None:
    """The self-reports matching no member, per city (``core.unmatched_self_report``), and the dues payments, per
    month (``core.unmatched_dues_payment``), after the merges have added the run's members and placements; counted
    again only when the run loaded a file."""
    with connection.cursor() as cursor:
        cursor.execute(warehouse.sql("contact_unmatched"), {"run_id": run_id})
