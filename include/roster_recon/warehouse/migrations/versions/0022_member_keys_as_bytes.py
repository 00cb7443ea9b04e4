"""Member keys as their 32 bytes (``bytea``), not 64 hex characters, in every table and index that holds one.

Half the width in every join, sort and index of the member key (the largest indexes of the warehouse are keyed by
it), and staging can COPY the HMAC's own bytes in binary. Tables are converted in place (``decode(key, 'hex')``), a
table rewritten once with its indexes rebuilt.

The hex form stays where a person or a downstream report reads a key: every ``reporting`` view that shows
``member_key`` shows ``encode(member_key, 'hex')``, the text it always showed (the contract's views keep their
columns and types). PostgreSQL will not change the type of a column a view or a policy reads, so the views of
``core`` and ``reporting`` are dropped and created again from their stored definitions, in creation order, and the
policies that name a key are dropped and created again from theirs; the readers' SELECT right comes back through the
schema's default privileges (migration 0008).

Revision ID: 0022
"""

import re

from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

KEY_COLUMNS = {
    "core.member": ("member_key",),
    "core.roster_version": ("member_key",),
    "core.member_flag": ("member_key",),
    "core.gba_placement": ("member_key",),
    "core.gba_reconciliation": ("member_key",),
    "core.gba_candidate": ("candidate_key",),
    "core.contact_event": ("member_key",),
    "core.member_contact": ("member_key",),
    "staging.roster_row": ("member_key",),
    "staging.branch_presence": ("member_key",),
    "staging.gba_row": ("member_key",),
    "staging.gba_candidate": ("member_key", "candidate_key"),
    "staging.self_report": ("member_key",),
}
HEX_OF_KEY = re.compile(r"encode\((\w+\.)?member_key, 'hex'::text\) AS member_key")


# The checks that a key is a SHA-256's length: (constraint, on bytes, on hex text).
KEY_CHECKS = {
    "core.member": (
        "member_member_key_check",
        "octet_length(member_key) = 32",
        "octet_length(decode(member_key, 'hex')) = 32",
    ),
    "staging.branch_presence": (
        "branch_presence_member_key_check",
        "member_key IS NULL OR octet_length(member_key) = 32",
        "member_key IS NULL OR octet_length(decode(member_key, 'hex')) = 32",
    ),
    "core.contact_event": (
        "contact_event_member_key_check",
        "octet_length(member_key) = 32",
        "length(member_key) = 64",
    ),
}


def upgrade() -> None:
    _convert(
        "bytea USING decode({column}, 'hex')",
        {table: on_bytes for table, (_, on_bytes, _) in KEY_CHECKS.items()},
        _create_showing_hex,
    )


def downgrade() -> None:
    _convert(
        "text COLLATE \"C\" USING encode({column}, 'hex')",
        {table: on_hex for table, (*_, on_hex) in KEY_CHECKS.items()},
        _create_showing_text,
    )


def _convert(column_type: str, checks: dict[str, str], create_view) -> None:
    bind = op.get_bind()
    views = bind.exec_driver_sql(
        "SELECT c.oid::regclass::text, pg_get_viewdef(c.oid),"
        "       coalesce(array_to_string(c.reloptions, ', '), '')"
        "  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname IN ('core', 'reporting') AND c.relkind = 'v' ORDER BY c.oid"
    ).all()
    policies = bind.exec_driver_sql(
        "SELECT p.polname, p.polrelid::regclass::text, p.polcmd, p.polpermissive,"
        "       pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid),"
        "       (SELECT string_agg(CASE r WHEN 0 THEN 'public' ELSE quote_ident(r::regrole::text) END, ', ')"
        "          FROM unnest(p.polroles) r)"
        "  FROM pg_policy p WHERE p.polrelid = ANY (%(tables)s::regclass[])"
        "   AND concat(pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid))"
        "       ~ '(member|candidate)_key'",
        {"tables": list(KEY_COLUMNS)},
    ).all()
    if views:
        bind.exec_driver_sql("DROP VIEW " + ", ".join(name for name, *_ in views))
    for name, table, *_ in policies:
        bind.exec_driver_sql(f"DROP POLICY {name} ON {table}")
    for table, (constraint, *_) in KEY_CHECKS.items():
        bind.exec_driver_sql(f"ALTER TABLE {table} DROP CONSTRAINT {constraint}")
    for table, columns in KEY_COLUMNS.items():
        changes = ", ".join(f"ALTER COLUMN {column} TYPE {column_type.format(column=column)}" for column in columns)
        bind.exec_driver_sql(f"ALTER TABLE {table} {changes}")
    for table, (constraint, *_) in KEY_CHECKS.items():
        bind.exec_driver_sql(f"ALTER TABLE {table} ADD CONSTRAINT {constraint} CHECK ({checks[table]})")
    commands = {"r": "SELECT", "a": "INSERT", "w": "UPDATE", "d": "DELETE", "*": "ALL"}
    for name, table, command, permissive, using, check, roles in policies:
        policy = (
            f"CREATE POLICY {name} ON {table} AS {'PERMISSIVE' if permissive else 'RESTRICTIVE'}"
            f" FOR {commands[command]} TO {roles}"
            + (f" USING ({using})" if using else "")
            + (f" WITH CHECK ({check})" if check else "")
        )
        bind.exec_driver_sql(policy.replace("%", "%%"))
    for name, definition, options in views:
        create_view(bind, name, definition.rstrip().rstrip(";"), f" WITH ({options})" if options else "")


def _create_view(bind, view: str, definition: str, with_options: str) -> None:
    bind.exec_driver_sql(f"CREATE VIEW {view}{with_options} AS {definition}".replace("%", "%%"))


def _create_showing_hex(bind, view: str, definition: str, with_options: str) -> None:
    """A ``reporting`` view whose ``member_key`` is now bytes shows it as the hex it showed before."""
    _create_view(bind, view, definition, with_options)
    columns = bind.exec_driver_sql(
        "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a"
        " WHERE a.attrelid = %(view)s::regclass AND a.attnum > 0 ORDER BY a.attnum",
        {"view": view},
    ).all()
    if not view.startswith("reporting.") or ("member_key", "bytea") not in columns:
        return
    select = ", ".join(
        "encode(v.member_key, 'hex') AS member_key" if name == "member_key" else f'v."{name}"' for name, _ in columns
    )
    bind.exec_driver_sql(f"DROP VIEW {view}")
    _create_view(bind, view, f"SELECT {select} FROM ({definition}) v", with_options)


def _create_showing_text(bind, view: str, definition: str, with_options: str) -> None:
    """Downgrade: the hex a ``reporting`` view showed is the key's own text again."""
    plain = HEX_OF_KEY.sub(lambda found: f"{found.group(1) or ''}member_key AS member_key", definition)
    _create_view(bind, view, plain, with_options)
