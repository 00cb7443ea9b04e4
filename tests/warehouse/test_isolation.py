"""Isolation against a curious login, on the real server: each kind of login reads exactly the rows its role allows,
after trying every way a session has to widen that (temporary objects shadowing the catalog or a view, functions and
operators of its own, SET ROLE, the security-definer functions called with arguments of its choosing)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from helpers import (
    AS_OF,
    SHENZHEN,
    TONGGU,
    WANZAI,
    ZHUHAI,
    gba_person,
    id_number,
    person,
    rows,
    run_all,
    write_gba_roster,
    write_roster,
)

from roster_recon import warehouse

WAREHOUSE_SCHEMAS = ("core", "reporting", "audit", "staging")


@dataclass(frozen=True)
class Login:
    """A login as a DBA would make it: ``role`` given LOGIN itself, or a personal login granted ``role``."""

    kind: str
    role: str
    personal: bool
    counties: tuple[str, ...] = ()
    committees: tuple[str, ...] = ()
    everything: bool = False

    @property
    def municipal(self) -> bool:
        return "440000" in self.committees


LOGINS = (
    Login("county", "roster_county_360922", False, counties=("360922",)),
    Login("personal login of a county", "roster_county_360926", True, counties=("360926",)),
    Login("committee", "roster_committee_440300", False, committees=("440300",)),
    Login("municipal committee", "roster_committee_440000", False, committees=("440000",)),
    Login("reader", "roster_reader", False, everything=True),
)

# What each reporting view may show a login, over the view's own columns, judged on the rows the loader sees:
# :counties, :committees, :municipal and :everything describe the login. Every view must be listed here.
ALLOWED = {
    "member_current": "county_code = ANY (:counties)",
    "member_flags": "county_code = ANY (:counties)",
    "member_history": "county_code = ANY (:counties)",
    "flag_history": "county_code = ANY (:counties)",
    "county_summary": "county_code = ANY (:counties)",
    "county_sending": "county_code = ANY (:counties)",
    "file_audit": "county_code = ANY (:counties || :committees)",
    "validation_summary": "county_code = ANY (:counties || :committees)",
    "ignored_entries": "county_code = ANY (:counties || :committees)",
    "follow_up_list": "county_code = ANY (:counties || :committees)",
    "gba_reconciliation": "home_county_code = ANY (:counties) OR committees && :committees OR :municipal",
    "gba_leads": "member_key IN (SELECT member_key FROM reporting.gba_reconciliation"
    " WHERE home_county_code = ANY (:counties) OR committees && :committees OR :municipal)",
    "gba_branch_summary": "committee_code = ANY (:committees) OR :municipal",
    "contact_evidence": "county_code = ANY (:counties) OR committee_code = ANY (:committees) OR :municipal"
    " OR member_key IN (SELECT member_key FROM reporting.member_current WHERE county_code = ANY (:counties))",
    "unmatched_self_reports": "committee_code = ANY (:committees) OR :municipal",
    "unmatched_dues_payments": "false",  # the data team's alone
}
# Views of counts over the rows a login may read: the same counts, taken by the loader over the allowed rows.
ALLOWED_COUNTS = {
    "destination_summary": "SELECT destination_city, destination_city_code, in_gba, gba_committee,"
    " count(DISTINCT member_key) AS members FROM reporting.member_current WHERE county_code = ANY (:counties)"
    " GROUP BY 1, 2, 3, 4",
    "gba_committee_summary": None,  # every committee's line; its counts are checked against the role's own reading
}


def allowed_rows(engine, login: Login, view: str) -> list[tuple]:
    params = {
        "counties": list(login.counties),
        "committees": list(login.committees),
        "municipal": login.municipal,
    }
    with engine.connect() as connection:
        if view in ALLOWED_COUNTS and not login.everything:
            return sorted(map(tuple, connection.execute(sa.text(ALLOWED_COUNTS[view]), params)), key=repr)
        query = f"SELECT * FROM reporting.{view}"
        if not login.everything:
            query += f" WHERE {ALLOWED[view]}"
        return sorted(map(tuple, connection.execute(sa.text(query), params)), key=repr)


def seen_rows(connection, view: str) -> list[tuple]:
    return sorted(map(tuple, connection.exec_driver_sql(f"SELECT * FROM reporting.{view}")), key=repr)


@pytest.fixture
def two_counties_two_committees(make_settings, engine, validator, gba_validator):
    """万载 (four members, three of them in Shenzhen), 铜鼓 (one in Dongguan), Shenzhen's and Zhuhai's rosters
    (member 2 placed by Zhuhai although the ledger says Shenzhen; a stranger from 万载 on no ledger)."""
    settings = make_settings(AS_OF)
    write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(i) for i in range(1, 5)])
    tonggu = person(5, 身份证号码=id_number(5, place="360926"), 流入地="广东省东莞市", 联系状态="失联")
    write_roster(settings.drop_root, TONGGU, "铜鼓镇党支部.csv", [tonggu])
    write_gba_roster(settings.drop_root, SHENZHEN, "第一支部.csv", [gba_person(1), gba_person(9)])
    write_gba_roster(settings.drop_root, ZHUHAI, "珠海支部.csv", [gba_person(2, 所在支部="宜春市驻珠海流动党员支部")])
    run_all(settings, validator, gba_validator)
    return settings


@pytest.fixture
def logins(admin_engine, warehouse_url):
    """Each login of ``LOGINS`` as a real connection (trust on the embedded server's socket); roles restored after."""
    made, personal = [], []
    engines = {}
    with admin_engine.begin() as connection:
        for login in LOGINS:
            name = login.role
            if login.personal:
                name = f"person_{uuid.uuid4().hex[:8]}"
                connection.exec_driver_sql(f"CREATE ROLE {name} LOGIN IN ROLE {login.role}")
                personal.append(name)
            else:
                connection.exec_driver_sql(f"ALTER ROLE {name} LOGIN")
                made.append(name)
            url = sa.engine.make_url(warehouse_url).set(username=name)
            engines[login] = sa.create_engine(url, poolclass=sa.pool.NullPool, isolation_level="AUTOCOMMIT")
    yield engines
    for engine in engines.values():
        engine.dispose()
    with admin_engine.begin() as connection:
        for name in made:
            connection.exec_driver_sql(f"ALTER ROLE {name} NOLOGIN")
        for name in personal:
            connection.exec_driver_sql(f"DROP OWNED BY {name}; DROP ROLE {name}")


def test_every_function_in_the_warehouse_pins_its_search_path_and_public_holds_no_privilege(engine):
    unpinned = rows(
        engine,
        "SELECT p.oid::regprocedure::text AS function FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
        " WHERE n.nspname = ANY (:schemas) AND p.prosqlbody IS NULL"
        "   AND NOT coalesce('search_path=pg_catalog, pg_temp' = ANY (p.proconfig), false)",
        schemas=list(WAREHOUSE_SCHEMAS),
    )
    assert unpinned == []
    functions = rows(
        engine,
        "SELECT count(*) AS n FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = ANY (:s)",
        s=list(WAREHOUSE_SCHEMAS),
    )
    assert functions[0]["n"] >= 4
    held = rows(engine, PUBLIC_PRIVILEGES, schemas=[*WAREHOUSE_SCHEMAS, "public"])
    assert held == []


PUBLIC_PRIVILEGES = """
SELECT 'database' AS kind, d.datname::text AS name, a.privilege_type
  FROM pg_database d, aclexplode(coalesce(d.datacl, acldefault('d', d.datdba))) a
 WHERE d.datname = current_database() AND a.grantee = 0
UNION ALL
SELECT 'schema', n.nspname::text, a.privilege_type
  FROM pg_namespace n, aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a
 WHERE n.nspname = ANY (:schemas) AND a.grantee = 0
UNION ALL
SELECT 'function', p.oid::regprocedure::text, a.privilege_type
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace,
       aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
 WHERE n.nspname = ANY (:schemas) AND a.grantee = 0
UNION ALL
SELECT 'relation', c.oid::regclass::text, a.privilege_type
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,
       aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a
 WHERE n.nspname = ANY (:schemas) AND a.grantee = 0
UNION ALL
SELECT 'type', t.oid::regtype::text, a.privilege_type
  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace,
       aclexplode(coalesce(t.typacl, acldefault('T', t.typowner))) a
 WHERE n.nspname = ANY (:schemas) AND a.grantee = 0 AND t.typrelid = 0 AND t.typelem = 0
"""


@pytest.mark.parametrize(
    "power",
    [
        "SUPERUSER",
        "BYPASSRLS",
        "REPLICATION",
        "pg_read_server_files",
        "pg_execute_server_program",
        "pg_read_all_data",
        "postgres",  # a superuser it may SET ROLE to, without inheriting
    ],
)
def test_migrate_refuses_a_loader_that_could_step_outside_row_security(power, admin_engine, warehouse_url):
    name = f"loader_{uuid.uuid4().hex[:8]}"
    granted = f"ALTER ROLE {name} {power}" if power.isupper() else f"GRANT {power} TO {name} WITH INHERIT FALSE"
    database = sa.engine.make_url(warehouse_url).database
    with admin_engine.begin() as connection:
        connection.exec_driver_sql(
            f"CREATE ROLE {name} LOGIN; {granted}; GRANT CONNECT ON DATABASE {database} TO {name}"
        )
    login = sa.create_engine(sa.engine.make_url(warehouse_url).set(username=name), poolclass=sa.pool.NullPool)
    try:
        with pytest.raises(warehouse.WarehouseRoleError, match="connect as roster_loader") as refused:
            warehouse.migrate(login)
        assert (power.lower() if power.isupper() else power) in str(refused.value).lower()
    finally:
        login.dispose()
        with admin_engine.begin() as connection:
            connection.exec_driver_sql(f"DROP OWNED BY {name}; DROP ROLE {name}")


def test_a_login_cannot_make_objects_become_another_role_or_widen_its_rows_through_the_definers(
    two_counties_two_committees, engine, logins
):
    views = rows(engine, "SELECT table_name FROM information_schema.views WHERE table_schema = 'reporting'")
    assert {v["table_name"] for v in views} == set(ALLOWED) | set(ALLOWED_COUNTS), "a view missing from ALLOWED"
    definers = rows(
        engine,
        "SELECT p.oid::regprocedure::text AS function, p.provolatile FROM pg_proc p"
        " JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = ANY (:s) AND p.prosecdef",
        s=list(WAREHOUSE_SCHEMAS),
    )
    assert definers and all(d["provolatile"] != "v" for d in definers), "a security definer that could write"
    every_code = "ARRAY['360902','360922','360926','440000','440100','440300','440400','441900']::text[]"
    for login, login_engine in logins.items():
        with login_engine.connect() as connection:
            for attempt in (
                "CREATE TEMP VIEW pg_roles AS SELECT * FROM pg_catalog.pg_roles",
                "CREATE TEMP TABLE member_current (x int)",
                "CREATE SCHEMA mine",
                "CREATE FUNCTION public.pg_has_role(name, oid, text) RETURNS boolean LANGUAGE sql AS 'SELECT true'",
                "CREATE OPERATOR public.= (LEFTARG = text, RIGHTARG = text[], FUNCTION = pg_catalog.textlike)",
                "SET ROLE roster_loader",
                *(["SET ROLE roster_reader"] if not login.everything else []),
                "SET ROLE roster_county_360983",
                "SELECT * FROM core.member LIMIT 1",
                "SELECT * FROM audit.page_reader LIMIT 1",
            ):
                with pytest.raises(sa.exc.DBAPIError, match="permission denied"):
                    connection.exec_driver_sql(attempt)
            for definer in definers:  # arguments of its choosing: every committee there is
                name = definer["function"].split("(")[0]
                connection.exec_driver_sql(f"SELECT {name}({every_code})")
            for view in sorted(set(ALLOWED) | set(ALLOWED_COUNTS)):
                if view in ALLOWED_COUNTS and ALLOWED_COUNTS[view] is None:
                    continue
                expected = allowed_rows(engine, login, view)
                assert seen_rows(connection, view) == expected, (login.kind, view)
    seen = {login.kind: rows_seen for login, rows_seen in _member_counts(logins).items()}
    assert seen == {
        "county": 4,
        "personal login of a county": 1,
        "committee": 0,
        "municipal committee": 0,
        "reader": 5,
    }


def _member_counts(logins) -> dict:
    counts = {}
    for login, login_engine in logins.items():
        with login_engine.connect() as connection:
            counts[login] = connection.exec_driver_sql("SELECT count(*) FROM reporting.member_current").scalar()
    return counts


def test_temporary_objects_and_operators_of_its_own_widen_nothing_even_where_a_dba_let_it_create_them(
    two_counties_two_committees, engine, admin_engine, logins
):
    """Defence in depth: if a DBA gives a login TEMP and a schema of its own, the pinned search paths still hold."""
    database = sa.engine.make_url(engine.url).database
    for login, login_engine in logins.items():
        if login.everything:
            continue
        name = login_engine.url.username
        schema = f"own_{uuid.uuid4().hex[:8]}"
        with admin_engine.begin() as connection:
            connection.exec_driver_sql(
                f"GRANT TEMP ON DATABASE {database} TO {name}; CREATE SCHEMA {schema} AUTHORIZATION {name}"
            )
        try:
            with login_engine.connect() as connection:
                everyone = (
                    "SELECT r.oid, r.rolname, true AS rolsuper FROM pg_catalog.pg_roles r"
                    " WHERE starts_with(r.rolname, 'roster_')"
                )
                for statement in (
                    f"CREATE TEMP VIEW pg_roles AS {everyone}",
                    "CREATE TEMP VIEW pg_class AS SELECT * FROM pg_catalog.pg_class",
                    "CREATE TEMP VIEW member_current AS SELECT * FROM pg_catalog.pg_roles",
                    f"CREATE FUNCTION {schema}.pg_has_role(name, oid, text) RETURNS boolean"
                    " LANGUAGE sql AS 'SELECT true'",
                    f"CREATE FUNCTION {schema}.pg_has_role(name, name, text) RETURNS boolean"
                    " LANGUAGE sql AS 'SELECT true'",
                    f"CREATE FUNCTION {schema}.anyeq(text, text[]) RETURNS boolean LANGUAGE sql AS 'SELECT true'",
                    f"CREATE OPERATOR {schema}.= (LEFTARG = text, RIGHTARG = text[], FUNCTION = {schema}.anyeq)",
                    f"SET search_path = pg_temp, {schema}, pg_catalog, reporting",
                ):
                    connection.exec_driver_sql(statement)
                assert connection.exec_driver_sql("SELECT count(*) FROM pg_roles WHERE rolsuper").scalar() > 0
                for view in sorted(ALLOWED):
                    assert seen_rows(connection, view) == allowed_rows(engine, login, view), (login.kind, view)
        finally:
            with admin_engine.begin() as connection:
                connection.exec_driver_sql(
                    f"DROP SCHEMA {schema} CASCADE; REVOKE TEMP ON DATABASE {database} FROM {name}"
                )


def test_every_migrate_gives_a_roster_role_what_it_lacks_a_committee_added_later_included(
    engine, admin_engine, monkeypatch
):
    from roster_recon import reference
    from roster_recon.warehouse import roles

    database = sa.engine.make_url(engine.url).database
    with admin_engine.begin() as connection:  # as if granted before a view was added, and the loader's SET lost
        connection.exec_driver_sql(
            f"REVOKE CONNECT ON DATABASE {database} FROM roster_committee_440300;"
            " REVOKE SELECT ON reporting.gba_leads FROM roster_committee_440300;"
            " REVOKE SET OPTION FOR roster_committee_440300 FROM roster_loader GRANTED BY roster_loader"
        )
    committees = {**reference.committees(), "449999": "宜春市驻新城流动党员党委"}
    monkeypatch.setattr(reference, "committees", lambda: committees)
    try:
        warehouse.migrate(engine)
        lacking = rows(
            engine, warehouse.sql("roles_lacking"), roles=roles.roster_roles(), functions=list(roles.VIEW_FUNCTIONS)
        )
        assert lacking == []
        for role in ("roster_committee_440300", "roster_committee_449999"):
            with engine.begin() as connection:  # the Rosters pages can read as either
                connection.execute(sa.text("SELECT pg_catalog.set_config('role', :r, true)"), {"r": role})
                assert connection.exec_driver_sql("SELECT current_user").scalar() == role
                connection.exec_driver_sql("SELECT count(*) FROM reporting.gba_leads").scalar()
    finally:
        with admin_engine.begin() as connection:
            connection.exec_driver_sql("DROP OWNED BY roster_committee_449999; DROP ROLE roster_committee_449999")


def test_every_reporting_view_is_a_security_barrier_again_after_a_migration_replaces_it(engine):
    barriers = (
        "SELECT c.relname, coalesce('security_barrier=true' = ANY (c.reloptions), false) AS barrier"
        " FROM pg_catalog.pg_class c WHERE c.relnamespace = 'reporting'::regnamespace AND c.relkind = 'v'"
    )
    assert len(rows(engine, barriers)) >= 15 and all(view["barrier"] for view in rows(engine, barriers))
    with engine.begin() as connection:  # as a later migration would: the view's options are reset
        definition = connection.exec_driver_sql("SELECT pg_get_viewdef('reporting.member_flags'::regclass)").scalar()
        connection.exec_driver_sql(f"CREATE OR REPLACE VIEW reporting.member_flags AS {definition}")
    assert not all(view["barrier"] for view in rows(engine, barriers))
    warehouse.migrate(engine)
    assert all(view["barrier"] for view in rows(engine, barriers))


def test_a_function_that_prints_what_it_is_given_sees_no_row_the_login_may_not_read(
    two_counties_two_committees, engine, admin_engine, logins
):
    """Defence in depth against a leaky function: where a DBA let a login create one, a cheap function in a view's
    WHERE clause (printing each value it is given) must never be handed a value of a row the login may not read.
    A view without ``security_barrier`` lets the planner run it below the view's joins, on every county's rows."""
    columns = rows(
        engine,
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'reporting'"
        " ORDER BY table_name, ordinal_position",
    )
    printed = 0
    for login, login_engine in logins.items():
        if login.everything:
            continue
        schema = f"own_{uuid.uuid4().hex[:8]}"
        with admin_engine.begin() as connection:
            connection.exec_driver_sql(f"CREATE SCHEMA {schema} AUTHORIZATION {login_engine.url.username}")
        try:
            with login_engine.connect() as connection:
                session = connection.connection.dbapi_connection  # psycopg2 keeps the notices of its own cursors
                cursor = session.cursor()
                cursor.execute(
                    f"CREATE FUNCTION {schema}.leak(value text) RETURNS boolean LANGUAGE plpgsql COST 0.0001 AS"
                    " $$BEGIN RAISE NOTICE 'leaked:%', coalesce(value, '<null>'); RETURN true; END$$;"
                    " SET client_min_messages = notice"
                )
                for column in columns:
                    view, field = column["table_name"], column["column_name"]
                    if ALLOWED_COUNTS.get(view, "") is None:
                        continue  # every committee's line of counts: checked by its own test
                    session.notices.clear()
                    cursor.execute(f'SELECT count(*) FROM reporting.{view} v WHERE {schema}.leak(v."{field}"::text)')
                    given = {n.split("leaked:", 1)[1].rstrip("\n") for n in session.notices if "leaked:" in n}
                    printed += len(given)
                    assert given <= _allowed_texts(engine, login, view, field) | {"<null>"}, (login.kind, view, field)
        finally:
            with admin_engine.begin() as connection:
                connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
    assert printed > 100  # the function did print: the test is not vacuous


def _allowed_texts(engine, login: Login, view: str, field: str) -> set[str]:
    params = {"counties": list(login.counties), "committees": list(login.committees), "municipal": login.municipal}
    allowed = ALLOWED_COUNTS.get(view) or f"SELECT * FROM reporting.{view} WHERE {ALLOWED[view]}"
    query = f'SELECT DISTINCT x."{field}"::text FROM ({allowed}) x'
    with engine.connect() as connection:
        return {value for (value,) in connection.execute(sa.text(query), params) if value is not None}
