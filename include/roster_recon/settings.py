"""What one run needs to know, gathered once by the DAG from Airflow Variables and the run's logical date."""

from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from roster_recon.errors import RunCannotProceed

DEMO_PII_SECRET = b"roster-recon-demo-secret-not-for-production"
DEFAULT_LOST_CONTACT_MONTHS = 6
DEFAULT_SETTLE_SECONDS = 60.0
DEFAULT_MAX_REJECT_SHARE = 0.5
DEFAULT_MAX_FILE_MB = 50.0
DEFAULT_STALE_DAYS = 35  # roster_recon.warehouse.stale: a county silent this many days is named, and the team told once
MIN_SECRET_BYTES = 32
# What .env.example ships: a deployment that copied it without filling it in must not start.
PLACEHOLDER_SECRETS = frozenset({"change-me-to-64-random-characters", "change-me"})
PLACEHOLDER_PREFIX = "change-me"  # every placeholder of .env.example starts so
# The deployment's secrets as the Airflow services see them (docker-compose.yaml maps .env onto these names).
DEPLOYMENT_SECRETS = (
    "AIRFLOW__API_AUTH__JWT_SECRET",
    "AIRFLOW__CORE__FERNET_KEY",
    "_AIRFLOW_WWW_USER_PASSWORD",
    "AIRFLOW_VAR_ROSTER_PII_SECRET",
    "AIRFLOW_CONN_ROSTER_WAREHOUSE",
    "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN",  # the metadata database's password (AIRFLOW_DB_PASSWORD)
    "AIRFLOW__CELERY__RESULT_BACKEND",
)

log = logging.getLogger(__name__)


class SettingsError(RunCannotProceed, ValueError):
    """A setting is missing or wrong; the message names the Airflow Variable to set."""


@dataclass(frozen=True)
class RunSettings:
    run_id: str
    as_of: dt.date
    drop_root: Path
    data_dir: Path
    pii_secret: bytes
    warehouse_url: str | None = None
    lost_contact_months: int = DEFAULT_LOST_CONTACT_MONTHS
    settle_seconds: float = DEFAULT_SETTLE_SECONDS
    max_reject_share: float = DEFAULT_MAX_REJECT_SHARE
    max_file_mb: float = DEFAULT_MAX_FILE_MB
    stale_days: int = DEFAULT_STALE_DAYS

    def __repr__(self) -> str:  # never print the secret or the warehouse password
        return f"RunSettings(run_id={self.run_id!r}, as_of={self.as_of}, drop_root={self.drop_root})"


def default_data_dir() -> Path:
    """``ROSTER_DATA_DIR`` or ``./.data``: the embedded warehouse, Data Docs, reports."""
    return Path(os.environ.get("ROSTER_DATA_DIR") or Path.cwd() / ".data").resolve()


def _pii_secret(pii_secret: str | None, demo_mode: bool) -> bytes:
    """The HMAC key for member keys: long and not a placeholder, except in demo mode (where it is public)."""
    if not pii_secret:
        if demo_mode:
            log.warning("demo mode: member keys use the public demo secret; never use demo mode for real rosters")
            return DEMO_PII_SECRET
        raise SettingsError("set the Airflow Variable roster_pii_secret (a long random string, kept secret)")
    secret = pii_secret.encode("utf-8")
    if demo_mode:
        if secret == DEMO_PII_SECRET:
            log.warning("demo mode: member keys use the public demo secret; never use demo mode for real rosters")
        return secret
    if pii_secret.strip() in PLACEHOLDER_SECRETS or secret == DEMO_PII_SECRET:
        raise SettingsError(
            "the Airflow Variable roster_pii_secret is still the placeholder of .env.example or the public demo"
            " secret: set a long random string of your own (python -c 'import secrets; print(secrets.token_hex(32))')"
        )
    if len(secret) < MIN_SECRET_BYTES:
        raise SettingsError(
            f"the Airflow Variable roster_pii_secret is {len(secret)} bytes; it must be at least {MIN_SECRET_BYTES}"
            " (python -c 'import secrets; print(secrets.token_hex(32))')"
        )
    return secret


def placeholder_secrets(environ: dict[str, str]) -> list[str]:
    """The deployment's secrets still holding a placeholder of ``.env.example`` (``change-me…``, also inside the
    warehouse connection's URL)."""
    return [name for name in DEPLOYMENT_SECRETS if PLACEHOLDER_PREFIX in environ.get(name, "")]


def refuse_placeholder_secrets(environ: dict[str, str] | None = None) -> None:
    """Stop a deployment that copied ``.env.example`` without filling it in (``SettingsError`` naming the settings).

    docker compose's ``airflow-init`` runs this before it migrates anything (``python -m roster_recon.settings``),
    and every run checks again, so a JWT secret anyone can read in this repository never signs a token.
    """
    found = placeholder_secrets(dict(os.environ) if environ is None else environ)
    if found:
        raise SettingsError(
            f"{', '.join(found)} still hold the placeholder of .env.example: set each to a long random value"
            " in .env (openssl rand -base64 32) and start again"
        )


def build_settings(
    *,
    run_id: str,
    as_of: dt.date,
    drop_root: str | None,
    pii_secret: str | None,
    demo_mode: bool,
    warehouse_url: str | None,
    lost_contact_months: str | int | None = None,
    settle_seconds: str | float | None = None,
    max_reject_share: str | float | None = None,
    max_file_mb: str | float | None = None,
    stale_days: str | int | None = None,
    data_dir: Path | None = None,
) -> RunSettings:
    """Check and convert raw Variable values into ``RunSettings``, with an actionable message when one is wrong."""
    if not demo_mode:
        refuse_placeholder_secrets()
    if not drop_root:
        raise SettingsError("set the Airflow Variable roster_drop_root to the folder that holds the county folders")
    secret = _pii_secret(pii_secret, demo_mode)
    if warehouse_url is not None and demo_mode:
        raise SettingsError(
            "demo mode (Variable roster_demo_mode=true) keys members with a public secret and runs only on the embedded"
            " PostgreSQL under the data directory: unset the connection roster_warehouse, or turn demo mode off and"
            " set roster_pii_secret"
        )
    if warehouse_url is None and not demo_mode:
        raise SettingsError(
            "set the Airflow connection roster_warehouse (env AIRFLOW_CONN_ROSTER_WAREHOUSE) to the warehouse;"
            " only demo mode (Variable roster_demo_mode=true) merges into the embedded PostgreSQL under the data"
            " directory, which nobody else reads"
        )
    try:
        months = int(lost_contact_months) if lost_contact_months not in (None, "") else DEFAULT_LOST_CONTACT_MONTHS
        settle = float(settle_seconds) if settle_seconds not in (None, "") else DEFAULT_SETTLE_SECONDS
        share = float(max_reject_share) if max_reject_share not in (None, "") else DEFAULT_MAX_REJECT_SHARE
        file_mb = float(max_file_mb) if max_file_mb not in (None, "") else DEFAULT_MAX_FILE_MB
        stale = int(stale_days) if stale_days not in (None, "") else DEFAULT_STALE_DAYS
    except ValueError as error:
        raise SettingsError(f"a roster_* Variable is not a number: {error}") from error
    if months < 1 or settle < 0 or not 0 < share <= 1 or file_mb <= 0 or stale < 1:
        raise SettingsError(
            "roster_lost_contact_months must be >= 1, roster_settle_seconds >= 0, roster_max_reject_share in (0, 1],"
            " roster_max_file_mb > 0, roster_stale_days >= 1"
        )
    return RunSettings(
        run_id=run_id,
        as_of=as_of,
        drop_root=Path(drop_root),
        data_dir=data_dir or default_data_dir(),
        pii_secret=secret,
        warehouse_url=warehouse_url,
        lost_contact_months=months,
        settle_seconds=settle,
        max_reject_share=share,
        max_file_mb=file_mb,
        stale_days=stale,
    )


if __name__ == "__main__":  # docker compose's airflow-init: refuse to start on .env.example's placeholders
    import sys

    try:
        refuse_placeholder_secrets()
    except SettingsError as error:
        sys.exit(f"roster_recon: {error}")
