"""Member keys compared byte by byte: ``member_key`` columns get the collation ``"C"``.

A member key is 64 hex characters. Under the database's collation (``C.UTF-8`` here; ``en_US.UTF-8`` or
``zh_CN.UTF-8`` on many servers) every comparison in the member-key indexes, sorts and merge joins goes through the
locale's string collation; byte order gives the same order for hex digits at a fraction of the cost.

PostgreSQL will not change the type of a column a view reads, so the ``reporting`` views are dropped and created again
from their stored definitions, in creation order (each view's dependencies are older than it); the readers' SELECT
right comes back through the schema's default privileges (migration 0008).

Revision ID: 0014
"""

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

COLUMNS = (
    "core.member",
    "core.roster_version",
    "core.member_flag",
    "staging.roster_row",
    "staging.branch_presence",
)


def _set_collation(collation: str) -> None:
    bind = op.get_bind()
    views = bind.exec_driver_sql(
        "SELECT c.oid::regclass::text, pg_get_viewdef(c.oid), coalesce(array_to_string(c.reloptions, ', '), '')"
        " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = 'reporting' AND c.relkind = 'v' ORDER BY c.oid"
    ).all()
    if views:
        bind.exec_driver_sql("DROP VIEW " + ", ".join(name for name, _, _ in views))
    for table in COLUMNS:
        bind.exec_driver_sql(f"ALTER TABLE {table} ALTER COLUMN member_key TYPE text COLLATE {collation}")
    for name, definition, options in views:
        with_options = f" WITH ({options})" if options else ""
        bind.exec_driver_sql(f"CREATE VIEW {name}{with_options} AS {definition}".replace("%", "%%"))


def upgrade() -> None:
    _set_collation('"C"')


def downgrade() -> None:
    _set_collation('"default"')
