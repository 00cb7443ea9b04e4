"""The naive way a user would otherwise write, on a sample of the same mix of inputs: the benchmark's baseline.

Every file the night reads (county ledgers, GBA committees' rosters, self-reports, dues exports) is read whole with
pandas' default Excel/CSV readers, timed as it is; of each file, its first ``fraction`` of rows then goes the rest
of the naive way: a row-by-row Python loop for normalising and checking, ``DataFrame.to_sql`` for the insert, and one
upsert statement per row (a member's facts for a roster, a member's latest contact for an event). That row-by-row
work is extrapolated, kind by kind, to every row read. Caches in the normalisers are bypassed (``__wrapped__``) so
each row pays its own way, as a loop written from scratch would.
"""

from __future__ import annotations

import time
from collections import defaultdict
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from roster_recon import reference
from roster_recon.intake import discover, normalise
from roster_recon.intake.read import decode_text
from roster_recon.intake.stage import member_key
from roster_recon.settings import DEMO_PII_SECRET

DATES = {"outflow_date", "last_contact_date", "reported_at", "paid_at", "paid_for"}
PLACES = {"destination", "city"}
STAGES = ("read", "validate", "insert", "upsert")


def _naive_read(path: Path, layout: reference.Layout) -> pd.DataFrame:
    if path.suffix.lower() == ".csv":
        _, encoding = decode_text(path.read_bytes())
        raw = pd.read_csv(path, header=None, dtype=str, encoding=encoding)
    else:
        raw = pd.read_excel(path, header=None, dtype=str)
    for position in range(min(10, len(raw))):
        names = [layout.aliases.get(reference.normalise_header(str(v))) for v in raw.iloc[position]]
        if "id_number" in names:
            frame = raw.iloc[position + 1 :].copy()
            frame.columns = [name or f"x{i}" for i, name in enumerate(names)]
            return frame
    return raw.iloc[0:0]


def _checked(row: pd.Series, columns: list[str]) -> dict | None:
    """One row normalised and checked by hand, or ``None`` when its ID number is unusable."""
    id_number = normalise.normalise_id_number(row.get("id_number"))
    if normalise.id_number_problem(id_number) is not None:
        return None
    checked = {"member_key": member_key(id_number, DEMO_PII_SECRET).hex()}
    for column in columns:
        value = row.get(column)
        if column in DATES:
            value = normalise.parse_date.__wrapped__(value)
        elif column == "phone":
            phone = normalise.normalise_phone.__wrapped__(value)
            value = phone.number if phone else None
        elif column in PLACES:
            city = normalise.resolve_destination.__wrapped__(value)
            value = city.name if city else None
        checked[column] = None if value is None or value != value else str(value)
    return checked


def _kinds(drop_root: Path) -> dict[str, tuple[reference.Layout, list[Path]]]:
    folders, _ = discover.source_folders(drop_root)
    kinds: dict[str, tuple[reference.Layout, list[Path]]] = {}
    for folder in folders:
        _, files = kinds.setdefault(folder.kind.name, (folder.kind.layout(), []))
        files.extend(p for p in folder.path.iterdir() if p.is_file() and discover.ignore_reason(p) is None)
    return kinds


def naive_kind(name: str, layout: reference.Layout, files: list[Path], fraction: float, engine: sa.Engine) -> dict:
    """One kind's files the naive way; its seconds per stage and the whole kind's (row work extrapolated)."""
    seconds = dict.fromkeys(STAGES, 0.0)
    heads, rows_read = [], 0
    for path in sorted(files):
        started = time.perf_counter()
        read = _naive_read(path, layout)
        seconds["read"] += time.perf_counter() - started
        rows_read += len(read)
        heads.append(read.head(max(1, round(fraction * len(read)))))
    frame = pd.concat(heads, ignore_index=True) if heads else pd.DataFrame(columns=["id_number"])
    columns = [c for c in layout.aliases.values() if c in frame.columns and c != "id_number"]
    columns = list(dict.fromkeys(columns))

    started = time.perf_counter()
    checked = [row for _, raw in frame.iterrows() if (row := _checked(raw, columns)) is not None]
    seconds["validate"] = time.perf_counter() - started

    started = time.perf_counter()
    pd.DataFrame(checked).to_sql(f"{name}_row", engine, schema="naive", if_exists="replace", index=False)
    seconds["insert"] = time.perf_counter() - started

    started = time.perf_counter()
    event = "reported_at" in columns or "paid_at" in columns
    upsert = sa.text(
        "INSERT INTO naive.contact VALUES (:member_key, :on) ON CONFLICT (member_key)"
        " DO UPDATE SET last_on = greatest(naive.contact.last_on, excluded.last_on)"
        if event
        else "INSERT INTO naive.member_fact VALUES (:kind, :member_key, :facts) ON CONFLICT (kind, member_key)"
        " DO UPDATE SET facts = excluded.facts"
    )
    with engine.begin() as connection:
        for member in checked:
            if event:
                connection.execute(
                    upsert,
                    {"member_key": member["member_key"], "on": member.get("reported_at") or member.get("paid_at")},
                )
            else:
                connection.execute(upsert, {"kind": name, "member_key": member["member_key"], "facts": str(member)})
    seconds["upsert"] = time.perf_counter() - started

    row_work = seconds["validate"] + seconds["insert"] + seconds["upsert"]
    extrapolated = seconds["read"] + row_work * rows_read / max(len(frame), 1)
    return {
        "files": len(files),
        "rows": len(frame),
        "rows_read": rows_read,
        "seconds": sum(seconds.values()),
        "stages": seconds,
        "extrapolated": extrapolated,
    }


def naive_run(drop_root: Path, fraction: float, warehouse_url: str) -> dict:
    """Every kind of input of ``drop_root`` the naive way (row by row on ``fraction`` of the rows); the figures."""
    engine = sa.create_engine(warehouse_url)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA IF EXISTS naive CASCADE; CREATE SCHEMA naive")
        connection.exec_driver_sql(
            "CREATE TABLE naive.member_fact (kind text, member_key text, facts text, PRIMARY KEY (kind, member_key));"
            " CREATE TABLE naive.contact (member_key text PRIMARY KEY, last_on text)"
        )
    kinds = {
        name: naive_kind(name, layout, files, fraction, engine) for name, (layout, files) in _kinds(drop_root).items()
    }
    engine.dispose()
    stages: dict[str, float] = defaultdict(float)
    for kind in kinds.values():
        for stage, seconds in kind["stages"].items():
            stages[stage] += seconds
    return {
        "rows": sum(k["rows"] for k in kinds.values()),
        "rows_read": sum(k["rows_read"] for k in kinds.values()),
        "seconds": sum(k["seconds"] for k in kinds.values()),
        "extrapolated": sum(k["extrapolated"] for k in kinds.values()),
        "stages": dict(stages),
        "kinds": kinds,
    }
