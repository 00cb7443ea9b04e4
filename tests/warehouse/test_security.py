"""Personal data and roles on a real PostgreSQL: no raw ID anywhere, each reader sees only what its role allows."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest
import sqlalchemy as sa
from helpers import (
    AS_OF,
    GBA_HEADER,
    SHENZHEN,
    TONGGU,
    WANZAI,
    as_role,
    gba_person,
    id_number,
    person,
    rows,
    run_all,
    run_day,
    write_csv_export,
    write_roster,
)
from pii import leaks

from roster_recon import tasks, warehouse


def test_no_raw_id_number_anywhere_in_the_warehouse_or_in_any_file_the_run_wrote(make_settings, engine, validator):
    settings = make_settings(AS_OF)
    one_digit_off = id_number(7)[:16] + str((int(id_number(7)[16]) + 1) % 10) + id_number(7)[17]
    people = [person(i) for i in range(1, 6)] + [
        person(6, 身份证号码=id_number(6)[:17] + "Y"),
        person(7, 身份证号码=one_digit_off),  # GX's COMPLETE result lists such values
        person(8, 身份证号码=id_number(1)),  # repeated in the branch: a valid raw ID among the unexpected values
    ]
    write_roster(settings.drop_root, WANZAI, "甲支部.csv", people)
    run_all(settings, validator)
    raw_ids = {id_number(i) for i in range(1, 7)} | {id_number(6)[:17] + "Y", one_digit_off}
    tables = rows(
        engine,
        "SELECT table_schema, table_name FROM information_schema.tables"
        " WHERE table_schema IN ('staging', 'core', 'audit')",
    )
    assert len(tables) >= 9
    with engine.connect() as connection:
        for table in tables:
            name = f'"{table["table_schema"]}"."{table["table_name"]}"'
            dump = connection.exec_driver_sql(
                f"SELECT coalesce(string_agg(t::text, chr(10)), '') FROM {name} t"
            ).scalar()
            assert not any(raw in dump for raw in raw_ids), f"raw ID found in {table}"
    # The mask hides exactly the birth date: no birth date may be kept anywhere beside it.
    columns = rows(
        engine,
        "SELECT table_schema, table_name, column_name FROM information_schema.columns"
        " WHERE table_schema IN ('staging', 'core', 'audit', 'reporting') AND column_name LIKE '%birth%'",
    )
    assert columns == []
    # Reports, Data Docs and validation results the run wrote (everything outside the county folders).
    assert (settings.data_dir / "data_docs").exists() and (settings.data_dir / "reports").exists()
    assert leaks(settings.data_dir) == {}
    assert leaks(settings.data_dir, phones=True) == {}


def test_each_reader_sees_only_what_its_role_allows(make_settings, engine, admin_engine, validator):
    settings = make_settings(AS_OF)
    write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1), person(2)])
    write_roster(settings.drop_root, TONGGU, "铜鼓镇党支部.csv", [person(3, 联系状态="失联")])
    run_all(settings, validator)
    counties = "SELECT DISTINCT county_code FROM reporting.member_current ORDER BY 1"
    assert as_role(admin_engine, "roster_reader", counties) == [("360922",), ("360926",)]
    assert as_role(admin_engine, "roster_county_360922", counties) == [("360922",)]
    for view in ("member_history", "member_flags", "county_summary", "file_audit", "destination_summary"):
        county_rows = as_role(admin_engine, "roster_county_360926", f"SELECT * FROM reporting.{view}")
        assert county_rows, view
        if view not in ("destination_summary",):
            assert {row.county_code for row in county_rows} == {"360926"}, view
    # A personal login that is a member of a county's role sees that county only.
    with admin_engine.begin() as connection:
        connection.exec_driver_sql("DROP ROLE IF EXISTS zhang_tonggu; CREATE ROLE zhang_tonggu LOGIN")
        connection.exec_driver_sql("GRANT roster_county_360926 TO zhang_tonggu")
    try:
        assert as_role(admin_engine, "zhang_tonggu", counties) == [("360926",)]
    finally:
        with admin_engine.begin() as connection:
            connection.exec_driver_sql("DROP OWNED BY zhang_tonggu; DROP ROLE zhang_tonggu")
    for role in ("roster_reader", "roster_county_360922"):
        for table in ("core.roster_version", "core.member", "staging.roster_row", "audit.file"):
            with pytest.raises(sa.exc.ProgrammingError, match="permission denied"):
                as_role(admin_engine, role, f"SELECT 1 FROM {table} LIMIT 1")
    # Phones are masked for every reader; the full number lives in core only.
    phones = as_role(admin_engine, "roster_reader", "SELECT phone_masked FROM reporting.member_current")
    assert {phone for (phone,) in phones} == {"138****0001", "138****0002", "138****0003"}


def test_the_pipeline_refuses_to_connect_as_a_superuser(admin_engine):
    with pytest.raises(warehouse.WarehouseRoleError, match=r"superuser .*: connect as roster_loader"):
        warehouse.migrate(admin_engine)


def test_row_security_is_forced_and_no_view_runs_as_a_reader_with_core_rights(engine):
    tables = rows(
        engine,
        "SELECT n.nspname || '.' || c.relname AS name, c.relrowsecurity, c.relforcerowsecurity"
        " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname IN ('core', 'audit') AND c.relkind = 'r' AND EXISTS"
        " (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'county_code')",
    )
    exposed = {"core.roster_version", "core.member_flag", "core.county", "audit.file", "audit.ignored_entry"}
    forced = {t["name"] for t in tables if t["relrowsecurity"] and t["relforcerowsecurity"]}
    assert exposed <= forced
    owners = rows(engine, "SELECT DISTINCT viewowner FROM pg_views WHERE schemaname = 'reporting'")
    assert owners == [{"viewowner": "roster_loader"}]


def test_a_task_whose_key_is_not_the_warehouses_stops_before_it_writes_anything(make_settings, engine, validator):
    from roster_recon.warehouse.keys import KeyMismatchError

    settings = make_settings(AS_OF)
    write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1)])
    run_all(settings, validator)
    other_key = b"another-secret-typed-on-one-worker-0123456789"
    later = make_settings(AS_OF + dt.timedelta(days=1), pii_secret=other_key)
    write_roster(later.drop_root, WANZAI, "乙支部.csv", [person(2)])
    with pytest.raises(KeyMismatchError, match="not the key this warehouse was built with"):
        tasks.prepare_run(later)
    assert rows(engine, "SELECT count(*) AS n FROM audit.run")[0]["n"] == 1
    good = make_settings(AS_OF + dt.timedelta(days=1))
    tasks.prepare_run(good)  # the run itself, on a worker with the right key
    with pytest.raises(KeyMismatchError):  # a worker of that run with another key writes nothing either
        tasks.ingest_folder(dataclasses.replace(good, pii_secret=other_key), "360922", validator=validator)
    assert rows(engine, "SELECT count(*) AS n FROM audit.file WHERE run_id = :r", r=good.run_id)[0]["n"] == 0
    fingerprint = rows(engine, "SELECT fingerprint FROM audit.key_fingerprint")[0]["fingerprint"]
    assert other_key.hex() not in fingerprint and settings.pii_secret.hex() not in fingerprint


def test_a_warehouse_loaded_before_fingerprints_adopts_no_key_by_itself(make_settings, engine, validator):
    from roster_recon.warehouse import keys

    settings = make_settings(AS_OF)
    write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1)])
    run_all(settings, validator)
    with engine.begin() as connection:  # as before migration 0017: members, and no fingerprint
        connection.exec_driver_sql("DELETE FROM audit.key_fingerprint")
    later = make_settings(AS_OF + dt.timedelta(days=1))
    with pytest.raises(keys.KeyMismatchError, match="keys adopt"):
        tasks.prepare_run(later)
    with engine.begin() as connection:
        keys.adopt(connection, later.pii_secret)  # the data team confirms the key, once
    assert tasks.prepare_run(later) == []


def test_an_id_number_or_a_mobile_typed_into_any_cell_is_masked_wherever_it_is_kept(
    make_settings, engine, validator, gba_validator
):
    """A clerk pastes an ID number and a mobile (whole, spaced or dashed) into the name, the destination, the industry
    and the dates of a county file, into a GBA roster's employer, address and home branch, into a row rejected for its
    ID, and into the month, amount and channel of a dues export: neither is staged, merged, audited nor written back."""
    settings = make_settings(AS_OF)
    pasted_id, mobile = id_number(9), "13912345678"
    spaced_id, dashed_mobile = f"{pasted_id[:6]} {pasted_id[6:14]} {pasted_id[14:]}", "139-1234-5678"
    write_roster(
        settings.drop_root,
        WANZAI,
        "甲支部.csv",
        [
            person(1, 流入地=f"广东省深圳市{pasted_id}", 从事行业=f"电子 {mobile}"),
            person(2, 姓名=f"党员{pasted_id}", 最后联系时间=pasted_id),
            person(3, 流出时间=mobile, 从事行业=spaced_id),
            person(4, 身份证号码="12345", 姓名=f"党员{dashed_mobile}"),  # rejected: its ID is broken
        ],
    )
    gba_header = [*GBA_HEADER, "工作单位", "现居住地"]
    placed = [
        gba_person(1, 工作单位=f"某公司 {spaced_id}", 现居住地=f"深圳 {dashed_mobile}"),
        gba_person(2, 原党组织=f"甲支部{pasted_id}", 姓名=f"党员{mobile}"),
    ]
    write_roster(settings.drop_root, SHENZHEN, "第一支部.csv", placed, header=gba_header)
    dues_header = ["姓名", "身份证号码", "缴费月份", "缴费时间", "金额", "缴费方式"]
    dues = [
        {"姓名": "党员1", "身份证号码": id_number(1), "缴费月份": pasted_id, "缴费时间": "2026-10-05 10:00"},
        {"姓名": "党员2", "身份证号码": id_number(2), "缴费月份": "2026-10", "缴费时间": "2026-10-05 10:00"},
    ]
    dues[0] |= {"金额": "50", "缴费方式": mobile}
    dues[1] |= {"金额": mobile, "缴费方式": f"微信{pasted_id}"}
    write_csv_export(settings.drop_root / "dues", "2026年10月.csv", dues_header, dues, "gb18030")

    def dumped() -> str:
        tables = rows(
            engine,
            "SELECT table_schema, table_name FROM information_schema.tables"
            " WHERE table_schema IN ('staging', 'core', 'audit')",
        )
        with engine.connect() as connection:
            everything = "SELECT coalesce(string_agg(t::text, chr(10)), '') FROM {} t"
            names = [f'"{t["table_schema"]}"."{t["table_name"]}"' for t in tables]
            return "\n".join(connection.exec_driver_sql(everything.format(name)).scalar() for name in names)

    def readable(dump: str) -> set[str]:
        found = {text for text in (pasted_id, mobile, spaced_id, dashed_mobile) if text in dump}
        closed = re.sub(r"(?<=\d)[ -](?=\d)", "", dump)  # the gaps a clerk types, closed
        return found | {text for text in (pasted_id, mobile) if text in closed}

    run_day(settings, validator, until="ingest", gba_validator=gba_validator)
    staged = dumped()
    assert "党员1" in staged and "2026-10-05" in staged and "某公司" in staged  # staged: the check is not vacuous
    assert readable(staged) == set()
    run_day(settings, validator, gba_validator=gba_validator)
    merged = dumped()
    assert readable(merged) == set()
    assert f"深圳市{pasted_id[:3]}" in merged and f"党员{pasted_id[:3]}" in merged  # the cell is still found
    written_back = sorted(p for p in settings.drop_root.rglob("*") if p.name in ("_feedback", "_follow_up"))
    assert {folder.parent.name for folder in written_back} >= {WANZAI, "dues", SHENZHEN.split("/")[-1]}
    assert leaks(settings.data_dir, *written_back) == {}
    assert leaks(*written_back, phones=True) == {}
