"""Run settings: secrets and the warehouse connection are checked before anything is read or written."""

from __future__ import annotations

import datetime as dt
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from roster_recon.errors import RunCannotProceed
from roster_recon.settings import DEMO_PII_SECRET, SettingsError, build_settings, placeholder_secrets

REAL_SECRET = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


def settings(**overrides):
    values = {
        "run_id": "r",
        "as_of": dt.date(2026, 11, 26),
        "drop_root": "/srv/share",
        "pii_secret": REAL_SECRET,
        "demo_mode": False,
        "warehouse_url": "postgresql://roster_loader@db/roster_warehouse",
    }
    values.update(overrides)
    return build_settings(**values)


def test_a_long_secret_and_a_connection_are_accepted():
    assert settings().pii_secret == REAL_SECRET.encode()


@pytest.mark.parametrize(
    ("secret", "message"),
    [
        (None, "set the Airflow Variable roster_pii_secret"),
        ("short-secret", "is 12 bytes; it must be at least 32"),
        ("change-me-to-64-random-characters", "placeholder of .env.example"),
        (DEMO_PII_SECRET.decode(), "public demo secret"),
    ],
)
def test_outside_demo_mode_a_weak_or_placeholder_secret_is_refused(secret, message):
    with pytest.raises(SettingsError, match=message):
        settings(pii_secret=secret)


def test_outside_demo_mode_a_missing_connection_is_an_error_not_an_embedded_database():
    with pytest.raises(SettingsError, match="set the Airflow connection roster_warehouse"):
        settings(warehouse_url=None)


def test_demo_mode_uses_the_demo_secret_and_says_so(caplog):
    with caplog.at_level(logging.WARNING, logger="roster_recon.settings"):
        demo = settings(pii_secret=None, demo_mode=True, warehouse_url=None)
    assert demo.pii_secret == DEMO_PII_SECRET and demo.warehouse_url is None
    assert "public demo secret" in caplog.text


def test_the_secret_never_appears_in_the_settings_repr():
    assert REAL_SECRET not in repr(settings())


def test_demo_mode_is_refused_with_any_warehouse_but_the_embedded_one():
    with pytest.raises(SettingsError, match=r"demo mode .* runs only on the embedded"):
        settings(pii_secret=None, demo_mode=True)
    assert issubclass(SettingsError, RunCannotProceed)  # the DAG fails the task at once: a retry would not help


def test_a_deployment_that_kept_env_examples_placeholders_is_refused(monkeypatch):
    example = (Path(__file__).resolve().parents[1] / ".env.example").read_text(encoding="utf-8")
    env = dict(line.split("=", 1) for line in example.splitlines() if line and not line.startswith("#"))
    compose = {  # the names docker-compose.yaml gives these values inside the Airflow services
        "AIRFLOW__API_AUTH__JWT_SECRET": env["AIRFLOW_JWT_SECRET"],
        "AIRFLOW__CORE__FERNET_KEY": env["AIRFLOW_FERNET_KEY"],
        "_AIRFLOW_WWW_USER_PASSWORD": env["_AIRFLOW_WWW_USER_PASSWORD"],
        "AIRFLOW_CONN_ROSTER_WAREHOUSE": f"postgresql://roster_loader:{env['WAREHOUSE_PASSWORD']}@warehouse:5432/w",
    }
    assert sorted(placeholder_secrets(compose)) == sorted(compose)
    for name, value in compose.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=r"AIRFLOW__API_AUTH__JWT_SECRET.*placeholder of \.env\.example"):
        settings()
    for name in compose:
        monkeypatch.setenv(name, "k7Qw9ZpX2vL0sR4tY8uI1oP3aS6dF5gH")
    assert settings().run_id == "r"
    result = subprocess.run([sys.executable, "-m", "roster_recon.settings"], env=dict(os.environ), check=False)
    assert result.returncode == 0
    result = subprocess.run(
        [sys.executable, "-m", "roster_recon.settings"],
        env={**os.environ, "_AIRFLOW_WWW_USER_PASSWORD": "change-me"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1 and "_AIRFLOW_WWW_USER_PASSWORD" in result.stderr
