"""Staging: accepted roster rows into ``staging.roster_row`` with one PostgreSQL COPY per file.

This is where the raw ID number is dropped for good: a row enters the warehouse with its member key (HMAC-SHA256 of
the normalised ID with the secret ``roster_pii_secret``), its masked ID and birth date, never the ID itself.
Rows are serialised with ``pyarrow.csv`` (several times faster than ``DataFrame.to_csv``) and streamed through
psycopg2's ``copy_expert``.
"""

from __future__ import annotations

import hashlib
import hmac
import io

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from roster_recon.normalise import birth_date, mask_id_number

STAGING_COLUMNS = (
    "run_id",
    "file_id",
    "county_code",
    "branch",
    "source_row",
    "member_key",
    "id_masked",
    "birth_date",
    "name",
    "gender",
    "outflow_date",
    "destination",
    "destination_city",
    "destination_city_code",
    "in_gba",
    "gba_committee",
    "phone",
    "phone_valid",
    "phone_national",
    "industry",
    "last_contact_date",
    "contact_status",
    "status_lost",
)


def member_key(id_number: str, secret: bytes) -> str:
    """The warehouse's key for a member: HMAC-SHA256 of the normalised ID number, hex."""
    return hmac.new(secret, id_number.encode("ascii"), hashlib.sha256).hexdigest()


def staging_frame(accepted: pd.DataFrame, run_id: str, file_id: int, county_code: str, secret: bytes) -> pd.DataFrame:
    """The staging rows for a file's accepted rows (normalised columns plus ``source_row``); no raw ID number."""
    ids = accepted["id_number"].astype(object)
    rows = pd.DataFrame(index=accepted.index)
    rows["run_id"] = run_id
    rows["file_id"] = file_id
    rows["county_code"] = county_code
    rows["branch"] = accepted["branch"]
    rows["source_row"] = accepted["source_row"]
    rows["member_key"] = [member_key(value, secret) for value in ids]
    rows["id_masked"] = [mask_id_number(value) for value in ids]
    rows["birth_date"] = [birth_date(value) for value in ids]
    for column in STAGING_COLUMNS[8:]:
        rows[column] = accepted[column]
    return rows.loc[:, list(STAGING_COLUMNS)]


_ARROW_TYPES = {
    "file_id": pa.int64(),
    "source_row": pa.int32(),
    "birth_date": pa.date32(),
    "outflow_date": pa.date32(),
    "last_contact_date": pa.date32(),
    "in_gba": pa.bool_(),
    "phone_valid": pa.bool_(),
    "status_lost": pa.bool_(),
}


def copy_rows(connection, rows: pd.DataFrame, table: str = "staging.roster_row") -> int:
    """COPY a frame whose columns are ``STAGING_COLUMNS`` into ``table`` on a psycopg2 connection."""
    if rows.empty:
        return 0
    schema = pa.schema([(column, _ARROW_TYPES.get(column, pa.string())) for column in rows.columns])
    table_data = pa.Table.from_pandas(rows, schema=schema, preserve_index=False)
    buffer = io.BytesIO()
    pacsv.write_csv(table_data, buffer, write_options=pacsv.WriteOptions(include_header=False))
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.copy_expert(
            f"COPY {table} ({', '.join(rows.columns)}) FROM STDIN WITH (FORMAT csv)",
            buffer,
        )
    return len(rows)
