"""COPY into the warehouse: a frame or an Arrow table, in PostgreSQL's binary format, on a psycopg2 connection.

Rows go as Arrow record batches encoded in PostgreSQL's binary COPY format (``pgpq``: no text to write here nor parse
on the server) through psycopg2's ``copy_expert``, in the caller's transaction. Each column's Arrow type is the table
column's (``outcome.arrow_type``: text, bigint, integer, date, boolean, bytea, timestamptz).
"""

from __future__ import annotations

import io

import pandas as pd
import pyarrow as pa
from pgpq import ArrowToPostgresBinaryEncoder

from roster_recon.outcome import arrow_type


def copy_rows(connection, rows: pd.DataFrame | pa.Table, table: str, **constants) -> int:
    """COPY ``rows`` (columns named as ``table``'s) into ``table``, each row with the ``constants`` besides (the run
    and the file a staged file's rows belong to); returns the rows copied."""
    if len(rows) == 0:
        return 0
    if isinstance(rows, pd.DataFrame):
        schema = pa.schema([(column, arrow_type(column)) for column in rows.columns])
        rows = pa.Table.from_pandas(rows, schema=schema, preserve_index=False)
    else:
        rows = rows.cast(pa.schema([(column, arrow_type(column)) for column in rows.column_names]))
    for name, value in constants.items():
        rows = rows.append_column(
            pa.field(name, arrow_type(name)), pa.repeat(pa.scalar(value, arrow_type(name)), len(rows))
        )
    encoder = ArrowToPostgresBinaryEncoder(rows.schema)
    buffer = io.BytesIO()
    buffer.write(encoder.write_header())
    for batch in rows.to_batches():
        buffer.write(encoder.write_batch(batch))
    buffer.write(encoder.finish())
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.copy_expert(f"COPY {table} ({', '.join(rows.column_names)}) FROM STDIN WITH (FORMAT binary)", buffer)
    return rows.num_rows
