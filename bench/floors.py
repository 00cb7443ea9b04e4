"""``make bench --floors``: each stage's floor, the fastest way this machine does that stage's work, in isolation.

Measured on the same rows as the first load (the month-one files, and the warehouse the runs left), each floor does a
stage's essential work and nothing else: no holding copy, no problem lists, no per-file bookkeeping, no history.

- read: python-calamine's cells (every visible sheet) or pyarrow's CSV reader, the header found, the kind's columns
  made Arrow, the Excel-damaged ID check (``1.23E+17``) kept, one vectorised pass per file;
- normalise: Arrow compute over those columns: white space trimmed, dates parsed, phone digits and ID letters;
- validate: the expectations' conditions as Arrow compute (required cells present, ID and phone patterns);
- stage: one HMAC pass over every ID (``hmac.digest``, the fastest Python has) and a COPY of the columns alone;
- evidence, merge_gba, merge: the rows those stages write, written by one ``INSERT … SELECT`` into a copy of the
  table with its indexes (logged, as the warehouse's tables are);
- reconcile: one hash join of the GBA placements with the current ledger entries, written to a table;
- flags: one scan of the current entries with each member's latest contact, the conditions of every flag;
- finish: the follow-up lists' rows read and written as one workbook by the same writer;
- reports: one aggregate per county over the current entries and their open flags.
"""

from __future__ import annotations

import hmac
import io
import time
from collections import defaultdict
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from roster_recon.intake import discover
from roster_recon.intake.read import _read_csv_pyarrow, csv_header_and_body, decode_text
from roster_recon.intake.table import HEADER_SEARCH_ROWS, RosterFileError, find_header

EXCEL_DAMAGED_ID = r"^\d(\.\d+)?[Ee]\+\d+$"
DATE_COLUMNS = {"outflow_date", "last_contact_date", "reported_at", "paid_at"}


def _excel_columns(path: Path, layout) -> list[dict[str, pa.Array]]:
    from python_calamine import CalamineWorkbook

    tables = []
    with CalamineWorkbook.from_path(str(path)) as workbook:
        for index, meta in enumerate(workbook.sheets_metadata):
            if str(meta.visible).lower().endswith("hidden"):
                continue
            rows = workbook.get_sheet_by_index(index).to_python(skip_empty_area=False)
            head = [[None if v == "" else str(v) for v in row] for row in rows[:HEADER_SEARCH_ROWS]]
            try:
                header, columns, _ = find_header(head, layout)
            except RosterFileError:  # a sheet with no roster header: the reader skips it too
                continue
            body = list(zip(*rows[header + 1 :], strict=False)) if len(rows) > header + 1 else []
            tables.append(
                {
                    name: pa.array([None if v == "" else str(v) for v in body[position]], type=pa.string())
                    for position, name in columns.items()
                    if position < len(body)
                }
            )
    return tables


def _csv_columns(path: Path, layout) -> list[dict[str, pa.Array]]:
    """The pipeline's own way to the body and through pyarrow (a ragged file, read row by row there, is left out)."""
    data = path.read_bytes()
    text, encoding = decode_text(data)
    header, _, columns, _, body = csv_header_and_body(data, text, encoding, layout)
    arrays = _read_csv_pyarrow(body, len(header), columns)
    return [arrays] if arrays is not None else []


def read_floor(drop_root: Path) -> tuple[float, list[dict[str, pa.Array]]]:
    folders, _ = discover.source_folders(drop_root)
    tables, started = [], time.perf_counter()
    for folder in folders:
        layout = folder.kind.layout()
        for path in sorted(folder.path.iterdir()):
            if not path.is_file() or discover.ignore_reason(path) is not None:
                continue
            reader = _csv_columns if path.suffix.lower() == ".csv" else _excel_columns
            try:
                read = reader(path, layout)
            except (RosterFileError, UnicodeDecodeError, pa.ArrowInvalid):  # rejected by the pipeline too
                continue
            for table in read:
                if "id_number" in table:
                    pc.any(pc.match_substring_regex(table["id_number"], EXCEL_DAMAGED_ID))
                tables.append(table)
    return time.perf_counter() - started, tables


def normalise_floor(tables: list[dict[str, pa.Array]]) -> float:
    started = time.perf_counter()
    for table in tables:
        for name, column in table.items():
            text = pc.utf8_trim_whitespace(column)
            if name in DATE_COLUMNS:
                pc.strptime(pc.utf8_slice_codeunits(text, 0, 10), format="%Y-%m-%d", unit="s", error_is_null=True)
            elif name == "phone":
                pc.replace_substring_regex(text, r"\D", "")
            elif name == "id_number":
                pc.utf8_upper(text)
    return time.perf_counter() - started


def validate_floor(tables: list[dict[str, pa.Array]]) -> float:
    started = time.perf_counter()
    for table in tables:
        for name in ("name", "id_number"):
            if name in table:
                table[name].null_count  # noqa: B018 - the check is the read
        if "id_number" in table:
            pc.sum(pc.match_substring_regex(table["id_number"], r"^\d{17}[\dXx]$"))
        if "phone" in table:
            pc.sum(pc.match_substring_regex(table["phone"], r"^1[3-9]\d{9}$"))
    return time.perf_counter() - started


def stage_floor(tables: list[dict[str, pa.Array]], connection) -> tuple[float, float]:
    """One HMAC pass over every ID number, then the columns COPYed alone; (hmac seconds, copy seconds)."""
    secret = b"floor-secret"
    started = time.perf_counter()
    for table in tables:
        if "id_number" in table:
            [hmac.digest(secret, v.encode(), "sha256") for v in table["id_number"].to_pylist() if v]
    hashed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE floor_stage (a text, b text, c text, d text, e text, f text, g text)")
        started = time.perf_counter()
        for table in tables:
            columns = list(table.values())[:7]
            columns += [pa.nulls(len(columns[0]), pa.string())] * (7 - len(columns))
            buffer = io.BytesIO()
            pacsv.write_csv(pa.table(columns, names=list("abcdefg")), buffer, pacsv.WriteOptions(include_header=False))
            buffer.seek(0)
            cursor.copy_expert("COPY floor_stage FROM STDIN (FORMAT csv)", buffer)
        copied = time.perf_counter() - started
    connection.rollback()
    return hashed, copied


def _timed(connection, statements: list[str]) -> float:
    with connection.cursor() as cursor:
        started = time.perf_counter()
        for statement in statements:
            cursor.execute(statement)
        seconds = time.perf_counter() - started
    connection.rollback()
    return seconds


def _copy_into(table: str, rows: int, where: str = "true") -> list[str]:
    scratch = f"floor_{table.split('.')[1]}"
    return [
        f"CREATE TABLE public.{scratch} (LIKE {table} INCLUDING INDEXES)",
        f"INSERT INTO public.{scratch} SELECT * FROM {table} WHERE {where} LIMIT {int(rows)}",
    ]


def database_floors(connection, rows: dict[str, int]) -> dict[str, float]:
    """The database stages' floors on the warehouse the runs left (``rows``: each stage's first-load rows)."""
    return {
        "evidence": _timed(connection, _copy_into("core.contact_event", rows["evidence"])),
        "merge_gba": _timed(connection, _copy_into("core.gba_placement", rows["merge_gba"])),
        "merge": _timed(connection, _copy_into("core.roster_version", rows["merge"], "valid_to IS NULL")),
        "reconcile": _timed(
            connection,
            [
                "CREATE TEMP TABLE floor_reconcile AS SELECT coalesce(g.member_key, v.member_key) AS member_key,"
                " CASE WHEN g.member_key IS NULL THEN 'not_placed' WHEN v.member_key IS NULL THEN 'not_on_ledger'"
                " ELSE 'matched' END AS category"
                " FROM (SELECT DISTINCT member_key FROM core.gba_placement WHERE valid_to IS NULL) g"
                " FULL JOIN (SELECT member_key FROM core.roster_version WHERE valid_to IS NULL AND in_gba) v"
                " USING (member_key)"
            ],
        ),
        "flags": _timed(
            connection,
            [
                "CREATE TEMP TABLE floor_flags AS SELECT v.member_key, v.county_code, v.branch,"
                " v.outflow_date IS NULL AS missing_outflow_time, v.destination IS NULL AS missing_destination,"
                " v.phone IS NULL OR NOT v.phone_valid AS missing_contact, v.industry IS NULL AS missing_industry,"
                " v.status_lost OR c.last_contact_on + interval '6 months' < current_date AS lost_contact,"
                " c.member_key IS NULL AS no_contact_record"
                " FROM core.roster_version v LEFT JOIN core.member_contact c USING (member_key)"
                " WHERE v.valid_to IS NULL"
            ],
        ),
        "reports": _timed(
            connection,
            [
                "SELECT v.county_code, count(*), count(DISTINCT v.member_key), count(f.flag),"
                " count(*) FILTER (WHERE f.flag = 'lost_contact')"
                " FROM core.roster_version v LEFT JOIN core.member_flag f"
                " ON f.member_key = v.member_key AND f.county_code = v.county_code AND f.branch = v.branch"
                " AND f.closed_on IS NULL WHERE v.valid_to IS NULL GROUP BY v.county_code"
            ],
        ),
    }


def finish_floor(connection, out: Path) -> float:
    """Every county's flagged entries read and written as one workbook by the follow-up lists' writer."""
    import pandas as pd
    import rustpy_xlsxwriter as xlsx

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT v.branch, v.name, m.id_number_masked, v.phone, string_agg(f.flag, '、'), min(f.raised_on)::text,"
            " v.outflow_date::text, v.destination, v.industry, c.last_contact_on::text, c.last_contact_source,"
            " v.contact_status FROM core.member_flag f JOIN core.roster_version v"
            " ON v.member_key = f.member_key AND v.county_code = f.county_code AND v.branch = f.branch"
            " AND v.valid_to IS NULL JOIN core.member m ON m.member_key = f.member_key"
            " LEFT JOIN core.member_contact c ON c.member_key = f.member_key"
            " WHERE f.closed_on IS NULL GROUP BY v.version_id, m.member_key, c.member_key"
        )
        frame = pd.DataFrame(cursor.fetchall(), dtype=object)
    connection.rollback()
    xlsx.write_worksheets([("floor", frame)], str(out))
    seconds = time.perf_counter() - started
    out.unlink(missing_ok=True)
    return seconds


def measure(drop_root: Path, connection, rows: dict[str, int], work_dir: Path) -> dict[str, float]:
    """Every stage's floor in seconds (``stage`` split into its HMAC and its COPY as ``stage:hmac``/``stage:copy``)."""
    floors: dict[str, float] = defaultdict(float)
    floors["read"], tables = read_floor(drop_root)
    floors["normalise"] = normalise_floor(tables)
    floors["validate"] = validate_floor(tables)
    hashed, copied = stage_floor(tables, connection)
    floors.update({"stage": hashed + copied, "stage:hmac": hashed, "stage:copy": copied})
    del tables
    floors.update(database_floors(connection, rows))
    floors["finish"] = finish_floor(connection, work_dir / "floor.xlsx")
    return dict(floors)
