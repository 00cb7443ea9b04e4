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
    """Record the key's fingerprint on first use; afterwards refuse any other key (``KeyMismatchError``)."""
    mine = fingerprint(secret)
    connection.execute(
        sa.text("INSERT INTO audit.key_fingerprint (fingerprint) VALUES (:mine) ON CONFLICT (singleton) DO NOTHING"),
        {"mine": mine},
    )
    recorded = connection.execute(sa.text("SELECT fingerprint FROM audit.key_fingerprint")).scalar_one()
    if recorded != mine:
        raise KeyMismatchError(
            "the Airflow Variable roster_pii_secret on this worker is not the key this warehouse was built with"
            f" (fingerprint {mine[:12]}…, the warehouse's {recorded[:12]}…): nothing was written. Set the same secret"
            " on every worker; a key is never changed on a warehouse that holds members (their keys would change)."
        )
