"""Staging: member keys are keyed hashes (32 bytes), the same one at a time or in bulk, no raw ID reaches a staged
row, and the binary COPY brings every column type back as it was sent."""

from __future__ import annotations

from helpers import id_number

from roster_recon.intake.stage import member_key, member_keys


def test_member_keys_in_bulk_equal_one_at_a_time():
    ids = [id_number(serial) for serial in range(50)]
    keys = member_keys(ids, b"secret")
    assert keys == [member_key(value, b"secret") for value in ids]
    assert len(set(keys)) == 50 and all(len(key) == 32 for key in keys)
    assert not any(value.encode("ascii") in key or value in key.hex() for key, value in zip(keys, ids, strict=True))
    assert member_keys(ids[:3], b"another secret") != keys[:3]


def test_masked_id_numbers_by_column_equal_one_at_a_time():
    from roster_recon.intake.normalise import mask_id_number
    from roster_recon.intake.stage import masked_id_numbers

    ids = [id_number(serial) for serial in range(20)]
    assert masked_id_numbers(ids).to_pylist() == [mask_id_number(value) for value in ids]
    assert masked_id_numbers(ids)[0].as_py() == ids[0][:6] + "********" + ids[0][-4:]
    mixed = [*ids[:3], "36092219900101123", "12345"]  # not 18 characters: the one-value rule, value by value
    assert list(masked_id_numbers(mixed)) == [mask_id_number(value) for value in mixed]
    assert list(masked_id_numbers([])) == []


def test_binary_copy_brings_every_type_back_as_sent(engine):
    import datetime as dt

    import pandas as pd

    from roster_recon import warehouse
    from roster_recon.intake.stage import copy_rows

    reported = pd.Timestamp("2026-11-03 21:15:07.250", tz="Asia/Shanghai")
    sent = pd.DataFrame(
        {
            "run_id": ["binary-copy", "binary-copy"],
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
        assert copy_rows(connection, sent, table="staging.self_report") == 2
        assert copy_rows(connection, sent.iloc[:0], table="staging.self_report") == 0
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
