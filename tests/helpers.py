"""Small builders shared by the warehouse tests: roster files written by code, and a whole run without Airflow."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import sqlalchemy as sa

from roster_recon import tasks
from roster_recon.intake.normalise import check_character
from roster_recon.settings import RunSettings

AS_OF = dt.date(2026, 11, 26)
WANZAI, TONGGU = "360922-万载县", "360926"
SHENZHEN, DONGGUAN, ZHUHAI = "gba/440300-深圳", "gba/441900-东莞", "gba/440400-珠海"

HEADER = ["姓名", "身份证号码", "流出时间", "流入地", "联系电话", "从事行业", "最后联系时间", "联系状态"]


def id_number(serial: int, born: str = "19900101", place: str = "360922") -> str:
    first17 = f"{place}{born}{serial:03d}"
    return first17 + check_character(first17)


def person(serial: int, **changes) -> dict:
    values = {
        "姓名": f"党员{serial}",
        "身份证号码": id_number(serial),
        "流出时间": "2020-03-01",
        "流入地": "广东省深圳市南山区",
        "联系电话": f"138{serial:08d}",
        "从事行业": "电子信息制造",
        "最后联系时间": "2026-10-01",
        "联系状态": "正常",
    }
    values.update(changes)
    return values


def write_roster(drop_root: Path, county: str, branch_file: str, people: list[dict], header=HEADER) -> Path:
    folder = drop_root / county
    folder.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(people)
    path = folder / branch_file
    path.write_bytes(buffer.getvalue().encode("utf-8-sig"))
    return path


GBA_HEADER = [
    "姓名",
    "身份证号码",
    "所在支部",
    "原籍县（市、区）",
    "原党组织",
    "联系电话",
    "编入时间",
    "最近活动时间",
    "党费缴至",
]


def gba_person(serial: int, branch: str = "宜春市驻深圳流动党员第一支部", **changes) -> dict:
    """A GBA roster row for ``person(serial)``: placed in ``branch``, from 万载县's 甲支部."""
    values = {
        "姓名": f"党员{serial}",
        "身份证号码": id_number(serial),
        "所在支部": branch,
        "原籍县（市、区）": "万载县",
        "原党组织": "甲支部",
        "联系电话": f"138{serial:08d}",
        "编入时间": "2024-03-01",
        "最近活动时间": "2026-11-01",
        "党费缴至": "2026年10月",
    }
    values.update(changes)
    return values


def write_gba_roster(drop_root: Path, committee: str, branch_file: str, people: list[dict]) -> Path:
    """A GBA committee's branch roster (``committee`` is its folder under the drop root, e.g. ``SHENZHEN``)."""
    return write_roster(drop_root, committee, branch_file, people, header=GBA_HEADER)


def run_day(
    settings: RunSettings,
    validator=None,
    until: str = "report",
    counties: list[str] | None = None,
    gba_validator=None,
) -> dict:
    """A run's tasks in order, as the DAG runs them, up to and including ``until`` (a worker dying after it).

    ``counties`` are the counties (and committees) whose ingest runs (default: all that ``prepare`` returned; the
    others' tasks die). ``validator`` validates county files, ``gba_validator`` committee files (each built by the
    task when not given). Returns what the tasks returned: ``counties``, ``ingested``, ``merged``, ``finished``,
    ``reported``.
    """
    from roster_recon import reference

    done: dict = {}
    done["counties"] = tasks.prepare_run(settings)
    if until == "prepare":
        return done
    ingesting = done["counties"] if counties is None else counties
    done["ingested"] = {
        c: tasks.ingest_folder(settings, c, validator=gba_validator if c in reference.committees() else validator)
        for c in ingesting
    }
    if until == "ingest":
        return done
    done["merged"] = tasks.merge_run(settings)
    if until == "merge":
        return done
    done["finished"] = {c: tasks.finish_folder(settings, c) for c in tasks.folders_to_finish(settings)}
    if until == "finish":
        return done
    done["reported"] = tasks.report_run(settings)
    return done


def run_all(settings: RunSettings, validator=None, gba_validator=None) -> dict:
    """A whole run (``run_day`` to the report)."""
    return run_day(settings, validator, gba_validator=gba_validator)


def as_role(admin_engine, role: str, query: str):
    """``query``'s rows as ``role`` sees them (SET ROLE on a superuser connection)."""
    with admin_engine.connect() as connection:
        connection.exec_driver_sql(f"SET ROLE {role}")
        return connection.exec_driver_sql(query).all()


def rows(engine, query, **params) -> list[dict]:
    with engine.connect() as connection:
        return [dict(r) for r in connection.execute(sa.text(query), params).mappings()]


def flags_of(engine, serial, branch=None):
    query = "SELECT branch, flags FROM reporting.member_current WHERE name = :name"
    found = {r["branch"]: sorted(r["flags"]) for r in rows(engine, query, name=f"党员{serial}")}
    return found[branch] if branch else found


def latest_evidence_differences(engine, as_of: dt.date) -> int:
    """How many rows of ``core.member_contact`` (each member's latest evidence, as the runs worked it out from what
    moved) differ from the full definition (``contact_latest.sql`` over every member's evidence known by ``as_of``)."""
    from roster_recon import warehouse

    params = {"as_of": as_of}
    columns = (
        "member_key, last_contact_on, last_contact_source, last_event_id, last_report_on, last_report_city,"
        " last_report_city_code, last_report_file_id"
    )
    with warehouse.raw_connection(engine) as connection, connection.cursor() as cursor:
        cursor.execute(warehouse.sql("replay_known_members"), params)
        cursor.execute(warehouse.sql("contact_latest"), params)
        cursor.execute(
            f"SELECT count(*) FROM ((SELECT {columns} FROM latest_contact EXCEPT SELECT {columns}"
            f" FROM core.member_contact) UNION ALL (SELECT {columns} FROM core.member_contact EXCEPT"
            f" SELECT {columns} FROM latest_contact)) d"
        )
        differences = cursor.fetchone()[0]
        connection.rollback()
    return differences


class PanicException(BaseException):
    """What python-calamine raises when its Rust code panics (pyo3's name; a BaseException like it)."""


def crashing_reader(path, max_file_mb, layout):
    """A reader that fails as Rust readers can, chosen by the file's first bytes (run in the reading child)."""
    import os
    import time

    from roster_recon.intake.read import read_roster

    start = Path(path).read_bytes()[:16]
    if start.startswith(b"PANIC"):
        raise PanicException("called `Option::unwrap()` on a `None` value")
    if start.startswith(b"ABORT"):
        os.abort()
    if start.startswith(b"HANG"):
        time.sleep(3600)
    if start.startswith(b"GREEDY"):
        hoard = [bytearray(256 * 1024 * 1024) for _ in range(64)]  # 16 GB, past any ceiling
        return hoard
    return read_roster(path, max_file_mb, layout)


def write_csv_export(folder: Path, name: str, header: list[str], rows: list[dict], encoding: str) -> Path:
    """A CSV export of ``rows`` under ``header`` in ``folder`` (made if missing), as the exporting system encodes it."""
    folder.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header)
    writer.writeheader()
    writer.writerows(rows)
    path = folder / name
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path
