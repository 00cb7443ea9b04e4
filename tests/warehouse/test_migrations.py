"""Migrations on a real PostgreSQL: from empty to head, and data written by earlier versions mended in place."""

from __future__ import annotations

import datetime as dt

from helpers import AS_OF, WANZAI, flags_of, person, rows, run_all, write_roster

from roster_recon import warehouse

CATALOG = """
SELECT n.nspname, c.relname, c.relkind, coalesce(pg_get_viewdef(c.oid), ''),
       coalesce((SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum)
                   FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), ''),
       coalesce((SELECT string_agg(pg_get_constraintdef(k.oid), ', ' ORDER BY k.conname)
                   FROM pg_constraint k WHERE k.conrelid = c.oid), ''),
       coalesce(pg_get_indexdef(c.oid), '')
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname IN ('audit', 'core', 'staging', 'reporting')
 ORDER BY 1, 2"""


def test_migrating_a_warehouse_at_head_again_changes_nothing(engine):
    from alembic.script import ScriptDirectory

    from roster_recon.warehouse import MIGRATIONS_DIR

    with engine.connect() as connection:
        before = connection.exec_driver_sql(CATALOG).all()
    head = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()
    assert warehouse.migrate(engine) == head == f"{len(list((MIGRATIONS_DIR / 'versions').glob('0*.py'))):04d}"
    with engine.connect() as connection:
        assert connection.exec_driver_sql(CATALOG).all() == before
    assert len(before) > 40  # the schema is there to compare (tables, views, indexes)


def test_committee_names_stored_by_earlier_versions_are_corrected_in_place(make_settings, engine, validator):
    settings = make_settings(AS_OF)
    write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1), person(2, 流入地="澳门特别行政区")])
    run_all(settings, validator)
    with engine.begin() as connection:  # as an earlier version of the pipeline wrote them
        connection.exec_driver_sql(
            "UPDATE core.roster_version SET gba_committee = CASE WHEN gba_committee LIKE '%%深圳%%'"
            " THEN '宜春市驻深圳流动党员委员会' ELSE '宜春市驻大湾区流动党员委员会' END"
        )
    down_and_up_again(engine, "0010")
    committees = rows(engine, "SELECT name, gba_committee, facts_since FROM reporting.member_current ORDER BY name")
    assert [(c["name"], c["gba_committee"]) for c in committees] == [
        ("党员1", "宜春市驻深圳流动党员党委"),
        ("党员2", "宜春市驻粤港澳大湾区流动党员党委"),
    ]
    assert {c["facts_since"] for c in committees} == {AS_OF}  # renamed in place: no new version


def test_a_status_with_a_note_stored_as_lost_by_earlier_versions_is_read_again(make_settings, engine, validator):
    settings = make_settings(AS_OF)
    write_roster(
        settings.drop_root, WANZAI, "甲支部.csv", [person(1, 联系状态="失联（已找回）"), person(2, 联系状态="失联")]
    )
    run_all(settings, validator)
    with engine.begin() as connection:  # as an earlier version stored it: the note dropped, "lost"
        connection.exec_driver_sql("UPDATE core.roster_version SET status_lost = true")
    down_and_up_again(engine, "0018")
    lost = rows(engine, "SELECT contact_status, status_lost FROM core.roster_version ORDER BY contact_status")
    assert [(r["contact_status"], r["status_lost"]) for r in lost] == [
        ("失联", True),
        ("失联(已找回)", False),
    ]  # kept in NFKC
    run_all(make_settings(AS_OF + dt.timedelta(days=1)), validator)
    assert "lost_contact" not in flags_of(engine, 1)["甲支部"] and "lost_contact" in flags_of(engine, 2)["甲支部"]


def down_and_up_again(engine, revision: str) -> None:
    """Migrate the warehouse down to ``revision`` and up to the head again (what an upgrade from it does)."""
    with engine.begin() as connection:
        migrate_within(connection, "downgrade", revision)
        migrate_within(connection, "upgrade", "head")


def test_member_keys_become_their_bytes_in_place_and_reporting_still_shows_hex(make_settings, engine, validator):
    from roster_recon.intake.stage import member_key

    settings = make_settings(AS_OF)
    write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1), person(2, 流入地=None)])
    run_all(settings, validator)
    shown = "SELECT member_key, name, flags FROM reporting.member_current ORDER BY name"
    before = rows(engine, shown)
    with engine.begin() as connection:
        migrate_within(connection, "downgrade", "0021")  # as 0021 left it: 64 hex characters
        assert connection.exec_driver_sql(
            "SELECT pg_typeof(member_key)::text, length(member_key) FROM core.member LIMIT 1"
        ).one() == ("text", 64)
        migrate_within(connection, "upgrade", "head")
        stored = connection.exec_driver_sql("SELECT member_key FROM core.member ORDER BY member_key").scalars().all()
    assert sorted(bytes(key) for key in stored) == sorted(
        member_key(person(serial)["身份证号码"], settings.pii_secret) for serial in (1, 2)
    )
    assert rows(engine, shown) == before and all(len(row["member_key"]) == 64 for row in before)
    with engine.connect() as connection:
        keys = connection.exec_driver_sql(
            "SELECT c.relname || '.' || a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a"
            " JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname IN ('core', 'staging') AND c.relkind = 'r'"
            " AND a.attname IN ('member_key', 'candidate_key')"
        ).all()
    assert len(keys) >= 13 and {kind for _, kind in keys} == {"bytea"}, keys  # every table holding a key: its bytes
    run_all(make_settings(AS_OF + dt.timedelta(days=1)), validator)  # and the pipeline goes on on the converted one
    assert [row["member_key"] for row in rows(engine, shown)] == [row["member_key"] for row in before]


def migrate_within(connection, direction: str, revision: str) -> None:
    """Alembic's ``upgrade`` or ``downgrade`` to ``revision`` on an open connection (one transaction)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(warehouse.MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    getattr(command, direction)(config, revision)
