"""The member-key secret's fingerprint (``audit.key_fingerprint``): one key per warehouse, for ever.

Members are keyed by an HMAC of their ID number under ``roster_pii_secret``. A rotated, mistyped or per-host secret
would key the same people anew: every member would leave and join again, and duplicate enrolments would vanish. So
the warehouse records a fingerprint of the key it was built with (an HMAC of a fixed label: it says nothing of the
key or of any ID number), and a task whose key gives another fingerprint stops before it writes anything.
"""

from __future__ import annotations

import hashlib
import hmac

import sqlalchemy as sa

from roster_recon.errors import RunCannotProceed

FINGERPRINT_LABEL = b"roster_recon member key fingerprint v1"


class KeyMismatchError(RunCannotProceed):
    """This worker's member-key secret is not the one the warehouse was built with."""


def fingerprint(secret: bytes) -> str:
    return hmac.new(secret, FINGERPRINT_LABEL, hashlib.sha256).hexdigest()


def check_key(connection: sa.Connection, secret: bytes) -> None:
    """Record the key's fingerprint on an empty warehouse's first use; afterwards refuse any other key.

    A warehouse that holds members but no fingerprint (loaded before fingerprints were kept) adopts no key by itself:
    the first run after the upgrade could be the one with the mistyped key. ``adopt`` records it, once, by hand.
    """
    mine = fingerprint(secret)
    recorded = connection.execute(sa.text("SELECT fingerprint FROM audit.key_fingerprint")).scalar()
    if recorded is None:
        if connection.execute(sa.text("SELECT EXISTS (SELECT 1 FROM core.member)")).scalar():
            raise KeyMismatchError(
                "this warehouse holds members keyed before the key's fingerprint was kept: nothing was written."
                " Confirm that roster_pii_secret is the key they were made with, then record it once:"
                " python -m roster_recon.warehouse.keys adopt (with AIRFLOW_CONN_ROSTER_WAREHOUSE and"
                " AIRFLOW_VAR_ROSTER_PII_SECRET set as on the workers)"
            )
        recorded = adopt(connection, secret)
    if recorded != mine:
        raise KeyMismatchError(
            "the Airflow Variable roster_pii_secret on this worker is not the key this warehouse was built with"
            f" (fingerprint {mine[:12]}…, the warehouse's {recorded[:12]}…): nothing was written. Set the same secret"
            " on every worker; a key is never changed on a warehouse that holds members (their keys would change)."
        )


def adopt(connection: sa.Connection, secret: bytes) -> str:
    """Record ``secret``'s fingerprint unless one is recorded; returns the fingerprint the warehouse holds."""
    connection.execute(
        sa.text("INSERT INTO audit.key_fingerprint (fingerprint) VALUES (:mine) ON CONFLICT (singleton) DO NOTHING"),
        {"mine": fingerprint(secret)},
    )
    return connection.execute(sa.text("SELECT fingerprint FROM audit.key_fingerprint")).scalar_one()


if __name__ == "__main__":  # python -m roster_recon.warehouse.keys adopt
    import os
    import sys
    from pathlib import Path

    from roster_recon import warehouse

    if sys.argv[1:] != ["adopt"] or not os.environ.get("AIRFLOW_VAR_ROSTER_PII_SECRET"):
        sys.exit(
            "usage: AIRFLOW_CONN_ROSTER_WAREHOUSE=… AIRFLOW_VAR_ROSTER_PII_SECRET=…"
            " python -m roster_recon.warehouse.keys adopt"
        )
    engine = warehouse.create_engine(os.environ["AIRFLOW_CONN_ROSTER_WAREHOUSE"], Path("."))
    with engine.begin() as connection:
        held = adopt(connection, os.environ["AIRFLOW_VAR_ROSTER_PII_SECRET"].encode("utf-8"))
    print(f"the warehouse's member-key fingerprint: {held[:12]}…")
