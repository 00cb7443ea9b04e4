"""The naive way a user would otherwise write, on a sample of the same files: the benchmark's baseline.

pandas' default Excel/CSV readers, a row-by-row Python loop for normalising and checking, ``DataFrame.to_sql`` for
the insert, and one upsert statement per member. Caches in the normalisers are bypassed (``__wrapped__``) so each
row pays its own way, as a loop written from scratch would.
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from roster_recon import reference
from roster_recon.intake import discover, normalise
from roster_recon.intake.read import decode_text
from roster_recon.intake.stage import member_key
from roster_recon.settings import DEMO_PII_SECRET


def _naive_read(path: Path) -> pd.DataFrame:
    if path.suffix == ".csv":
        _, encoding = decode_text(path.read_bytes())
        raw = pd.read_csv(path, header=None, dtype=str, encoding=encoding)
    else:
        raw = pd.read_excel(path, header=None, dtype=str)
    aliases = reference.header_aliases()
    for position in range(min(10, len(raw))):
        names = [aliases.get(reference.normalise_header(str(v))) for v in raw.iloc[position]]
        if "id_number" in names:
            frame = raw.iloc[position + 1 :].copy()
            frame.columns = [name or f"x{i}" for i, name in enumerate(names)]
            return frame
    return raw.iloc[0:0]


def naive_run(drop_root: Path, work_dir: Path, sample_rows: int, warehouse_url: str) -> dict:
    files = sorted(p for p in drop_root.glob("*/*") if p.is_file() and discover.ignore_reason(p) is None)
    stages = {"read": 0.0, "validate": 0.0, "insert": 0.0, "upsert": 0.0}
    frames, rows = [], 0
    started = time.perf_counter()
    for path in files:
        if rows >= sample_rows:
            break
        frame = _naive_read(path)
        if "name" in frame.columns:
            frames.append(frame)
            rows += len(frame)
    stages["read"] = time.perf_counter() - started

    started = time.perf_counter()
    checked = []
    for _, row in pd.concat(frames).iterrows():
        id_number = normalise.normalise_id_number(row.get("id_number"))
        if normalise.id_number_problem(id_number) is not None or not isinstance(row.get("name"), str):
            continue
        phone = normalise.normalise_phone.__wrapped__(row.get("phone"))
        city = normalise.resolve_destination.__wrapped__(row.get("destination"))
        checked.append(
            {
                "member_key": member_key(id_number, DEMO_PII_SECRET).hex(),
                "name": row.get("name"),
                "outflow_date": normalise.parse_date.__wrapped__(row.get("outflow_date")),
                "destination_city": city.name if city else None,
                "phone": phone.number if phone else None,
                "industry": row.get("industry"),
                "last_contact_date": normalise.parse_date.__wrapped__(row.get("last_contact_date")),
            }
        )
    stages["validate"] = time.perf_counter() - started

    engine = sa.create_engine(warehouse_url)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA IF EXISTS naive CASCADE; CREATE SCHEMA naive")
        connection.exec_driver_sql(
            "CREATE TABLE naive.member (member_key text PRIMARY KEY, name text, outflow_date date,"
            " destination_city text, phone text, industry text, last_contact_date date)"
        )
    started = time.perf_counter()
    pd.DataFrame(checked).to_sql("roster_row", engine, schema="naive", if_exists="replace", index=False)
    stages["insert"] = time.perf_counter() - started

    started = time.perf_counter()
    upsert = sa.text(
        "INSERT INTO naive.member VALUES (:member_key, :name, :outflow_date, :destination_city, :phone, :industry,"
        " :last_contact_date) ON CONFLICT (member_key) DO UPDATE SET name = excluded.name,"
        " outflow_date = excluded.outflow_date, destination_city = excluded.destination_city,"
        " phone = excluded.phone, industry = excluded.industry, last_contact_date = excluded.last_contact_date"
    )
    with engine.begin() as connection:
        for member in checked:
            connection.execute(upsert, member)
    stages["upsert"] = time.perf_counter() - started
    engine.dispose()
    seconds = sum(stages.values())
    return {"rows": rows, "seconds": seconds, "seconds_per_row": seconds / max(rows, 1), "stages": stages}
