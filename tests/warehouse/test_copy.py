"""The binary COPY brings every column type back as it was sent, with the constants (run, file) it is given."""

from __future__ import annotations

from helpers import id_number


def test_binary_copy_brings_every_type_back_as_sent(engine):
    import datetime as dt

    import pandas as pd

    from roster_recon import warehouse
    from roster_recon.intake.stage import member_key, member_keys
    from roster_recon.warehouse.copy import copy_rows

    reported = pd.Timestamp("2026-11-03 21:15:07.250", tz="Asia/Shanghai")
    sent = pd.DataFrame(
        {
            "file_id": [2**40, 7],
            "source_row": [3, 2**31 - 1],
            "member_key": member_keys([id_number(1), id_number(2)], b"secret"),
            "reported_at": [reported, pd.Timestamp("1999-12-31 23:59:59.999999", tz="UTC")],
            "city": ["深圳市", None],
            "city_code": ["440300", ""],
            "committee_code": [None, "440300"],
        }
    )
    with warehouse.raw_connection(engine) as connection:
        assert copy_rows(connection, sent, "staging.self_report", run_id="binary-copy") == 2  # a constant column
        assert copy_rows(connection, sent.iloc[:0], "staging.self_report", run_id="binary-copy") == 0
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT file_id, source_row, member_key, reported_at, city, city_code, committee_code"
                " FROM staging.self_report WHERE run_id = 'binary-copy' ORDER BY source_row"
            )
            back = cursor.fetchall()
            cursor.execute("DELETE FROM staging.self_report WHERE run_id = 'binary-copy'")
    assert [(row[0], row[1], bytes(row[2]), row[4], row[5], row[6]) for row in back] == [
        (2**40, 3, member_key(id_number(1), b"secret"), "深圳市", "440300", None),
        (7, 2**31 - 1, member_key(id_number(2), b"secret"), None, "", "440300"),
    ]
    assert back[0][3] == reported.to_pydatetime() and back[0][3].astimezone(dt.UTC).hour == 13
    assert back[1][3] == dt.datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=dt.UTC)  # before PostgreSQL's epoch
